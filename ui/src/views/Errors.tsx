// The errors list: groups of events with the same type, value and top frame
// (grouped, filtered, ordered and paged by the server), newest first.

import { useState } from 'react';
import { useAppState, useNavigate, useStoreApi } from '../context';
import { useDebounced, useList, useNow } from '../hooks';
import { formatRelative, parseTime, sdkLabel } from '../lib/format';
import { LevelBadge, SearchBox, Select } from '../components/common';
import { VirtualList } from '../components/VirtualList';
import { ListError, ListStatus, plural } from '../components/ListParts';
import type { ErrorGroup } from '../api/types';

const LEVEL_OPTIONS = [
  { value: '', label: 'All levels' },
  { value: 'fatal', label: 'Fatal' },
  { value: 'error', label: 'Error' },
  { value: 'warning', label: 'Warning' },
  { value: 'info', label: 'Info' },
  { value: 'debug', label: 'Debug' },
] as const;

export function ErrorsView() {
  const store = useStoreApi();
  const nav = useNavigate();
  const now = useNow(5000);
  // The filter survives a visit to a detail: it lives in the store.
  const [query, setQuery] = useState(() => store.getState().lists.errors.params.q ?? '');
  const [level, setLevel] = useState(() => store.getState().lists.errors.params.level ?? '');
  const q = useDebounced(query.trim());
  const { list, total, item, onRange } = useList('errors', { q, level });
  const events = useAppState((s) => s.counts?.errors ?? 0);
  const filtered = q !== '' || level !== '';
  return (
    <div className="view">
      <div className="toolbar">
        <h1>Errors</h1>
        <SearchBox value={query} onChange={setQuery} label="Search errors" />
        <Select value={level} onChange={setLevel} label="Level" options={LEVEL_OPTIONS} />
        <ListStatus loaded={list.total !== null}>
          {plural(total, 'group')}
          {filtered ? ' match' : ''} · {events} events held
        </ListStatus>
      </div>
      {list.error && <ListError error={list.error} />}
      <div className="list-head errors-row" aria-hidden="true">
        <span>Level</span>
        <span>Error</span>
        <span>Count</span>
        <span>Last seen</span>
        <span>Platform / SDK</span>
      </div>
      <VirtualList<ErrorGroup>
        count={total}
        item={item}
        onRange={onRange}
        label="Errors"
        rowHeight={58}
        getKey={(g) => g.groupKey}
        onOpen={(g) => nav(`/errors/${encodeURIComponent(g.latest.id)}`)}
        empty={list.total === null ? null : filtered ? 'No errors match the filter.' : 'No errors yet. Errors your app sends to Spotlight appear here live.'}
        renderRow={(g) => (
          <div className="errors-row row-content" data-testid="error-row">
            <LevelBadge level={g.latest.level ?? 'error'} />
            <span className="error-title">
              <span className="ellipsis">
                <ErrorTitle e={g.latest} />
              </span>
              <span className="muted ellipsis small">{g.latest.culprit || g.latest.transaction || ''}</span>
            </span>
            <span className="count" title={`${g.count} occurrences`}>
              {g.count}
            </span>
            <span className="muted small">{formatRelative(parseTime(g.lastSeen), now)}</span>
            <span className="muted small ellipsis">{[g.latest.platform, sdkLabel(g.latest.sdk)].filter(Boolean).join(' · ')}</span>
          </div>
        )}
      />
    </div>
  );
}

/** "Type: value" with the type in bold; a message event (no exception) is its message. */
export function ErrorTitle({ e }: { e: { type?: string; value?: string; title: string } }) {
  if (!e.type) return <>{e.title}</>;
  return (
    <>
      <strong>{e.type}</strong>
      {e.value ? `: ${e.value}` : ''}
    </>
  );
}
