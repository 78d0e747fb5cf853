// Insights (issue 18): database queries grouped by statement (N+1 flagged),
// web vitals per page, and resources; the server aggregates, these render.

import { Link } from '../context';
import { useDetail } from '../hooks';
import { formatBytes, formatDuration } from '../lib/format';
import { BackLink, NotInBuffer } from '../components/common';
import { FormattedSQL } from '../components/SpanCode';
import type { DetailState } from '../store/events';
import type { ReactNode } from 'react';
import type { Score, SpanRef, Vital } from '../api/insight-types';

/** The insights pages' tabs. */
function InsightTabs({ current }: { current: string }) {
  const tabs = [
    ['/insights/queries', 'Queries'],
    ['/insights/web-vitals', 'Web Vitals'],
    ['/insights/resources', 'Resources'],
  ];
  return (
    <nav className="tabs" aria-label="Insights">
      {tabs.map(([to, label]) => (
        <Link key={to} to={to!} className={to === current ? 'tab current' : 'tab'} aria-current={to === current ? 'page' : undefined}>
          {label}
        </Link>
      ))}
    </nav>
  );
}

/** A page of one aggregate: its tabs, then loading / error / the content. */
function InsightPage<T>({ tab, title, d, children }: { tab: string; title: string; d: DetailState<T>; children: (data: T) => ReactNode }) {
  return (
    <div className="view padded">
      <div className="toolbar">
        <h1>{title}</h1>
        <InsightTabs current={tab} />
      </div>
      {d.data ? children(d.data) : <p role="status">{d.status === 'error' ? `Could not load: ${d.error ?? 'unknown error'}` : 'Loading…'}</p>}
    </div>
  );
}

const spanLink = (s: SpanRef) => `/traces/${encodeURIComponent(s.traceId)}?span=${encodeURIComponent(s.spanId)}`;

export function QueriesView() {
  const d = useDetail('queries', '');
  return (
    <InsightPage tab="/insights/queries" title="Queries" d={d}>
      {(data) =>
        data.items.length === 0 ? (
          <p className="muted">No database spans yet. Spans whose op is db or db.* (with db.statement, db.query.text or a description) are grouped here.</p>
        ) : (
          <table className="table insights-table" data-testid="queries-table">
            <thead>
              <tr>
                <th>Statement</th>
                <th>Count</th>
                <th>Total</th>
                <th>Avg</th>
                <th>p95</th>
                <th>Traces</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((g) => (
                <tr key={g.id} data-testid="query-row">
                  <td className="ellipsis-cell">
                    <Link to={`/insights/queries/${g.id}`} className="mono">
                      {g.statement}
                    </Link>
                    {g.nPlusOne && (
                      <span className="badge badge-error" title={`Ran ${g.maxRepeats} times under one parent span of one trace`} data-testid="nplusone">
                        N+1 ×{g.maxRepeats}
                      </span>
                    )}
                  </td>
                  <td>{g.count}</td>
                  <td className="mono">{formatDuration(g.totalMs)}</td>
                  <td className="mono">{formatDuration(g.avgMs)}</td>
                  <td className="mono">{formatDuration(g.p95Ms)}</td>
                  <td>{g.traces}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </InsightPage>
  );
}

export function QueryGroupView({ id }: { id: string }) {
  const d = useDetail('queryGroup', id);
  if (!d.data) {
    return (
      <NotInBuffer back="/insights/queries" backLabel="Queries" status={d.status} error={d.error}>
        This query group is not held (its spans were evicted or cleared).
      </NotInBuffer>
    );
  }
  const g = d.data;
  return (
    <div className="view padded">
      <BackLink to="/insights/queries" label="Queries" />
      <h1>
        Query{g.system ? ` (${g.system})` : ''}
        {g.nPlusOne && <span className="badge badge-error"> N+1: {g.maxRepeats} times under one parent span</span>}
      </h1>
      <FormattedSQL query={g.statement} system={g.system} />
      <p className="muted">
        {g.count} runs in {g.traces} trace{g.traces === 1 ? '' : 's'} · total {formatDuration(g.totalMs)} · avg {formatDuration(g.avgMs)} · p95 {formatDuration(g.p95Ms)}
      </p>
      <table className="table" data-testid="query-spans">
        <thead>
          <tr>
            <th>Span</th>
            <th>Transaction</th>
            <th>Duration</th>
          </tr>
        </thead>
        <tbody>
          {(g.spans ?? []).map((s) => (
            <tr key={`${s.traceId}-${s.spanId}`}>
              <td>
                <Link to={spanLink(s)} className="mono">
                  {s.spanId}
                </Link>
              </td>
              <td>{s.transaction ?? '—'}</td>
              <td className="mono">{formatDuration(s.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const VITAL_LABEL: Record<string, string> = { lcp: 'LCP', fcp: 'FCP', cls: 'CLS', inp: 'INP', ttfb: 'TTFB' };
const SCORE_LABEL: Record<Score, string> = { good: 'Good', 'needs-improvement': 'Needs improvement', poor: 'Poor' };

function vitalValue(name: string, v: number): string {
  return name === 'cls' ? v.toFixed(3) : formatDuration(v);
}

function ScoreBadge({ score }: { score: Score }) {
  return <span className={`score score-${score}`}>{SCORE_LABEL[score]}</span>;
}

function VitalCell({ v }: { v: Vital | undefined }) {
  if (!v) return <td className="muted">—</td>;
  return (
    <td title={`p75 of ${v.samples} sample${v.samples === 1 ? '' : 's'}; good ≤ ${vitalValue(v.name, v.good)}, poor > ${vitalValue(v.name, v.poor)} (web.dev)`}>
      <span className="mono">{vitalValue(v.name, v.p75)}</span> <ScoreBadge score={v.score} />
    </td>
  );
}

export function WebVitalsView() {
  const d = useDetail('webVitals', '');
  const names = Object.keys(VITAL_LABEL);
  return (
    <InsightPage tab="/insights/web-vitals" title="Web Vitals" d={d}>
      {(data) =>
        data.items.length === 0 ? (
          <p className="muted">No web vitals yet. Browser pageload and navigation transactions, and standalone web-vital spans, appear here.</p>
        ) : (
          <>
            <table className="table insights-table" data-testid="vitals-table">
              <thead>
                <tr>
                  <th>Page</th>
                  {names.map((n) => (
                    <th key={n}>{VITAL_LABEL[n]}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.items.map((p) => (
                  <tr key={p.page} data-testid="vitals-row">
                    <td>
                      <Link to={`/insights/web-vitals/${encodeURIComponent(p.page)}`}>{p.page}</Link>
                    </td>
                    {names.map((n) => (
                      <VitalCell key={n} v={p.vitals.find((v) => v.name === n)} />
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted small">
              75th percentile per page, scored against web.dev's thresholds (web.dev/articles/vitals): LCP 2.5 s / 4 s, FCP 1.8 s / 3 s, CLS 0.1 / 0.25, INP 200 ms / 500 ms, TTFB 0.8 s / 1.8 s.
            </p>
          </>
        )
      }
    </InsightPage>
  );
}

export function PageVitalsView({ page }: { page: string }) {
  const d = useDetail('pageVitals', page);
  if (!d.data) {
    return (
      <NotInBuffer back="/insights/web-vitals" backLabel="Web Vitals" status={d.status} error={d.error}>
        No web vitals of {page} are held.
      </NotInBuffer>
    );
  }
  return (
    <div className="view padded">
      <BackLink to="/insights/web-vitals" label="Web Vitals" />
      <h1>{page}</h1>
      <p>
        {d.data.vitals.map((v) => (
          <span key={v.name} className="vital-summary">
            <strong>{VITAL_LABEL[v.name]}</strong> <span className="mono">{vitalValue(v.name, v.p75)}</span> <ScoreBadge score={v.score} />{' '}
          </span>
        ))}
      </p>
      <table className="table" data-testid="vital-samples">
        <thead>
          <tr>
            <th>Vital</th>
            <th>Value</th>
            <th>Score</th>
            <th>From</th>
            <th>Trace</th>
          </tr>
        </thead>
        <tbody>
          {(d.data.samples ?? []).map((s, i) => (
            <tr key={`${s.spanId}-${s.name}-${i}`}>
              <td>{VITAL_LABEL[s.name]}</td>
              <td className="mono">{vitalValue(s.name, s.value)}</td>
              <td>
                <ScoreBadge score={s.score} />
              </td>
              <td>{s.op}</td>
              <td>
                <Link to={spanLink({ ...s, start: s.time, durationMs: 0 })} className="mono">
                  {s.traceId.slice(0, 8)}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ResourcesView() {
  const d = useDetail('resources', '');
  return (
    <InsightPage tab="/insights/resources" title="Resources" d={d}>
      {(data) =>
        data.items.length === 0 ? (
          <p className="muted">No resources yet. The browser SDK's resource.* spans (scripts, stylesheets, images, fonts) appear here.</p>
        ) : (
          <table className="table insights-table" data-testid="resources-table">
            <thead>
              <tr>
                <th>Resource</th>
                <th>Type</th>
                <th>Count</th>
                <th>Avg duration</th>
                <th>Transfer</th>
                <th>Decoded</th>
                <th>Render blocking</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((r) => (
                <tr key={`${r.type} ${r.url}`} data-testid="resource-row">
                  <td className="ellipsis-cell">
                    <Link to={spanLink({ traceId: r.exampleTraceId, spanId: r.exampleSpanId, start: '', durationMs: 0 })} className="mono">
                      {r.url}
                    </Link>
                  </td>
                  <td>
                    <span className="badge">{r.type}</span>
                  </td>
                  <td>{r.count}</td>
                  <td className="mono">{formatDuration(r.avgMs)}</td>
                  <td className="mono">{formatBytes(r.avgTransferBytes)}</td>
                  <td className="mono">{formatBytes(r.avgDecodedBytes)}</td>
                  <td>{r.renderBlocking || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </InsightPage>
  );
}
