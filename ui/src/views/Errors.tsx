// The errors list: groups of events with the same type, value and top frame
// (grouped, filtered, ordered and paged by the server), newest first.

import { useEffect, useState } from 'react';
import { useAppState, useNavigate, useStoreApi } from '../context';
import { useDebounced, useList, useNow } from '../hooks';
import { parseTime, sdkLabel } from '../lib/format';
import { RelativeTime } from '../components/RelativeTime';
import { SourceBadge } from '../components/SourceBadge';
import { LevelBadge, SearchBox, Select } from '../components/common';
import { VirtualList } from '../components/VirtualList';
import { filters, ListError, ListStatus, plural } from '../components/ListParts';
import type { ErrorGroup, ErrorSummary, TypeCount } from '../api/types';
import { InstanceBadge } from '../components/InstanceBadge';

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
  const [type, setType] = useState(() => store.getState().lists.errors.params.type ?? '');
  const q = useDebounced(query.trim());
  const { list, total, item, onRange } = useList('errors', { q, level, type });
  const events = useAppState((s) => s.counts?.errors ?? 0);
  const types = useErrorTypes(events);
  // The status describes the rows shown: the filter they were fetched with.
  const filtered = filters(list.answered, ['q', 'level', 'type']);
  return (
    <div className="view">
      <div className="toolbar">
        <h1>Errors</h1>
        <SearchBox value={query} onChange={setQuery} label="Search errors" />
        <Select value={level} onChange={setLevel} label="Level" options={LEVEL_OPTIONS} />
        <Select
          value={type}
          onChange={setType}
          label="Exception type"
          options={[
            { value: '', label: 'All exception types' },
            ...(type !== '' && !types.some((t) => t.type === type) ? [{ value: type, label: type }] : []),
            ...types.map((t) => ({ value: t.type, label: `${t.type} (${t.count})` })),
          ]}
        />
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
              <span className="muted ellipsis small">
                <InstanceBadge instance={g.latest.instance} /> {g.latest.culprit || g.latest.transaction || ''}
              </span>
            </span>
            <span className="count" title={`${g.count} occurrences`}>
              {g.count}
            </span>
            <span className="muted small">
              <RelativeTime ms={parseTime(g.lastSeen)} now={now} />
            </span>
            <PlatformSdk e={g.latest} />
          </div>
        )}
      />
    </div>
  );
}

/** The exception types held, refreshed as errors arrive (events: the count held). */
function useErrorTypes(events: number): TypeCount[] {
  const client = useAppState((s) => s.client());
  const [types, setTypes] = useState<TypeCount[]>([]);
  useEffect(() => {
    let live = true;
    client.errorTypes().then(
      (t) => live && setTypes(t),
      () => undefined, // the filter keeps its last choices
    );
    return () => {
      live = false;
    };
  }, [client, events]);
  return types;
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

/**
 * The platform and the SDK on two lines: a long SDK name is cut, its version
 * never is (the version is what tells two runs apart).
 */
function PlatformSdk({ e }: { e: ErrorSummary }) {
  return (
    <span className="muted small platform-sdk" title={[e.platform, sdkLabel(e.sdk)].filter(Boolean).join(' · ')} data-testid="platform-sdk">
      <span className="ellipsis">
        <SourceBadge source={e.source} sdk={e.sdk} platform={e.platform} /> {e.platform}
      </span>
      {e.sdk && (
        <span className="sdk-line">
          <span className="ellipsis">{e.sdk.name}</span>
          {e.sdk.version && <span className="sdk-version">{e.sdk.version}</span>}
        </span>
      )}
    </span>
  );
}
