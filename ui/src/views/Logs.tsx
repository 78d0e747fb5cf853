// The logs table, in time order as the server sorts it: follows new logs
// unless the user scrolls away; level filter, search, and a trace filter
// from the trace view's link.

import { useState } from 'react';
import { Link, useAppState, useNavigate, useStoreApi } from '../context';
import { useDebounced, useList } from '../hooks';
import { formatClock, displayValue, parseTime, sdkLabel } from '../lib/format';
import { AnsiText, AttributeTable, KeyValueTable, LevelBadge, SearchBox, Select } from '../components/common';
import { VirtualList } from '../components/VirtualList';
import { filters, ListError, ListStatus } from '../components/ListParts';
import type { Log } from '../api/types';
import { CodeLocation } from '../components/SpanCode';
import { InstanceBadge } from '../components/InstanceBadge';

// SDKs send "warn" for logs and "warning" for events: the filter asks for both.
const LEVELS = [
  { value: '', label: 'All levels' },
  { value: 'fatal', label: 'Fatal' },
  { value: 'error', label: 'Error' },
  { value: 'warn,warning', label: 'Warn' },
  { value: 'info', label: 'Info' },
  { value: 'debug', label: 'Debug' },
  { value: 'trace', label: 'Trace' },
] as const;

const levelOf = (l: string | undefined) => (l === 'warning' ? 'warn' : (l ?? 'info'));

/** Attributes worth a glance in the row; the sentry.* ones are in the detail. */
function shortAttributes(l: Log): [string, string][] {
  return (l.attributes ?? [])
    .filter((a) => !a.key.startsWith('sentry.'))
    .slice(0, 4)
    .map((a) => [a.key, displayValue(a.value)]);
}

export function LogsView({ query: routeQuery }: { query: string }) {
  const store = useStoreApi();
  const nav = useNavigate();
  const traceId = new URLSearchParams(routeQuery).get('trace') ?? '';
  const stored = store.getState().lists.logs.params;
  const [query, setQuery] = useState(stored.q ?? '');
  const [level, setLevel] = useState(stored.level ?? '');
  const [following, setFollowing] = useState(true);
  const [jump, setJump] = useState(0);
  const [selected, setSelected] = useState<Log | undefined>();
  const q = useDebounced(query.trim());
  const { list, total, item, onRange } = useList('logs', { q, level, traceId });
  const held = useAppState((s) => s.counts?.logs ?? 0);
  const filtered = filters(list.answered, ['q', 'level', 'traceId']);
  return (
    <div className="view logs-view">
      <div className="toolbar">
        <h1>Logs</h1>
        <SearchBox value={query} onChange={setQuery} label="Search logs" />
        <Select value={level} onChange={setLevel} label="Level" options={LEVELS} />
        {traceId && (
          <span className="chip">
            trace {traceId.slice(0, 8)}…{' '}
            <button type="button" className="link-button" onClick={() => nav('/logs')} aria-label="Remove trace filter">
              ✕
            </button>
          </span>
        )}
        <ListStatus loaded={list.total !== null}>{filtered ? `${total} of ${held} logs` : `${total} logs`}</ListStatus>
        {!following && (
          <button type="button" className="button" onClick={() => setJump(jump + 1)}>
            ↓ Follow new logs
          </button>
        )}
      </div>
      {list.error && <ListError error={list.error} />}
      <div className="list-head logs-row" aria-hidden="true">
        <span>Time</span>
        <span>Level</span>
        <span>Body</span>
        <span>Attributes</span>
      </div>
      <VirtualList<Log>
        count={total}
        item={item}
        onRange={onRange}
        label="Logs"
        rowHeight={30}
        followEnd
        onFollowChange={setFollowing}
        jumpToEnd={jump}
        getKey={(l) => l.id}
        selectedKey={selected?.id}
        onOpen={(l) => setSelected(l.id === selected?.id ? undefined : l)}
        empty={list.total === null ? null : filtered ? 'No logs match the filter.' : 'No logs yet. Logs your app sends, and the output of `spotlight run`, appear here live.'}
        renderRow={(l) => (
          <div className="logs-row row-content" data-testid="log-row">
            <span className="mono small">{formatClock(parseTime(l.timestamp))}</span>
            <span>
              <LevelBadge level={levelOf(l.level)} />
            </span>
            <LogLine log={l} />
            <span className="attrs small">
              <InstanceBadge instance={l.instance} />
              {shortAttributes(l).map(([k, v]) => (
                <span key={k} className="attr">
                  <span className="muted">{k}=</span>
                  {v}
                </span>
              ))}
            </span>
          </div>
        )}
      />
      {selected && <LogPanel log={selected} onClose={() => setSelected(undefined)} />}
    </div>
  );
}

function LogPanel({ log, onClose }: { log: Log; onClose(): void }) {
  return (
    <aside className="log-panel" aria-label="Log details">
      <div className="span-panel-head">
        <h2>Log</h2>
        <button type="button" className="link-button" onClick={onClose} aria-label="Close log details">
          ✕
        </button>
      </div>
      {log.traceId && (
        <p>
          <Link to={`/traces/${log.traceId}`}>Trace {log.traceId}</Link>
          {log.spanId && (
            <>
              {' · '}
              <Link to={`/traces/${log.traceId}?span=${log.spanId}`}>span {log.spanId}</Link>
            </>
          )}
        </p>
      )}
      <pre className="log-body log-full">
        <AnsiText text={log.body} />
      </pre>
      <CodeLocation attributes={log.attributes} instance={log.instance?.id} />
      <KeyValueTable data={{ time: log.timestamp, sdk: sdkLabel(log.sdk) || undefined, output: log.stdio }} label="Log" />
      <AttributeTable attributes={log.attributes ?? []} label="Log attributes" />
    </aside>
  );
}

/** One line per row keeps rows a fixed height (cheap to virtualise); the full body is in the detail panel. */
function LogLine({ log }: { log: Log }) {
  const nl = log.body.indexOf('\n');
  const first = nl < 0 ? log.body : log.body.slice(0, nl);
  const more = nl < 0 ? 0 : log.body.slice(nl + 1).split('\n').length;
  return (
    <span className="log-body log-line">
      {log.stdio && <span className="badge">{log.stdio === 'stderr' ? 'stderr' : 'stdio'}</span>}
      <AnsiText text={first} />
      {more > 0 && <span className="muted small"> (+{more} line{more === 1 ? '' : 's'})</span>}
    </span>
  );
}
