// The envelope inspector and the SDK list (issue 18): every held envelope,
// newest first, with where each item went; one envelope's header, items and
// payloads; the SDKs seen, with a warning for versions too old for logs.

import { Link, useNavigate } from '../context';
import { useDetail, useList, useNow } from '../hooks';
import { formatBytes, formatRelative, parseTime, sdkLabel } from '../lib/format';
import { CodeBlock } from '../components/Code';
import { BackLink, NotInBuffer, Section } from '../components/common';
import { VirtualList } from '../components/VirtualList';
import { ListError, ListStatus, plural } from '../components/ListParts';
import { useAppState } from '../context';
import type { EnvelopeSummary, ItemRoute } from '../api/insight-types';

function Routes({ items }: { items: readonly ItemRoute[] }) {
  return (
    <span className="small">
      {items.map((it) => (
        <span key={it.index} className={it.views.length ? 'badge' : 'badge badge-error'} title={it.reason ?? `went to ${it.views.join(', ')}`}>
          {it.type} → {it.views.length ? it.views.join(', ') : 'nowhere'}
        </span>
      ))}
    </span>
  );
}

export function EnvelopesView() {
  const nav = useNavigate();
  const now = useNow(5000);
  const { list, total, item, onRange } = useList('envelopes', {});
  return (
    <div className="view">
      <div className="toolbar">
        <h1>Envelopes</h1>
        <Link to="/sdks">SDKs</Link>
        <ListStatus loaded={list.total !== null}>{plural(total, 'envelope')}</ListStatus>
      </div>
      {list.error && <ListError error={list.error} />}
      <VirtualList<EnvelopeSummary>
        count={total}
        item={item}
        onRange={onRange}
        label="Envelopes"
        rowHeight={52}
        getKey={(e) => e.id}
        onOpen={(e) => nav(`/envelopes/${encodeURIComponent(e.id)}`)}
        empty={list.total === null ? null : 'No envelopes held yet.'}
        renderRow={(e) => (
          <div className="envelope-row row-content" data-testid="envelope-row">
            <span className="error-title">
              <span className="ellipsis">
                <strong>{e.sdk ? sdkLabel(e.sdk) : 'unknown SDK'}</strong> <span className="muted small">{e.itemTypes.join(', ') || 'no items'}</span>
              </span>
              <Routes items={e.items} />
            </span>
            <span className="mono small">{formatBytes(e.size)}</span>
            <span className="muted small">{formatRelative(parseTime(e.received), now)}</span>
          </div>
        )}
      />
    </div>
  );
}

const json = (v: unknown) => JSON.stringify(v, null, 2);

export function EnvelopeDetailView({ id }: { id: string }) {
  const d = useDetail('envelope', id);
  const client = useAppState((s) => s.client);
  if (!d.data) {
    return (
      <NotInBuffer back="/envelopes" backLabel="Envelopes" status={d.status} error={d.error}>
        This envelope is not in the buffer (never received, evicted or cleared).
      </NotInBuffer>
    );
  }
  const e = d.data;
  return (
    <div className="view padded">
      <BackLink to="/envelopes" label="Envelopes" />
      <h1>Envelope {e.id.slice(0, 8)}</h1>
      <p>
        {e.sdk ? sdkLabel(e.sdk) : 'unknown SDK'} · {formatBytes(e.size)} · received {new Date(parseTime(e.received)).toLocaleString()} ·{' '}
        <a href={client().envelopeUrl(e.id)} download={`${e.id}.envelope`} data-testid="download-envelope">
          Download raw
        </a>
      </p>
      {e.warning && <p className="banner banner-warn">{e.warning}</p>}
      <Section title="Header">
        <CodeBlock text={json(e.header)} lang="json" label="Envelope header" />
      </Section>
      {e.parsedItems.map((it) => (
        <Section key={it.index} title={`Item ${it.index + 1}: ${it.type} (${formatBytes(it.size)})`}>
          <p data-testid="item-route">
            {it.views.length ? (
              <>
                Shown in {it.views.join(', ')}
                {it.ids?.[0] && it.views[0] === 'traces' && (
                  <>
                    {' '}
                    (<Link to={`/traces/${encodeURIComponent(it.ids[0])}`}>trace {it.ids[0].slice(0, 8)}</Link>)
                  </>
                )}
              </>
            ) : (
              <>Shown nowhere: {it.reason}</>
            )}
            {it.views.length > 0 && it.reason ? ` (${it.reason})` : ''}
          </p>
          <CodeBlock text={json(it.header)} lang="json" label="Item header" />
          <CodeBlock text={it.payload} lang={it.payloadKind === 'json' ? 'json' : undefined} label={`Item payload (${it.payloadKind})`} />
          {it.truncated && <p className="muted small">Shown in part; the download holds all of it.</p>}
        </Section>
      ))}
    </div>
  );
}

export function SDKsView() {
  const d = useDetail('sdks', '');
  return (
    <div className="view padded">
      <div className="toolbar">
        <h1>SDKs</h1>
        <Link to="/envelopes">Envelopes</Link>
      </div>
      {!d.data ? (
        <p role="status">{d.status === 'error' ? `Could not load: ${d.error ?? ''}` : 'Loading…'}</p>
      ) : d.data.items.length === 0 ? (
        <p className="muted">No SDK has sent anything yet.</p>
      ) : (
        <table className="table" data-testid="sdks-table">
          <thead>
            <tr>
              <th>SDK</th>
              <th>Version</th>
              <th>Platform</th>
              <th>First seen</th>
              <th>Last seen</th>
              <th>Envelopes</th>
            </tr>
          </thead>
          <tbody>
            {d.data.items.map((s) => (
              <tr key={`${s.name}@${s.version}`} data-testid="sdk-row">
                <td>
                  {s.name}
                  {s.warning && (
                    <span className="badge badge-error" title={s.warning} data-testid="sdk-warning">
                      {s.warning}
                    </span>
                  )}
                </td>
                <td className="mono">{s.version || '—'}</td>
                <td>{s.platform ?? '—'}</td>
                <td>{new Date(parseTime(s.firstSeen)).toLocaleTimeString()}</td>
                <td>{new Date(parseTime(s.lastSeen)).toLocaleTimeString()}</td>
                <td>{s.envelopes}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
