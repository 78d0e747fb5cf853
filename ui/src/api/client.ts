// The event API of one sidecar: lists (filtered, ordered and paged by the
// server), one record's detail, counts, attachment bytes, and the URL of the
// live feed. A view added later (profiles, insights, ...) adds its list or
// detail to LISTS / DETAILS and its shape to ListItems / DetailItems.

import { getJson, request } from './http';
import type {
  ChangeKind,
  Counts,
  ErrorDetail,
  ErrorGroup,
  ErrorSummary,
  Log,
  Page,
  TraceDetail,
  TraceSummary,
  UndecodableItem,
  UndecodableItemDetail,
  TypeCount,
} from './types';
import type { ErrorSources, OpenTarget } from './source';
import type { Profile, ProfileDetail, SpanProfile } from './profile-types';
import type { AIRun } from './ai-types';
import type { EnvelopeDetail, EnvelopeSummary, Items, PageVitals, QueryGroup, Resource, SDKSeen } from './insight-types';

/** What each list holds. */
export interface ListItems {
  errors: ErrorGroup;
  traces: TraceSummary;
  logs: Log;
  items: UndecodableItem;
  /** Occurrences of one error group (`groupKey=`), newest first. */
  occurrences: ErrorSummary;
  profiles: Profile;
  aiCalls: AIRun;
  envelopes: EnvelopeSummary;
}
export type ListName = keyof ListItems;

/** What each detail holds. */
export interface DetailItems {
  error: ErrorDetail;
  trace: TraceDetail;
  item: UndecodableItemDetail;
  /** What the sidecar found for an error's frames (code from disk, source maps). */
  errorSource: ErrorSources;
  profile: ProfileDetail;
  aiCall: AIRun;
  /** id = "<traceId>" or "<traceId>/<spanId>". */
  spanProfile: SpanProfile;
  /** Insights (issue 18): id '' is the whole list, else one group / page. */
  queries: Items<QueryGroup>;
  queryGroup: QueryGroup;
  webVitals: Items<PageVitals>;
  pageVitals: PageVitals;
  resources: Items<Resource>;
  sdks: Items<SDKSeen>;
  envelope: EnvelopeDetail;
  /** id = "<traceId>/<text>": the ids of the trace's spans that match, in waterfall order. */
  traceSearch: { q: string; matches: string[] };
}
export type DetailName = keyof DetailItems;

export interface ListDef {
  path: string;
  /** Parameters every request of this list carries. */
  fixed?: Record<string, string>;
  /** The feed changes that may alter this list. */
  changes: readonly ChangeKind[];
}

/** Every kind of change: what any new envelope may bring. */
const ALL_KINDS: readonly ChangeKind[] = ['error', 'trace', 'log', 'attachment', 'item', 'profile'];

export const LISTS: Record<ListName, ListDef> = {
  errors: { path: '/api/errors', fixed: { group: '1' }, changes: ['error'] },
  traces: { path: '/api/traces', changes: ['trace'] },
  logs: { path: '/api/logs', changes: ['log'] },
  items: { path: '/api/items', changes: ['item'] },
  occurrences: { path: '/api/errors', changes: ['error'] },
  profiles: { path: '/api/profiles', changes: ['profile'] },
  // AI calls are spans: a trace's change may change them.
  aiCalls: { path: '/api/ai-calls', changes: ['trace'] },
  envelopes: { path: '/api/inspector/envelopes', changes: ALL_KINDS },
};

/** Each detail is GET <path><id><suffix> (or its own url), refetched on changes of its kind. */
export interface DetailDef {
  path: string;
  suffix?: string;
  change: ChangeKind;
  /** The request path of an id, when it is not path + id + suffix. */
  url?: (id: string) => string;
  /** An aggregate (insights, SDKs): refetched on any change of these kinds, whatever its id. */
  anyChange?: readonly ChangeKind[];
}

export const DETAILS: Record<DetailName, DetailDef> = {
  error: { path: '/api/errors/', change: 'error' },
  trace: { path: '/api/traces/', change: 'trace' },
  item: { path: '/api/items/', change: 'item' },
  errorSource: { path: '/api/errors/', suffix: '/source', change: 'error' },
  profile: {
    path: '/api/profiles/',
    change: 'profile',
    // id = "<profile id>" or "<profile id>#<thread id>" (the flame graph of another thread)
    url: (id) => {
      const [profile = '', thread] = id.split('#');
      return `/api/profiles/${encodeURIComponent(profile)}${thread ? `?thread=${encodeURIComponent(thread)}` : ''}`;
    },
  },
  aiCall: { path: '/api/ai-calls/', change: 'trace' },
  queries: { path: '/api/insights/queries', change: 'trace', url: () => '/api/insights/queries', anyChange: ['trace'] },
  queryGroup: { path: '/api/insights/queries/', change: 'trace', anyChange: ['trace'] },
  webVitals: { path: '/api/insights/web-vitals', change: 'trace', url: () => '/api/insights/web-vitals', anyChange: ['trace'] },
  pageVitals: { path: '', change: 'trace', url: (page) => `/api/insights/web-vitals?page=${encodeURIComponent(page)}`, anyChange: ['trace'] },
  resources: { path: '/api/insights/resources', change: 'trace', url: () => '/api/insights/resources', anyChange: ['trace'] },
  sdks: { path: '/api/sdks', change: 'trace', url: () => '/api/sdks', anyChange: ALL_KINDS },
  envelope: { path: '/api/inspector/envelopes/', change: 'trace' },
  traceSearch: {
    path: '/api/traces/',
    change: 'trace',
    url: (id) => {
      const cut = id.indexOf('/');
      return `/api/traces/${encodeURIComponent(id.slice(0, cut))}/search?q=${encodeURIComponent(id.slice(cut + 1))}`;
    },
  },
  spanProfile: {
    path: '/api/traces/',
    // Samples may arrive after the trace: any new profile may change it.
    change: 'profile',
    url: (id) => {
      const [trace = '', span] = id.split('/');
      return `/api/traces/${encodeURIComponent(trace)}/profile${span ? `?spanId=${encodeURIComponent(span)}` : ''}`;
    },
  },
};

/** Filter parameters of a list (q, level, sort, traceId, ...); empty values are left out. */
export type ListParams = Readonly<Record<string, string>>;

/** The query string of a list request: fixed parameters, the filter, then the page. */
export function listQuery(name: ListName, params: ListParams, offset: number, limit: number): string {
  const qs = new URLSearchParams(LISTS[name].fixed);
  for (const [k, v] of Object.entries(params).sort(([a], [b]) => a.localeCompare(b))) if (v !== '') qs.set(k, v);
  qs.set('offset', String(offset));
  qs.set('limit', String(limit));
  return qs.toString();
}

export interface Client {
  /** '' for the page's own sidecar, else http://localhost:<port>. */
  readonly base: string;
  /**
   * The part of the Control Center's merged copy it reads ('all', or an
   * instance's id: ?instance= on every request); undefined for a sidecar's own events.
   */
  readonly copy?: string;
  list<N extends ListName>(name: N, params: ListParams, offset: number, limit: number): Promise<Page<ListItems[N]>>;
  detail<N extends DetailName>(name: N, id: string): Promise<DetailItems[N]>;
  counts(): Promise<Counts>;
  /** The bytes of an attachment (contentUrl of its record). */
  content(contentUrl: string): Promise<Blob>;
  clear(): Promise<void>;
  feedUrl(cursor?: string): string;
  envelopeUrl(envelopeId: string): string;
  /** The error as Markdown for a coding agent (Copy for AI). */
  errorMarkdown(id: string): Promise<string>;
  /** The exception types held, with counts (the errors list's type filter). */
  errorTypes(): Promise<TypeCount[]>;
  /** Opens a file in the user's editor; the error says why not. */
  open(target: OpenTarget): Promise<void>;
}

export function createClient(base: string, copy?: string): Client {
  // The merged copy is read through the same routes, with ?instance=.
  const view = copy === undefined ? '' : `instance=${encodeURIComponent(copy)}`;
  const url = (path: string, query = '') => {
    const qs = [query, view].filter(Boolean).join('&');
    return `${base}${path}${qs ? `${path.includes('?') ? '&' : '?'}${qs}` : ''}`;
  };
  return {
    base,
    copy,
    list: (name, params, offset, limit) => getJson(url(LISTS[name].path, listQuery(name, params, offset, limit))),
    detail: (name, id) => getJson(url(DETAILS[name].url?.(id) ?? `${DETAILS[name].path}${encodeURIComponent(id)}${DETAILS[name].suffix ?? ''}`)),
    counts: () => getJson(url('/api/counts')),
    content: (contentUrl) => request(url(contentUrl), {}, (r) => r.blob()),
    clear: async () => {
      await request(`${base}/clear`, { method: 'DELETE' });
    },
    feedUrl: (cursor) => url('/api/feed', cursor ? `cursor=${encodeURIComponent(cursor)}` : ''),
    envelopeUrl: (envelopeId) => url(`/envelope/${encodeURIComponent(envelopeId)}`),
    errorMarkdown: (id) => request(url(`/api/errors/${encodeURIComponent(id)}/markdown`), {}, (r) => r.text()),
    errorTypes: () => getJson(url('/api/error-types')),
    open: async (target) => {
      await request(`${base}/open`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(target) });
    },
  };
}
