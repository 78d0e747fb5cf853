// The sections of an error's detail besides its stack: breadcrumbs, request,
// tags, contexts and SDK. Each renders nothing when the event has none.

import { AnsiText, KeyValueTable, Section, TagTable } from './common';
import { formatDateTime, parseTime } from '../lib/format';
import type { Breadcrumb, RequestInfo, Sdk, Tag } from '../api/types';

export function Breadcrumbs({ list }: { list: readonly Breadcrumb[] }) {
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
          {list.map((b, i) => (
            <tr key={i}>
              <td className="mono small nowrap">{formatDateTime(parseTime(b.timestamp))}</td>
              <td>{b.category || b.type}</td>
              <td>{b.level}</td>
              <td className="break">
                <AnsiText text={b.message ?? ''} />
                {b.data !== undefined && b.data !== null ? <span className="muted small"> {truncate(JSON.stringify(b.data), 400)}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

export function Request({ request }: { request: RequestInfo }) {
  const { method, url, query, headers, ...rest } = request;
  return (
    <Section title="Request">
      <p className="mono">
        {method} {url}
        {query ? `?${query}` : ''}
      </p>
      {headers && headers.length > 0 && <TagTable tags={headers} label="Request headers" />}
      <KeyValueTable data={rest} label="Request" />
    </Section>
  );
}

export function Tags({ tags }: { tags: readonly Tag[] }) {
  if (tags.length === 0) return null;
  return (
    <Section title="Tags">
      <ul className="tags" aria-label="Tags">
        {tags.map((t, i) => (
          <li key={`${i}:${t.key}`} className="tag">
            <span className="tag-key">{t.key}</span>
            <span className="tag-value">{t.value}</span>
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** An empty context (`"cloud_resource": {}`) says nothing: it gets no card. */
function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

export function Contexts({ contexts }: { contexts: Record<string, unknown> }) {
  const names = Object.keys(contexts).filter((n) => !isEmpty(contexts[n]));
  if (names.length === 0) return null;
  return (
    <Section title="Contexts">
      <div className="contexts">
        {names.map((name) => {
          const c = contexts[name];
          return (
            <div key={name} className="context-card">
              <h3>{name}</h3>
              {c !== null && typeof c === 'object' && !Array.isArray(c) ? (
                <KeyValueTable data={c as Record<string, unknown>} label={`Context ${name}`} />
              ) : (
                <KeyValueTable data={{ value: c }} label={`Context ${name}`} />
              )}
            </div>
          );
        })}
      </div>
    </Section>
  );
}

export function SdkSection({ sdk }: { sdk: Sdk }) {
  const { integrations, packages, ...rest } = sdk;
  return (
    <Section title="SDK">
      <KeyValueTable data={rest} label="SDK" />
      {integrations && integrations.length > 0 && (
        <p className="small">
          <span className="muted">Integrations: </span>
          {integrations.join(', ')}
        </p>
      )}
      {packages && packages.length > 0 && (
        <p className="small">
          <span className="muted">Packages: </span>
          {packages.map((x) => (x.version ? `${x.name}@${x.version}` : x.name)).join(', ')}
        </p>
      )}
    </Section>
  );
}

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
