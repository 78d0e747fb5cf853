// One error: its exception chain (components/StackTrace), breadcrumbs, tags,
// contexts, request, SDK and attachments.

import { useMemo } from 'react';
import { Link, useAppState } from '../context';
import { groupErrors } from '../store/groups';
import { eventMessage, exceptionValues, obj, str } from '../store/ingest';
import { Exceptions } from '../components/StackTrace';
import { formatBytes, formatDateTime, displayValue } from '../lib/format';
import { envelopeUrl, sidecarBase } from '../sidecar';
import { AnsiText, KeyValueTable, LevelBadge, NotInBuffer, Section } from '../components/common';
import type { Attachment, ErrorEvent, Json, JsonObject } from '../types';

export function ErrorDetailView({ eventId }: { eventId: string }) {
  const event = useAppState((s) => s.data.errorsById.get(eventId));
  const errors = useAppState((s) => s.data.errors);
  const hasTrace = useAppState((s) => (event?.traceId ? s.data.traces.has(event.traceId) : false));
  const group = useMemo(() => (event ? groupErrors(errors).find((g) => g.key === event.groupKey) : undefined), [errors, event]);
  if (!event) {
    return (
      <NotInBuffer back="/errors" backLabel="Errors">
        Event {eventId} is not in the sidecar's buffer (yet). It shows up here as soon as it arrives.
      </NotInBuffer>
    );
  }
  const p = event.payload;
  return (
    <div className="view padded detail" data-testid="error-detail">
      <p>
        <Link to="/errors">← Errors</Link>
      </p>
      <h1 className="error-heading">
        {event.type && <span>{event.type}</span>}
        {event.type && event.value ? ': ' : ''}
        <span className="error-value">{event.value}</span>
      </h1>
      <div className="meta">
        <LevelBadge level={event.level} />
        <span>{formatDateTime(event.timestamp)}</span>
        {event.platform && <span>{event.platform}</span>}
        {event.sdk && <span>{event.sdk}</span>}
        {event.transaction && <span>transaction: {event.transaction}</span>}
        {str(p.environment) && <span>env: {str(p.environment)}</span>}
        {str(p.release) && <span>release: {str(p.release)}</span>}
        <span className="mono small">event {event.eventId}</span>
        {event.traceId &&
          (hasTrace ? <Link to={`/traces/${event.traceId}`}>trace {event.traceId.slice(0, 8)}…</Link> : <span className="mono small">trace {event.traceId}</span>)}
      </div>
      {group && group.count > 1 && (
        <Section title={`Occurrences (${group.count})`}>
          <ul className="inline-list">
            {group.events.slice(0, 30).map((e) => (
              <li key={e.eventId}>
                {e.eventId === event.eventId ? <strong>{formatDateTime(e.timestamp)}</strong> : <Link to={`/errors/${e.eventId}`}>{formatDateTime(e.timestamp)}</Link>}
              </li>
            ))}
          </ul>
        </Section>
      )}
      <Exceptions event={event} />
      {exceptionValues(p).length > 0 && eventMessage(p) && (
        <Section title="Message">
          <pre className="message">{eventMessage(p)}</pre>
        </Section>
      )}
      <Breadcrumbs payload={p} />
      <Request payload={p} />
      <Tags payload={p} />
      <Contexts payload={p} />
      {Object.keys(obj(p.user)).length > 0 && (
        <Section title="User">
          <KeyValueTable data={obj(p.user)} label="User" />
        </Section>
      )}
      {Object.keys(obj(p.extra)).length > 0 && (
        <Section title="Additional data">
          <KeyValueTable data={obj(p.extra)} label="Additional data" />
        </Section>
      )}
      <Sdk payload={p} />
      <Attachments event={event} />
    </div>
  );
}
function Breadcrumbs({ payload }: { payload: JsonObject }) {
  const raw = payload.breadcrumbs;
  const list = (Array.isArray(raw) ? raw : Array.isArray(obj(raw).values) ? (obj(raw).values as Json[]) : []).map(obj);
  if (list.length === 0) return null;
  return (
    <Section title={`Breadcrumbs (${list.length})`}>
      <table className="table" aria-label="Breadcrumbs">
        <thead>
          <tr>
            <th>Time</th>
            <th>Category</th>
            <th>Level</th>
            <th>Message / data</th>
          </tr>
        </thead>
        <tbody>
          {list.map((b, i) => {
            const ts = typeof b.timestamp === 'number' ? b.timestamp * 1000 : Date.parse(str(b.timestamp));
            return (
              <tr key={i}>
                <td className="mono small nowrap">{Number.isNaN(ts) ? '' : formatDateTime(ts)}</td>
                <td>{str(b.category) || str(b.type)}</td>
                <td>{str(b.level)}</td>
                <td className="break">
                  <AnsiText text={str(b.message)} />
                  {b.data ? <span className="muted small"> {truncate(JSON.stringify(b.data), 400)}</span> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Section>
  );
}

function Request({ payload }: { payload: JsonObject }) {
  const r = obj(payload.request);
  if (Object.keys(r).length === 0) return null;
  const { method, url, ...rest } = r;
  return (
    <Section title="Request">
      <p className="mono">
        {str(method)} {str(url)}
      </p>
      <KeyValueTable data={rest} label="Request" />
    </Section>
  );
}

function Tags({ payload }: { payload: JsonObject }) {
  const t = payload.tags;
  const entries: [string, string][] = Array.isArray(t)
    ? t.filter(Array.isArray).map((x) => [displayValue(x[0]), displayValue(x[1])])
    : Object.entries(obj(t)).map(([k, v]) => [k, displayValue(v)]);
  if (entries.length === 0) return null;
  return (
    <Section title="Tags">
      <ul className="tags" aria-label="Tags">
        {entries.map(([k, v]) => (
          <li key={k} className="tag">
            <span className="tag-key">{k}</span>
            <span className="tag-value">{v}</span>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Contexts({ payload }: { payload: JsonObject }) {
  const c = obj(payload.contexts);
  const names = Object.keys(c);
  if (names.length === 0) return null;
  return (
    <Section title="Contexts">
      <div className="contexts">
        {names.map((name) => (
          <div key={name} className="context-card">
            <h3>{name}</h3>
            <KeyValueTable data={obj(c[name])} label={`Context ${name}`} />
          </div>
        ))}
      </div>
    </Section>
  );
}

function Sdk({ payload }: { payload: JsonObject }) {
  const sdk = obj(payload.sdk);
  if (Object.keys(sdk).length === 0) return null;
  const { integrations, packages, ...rest } = sdk;
  return (
    <Section title="SDK">
      <KeyValueTable data={rest} label="SDK" />
      {Array.isArray(integrations) && integrations.length > 0 && (
        <p className="small">
          <span className="muted">Integrations: </span>
          {integrations.map(displayValue).join(', ')}
        </p>
      )}
      {Array.isArray(packages) && packages.length > 0 && (
        <p className="small">
          <span className="muted">Packages: </span>
          {packages
            .map(obj)
            .map((x) => `${str(x.name)}@${str(x.version)}`)
            .join(', ')}
        </p>
      )}
    </Section>
  );
}

function Attachments({ event }: { event: ErrorEvent }) {
  const instancePort = useAppState((s) => s.instancePort);
  if (event.attachments.length === 0) return null;
  const href = envelopeUrl(sidecarBase(instancePort), event.envelopeId);
  return (
    <Section title={`Attachments (${event.attachments.length})`}>
      {event.attachments.map((a, i) => (
        <AttachmentView key={i} a={a} href={href} />
      ))}
    </Section>
  );
}

function AttachmentView({ a, href }: { a: Attachment; href: string }) {
  const isImage = a.contentType.startsWith('image/') && !a.isText;
  return (
    <figure className="attachment" data-testid="attachment">
      <figcaption>
        <strong>{a.filename}</strong> <span className="muted small">{a.contentType} · {formatBytes(a.size)}</span>{' '}
        <a href={href} download={`envelope-${a.filename}.txt`}>
          Download envelope
        </a>
      </figcaption>
      {isImage && a.data && <img src={`data:${a.contentType};base64,${a.data}`} alt={a.filename} className="attachment-image" />}
      {a.isText && <pre className="attachment-text">{a.data.length > 100_000 ? `${a.data.slice(0, 100_000)}\n… (truncated)` : a.data}</pre>}
    </figure>
  );
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
