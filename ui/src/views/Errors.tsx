// The errors list: grouped by type + value + top frame, filterable by level
// and searchable.

import { useMemo, useState } from 'react';
import { useAppState, useNavigate } from '../context';
import { useDebounced, useNow } from '../hooks';
import { groupErrors, type ErrorGroup } from '../store/groups';
import { formatRelative } from '../lib/format';
import { LevelBadge, SearchBox, Select } from '../components/common';
import { VirtualList } from '../components/VirtualList';

type LevelFilter = 'all' | 'fatal' | 'error' | 'warning' | 'info' | 'debug';
const LEVEL_OPTIONS: { value: LevelFilter; label: string }[] = [
  { value: 'all', label: 'All levels' },
  { value: 'fatal', label: 'Fatal' },
  { value: 'error', label: 'Error' },
  { value: 'warning', label: 'Warning' },
  { value: 'info', label: 'Info' },
  { value: 'debug', label: 'Debug' },
];

export function ErrorsView() {
  const errors = useAppState((s) => s.data.errors);
  const nav = useNavigate();
  const now = useNow(5000);
  const [query, setQuery] = useState('');
  const [level, setLevel] = useState<LevelFilter>('all');
  const q = useDebounced(query.trim().toLowerCase());
  const groups = useMemo(() => groupErrors(errors), [errors]);
  const shown = useMemo(
    () => groups.filter((g) => (level === 'all' || g.latest.level === level) && (!q || g.events.some((e) => e.search.includes(q)))),
    [groups, level, q],
  );
  return (
    <div className="view">
      <div className="toolbar">
        <h1>Errors</h1>
        <SearchBox value={query} onChange={setQuery} label="Search errors" />
        <Select value={level} onChange={setLevel} label="Level" options={LEVEL_OPTIONS} />
        <span className="muted" aria-live="polite">
          {shown.length} of {groups.length} groups · {errors.length} events
        </span>
      </div>
      <div className="list-head errors-row" aria-hidden="true">
        <span>Level</span>
        <span>Error</span>
        <span>Count</span>
        <span>Last seen</span>
        <span>Platform / SDK</span>
      </div>
      <VirtualList<ErrorGroup>
        items={shown}
        label="Errors"
        rowHeight={58}
        getKey={(g) => g.key}
        onOpen={(g) => nav(`/errors/${g.latest.eventId}`)}
        empty={errors.length === 0 ? 'No errors yet. Errors your app sends to Spotlight appear here live.' : 'No errors match the filter.'}
        renderRow={(g) => (
          <div className="errors-row row-content" data-testid="error-row">
            <LevelBadge level={g.latest.level} />
            <span className="error-title">
              <span className="ellipsis">
                {g.latest.type && <strong>{g.latest.type}</strong>}
                {g.latest.type && g.latest.value ? ': ' : ''}
                {g.latest.value}
              </span>
              <span className="muted ellipsis small">{g.latest.topFrame || g.latest.transaction || ''}</span>
            </span>
            <span className="count" title={`${g.count} occurrences`}>
              {g.count}
            </span>
            <span className="muted small">{formatRelative(g.lastSeen, now)}</span>
            <span className="muted small ellipsis">{[g.latest.platform, g.latest.sdk].filter(Boolean).join(' · ')}</span>
          </div>
        )}
      />
    </div>
  );
}
