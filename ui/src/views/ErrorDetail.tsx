// One error as the server decoded it: the exception chain (or the message
// and its stack), occurrences of its group, breadcrumbs, request, tags,
// contexts, user/extra, SDK and attachments.

import { useEffect } from 'react';
import { Link } from '../context';
import { useDetail, useList, useNow } from '../hooks';
import { RelativeTime } from '../components/RelativeTime';
import { SourceBadge } from '../components/SourceBadge';
import { Exceptions } from '../components/StackTrace';
import { Breadcrumbs, Contexts, Request, SdkSection, Tags } from '../components/ErrorSections';
import { Attachments } from '../components/Attachments';
import { formatDateTime, parseTime, sdkLabel } from '../lib/format';
import { BackLink, KeyValueTable, LevelBadge, NotInBuffer, Section } from '../components/common';
import { ErrorTitle } from './Errors';
import type { ErrorDetail } from '../api/types';
import { CopyForAI } from '../components/CodeActions';

export function ErrorDetailView({ id }: { id: string }) {
  const d = useDetail('error', id);
  const sources = useDetail('errorSource', id).data;
  const now = useNow(5000);
  if (!d.data) {
    return (
      <NotInBuffer back="/errors" backLabel="Errors" status={d.status} error={d.error}>
        Event {id} is not in the sidecar's buffer (yet). It shows up here as soon as it arrives.
      </NotInBuffer>
    );
  }
  const e = d.data;
  return (
    <div className="view padded detail" data-testid="error-detail">
      <BackLink to="/errors" label="Errors" />
      <h1 className="error-heading">
        <ErrorTitle e={e} />
      </h1>
      <div className="meta">
        <LevelBadge level={e.level ?? 'error'} />
        <SourceBadge source={e.source} sdk={e.sdk} platform={e.platform} />
        <span>
          {formatDateTime(parseTime(e.timestamp))} (<RelativeTime ms={parseTime(e.timestamp)} now={now} />)
        </span>
        {e.platform && <span>{e.platform}</span>}
        {e.sdk && <span>{sdkLabel(e.sdk)}</span>}
        {e.transaction && <span>transaction: {e.transaction}</span>}
        {e.environment && <span>env: {e.environment}</span>}
        {e.release && <span>release: {e.release}</span>}
        {e.eventId && <span className="mono small">event {e.eventId}</span>}
        {e.traceId && <Link to={`/traces/${e.traceId}`}>trace {e.traceId.slice(0, 8)}…</Link>}
        {e.traceId && e.spanId && <Link to={`/traces/${e.traceId}?span=${e.spanId}`}>span {e.spanId.slice(0, 8)}…</Link>}
      </div>
      <div className="actions">
        <CopyForAI id={e.id} />
      </div>
      {e.group && e.group.count > 1 && <Occurrences e={e} />}
      <Exceptions exceptions={e.exceptions ?? []} frames={e.frames} sources={sources} instance={e.instance?.id} />
      {e.message && e.exceptionCount > 0 && (
        <Section title="Message">
          <pre className="message">{e.message}</pre>
        </Section>
      )}
      <Breadcrumbs list={e.breadcrumbs ?? []} />
      {e.request && <Request request={e.request} />}
      <Tags tags={e.tags ?? []} />
      <Contexts contexts={e.contexts ?? {}} />
      {e.user && Object.keys(e.user).length > 0 && (
        <Section title="User">
          <KeyValueTable data={e.user} label="User" />
        </Section>
      )}
      {e.extra && Object.keys(e.extra).length > 0 && (
        <Section title="Additional data">
          <KeyValueTable data={e.extra} label="Additional data" />
        </Section>
      )}
      {e.sdk && <SdkSection sdk={e.sdk} />}
      <Attachments list={e.attachments ?? []} envelopeId={e.envelopeId} />
    </div>
  );
}

/** The newest occurrences of the error's group, from the server's list. */
function Occurrences({ e }: { e: ErrorDetail }) {
  const { total, item, onRange } = useList('occurrences', { groupKey: e.groupKey });
  // The first 30 are plenty for a glance.
  useEffect(() => onRange(0, 30), [onRange]);
  const shown = Array.from({ length: Math.min(total, 30) }, (_, i) => item(i)).filter((x) => x !== undefined);
  return (
    <Section title={`Occurrences (${total})`}>
      <ul className="inline-list">
        {shown.map((o) => (
          <li key={o.id}>
            {o.id === e.id ? <strong>{formatDateTime(parseTime(o.timestamp))}</strong> : <Link to={`/errors/${encodeURIComponent(o.id)}`}>{formatDateTime(parseTime(o.timestamp))}</Link>}
          </li>
        ))}
      </ul>
    </Section>
  );
}
