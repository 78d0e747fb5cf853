// One trace: the waterfall of all its spans (the server builds the tree
// across every envelope with this trace id; later spans join live), a span
// detail panel, and the errors and logs with the same trace id.

import { useMemo, useState, type CSSProperties } from 'react';
import { Link, useNavigate } from '../context';
import { useDebounced, useDetail } from '../hooks';
import { formatClock, formatDateTime, formatDuration, parseTime } from '../lib/format';
import { AnsiText, AttributeTable, BackLink, KeyValueTable, LevelBadge, NotInBuffer, SearchBox, Section, TagTable } from '../components/common';
import { VirtualList } from '../components/VirtualList';
import { CodeLocation, SpanQuery } from '../components/SpanCode';
import { isOk, statusClass } from './Traces';
import { ErrorTitle } from './Errors';
import type { ErrorSummary, Log, Span, TraceDetail } from '../api/types';
import { waterfallRows } from '../store/waterfall';
import { InstanceBadge } from '../components/InstanceBadge';
import { AIBadge, AISummary } from '../components/AISummary';
import { SpanProfileSection, TraceProfileLink } from './Profiles';

export function TraceDetailView({ traceId, spanId }: { traceId: string; spanId?: string }) {
  const d = useDetail('trace', traceId);
  if (!d.data) {
    return (
      <NotInBuffer back="/traces" backLabel="Traces" status={d.status} error={d.error}>
        Trace {traceId} is not in the sidecar's buffer (yet). It shows up here as soon as its spans arrive.
      </NotInBuffer>
    );
  }
  // A trace only errors or logs have so far comes without spans (noSpans).
  const trace = d.data.spans ? d.data : { ...d.data, spans: [] };
  const selected = spanId ? trace.spans.find((s) => s.spanId === spanId) : undefined;
  return <TraceBody trace={trace} spanId={spanId} selected={selected} />;
}

/** The trace with its search: matching spans highlighted (the server says which), "only show matches", jumps between them. */
function TraceBody({ trace, spanId, selected }: { trace: TraceDetail; spanId?: string; selected?: Span }) {
  const nav = useNavigate();
  const [search, setSearch] = useState('');
  const [onlyMatches, setOnlyMatches] = useState(false);
  const q = useDebounced(search.trim());
  const found = useDetail('traceSearch', `${trace.traceId}/${q}`);
  const matches = useMemo(() => (q && found.data?.q === q.toLowerCase() ? found.data.matches : []), [q, found.data]);
  const at = spanId ? matches.indexOf(spanId) : -1;
  const jump = (step: number) => {
    if (matches.length === 0) return;
    const next = matches[(at + step + matches.length) % matches.length]!;
    nav(`/traces/${trace.traceId}?span=${next}`);
  };
  return (
    <div className="view trace-detail" data-testid="trace-detail">
      <div className="padded trace-head">
        <BackLink to="/traces" label="Traces" />
        <h1>{trace.name}</h1>
        <div className="meta">
          <span className={statusClass(trace.status)}>{trace.status || 'unknown'}</span>
          {trace.op && <span>{trace.op}</span>}
          <span>{formatDuration(trace.durationMs)}</span>
          <span>{trace.spanCount} spans</span>
          <span>{formatDateTime(parseTime(trace.start))}</span>
          {trace.environment && <span>env: {trace.environment}</span>}
          {trace.release && <span>release: {trace.release}</span>}
          <span className="mono small">trace {trace.traceId}</span>
          <TraceProfileLink traceId={trace.traceId} />
        </div>
        <div className="toolbar trace-search">
          <SearchBox value={search} onChange={setSearch} label="Search spans" placeholder="Search spans: name, op, attribute" />
          <label>
            <input type="checkbox" checked={onlyMatches} onChange={(e) => setOnlyMatches(e.target.checked)} /> Only show matches
          </label>
          <button type="button" className="button" onClick={() => jump(-1)} disabled={matches.length === 0} aria-label="Previous match">
            ↑
          </button>
          <button type="button" className="button" onClick={() => jump(1)} disabled={matches.length === 0} aria-label="Next match">
            ↓
          </button>
          {q && (
            <span className="muted" aria-live="polite" data-testid="match-status">
              {matches.length === 0 ? 'No span matches' : `${at >= 0 ? `${at + 1} of ` : ''}${matches.length} match${matches.length === 1 ? '' : 'es'}`}
            </span>
          )}
        </div>
        {trace.noSpans && <p className="muted small">No spans received (yet): only errors or logs of this trace are held.</p>}
        {!trace.hasRoot && !trace.noSpans && <p className="muted small">The root span of this trace has not arrived (yet): its spans are shown from the earliest held.</p>}
      </div>
      <div
        className={selected ? 'trace-body with-panel' : 'trace-body'}
        data-testid="trace-body"
        style={{ '--wf-height': `${trace.spans.length * WF_ROW + WF_HEAD + 2}px` } as CSSProperties}
      >
        <Waterfall trace={trace} selectedId={spanId} matches={q ? matches : undefined} onlyMatches={onlyMatches} />
        {selected && <SpanPanel span={selected} trace={trace} />}
      </div>
      <div className="padded">
        <LinkedErrors errors={trace.errors} />
        <LinkedLogs logs={trace.logs} traceId={trace.traceId} />
      </div>
    </div>
  );
}

/** Heights of a waterfall row and of its header row, in pixels. */
const WF_ROW = 30;
const WF_HEAD = 28;

function Waterfall({ trace, selectedId, matches, onlyMatches }: { trace: TraceDetail; selectedId?: string; matches?: readonly string[]; onlyMatches: boolean }) {
  const nav = useNavigate();
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const matched = useMemo(() => new Set(matches ?? []), [matches]);
  const rows = useMemo(
    () => (matches && onlyMatches ? trace.spans.filter((s) => matched.has(s.spanId)) : waterfallRows(trace.spans, collapsed)),
    [trace.spans, collapsed, matches, onlyMatches, matched],
  );
  const errorSpans = useMemo(() => new Set(trace.errors.map((e) => e.spanId).filter(Boolean)), [trace.errors]);
  const t0 = parseTime(trace.start);
  const total = Math.max(trace.durationMs, 1e-3);
  const setOpen = (id: string, open: boolean) => {
    if (open !== collapsed.has(id)) return;
    const next = new Set(collapsed);
    if (open) next.delete(id);
    else next.add(id);
    setCollapsed(next);
  };
  const toggle = (id: string) => setOpen(id, collapsed.has(id));
  return (
    <div className="waterfall" aria-label="Span waterfall">
      <div className="wf-row wf-head" aria-hidden="true">
        <span>Span</span>
        <span className="wf-ticks">
          {[0, 0.25, 0.5, 0.75, 1].map((f) => (
            <span key={f} style={{ left: `${f * 100}%` }}>
              {formatDuration(total * f)}
            </span>
          ))}
        </span>
      </div>
      <VirtualList<Span>
        count={rows.length}
        item={(i) => rows[i]}
        label="Spans"
        rowHeight={WF_ROW}
        getKey={(s) => s.spanId}
        selectedKey={selectedId}
        onOpen={(s) => nav(`/traces/${trace.traceId}?span=${s.spanId}`)}
        onSideways={(s, d) => s.childCount > 0 && setOpen(s.spanId, d === 'right')}
        renderRow={(s) => {
          const left = ((parseTime(s.start) - t0) / total) * 100;
          const width = Math.max((s.durationMs / total) * 100, 0.2);
          return (
            <div className={matched.has(s.spanId) ? 'wf-row wf-match' : 'wf-row'} data-testid="span-row" data-match={matched.has(s.spanId) ? 'true' : undefined}>
              <span className="wf-label" style={{ paddingLeft: Math.min(s.depth, 24) * 10 }} title={`depth ${s.depth}`}>
                {s.childCount > 0 ? (
                  // Not a button: rows are options of a listbox, which may not
                  // nest controls; the keyboard folds with ArrowLeft / ArrowRight.
                  <span
                    className="wf-toggle"
                    aria-hidden="true"
                    title={collapsed.has(s.spanId) ? `Expand ${s.childCount} child spans` : `Collapse ${s.childCount} child spans`}
                    onClick={(e) => {
                      e.stopPropagation();
                      toggle(s.spanId);
                    }}
                  >
                    {collapsed.has(s.spanId) ? '▸' : '▾'}
                  </span>
                ) : (
                  <span className="wf-toggle-space" />
                )}
                {s.childCount > 0 && <span className="visually-hidden">{collapsed.has(s.spanId) ? `collapsed, ${s.childCount} child spans` : `${s.childCount} child spans`}</span>}
                <span className="wf-op">{s.op || 'span'}</span>
                <span className="ellipsis">{s.name}</span>
                <InstanceBadge instance={s.instance} />
                {s.ai && <AIBadge ai={s.ai} />}
                {errorSpans.has(s.spanId) && <span className="badge badge-error">error</span>}
              </span>
              <span className="wf-track">
                <span className={`wf-bar${s.isSegment ? ' wf-bar-tx' : ''}${isOk(s.status) ? '' : ' wf-bar-bad'}`} style={{ left: `${left}%`, width: `${width}%` }} />
                <span className={`wf-dur${left + width > 75 && left <= 20 ? ' wf-dur-inside' : ''}`} style={durationLabelStyle(left, width)}>
                  {formatDuration(s.durationMs)}
                </span>
              </span>
            </div>
          );
        }}
      />
    </div>
  );
}

/** Puts a span's duration after its bar, before it when the bar ends near the right edge, or inside a bar that fills the row. */
function durationLabelStyle(left: number, width: number): CSSProperties {
  if (left + width <= 75) return { left: `${left + width}%`, paddingLeft: '0.3rem' };
  if (left > 20) return { right: `${100 - left}%`, paddingRight: '0.3rem' };
  return { right: `${100 - left - width}%`, paddingRight: '0.3rem' };
}

function SpanPanel({ span, trace }: { span: Span; trace: TraceDetail }) {
  return (
    <aside className="span-panel" aria-label="Span details" data-testid="span-panel">
      <div className="span-panel-head">
        <h2>
          {span.op || 'span'} <span className="muted">{span.name}</span>
        </h2>
        <Link to={`/traces/${trace.traceId}`} aria-label="Close span details">
          ✕
        </Link>
      </div>
      <KeyValueTable
        label="Span"
        data={{
          'span id': span.spanId,
          'parent span id': span.parentSpanId,
          segment: span.segmentName,
          status: span.status,
          origin: span.origin,
          start: formatClock(parseTime(span.start)),
          'offset from trace start': formatDuration(parseTime(span.start) - parseTime(trace.start)),
          duration: formatDuration(span.durationMs),
        }}
      />
      {span.ai && (
        <>
          <h3>AI call</h3>
          <AISummary ai={span.ai} durationMs={span.durationMs} />
          <Link to={`/ai/${encodeURIComponent(`${trace.traceId}-${span.spanId}`)}`}>Open the conversation</Link>
        </>
      )}
      <SpanProfileSection traceId={trace.traceId} spanId={span.spanId} />
      <SpanQuery op={span.op} name={span.name} data={span.data} />
      <CodeLocation attributes={span.data} instance={span.instance?.id} />
      {span.tags && span.tags.length > 0 && (
        <>
          <h3>Tags</h3>
          <TagTable tags={span.tags} label="Span tags" />
        </>
      )}
      {span.data && span.data.length > 0 && (
        <>
          <h3>Data</h3>
          <AttributeTable attributes={span.data} label="Span data" />
        </>
      )}
    </aside>
  );
}

function LinkedErrors({ errors }: { errors: readonly ErrorSummary[] }) {
  if (errors.length === 0) return null;
  return (
    <Section title={`Errors in this trace (${errors.length})`}>
      <ul className="plain-list">
        {errors.map((e) => (
          <li key={e.id}>
            <LevelBadge level={e.level ?? 'error'} />{' '}
            <Link to={`/errors/${encodeURIComponent(e.id)}`}>
              <ErrorTitle e={e} />
            </Link>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function LinkedLogs({ logs, traceId }: { logs: readonly Log[]; traceId: string }) {
  if (logs.length === 0) return null;
  return (
    <Section title={`Logs in this trace (${logs.length})`}>
      <table className="table" aria-label="Logs in this trace">
        <tbody>
          {logs.slice(0, 200).map((l) => (
            <tr key={l.id}>
              <td className="mono small nowrap shrink">{formatClock(parseTime(l.timestamp))}</td>
              <td className="shrink">
                <LevelBadge level={l.level ?? 'info'} />
              </td>
              <td className="log-body">
                <AnsiText text={l.body} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Link to={`/logs?trace=${traceId}`}>Show in Logs</Link>
    </Section>
  );
}
