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
const METHODS = [{ value: '', label: 'Any method' }, ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => ({ value: m, label: m }))] as const;
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
  const [transaction, setTransaction] = useState(stored.transaction ?? '');
  const [method, setMethod] = useState(stored.method ?? '');
  const [environment, setEnvironment] = useState(stored.environment ?? '');
  const [minMs, setMinMs] = useState(stored.minMs ?? '');
  const [maxMs, setMaxMs] = useState(stored.maxMs ?? '');
  const q = useDebounced(query.trim());
  const typed = useDebounced(`${transaction.trim()}\n${environment.trim()}\n${minMs}\n${maxMs}`);
  const [tx = '', env = '', min = '', max = ''] = typed.split('\n');
  // Traces only errors or logs have so far are listed too ("no spans received").
  const params = { q, sort: sort === 'newest' ? '' : sort, status, method, transaction: tx, environment: env, minMs: min, maxMs: max, withoutSpans: '1' };
  const { list, total, item, onRange } = useList('traces', params);
  const filtered = filters(list.answered, ['q', 'status', 'method', 'transaction', 'environment', 'minMs', 'maxMs']);
  return (
    <div className="view">
      <div className="toolbar">
        <h1>Traces</h1>
        <SearchBox value={query} onChange={setQuery} label="Search traces" />
        <Select value={status} onChange={setStatus} label="Status" options={STATUSES} />
        <Select value={method} onChange={setMethod} label="HTTP method" options={METHODS} />
        <input className="search search-narrow" aria-label="Transaction" placeholder="Transaction" value={transaction} onChange={(e) => setTransaction(e.target.value)} />
        <input className="search search-narrow" aria-label="Environment" placeholder="Environment" value={environment} onChange={(e) => setEnvironment(e.target.value)} />
        <input className="search search-ms" type="number" min="0" aria-label="Minimum duration (ms)" placeholder="min ms" value={minMs} onChange={(e) => setMinMs(e.target.value)} />
        <input className="search search-ms" type="number" min="0" aria-label="Maximum duration (ms)" placeholder="max ms" value={maxMs} onChange={(e) => setMaxMs(e.target.value)} />
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
                <strong>{t.name || (t.noSpans ? 'Trace without spans' : '')}</strong>
                {t.noSpans && (
                  <span className="badge" data-testid="no-spans">
                    no spans received
                  </span>
                )}
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
