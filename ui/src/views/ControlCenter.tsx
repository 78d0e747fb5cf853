// The Control Center: every `spotlight run` instance on this machine, with
// Connect (view its data in this tab) and Terminate.

import { useEffect, useMemo, useRef, useState } from 'react';
import { useAppState, useStoreApi } from '../context';
import { useDebounced, useNow } from '../hooks';
import { formatDateTime, formatUptime } from '../lib/format';
import { dismissInstance, homePort, terminateInstance } from '../sidecar';
import { messageOf } from '../api/http';
import { SearchBox } from '../components/common';
import type { InstanceView } from '../store/store';
import type { Instance } from '../types';

export function uptimeSeconds(i: Instance, now: number): number {
  const start = Date.parse(i.startTime);
  return Number.isNaN(start) ? (i.uptimeSeconds ?? 0) : (now - start) / 1000;
}

export function ControlCenterView() {
  const store = useStoreApi();
  const instances = useAppState((s) => s.instances);
  const loaded = useAppState((s) => s.instancesLoaded);
  const error = useAppState((s) => s.instancesError);
  // The page may itself be served by an instance's sidecar: then that one is current at home.
  const viewedPort = useAppState((s) => s.instancePort ?? homePort());
  const copy = useAppState((s) => s.copy);
  const now = useNow(1000);
  const [query, setQuery] = useState('');
  const [confirm, setConfirm] = useState<Instance | null>(null);
  const q = useDebounced(query.trim().toLowerCase(), 80);
  const list = useMemo(
    () =>
      [...instances.values()]
        .filter(({ instance: i }) => !q || [i.projectName, i.command, i.cwd, String(i.port)].some((f) => (f ?? '').toLowerCase().includes(q)))
        .sort((a, b) => Date.parse(b.instance.startTime) - Date.parse(a.instance.startTime)),
    [instances, q],
  );

  const doDismiss = async (i: Instance) => {
    try {
      await dismissInstance(i.instanceId);
      store.getState().removeInstance(i.instanceId);
    } catch (e) {
      store.getState().setTerminate(i.instanceId, { error: messageOf(e) });
    }
  };

  const doTerminate = async (i: Instance) => {
    setConfirm(null);
    const s = store.getState();
    s.setTerminate(i.instanceId, { terminating: true });
    try {
      await terminateInstance(i.instanceId);
      store.getState().removeInstance(i.instanceId);
      if (store.getState().instancePort === i.port) store.getState().switchInstance(null, '/instances');
    } catch (e) {
      store.getState().setTerminate(i.instanceId, { error: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <div className="view padded">
      <div className="toolbar">
        <h1>Control Center</h1>
        <SearchBox value={query} onChange={setQuery} label="Search instances" placeholder="Project, command, directory or port" wide />
        <span className="muted" aria-live="polite">
          {list.length} of {instances.size} instances
        </span>
        <button type="button" className="button" onClick={() => void store.getState().refreshInstances()}>
          Refresh
        </button>
        <button type="button" className="button" onClick={() => store.getState().openCopy('all', '/errors')}>
          Every instance's events
        </button>
      </div>
      {error && (
        <p className="banner banner-warn" role="alert">
          Could not list the instances: {error}
        </p>
      )}
      {loaded && instances.size === 0 && (
        <div className="empty-state">
          <h2>No Spotlight instances are running</h2>
          <p>
            Start your app under Spotlight to see it here, for example: <code>spotlight run npm run dev</code>
          </p>
          <p className="muted">
            <code>spotlight run &lt;your dev command&gt;</code> starts your dev server with Spotlight wired in, and it appears here within a second.
          </p>
        </div>
      )}
      {!loaded && <p className="muted">Loading instances…</p>}
      <ul className="cards" aria-label="Instances">
        {list.map((v) => (
          <InstanceCard
            key={v.instance.instanceId}
            view={v}
            now={now}
            current={v.instance.status === 'ended' ? copy === v.instance.instanceId : copy === null && v.instance.port === viewedPort}
            onConnect={() => store.getState().switchInstance(v.instance.port === homePort() ? null : v.instance.port)}
            onOpen={() => store.getState().openCopy(v.instance.instanceId)}
            onDismiss={() => void doDismiss(v.instance)}
            onTerminate={() => setConfirm(v.instance)}
          />
        ))}
      </ul>
      {confirm && <ConfirmTerminate instance={confirm} onCancel={() => setConfirm(null)} onConfirm={() => void doTerminate(confirm)} />}
    </div>
  );
}

function InstanceCard(p: { view: InstanceView; now: number; current: boolean; onConnect(): void; onOpen(): void; onDismiss(): void; onTerminate(): void }) {
  const i = p.view.instance;
  const status = i.status ?? 'healthy';
  const ended = status === 'ended';
  // An orphan's sidecar is gone, and an ended one's too: nothing to connect to.
  const connectable = status === 'healthy' || status === 'unresponsive';
  return (
    <li className={`card${p.current ? ' card-current' : ''}`} data-testid="instance-card" data-port={i.port} data-status={status}>
      <div className="card-head">
        <h2>{i.projectName || 'unnamed'}</h2>
        <span className={`status status-${status}`}>{status}</span>
        {p.current && <span className="badge badge-current">current</span>}
      </div>
      <dl className="card-facts">
        <dt>Port</dt>
        <dd>{i.port}</dd>
        <dt>Command</dt>
        <dd>
          <code>{i.command}</code>
        </dd>
        {i.detectedType && (
          <>
            <dt>Type</dt>
            <dd data-testid="detected-type">{i.detectedType}</dd>
          </>
        )}
        <dt>Directory</dt>
        <dd className="break">{i.cwd}</dd>
        {ended ? (
          <>
            <dt>Exited</dt>
            <dd data-testid="exited">{i.exitedAt && !Number.isNaN(Date.parse(i.exitedAt)) ? formatDateTime(Date.parse(i.exitedAt)) : 'unknown'}</dd>
            <dt>Events kept</dt>
            <dd>{i.events ?? 0}</dd>
          </>
        ) : (
          <>
            <dt>Uptime</dt>
            <dd data-testid="uptime">{formatUptime(uptimeSeconds(i, p.now))}</dd>
          </>
        )}
        <dt>PID</dt>
        <dd>
          {i.pid}
          {i.childPid ? ` (child ${i.childPid})` : ''}
        </dd>
        <dt>Started</dt>
        <dd>{Number.isNaN(Date.parse(i.startTime)) ? i.startTime : formatDateTime(Date.parse(i.startTime))}</dd>
      </dl>
      {p.view.error && (
        <p className="card-error" role="alert">
          {p.view.error}
        </p>
      )}
      <div className="card-actions">
        {connectable && (
          <button type="button" className="button button-primary" onClick={p.onConnect} disabled={p.current}>
            {p.current ? 'Connected' : 'Connect'}
          </button>
        )}
        {/* The Control Center kept the events of an ended or orphaned one: readable there. */}
        {(ended || (status === 'orphaned' && (i.events ?? 0) > 0)) && (
          <button type="button" className="button button-primary" onClick={p.onOpen}>
            Open (read only)
          </button>
        )}
        {ended && (
          <button type="button" className="button" onClick={p.onDismiss}>
            Dismiss
          </button>
        )}
        {status !== 'dead' && !ended && (
          <button type="button" className="button button-danger" onClick={p.onTerminate} disabled={p.view.terminating}>
            {p.view.terminating ? 'Terminating…' : 'Terminate'}
          </button>
        )}
      </div>
    </li>
  );
}

function ConfirmTerminate({ instance, onCancel, onConfirm }: { instance: Instance; onCancel(): void; onConfirm(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="terminate-title" onCancel={onCancel} data-testid="terminate-dialog">
      <h2 id="terminate-title">Terminate {instance.projectName || 'this instance'}?</h2>
      <p>
        This stops <code>{instance.command}</code> (PID {instance.childPid || instance.pid})
        {instance.status === 'orphaned' ? `, whose Spotlight (port ${instance.port}) has already exited.` : ` and its Spotlight on port ${instance.port}.`}
      </p>
      <div className="card-actions">
        <button type="button" className="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="button button-danger" onClick={onConfirm}>
          Terminate
        </button>
      </div>
    </dialog>
  );
}
