// One trace: the waterfall of all its spans (across every envelope with this
// trace id; later spans join live), a span detail panel, and the errors and
// logs with the same trace id.

import { useMemo, useState, type CSSProperties } from 'react';
import { Link, useAppState, useNavigate } from '../context';
import { formatClock, formatDateTime, formatDuration } from '../lib/format';
import { AnsiText, KeyValueTable, LevelBadge, NotInBuffer, Section } from '../components/common';
import { VirtualList } from '../components/VirtualList';
import { isOk, statusClass } from './Traces';
import type { ErrorEvent, LogRecord, Span, Trace } from '../types';
import { waterfallRows, type WaterfallRow } from '../store/waterfall';

export function TraceDetailView({ traceId, spanId }: { traceId: string; spanId?: string }) {
  const trace = useAppState((s) => s.data.traces.get(traceId));
  const allErrors = useAppState((s) => s.data.errors);
  const allLogs = useAppState((s) => s.data.logs);
  const errors = useMemo(() => allErrors.filter((e) => e.traceId === traceId), [allErrors, traceId]);
  const logs = useMemo(() => allLogs.filter((l) => l.traceId === traceId), [allLogs, traceId]);
  if (!trace) {
    return (
      <NotInBuffer back="/traces" backLabel="Traces">
        Trace {traceId} is not in the sidecar's buffer (yet). It shows up here as soon as its spans arrive.
      </NotInBuffer>
    );
  }
  const selected = spanId ? trace.spans.find((s) => s.spanId === spanId) : undefined;
  return (
    <div className="view trace-detail" data-testid="trace-detail">
      <div className="padded trace-head">
        <p>
          <Link to="/traces">← Traces</Link>
        </p>
        <h1>{trace.name}</h1>
        <div className="meta">
          <span className={statusClass(trace.status)}>{trace.status}</span>
          <span>{trace.op}</span>
          <span>{formatDuration((trace.end - trace.start) * 1000)}</span>
          <span>{trace.spans.length} spans</span>
          <span>{formatDateTime(trace.start * 1000)}</span>
          <span className="mono small">trace {trace.traceId}</span>
        </div>
      </div>
      <div className="trace-body">
        <Waterfall trace={trace} selectedId={spanId} errors={errors} />
        {selected && <SpanPanel span={selected} trace={trace} />}
      </div>
      <div className="padded">
        <LinkedErrors errors={errors} />
        <LinkedLogs logs={logs} traceId={traceId} />
      </div>
    </div>
  );
}

function Waterfall({ trace, selectedId, errors }: { trace: Trace; selectedId?: string; errors: ErrorEvent[] }) {
  const nav = useNavigate();
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const rows = useMemo(() => waterfallRows(trace.spans, collapsed), [trace.spans, collapsed]);
  const errorSpans = useMemo(() => new Set(errors.map((e) => e.spanId).filter(Boolean)), [errors]);
  const total = Math.max(trace.end - trace.start, 1e-6);
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
              {formatDuration(total * f * 1000)}
            </span>
          ))}
        </span>
      </div>
      <VirtualList<WaterfallRow>
        items={rows}
        label="Spans"
        rowHeight={30}
        getKey={(r) => r.span.spanId}
        selectedKey={selectedId}
        onOpen={(r) => nav(`/traces/${trace.traceId}?span=${r.span.spanId}`)}
        onSideways={(r, d) => r.children > 0 && setOpen(r.span.spanId, d === 'right')}
        renderRow={(r) => {
          const s = r.span;
          const left = ((s.start - trace.start) / total) * 100;
          const width = Math.max(((s.end - s.start) / total) * 100, 0.2);
          return (
            <div className="wf-row" data-testid="span-row">
              <span className="wf-label" style={{ paddingLeft: Math.min(r.depth, 24) * 10 }} title={`depth ${r.depth}`}>
                {r.children > 0 ? (
                  // Not a button: rows are options of a listbox, which may not
                  // nest controls; the keyboard folds with ArrowLeft / ArrowRight.
                  <span
                    className="wf-toggle"
                    aria-hidden="true"
                    title={collapsed.has(s.spanId) ? `Expand ${r.children} child spans` : `Collapse ${r.children} child spans`}
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
                {r.children > 0 && <span className="visually-hidden">{collapsed.has(s.spanId) ? `collapsed, ${r.children} child spans` : `${r.children} child spans`}</span>}
                <span className="wf-op">{s.op || 'span'}</span>
                <span className="ellipsis">{s.description}</span>
                {errorSpans.has(s.spanId) && <span className="badge badge-error">error</span>}
              </span>
              <span className="wf-track">
                <span
                  className={`wf-bar${s.transaction || s.isSegment ? ' wf-bar-tx' : ''}${isOk(s.status ?? '') ? '' : ' wf-bar-bad'}`}
                  style={{ left: `${left}%`, width: `${width}%` }}
                />
                <span className={`wf-dur${left + width > 75 && left <= 20 ? ' wf-dur-inside' : ''}`} style={durationLabelStyle(left, width)}>
                  {formatDuration((s.end - s.start) * 1000)}
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

function SpanPanel({ span, trace }: { span: Span; trace: Trace }) {
  return (
    <aside className="span-panel" aria-label="Span details" data-testid="span-panel">
      <div className="span-panel-head">
        <h2>
          {span.op || 'span'} <span className="muted">{span.description}</span>
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
          transaction: span.transaction,
          status: span.status,
          start: formatClock(span.start * 1000),
          'offset from trace start': formatDuration((span.start - trace.start) * 1000),
          duration: formatDuration((span.end - span.start) * 1000),
        }}
      />
      {Object.keys(span.tags).length > 0 && (
        <>
          <h3>Tags</h3>
          <KeyValueTable data={span.tags} label="Span tags" />
        </>
      )}
      {Object.keys(span.data).length > 0 && (
        <>
          <h3>Data</h3>
          <KeyValueTable data={span.data} label="Span data" />
        </>
      )}
    </aside>
  );
}

function LinkedErrors({ errors }: { errors: ErrorEvent[] }) {
  if (errors.length === 0) return null;
  return (
    <Section title={`Errors in this trace (${errors.length})`}>
      <ul className="plain-list">
        {errors.map((e) => (
          <li key={e.eventId}>
            <LevelBadge level={e.level} />{' '}
            <Link to={`/errors/${e.eventId}`}>
              {e.type ? `${e.type}: ` : ''}
              {e.value}
            </Link>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function LinkedLogs({ logs, traceId }: { logs: LogRecord[]; traceId: string }) {
  if (logs.length === 0) return null;
  return (
    <Section title={`Logs in this trace (${logs.length})`}>
      <table className="table" aria-label="Logs in this trace">
        <tbody>
          {logs.slice(0, 200).map((l) => (
            <tr key={l.id}>
              <td className="mono small nowrap shrink">{formatClock(l.timestamp)}</td>
              <td className="shrink">
                <LevelBadge level={l.level} />
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
