// The logs table: follows new logs unless the user scrolls away; level
// filter, search, and a trace filter from the trace view's link.

import { useMemo, useState } from 'react';
import { Link, useAppState, useNavigate } from '../context';
import { useDebounced } from '../hooks';
import { formatClock, displayValue } from '../lib/format';
import { AnsiText, KeyValueTable, LevelBadge, SearchBox, Select } from '../components/common';
import { VirtualList } from '../components/VirtualList';
import type { LogRecord } from '../types';

type LevelFilter = 'all' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
const LEVELS: { value: LevelFilter; label: string }[] = [
  { value: 'all', label: 'All levels' },
  { value: 'fatal', label: 'Fatal' },
  { value: 'error', label: 'Error' },
  { value: 'warn', label: 'Warn' },
  { value: 'info', label: 'Info' },
  { value: 'debug', label: 'Debug' },
  { value: 'trace', label: 'Trace' },
];

const levelOf = (l: string) => (l === 'warning' ? 'warn' : l);

/** Attributes worth a glance in the row; the sentry.* ones are in the detail. */
function shortAttributes(l: LogRecord): [string, string][] {
  return Object.entries(l.attributes)
    .filter(([k]) => !k.startsWith('sentry.'))
    .slice(0, 4)
    .map(([k, v]) => [k, displayValue(v)]);
}

export function LogsView({ query: routeQuery }: { query: string }) {
  const logs = useAppState((s) => s.data.logs);
  const nav = useNavigate();
  const traceFilter = new URLSearchParams(routeQuery).get('trace') ?? '';
  const [query, setQuery] = useState('');
  const [level, setLevel] = useState<LevelFilter>('all');
  const [following, setFollowing] = useState(true);
  const [jump, setJump] = useState(0);
  const [selected, setSelected] = useState<string | undefined>();
  const q = useDebounced(query.trim().toLowerCase());
  const shown = useMemo(
    () =>
      logs.filter(
        (l) => (level === 'all' || levelOf(l.level) === level) && (!traceFilter || l.traceId === traceFilter) && (!q || l.search.includes(q)),
      ),
    [logs, level, q, traceFilter],
  );
  const sel = selected ? shown.find((l) => l.id === selected) : undefined;
  return (
    <div className="view logs-view">
      <div className="toolbar">
        <h1>Logs</h1>
        <SearchBox value={query} onChange={setQuery} label="Search logs" />
        <Select value={level} onChange={setLevel} label="Level" options={LEVELS} />
        {traceFilter && (
          <span className="chip">
            trace {traceFilter.slice(0, 8)}…{' '}
            <button type="button" className="link-button" onClick={() => nav('/logs')} aria-label="Remove trace filter">
              ✕
            </button>
          </span>
        )}
        <span className="muted" aria-live="polite">
          {shown.length} of {logs.length} logs
        </span>
        {!following && (
          <button type="button" className="button" onClick={() => setJump(jump + 1)}>
            ↓ Follow new logs
          </button>
        )}
      </div>
      <div className="list-head logs-row" aria-hidden="true">
        <span>Time</span>
        <span>Level</span>
        <span>Body</span>
        <span>Attributes</span>
      </div>
      <VirtualList<LogRecord>
        items={shown}
        label="Logs"
        rowHeight={30}
        followEnd
        onFollowChange={setFollowing}
        jumpToEnd={jump}
        getKey={(l) => l.id}
        selectedKey={sel?.id}
        onOpen={(l) => setSelected(l.id === selected ? undefined : l.id)}
        empty={logs.length === 0 ? 'No logs yet. Logs your app sends, and the output of `spotlight run`, appear here live.' : 'No logs match the filter.'}
        renderRow={(l) => (
          <div className="logs-row row-content" data-testid="log-row">
            <span className="mono small">{formatClock(l.timestamp)}</span>
            <span>
              <LevelBadge level={levelOf(l.level)} />
            </span>
            <LogLine log={l} />
            <span className="attrs small">
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
      {sel && (
        <aside className="log-panel" aria-label="Log details">
          <div className="span-panel-head">
            <h2>Log</h2>
            <button type="button" className="link-button" onClick={() => setSelected(undefined)} aria-label="Close log details">
              ✕
            </button>
          </div>
          {sel.traceId && (
            <p>
              <Link to={`/traces/${sel.traceId}`}>Trace {sel.traceId}</Link>
            </p>
          )}
          <pre className="log-body log-full">
            <AnsiText text={sel.body} />
          </pre>
          <KeyValueTable data={{ sdk: sel.sdk, ...sel.attributes }} label="Log attributes" />
        </aside>
      )}
    </div>
  );
}

/** One line per row keeps rows a fixed height (cheap to virtualise); the full body is in the detail panel. */
function LogLine({ log }: { log: LogRecord }) {
  const nl = log.body.indexOf('\n');
  const first = nl < 0 ? log.body : log.body.slice(0, nl);
  const more = nl < 0 ? 0 : log.body.slice(nl + 1).split('\n').length;
  return (
    <span className="log-body log-line">
      {log.stdio && <span className="badge">stdio</span>}
      <AnsiText text={first} />
      {more > 0 && <span className="muted small"> (+{more} line{more === 1 ? '' : 's'})</span>}
    </span>
  );
}
