// The traces list: every trace assembled from transactions and spans,
// filterable and sortable.

import { useMemo, useState } from 'react';
import { useAppState, useNavigate } from '../context';
import { useDebounced } from '../hooks';
import { byTrace } from '../store/groups';
import { formatDateTime, formatDuration } from '../lib/format';
import { SearchBox, Select } from '../components/common';
import { VirtualList } from '../components/VirtualList';
import type { Trace } from '../types';

type Sort = 'newest' | 'oldest' | 'slowest' | 'spans' | 'errors';
type StatusFilter = 'all' | 'ok' | 'failed';
const SORTS: { value: Sort; label: string }[] = [
  { value: 'newest', label: 'Newest first' },
  { value: 'oldest', label: 'Oldest first' },
  { value: 'slowest', label: 'Slowest first' },
  { value: 'spans', label: 'Most spans' },
  { value: 'errors', label: 'Most errors' },
];
const STATUSES: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'Any status' },
  { value: 'ok', label: 'OK' },
  { value: 'failed', label: 'Not OK' },
];

export function isOk(status: string): boolean {
  return status === 'ok' || status === 'unknown' || status === '';
}

export function statusClass(status: string): string {
  if (status === 'ok') return 'status-ok';
  return isOk(status) ? 'muted' : 'status-bad';
}

export function TracesView() {
  const traces = useAppState((s) => s.data.traces);
  const errors = useAppState((s) => s.data.errors);
  const nav = useNavigate();
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<Sort>('newest');
  const [status, setStatus] = useState<StatusFilter>('all');
  const q = useDebounced(query.trim().toLowerCase());
  const errorsByTrace = useMemo(() => byTrace(errors), [errors]);
  const errorCount = (t: Trace) => errorsByTrace.get(t.traceId)?.length ?? 0;
  const shown = useMemo(() => {
    const list = [...traces.values()].filter(
      (t) => (!q || t.search.includes(q)) && (status === 'all' || (status === 'ok') === isOk(t.status)),
    );
    const cmp: Record<Sort, (a: Trace, b: Trace) => number> = {
      newest: (a, b) => b.start - a.start,
      oldest: (a, b) => a.start - b.start,
      slowest: (a, b) => b.end - b.start - (a.end - a.start),
      spans: (a, b) => b.spans.length - a.spans.length,
      errors: (a, b) => (errorsByTrace.get(b.traceId)?.length ?? 0) - (errorsByTrace.get(a.traceId)?.length ?? 0),
    };
    return list.sort(cmp[sort]);
  }, [traces, q, status, sort, errorsByTrace]);

  return (
    <div className="view">
      <div className="toolbar">
        <h1>Traces</h1>
        <SearchBox value={query} onChange={setQuery} label="Search traces" />
        <Select value={status} onChange={setStatus} label="Status" options={STATUSES} />
        <Select value={sort} onChange={setSort} label="Sort" options={SORTS} />
        <span className="muted" aria-live="polite">
          {shown.length} of {traces.size} traces
        </span>
      </div>
      <div className="list-head traces-row" aria-hidden="true">
        <span>Trace</span>
        <span>Duration</span>
        <span>Spans</span>
        <span>Errors</span>
        <span>Started</span>
        <span>Status</span>
      </div>
      <VirtualList<Trace>
        items={shown}
        label="Traces"
        rowHeight={52}
        getKey={(t) => t.traceId}
        onOpen={(t) => nav(`/traces/${t.traceId}`)}
        empty={traces.size === 0 ? 'No traces yet. Transactions and spans your app sends appear here live.' : 'No traces match the filter.'}
        renderRow={(t) => (
          <div className="traces-row row-content" data-testid="trace-row">
            <span className="error-title">
              <span className="ellipsis">
                <strong>{t.name}</strong>
              </span>
              <span className="muted small ellipsis">
                {t.op} · <span className="mono">{t.traceId.slice(0, 12)}</span>
              </span>
            </span>
            <span className="mono">{formatDuration((t.end - t.start) * 1000)}</span>
            <span>{t.spans.length}</span>
            <span className={errorCount(t) > 0 ? 'count count-error' : 'muted'}>{errorCount(t)}</span>
            <span className="muted small">{formatDateTime(t.start * 1000)}</span>
            <span className={statusClass(t.status)}>{t.status}</span>
          </div>
        )}
      />
    </div>
  );
}
