// Profiles: every profile the sidecar holds (a transaction's, or a chunk of
// a continuous profiler session), one profile's flame graph, and the flame
// graph of a trace's or a span's samples. The server builds the graphs.

import { useState } from 'react';
import { Link, useNavigate } from '../context';
import { useDetail, useList, useNow } from '../hooks';
import { formatDateTime, formatDuration, formatRelative, parseTime } from '../lib/format';
import { BackLink, NotInBuffer, SearchBox, Section, Select } from '../components/common';
import { VirtualList } from '../components/VirtualList';
import { ListError, ListStatus, plural } from '../components/ListParts';
import { FlameGraph, HeaviestFunctions } from '../components/FlameGraph';
import type { Flame, Profile } from '../api/profile-types';
import { useDebounced } from '../hooks';

export function profileTitle(p: Profile): string {
  return p.transaction || (p.format === 'continuous' ? `Profile chunk ${p.chunkId?.slice(0, 8) ?? ''}` : 'Profile');
}

export function ProfilesView() {
  const nav = useNavigate();
  const now = useNow(5000);
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim());
  const { list, total, item, onRange } = useList('profiles', { q });
  return (
    <div className="view">
      <div className="toolbar">
        <h1>Profiles</h1>
        <SearchBox value={query} onChange={setQuery} label="Search profiles" />
        <ListStatus loaded={list.total !== null}>{plural(total, 'profile')}</ListStatus>
      </div>
      {list.error && <ListError error={list.error} />}
      <div className="list-head profiles-row" aria-hidden="true">
        <span>Transaction / trace</span>
        <span>Platform</span>
        <span>Duration</span>
        <span>Samples</span>
        <span>Received</span>
      </div>
      <VirtualList<Profile>
        count={total}
        item={item}
        onRange={onRange}
        label="Profiles"
        rowHeight={52}
        getKey={(p) => p.id}
        onOpen={(p) => nav(`/profiles/${encodeURIComponent(p.id)}`)}
        empty={list.total === null ? null : 'No profiles yet. Enable profiling in your SDK (profilesSampleRate, or continuous profiling) and they appear here.'}
        renderRow={(p) => (
          <div className="profiles-row row-content" data-testid="profile-row">
            <span className="error-title">
              <span className="ellipsis">
                <strong>{profileTitle(p)}</strong>
                {p.cut && <span className="badge badge-error">cut</span>}
              </span>
              <span className="muted small ellipsis">
                {p.format === 'continuous' ? 'continuous' : 'transaction profile'}
                {p.traceId && (
                  <>
                    {' · '}
                    <span className="mono">{p.traceId.slice(0, 12)}</span>
                  </>
                )}
              </span>
            </span>
            <span>{p.platform ?? '—'}</span>
            <span className="mono">{formatDuration(p.durationMs)}</span>
            <span>{p.sampleCount}</span>
            <span className="muted small">{formatRelative(parseTime(p.received), now)}</span>
          </div>
        )}
      />
    </div>
  );
}

/** A flame graph with its search box and heaviest-functions table. */
export function FlameSection({ flame, compact }: { flame: Flame; compact?: boolean }) {
  const [search, setSearch] = useState('');
  return (
    <div className="flame-section">
      <div className="toolbar flame-toolbar">
        <SearchBox value={search} onChange={setSearch} label="Search frames" placeholder="Highlight function or file" />
        <span className="muted small">
          {flame.samples} samples{flame.idle > 0 ? ` (${flame.idle} idle)` : ''}
          {flame.sampleMs > 0 ? ` · one every ${formatDuration(flame.sampleMs)}` : ''}
        </span>
      </div>
      <FlameGraph flame={flame} search={search} maxHeight={compact ? 260 : 520} />
      {!compact && (
        <Section title="Heaviest functions (self time)">
          <HeaviestFunctions flame={flame} onPick={setSearch} />
        </Section>
      )}
    </div>
  );
}

export function ProfileDetailView({ id }: { id: string }) {
  const [threadId, setThreadId] = useState('');
  const d = useDetail('profile', threadId ? `${id}#${threadId}` : id);
  if (!d.data) {
    return (
      <NotInBuffer back="/profiles" backLabel="Profiles" status={d.status} error={d.error}>
        Profile {id} is not in the sidecar's buffer.
      </NotInBuffer>
    );
  }
  const p = d.data;
  const thread = p.threads?.find((t) => t.id === p.thread);
  return (
    <div className="view padded" data-testid="profile-detail">
      <BackLink to="/profiles" label="Profiles" />
      <h1>{profileTitle(p)}</h1>
      <div className="meta">
        <span>{p.platform ?? 'unknown platform'}</span>
        <span>{p.format === 'continuous' ? `continuous (profiler ${p.profilerId?.slice(0, 8) ?? '?'})` : 'transaction profile'}</span>
        <span>{formatDuration(p.durationMs)}</span>
        <span>{p.sampleCount} samples</span>
        <span>{formatDateTime(parseTime(p.start))}</span>
        {p.threads && p.threads.length > 1 ? (
          <Select
            value={p.thread}
            onChange={setThreadId}
            label="Thread"
            options={p.threads.map((t) => ({ value: t.id, label: `${t.name ? `${t.name} (${t.id})` : t.id}: ${t.samples} samples` }))}
          />
        ) : (
          thread && <span>thread {thread.name ? `${thread.name} (${thread.id})` : thread.id}</span>
        )}
        {p.traceId && <Link to={`/traces/${p.traceId}`}>Trace {p.traceId.slice(0, 12)}</Link>}
      </div>
      {p.cut && (
        <div className="banner banner-warn" data-testid="profile-cut">
          <span>
            Shown is what could be read: {p.cut.join('; ')}.
          </span>
        </div>
      )}
      <FlameSection flame={p.flame} />
    </div>
  );
}

/** The samples of a trace (spanId undefined) or of one span, as a full view. */
export function SpanProfileView({ traceId, spanId }: { traceId: string; spanId?: string }) {
  const d = useDetail('spanProfile', spanId ? `${traceId}/${spanId}` : traceId);
  const back = `/traces/${traceId}${spanId ? `?span=${spanId}` : ''}`;
  if (!d.data) {
    return (
      <NotInBuffer back={back} backLabel="Trace" status={d.status} error={d.error}>
        No profile samples are held for this {spanId ? 'span' : 'trace'}.
      </NotInBuffer>
    );
  }
  const sp = d.data;
  return (
    <div className="view padded" data-testid="span-profile">
      <BackLink to={back} label="Trace" />
      <h1>Profile of {spanId ? `span ${spanId}` : `trace ${traceId.slice(0, 12)}`}</h1>
      <div className="meta">
        <span>{formatDuration(parseTime(sp.to) - parseTime(sp.from))} window</span>
        {sp.thread && <span>thread {sp.thread}</span>}
        {sp.profiles.map((p) => (
          <Link key={p.id} to={`/profiles/${encodeURIComponent(p.id)}`}>
            {profileTitle(p)}
          </Link>
        ))}
      </div>
      <FlameSection flame={sp.flame} />
    </div>
  );
}

/** In a span's panel: the flame graph of its samples, when a profile covers it. */
export function SpanProfileSection({ traceId, spanId }: { traceId: string; spanId: string }) {
  const d = useDetail('spanProfile', `${traceId}/${spanId}`);
  if (!d.data) return null;
  return (
    <div data-testid="span-flame">
      <h3>
        Profile ({d.data.flame.samples} samples){' '}
        <Link to={`/traces/${traceId}/profile?span=${spanId}`} className="small">
          Open flame graph
        </Link>
      </h3>
      <FlameSection flame={d.data.flame} compact />
    </div>
  );
}

/** In a trace's head: a link to the flame graph of all its samples, when there are some. */
export function TraceProfileLink({ traceId }: { traceId: string }) {
  const d = useDetail('spanProfile', traceId);
  if (!d.data) return null;
  return (
    <span data-testid="trace-profile-link">
      <Link to={`/traces/${traceId}/profile`}>Profile ({d.data.flame.samples} samples)</Link>
    </span>
  );
}
