// The traces list: one row per trace id, built by the server from every
// transaction and span it holds; filtered, sorted and paged by the server.

import { useState } from 'react';
import { useNavigate, useStoreApi } from '../context';
import { useDebounced, useList, useNow } from '../hooks';
import { formatDuration, parseTime } from '../lib/format';
import { RelativeTime } from '../components/RelativeTime';
import { SourceBadge } from '../components/SourceBadge';
import { SearchBox, Select } from '../components/common';
import { VirtualList } from '../components/VirtualList';
import { filters, ListError, ListStatus, plural } from '../components/ListParts';
import type { TraceSummary } from '../api/types';
import { InstanceBadge } from '../components/InstanceBadge';

const SORTS = [
  { value: 'newest', label: 'Newest first' },
  { value: 'oldest', label: 'Oldest first' },
  { value: 'slowest', label: 'Slowest first' },
  { value: 'spans', label: 'Most spans' },
  { value: 'errors', label: 'Most errors' },
] as const;
const STATUSES = [
  { value: '', label: 'Any status' },
  { value: 'ok', label: 'OK' },
  { value: 'failed', label: 'Not OK' },
] as const;

/** A span or trace status that is not a failure ("ok", or none given). */
export function isOk(status: string | undefined): boolean {
  return !status || status === 'ok' || status === 'unknown';
}

export function statusClass(status: string | undefined): string {
  if (status === 'ok') return 'status-ok';
  return isOk(status) ? 'muted' : 'status-bad';
}

export function TracesView() {
  const now = useNow(5000);
  const store = useStoreApi();
  const nav = useNavigate();
  const stored = store.getState().lists.traces.params;
  const [query, setQuery] = useState(stored.q ?? '');
  const [sort, setSort] = useState(stored.sort ?? 'newest');
  const [status, setStatus] = useState(stored.status ?? '');
  const q = useDebounced(query.trim());
  const { list, total, item, onRange } = useList('traces', { q, sort: sort === 'newest' ? '' : sort, status });
  const filtered = filters(list.answered, ['q', 'status']);
  return (
    <div className="view">
      <div className="toolbar">
        <h1>Traces</h1>
        <SearchBox value={query} onChange={setQuery} label="Search traces" />
        <Select value={status} onChange={setStatus} label="Status" options={STATUSES} />
        <Select value={sort} onChange={setSort} label="Sort" options={SORTS} />
        <ListStatus loaded={list.total !== null}>
          {plural(total, 'trace')}
          {filtered ? ' match' : ''}
        </ListStatus>
      </div>
      {list.error && <ListError error={list.error} />}
      <div className="list-head traces-row" aria-hidden="true">
        <span>Trace</span>
        <span>Duration</span>
        <span>Spans</span>
        <span>Errors</span>
        <span>Started</span>
        <span>Status</span>
      </div>
      <VirtualList<TraceSummary>
        count={total}
        item={item}
        onRange={onRange}
        label="Traces"
        rowHeight={52}
        getKey={(t) => t.traceId}
        onOpen={(t) => nav(`/traces/${t.traceId}`)}
        empty={list.total === null ? null : filtered ? 'No traces match the filter.' : 'No traces yet. Transactions and spans your app sends appear here live.'}
        renderRow={(t) => (
          <div className="traces-row row-content" data-testid="trace-row">
            <span className="error-title">
              <span className="ellipsis">
                <strong>{t.name}</strong>
              </span>
              <span className="muted small ellipsis">
                <SourceBadge source={t.source} sdk={t.sdk} platform={t.platform} />
                {(t.instances ?? []).map((i) => (
                  <InstanceBadge key={i.id} instance={i} />
                ))}{' '}
                {t.op ? `${t.op} · ` : ''}
                <span className="mono">{t.traceId.slice(0, 12)}</span>
              </span>
            </span>
            <span className="mono">{formatDuration(t.durationMs)}</span>
            <span>{t.spanCount}</span>
            <span className={t.errorCount > 0 ? 'count count-error' : 'muted'}>{t.errorCount}</span>
            <span className="muted small">
              <RelativeTime ms={parseTime(t.start)} now={now} />
            </span>
            <span className={statusClass(t.status)}>{t.status || 'unknown'}</span>
          </div>
        )}
      />
    </div>
  );
}
