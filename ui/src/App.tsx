// Layout: header (viewed instance, connection, Clear), navigation with
// counts, the lost-instance banner, and the routed view.

import { useState } from 'react';
import { Link, useAppState, useStoreApi } from './context';
import { useFeed, useHistorySync, useInstancesRefresh } from './hooks';
import { homePort } from './sidecar';
import { messageOf } from './api/http';
import { ErrorsView } from './views/Errors';
import { ErrorDetailView } from './views/ErrorDetail';
import { TracesView } from './views/Traces';
import { TraceDetailView } from './views/TraceDetail';
import { LogsView } from './views/Logs';
import { ControlCenterView } from './views/ControlCenter';
import { ItemDetailView, ItemsView } from './views/Items';
import { EvictionNotice } from './components/EvictionNotice';
import { ProfileDetailView, ProfilesView, SpanProfileView } from './views/Profiles';
import { AICallDetailView, AICallsView } from './views/AICalls';
import { PageVitalsView, QueriesView, QueryGroupView, ResourcesView, WebVitalsView } from './views/Insights';
import { EnvelopeDetailView, EnvelopesView, SDKsView } from './views/Envelopes';
import type { AppState } from './store/store';

export function App() {
  const store = useStoreApi();
  const instancePort = useAppState((s) => s.instancePort);
  const copy = useAppState((s) => s.copy);
  useFeed(store, instancePort, copy);
  useInstancesRefresh(store);
  useHistorySync(store);
  return (
    <div className="app">
      <Header />
      <div className="body">
        <Nav />
        <main className="main" id="main">
          <LostBanner />
          <EvictionNotice />
          <Route />
        </main>
      </div>
    </div>
  );
}

/** What the tab views, plainly: an instance (project@port), all instances, an ended one, or what was sent to home directly. */
function viewedLabel(s: AppState): string {
  if (s.copy === 'all') return 'All instances';
  if (s.copy !== null) {
    const i = s.instances.get(s.copy)?.instance;
    const name = s.copy === 'home' ? `direct@${homePort()}` : `${i?.projectName || 'instance'}@${i?.port ?? '?'}`;
    return `${name} (${i?.status === 'ended' ? 'ended, ' : ''}read only)`;
  }
  const port = s.instancePort ?? homePort();
  const c = s.current;
  if (c && !c.controlCenter && c.projectName) return `${c.projectName}@${c.port}`;
  if (s.instancePort !== null) {
    const known = [...s.instances.values()].find((v) => v.instance.port === s.instancePort);
    return `${known?.instance.projectName ?? 'instance'}@${port}`;
  }
  return `localhost:${port}`;
}

/** The choice of instance inside the all-instances view. */
function InstanceFilter() {
  const store = useStoreApi();
  const copy = useAppState((s) => s.copy);
  const instances = useAppState((s) => s.instances);
  if (copy === null) return null;
  const options = [...instances.values()].map((v) => v.instance).filter((i) => i.status !== 'orphaned');
  return (
    <label className="instance-filter">
      <span>Instance</span>
      <select value={copy} onChange={(e) => store.getState().openCopy(e.target.value, store.getState().path)} data-testid="instance-filter">
        <option value="all">All instances</option>
        <option value="home">direct@{homePort()}</option>
        {options.map((i) => (
          <option key={i.instanceId} value={i.instanceId}>
            {i.projectName || 'instance'}@{i.port}
            {i.status === 'ended' ? ' (ended)' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

function Header() {
  const store = useStoreApi();
  const label = useAppState(viewedLabel);
  const instancePort = useAppState((s) => s.instancePort);
  const copy = useAppState((s) => s.copy);
  const stopped = useAppState((s) => s.stopped);
  const connection = useAppState((s) => s.connection);
  const [clearError, setClearError] = useState<string | null>(null);
  const clear = async () => {
    try {
      await store.getState().client().clear();
      // The feed says so too; emptying now spares a moment of stale rows.
      store.getState().resetEvents();
      setClearError(null);
    } catch (e) {
      setClearError(messageOf(e));
    }
  };
  // A stopped instance will not come back: say so rather than "Reconnecting…".
  const connText = stopped ? 'Stopped' : { open: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }[connection];
  return (
    <header className="header">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <span className="brand">Spotlight</span>
      <span className="viewing" data-testid="viewing">
        Viewing <strong>{label}</strong>
        {instancePort === null && copy === null && <span className="muted"> (what SDKs sent here directly)</span>}
        {(instancePort !== null || copy !== null) && (
          <button type="button" className="link-button" onClick={() => store.getState().switchInstance(null)}>
            ← Back to localhost:{homePort()}
          </button>
        )}
      </span>
      <InstanceFilter />
      <span className={`conn conn-${stopped ? 'stopped' : connection}`} role="status" data-testid="connection">
        <span className="dot" aria-hidden="true" />
        {connText}
      </span>
      {clearError && (
        <span className="header-error" role="alert">
          {clearError}
        </span>
      )}
      {copy === null && (
        <button type="button" className="button" onClick={() => void clear()}>
          Clear
        </button>
      )}
    </header>
  );
}

function Nav() {
  const path = useAppState((s) => s.path);
  const counts = useAppState((s) => s.counts);
  const instances = useAppState((s) => s.instances.size);
  const items = [
    { to: '/errors', label: 'Errors', count: counts?.errors ?? 0 },
    { to: '/traces', label: 'Traces', count: counts?.traces ?? 0 },
    { to: '/logs', label: 'Logs', count: counts?.logs ?? 0 },
    { to: '/profiles', label: 'Profiles', count: counts?.profiles ?? 0 },
    { to: '/ai', label: 'AI calls', count: undefined },
    { to: '/insights', label: 'Insights', count: undefined },
    { to: '/envelopes', label: 'Envelopes', count: undefined },
    // Shown only when there is something to look at.
    ...((counts?.items ?? 0) > 0 || path.startsWith('/items') ? [{ to: '/items', label: 'Undecodable', count: counts?.items ?? 0 }] : []),
    { to: '/instances', label: 'Control Center', count: instances },
  ];
  return (
    <nav className="nav" aria-label="Views">
      <ul>
        {items.map((i) => {
          const current = path === i.to || path.startsWith(`${i.to}/`) || (i.to === '/errors' && path === '/');
          return (
            <li key={i.to}>
              <Link to={i.to} className={current ? 'nav-link current' : 'nav-link'} aria-current={current ? 'page' : undefined}>
                <span>{i.label}</span>
                {i.count !== undefined && (
                  <span className="nav-count" data-testid={`count-${i.to.slice(1)}`}>
                    {i.count}
                  </span>
                )}
              </Link>
            </li>
          );
        })}
      </ul>
      <AllInstancesButton />
    </nav>
  );
}

/** Opens every instance's events together (the Control Center's merged copy). */
function AllInstancesButton() {
  const store = useStoreApi();
  const copy = useAppState((s) => s.copy);
  if (copy === 'all') return null;
  return (
    <button type="button" className="button nav-all" onClick={() => store.getState().openCopy('all', '/errors')}>
      All instances
    </button>
  );
}

function LostBanner() {
  const store = useStoreApi();
  const instancePort = useAppState((s) => s.instancePort);
  const lost = useAppState((s) => s.lost);
  const stopped = useAppState((s) => s.stopped);
  const label = useAppState(viewedLabel);
  const known = useAppState((s) => [...s.instances.values()].find((v) => v.instance.port === s.instancePort)?.instance);
  if (instancePort === null) return null;
  const status = known?.status;
  const bad = status !== undefined && status !== 'healthy';
  if (!lost && !bad && !stopped) return null;
  // Ended (or gone): it will not come back, but the Control Center may still hold its events.
  const ended = stopped || status === 'ended';
  return (
    <div className="banner banner-warn" role="alert" data-testid="lost-banner">
      <span>
        {ended ? `${label} stopped.` : `${label} ${bad ? `is ${status}` : 'does not answer'}: it may have stopped or hung.`}
      </span>
      {ended && known?.status === 'ended' && (
        <button type="button" className="button" onClick={() => store.getState().openCopy(known.instanceId)}>
          Open its events (read only)
        </button>
      )}
      <button type="button" className="button" onClick={() => store.getState().switchInstance(null)}>
        Back to localhost:{homePort()}
      </button>
    </div>
  );
}

function Route() {
  const path = useAppState((s) => s.path);
  const query = useAppState((s) => s.query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [view, id, sub] = parts;
  if (!view || view === 'errors') return id ? <ErrorDetailView id={id} /> : <ErrorsView />;
  if (view === 'traces' && id && sub === 'profile') return <SpanProfileView traceId={id} spanId={new URLSearchParams(query).get('span') ?? undefined} />;
  if (view === 'profiles') return id ? <ProfileDetailView id={id} /> : <ProfilesView />;
  if (view === 'ai') return id ? <AICallDetailView id={id} /> : <AICallsView />;
  if (view === 'traces') return id ? <TraceDetailView traceId={id} spanId={new URLSearchParams(query).get('span') ?? undefined} /> : <TracesView />;
  if (view === 'logs') return <LogsView query={query} />;
  if (view === 'items') return id ? <ItemDetailView id={id} /> : <ItemsView />;
  if (view === 'instances') return <ControlCenterView />;
  if (view === 'insights') return <InsightsRoute page={id} id={sub} />;
  if (view === 'envelopes') return id ? <EnvelopeDetailView id={id} /> : <EnvelopesView />;
  if (view === 'sdks') return <SDKsView />;
  return (
    <div className="view padded">
      <h1>Not found</h1>
      <p>
        There is no view at {path}. <Link to="/errors">Go to Errors</Link>
      </p>
    </div>
  );
}

/** /insights/{queries,web-vitals,resources}[/{group or page}] (issue 18). */
function InsightsRoute({ page, id }: { page?: string; id?: string }) {
  if (page === 'web-vitals') return id ? <PageVitalsView page={id} /> : <WebVitalsView />;
  if (page === 'resources') return <ResourcesView />;
  return id ? <QueryGroupView id={id} /> : <QueriesView />;
}
