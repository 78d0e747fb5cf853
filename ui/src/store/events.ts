// The event data of the one store: lists fetched a page at a time around
// what the view shows, details fetched per record, and the counts, all kept
// current by the live feed. The server filters, orders and pages; this
// slice only decides what to (re)fetch and when:
//
// - a list holds the pages near its visible rows (others are dropped, so
//   memory stays bounded however much the sidecar holds);
// - a feed change of a list's kind makes its pages stale: the visible ones
//   are refetched, at most one request per page in flight, and stale rows
//   stay on screen until their fresh page arrives (no flicker);
// - answers for a previous instance, filter or epoch are dropped.

import type { StateCreator } from 'zustand/vanilla';
import type { Change, Counts } from '../api/types';
import { DETAILS, LISTS, listQuery, type Client, type DetailItems, type DetailName, type ListItems, type ListName, type ListParams } from '../api/client';
import { HttpError, messageOf } from '../api/http';

/** Rows per request; the server's default page. */
export const PAGE_SIZE = 100;
/** Pages kept beyond the visible ones, each side. */
const KEEP_PAGES = 2;

export interface PageState<T> {
  items: readonly T[];
  /** The list version this page was fetched at; older than the list's = stale. */
  version: number;
  /** The filter it was fetched with. */
  key: string;
}

export interface ListState<T> {
  params: ListParams;
  /** Matches of the filter; null until the first answer. */
  total: number | null;
  /** The filter that total answers (params, once its first page has arrived). */
  answered: ListParams;
  pages: ReadonlyMap<number, PageState<T>>;
  version: number;
  error: string | null;
}

export type DetailStatus = 'loading' | 'ok' | 'missing' | 'error';

export interface DetailState<T> {
  status: DetailStatus;
  data?: T;
  error?: string;
}

export type Lists = { [N in ListName]: ListState<ListItems[N]> };

export interface EventsSlice {
  lists: Lists;
  /** Keyed by detailKey(name, id). */
  details: Readonly<Record<string, DetailState<unknown>>>;
  counts: Counts | null;

  /** Sets a list's filter (q, level, sort, ...): its rows are refetched. */
  setListParams(name: ListName, params: ListParams): void;
  /** The rows [start, end) the view shows: their pages are fetched if missing or stale. */
  showRange(name: ListName, start: number, end: number): void;
  /** The view of a list is gone: feed changes no longer refetch its rows. */
  hideList(name: ListName): void;
  /** Fetches a detail now and whenever the feed changes it, until the returned function is called. */
  watchDetail(name: DetailName, id: string): () => void;
  /** Fetches the counts (nav badges) now. */
  refreshCounts(): void;
  /** Applies a batch of feed changes. */
  applyChanges(changes: readonly Change[]): void;
  /** Drops every record (another instance, or the sidecar was cleared) and refetches what is shown. */
  resetEvents(): void;
}

export function detailKey(name: DetailName, id: string): string {
  return `${name}:${id}`;
}

function emptyList<T>(params: ListParams = {}): ListState<T> {
  return { params, total: null, answered: params, pages: new Map(), version: 0, error: null };
}

const LIST_NAMES = Object.keys(LISTS) as ListName[];

function emptyLists(prev?: Lists): Lists {
  const out = {} as Record<ListName, ListState<unknown>>;
  for (const name of LIST_NAMES) out[name] = emptyList(prev?.[name].params);
  return out as Lists;
}

/** The lists with the versions of `names` bumped: their pages are stale. */
function bump(lists: Lists, names: readonly ListName[]): Lists {
  const out: Record<ListName, ListState<unknown>> = { ...lists };
  for (const n of names) out[n] = { ...out[n], version: out[n].version + 1 };
  return out as Lists;
}

/** The filter's identity: pages fetched with another one are stale. */
function paramsKey(name: ListName, params: ListParams): string {
  return listQuery(name, params, 0, 0);
}

/** Pages that rows [start, end) fall in. */
export function pagesOf(start: number, end: number): number[] {
  const out: number[] = [];
  const first = Math.max(0, Math.floor(start / PAGE_SIZE));
  const last = Math.max(first, Math.floor(Math.max(start, end - 1) / PAGE_SIZE));
  for (let p = first; p <= last; p++) out.push(p);
  return out;
}

/** The row at index i, if its page is held. */
export function rowAt<T>(list: ListState<T>, i: number): T | undefined {
  return list.pages.get(Math.floor(i / PAGE_SIZE))?.items[i % PAGE_SIZE];
}

export interface EventsDeps {
  /** The client of the viewed sidecar. */
  client(): Client;
}

export function eventsSlice<S extends EventsSlice>(deps: EventsDeps): StateCreator<S, [], [], EventsSlice> {
  return (set, get) => {
    // Book-keeping that is not rendered: what is in flight and what is shown.
    let epoch = 0;
    const inFlight = new Set<string>();
    const ranges = new Map<ListName, [number, number]>();
    const watched = new Map<string, { name: DetailName; id: string; watchers: number }>();
    let countsInFlight = false;
    let countsStale = false;

    const setList = <N extends ListName>(name: N, f: (l: ListState<ListItems[N]>) => ListState<ListItems[N]>) => {
      const lists = get().lists;
      set({ lists: { ...lists, [name]: f(lists[name]) } } as Partial<S>);
    };

    const fetchPage = <N extends ListName>(name: N, page: number) => {
      const list = get().lists[name];
      const key = paramsKey(name, list.params);
      const flight = `${epoch}|${name}|${key}|${page}`;
      if (inFlight.has(flight)) return;
      inFlight.add(flight);
      const myEpoch = epoch;
      const version = list.version;
      const params = list.params;
      deps
        .client()
        .list(name, list.params, page * PAGE_SIZE, PAGE_SIZE)
        .then(
          (answer) => {
            if (myEpoch !== epoch || paramsKey(name, get().lists[name].params) !== key) return;
            setList(name, (l) => {
              const pages = new Map(l.pages);
              pages.set(page, { items: answer.items, version, key });
              // Pages past the end are gone (eviction, a narrower filter).
              const lastPage = Math.max(0, Math.ceil(answer.total / PAGE_SIZE) - 1);
              for (const p of pages.keys()) if (p > lastPage) pages.delete(p);
              return { ...l, pages, total: answer.total, answered: params, error: null };
            });
          },
          (e: unknown) => {
            if (myEpoch !== epoch) return;
            setList(name, (l) => ({ ...l, error: messageOf(e) }));
          },
        )
        .finally(() => {
          inFlight.delete(flight);
          // Changes that arrived meanwhile made it stale again.
          if (myEpoch === epoch) pump(name);
        });
    };

    /** Fetches the shown pages of a list that are missing or stale. */
    const pump = (name: ListName) => {
      const range = ranges.get(name);
      if (!range) return;
      const list = get().lists[name];
      const key = paramsKey(name, list.params);
      let wanted = pagesOf(range[0], range[1]);
      if (list.total !== null) {
        const lastPage = Math.max(0, Math.ceil(list.total / PAGE_SIZE) - 1);
        wanted = wanted.filter((p) => p <= lastPage);
        if (wanted.length === 0) wanted = [lastPage];
      }
      for (const p of wanted) {
        const page = list.pages.get(p);
        if (!page || page.version < list.version || page.key !== key) fetchPage(name, p);
      }
    };

    // Details that changed while their fetch was in flight.
    const staleDetails = new Set<string>();

    const fetchDetail = (name: DetailName, id: string) => {
      const k = detailKey(name, id);
      const flight = `${epoch}|detail|${k}`;
      if (inFlight.has(flight)) return;
      inFlight.add(flight);
      const myEpoch = epoch;
      const update = (d: DetailState<unknown>) => {
        if (myEpoch !== epoch || !watched.has(k)) return;
        set({ details: { ...get().details, [k]: d } } as Partial<S>);
      };
      staleDetails.delete(k);
      deps
        .client()
        .detail(name, id)
        .then(
          (data: DetailItems[DetailName]) => update({ status: 'ok', data }),
          (e: unknown) => {
            // 404: not held (yet, or any more); a deep link waits for it.
            if (e instanceof HttpError && e.status === 404) update({ status: 'missing' });
            else update({ status: 'error', error: messageOf(e), data: get().details[k]?.data });
          },
        )
        .finally(() => {
          inFlight.delete(flight);
          if (staleDetails.has(k) && myEpoch === epoch && watched.has(k)) fetchDetail(name, id);
        });
    };

    const refreshCounts = () => {
      if (countsInFlight) {
        countsStale = true;
        return;
      }
      countsInFlight = true;
      countsStale = false;
      const myEpoch = epoch;
      deps
        .client()
        .counts()
        .then(
          (counts) => {
            if (myEpoch === epoch) set({ counts } as Partial<S>);
          },
          () => {
            // The connection state tells the user; the next change retries.
          },
        )
        .finally(() => {
          countsInFlight = false;
          if (countsStale) refreshCounts();
        });
    };

    const refetchAll = () => {
      for (const name of LIST_NAMES) pump(name);
      for (const { name, id } of watched.values()) fetchDetail(name, id);
      refreshCounts();
    };

    return {
      lists: emptyLists(),
      details: {},
      counts: null,

      setListParams(name, params) {
        const list = get().lists[name];
        if (paramsKey(name, params) === paramsKey(name, list.params)) return;
        setList(name, (l) => ({ ...l, params }));
        pump(name);
      },

      showRange(name, start, end) {
        const prev = ranges.get(name);
        if (prev && prev[0] === start && prev[1] === end) {
          pump(name);
          return;
        }
        ranges.set(name, [start, end]);
        const shown = pagesOf(start, end);
        const lo = (shown[0] ?? 0) - KEEP_PAGES;
        const hi = (shown.at(-1) ?? 0) + KEEP_PAGES;
        const list = get().lists[name];
        if ([...list.pages.keys()].some((p) => p < lo || p > hi)) {
          setList(name, (l) => ({ ...l, pages: new Map([...l.pages].filter(([p]) => p >= lo && p <= hi)) }));
        }
        pump(name);
      },

      hideList(name) {
        ranges.delete(name);
      },

      watchDetail(name, id) {
        const k = detailKey(name, id);
        const w = watched.get(k);
        if (w) w.watchers++;
        else {
          watched.set(k, { name, id, watchers: 1 });
          if (!get().details[k]) set({ details: { ...get().details, [k]: { status: 'loading' } } } as Partial<S>);
          fetchDetail(name, id);
        }
        return () => {
          const cur = watched.get(k);
          if (!cur || --cur.watchers > 0) return;
          watched.delete(k);
          const { [k]: _dropped, ...rest } = get().details;
          set({ details: rest } as Partial<S>);
        };
      },

      refreshCounts,

      applyChanges(changes) {
        if (changes.some((c) => c.op === 'clear')) {
          get().resetEvents();
          return;
        }
        if (changes.some((c) => c.op === 'reset')) {
          // Another sidecar run, or too much missed: everything shown is refetched.
          set({ lists: bump(get().lists, LIST_NAMES) } as Partial<S>);
          refetchAll();
          return;
        }
        const kinds = new Set(changes.map((c) => c.kind));
        const changed = LIST_NAMES.filter((name) => LISTS[name].changes.some((k) => kinds.has(k)));
        if (changed.length > 0) set({ lists: bump(get().lists, changed) } as Partial<S>);
        for (const name of changed) pump(name);
        for (const [k, { name, id }] of watched) {
          const { change: kind, anyChange } = DETAILS[name];
          const status = get().details[k]?.status;
          // A detail not held yet may arrive with any add of its kind; an aggregate changes with any change.
          const hit = (c: Change) => (c.kind !== undefined && anyChange?.includes(c.kind)) || (c.kind === kind && (c.id === id || (status !== 'ok' && c.op === 'add')));
          if (changes.some(hit)) {
            staleDetails.add(k);
            fetchDetail(name, id);
          }
        }
        refreshCounts();
      },

      resetEvents() {
        epoch++;
        inFlight.clear();
        staleDetails.clear();
        const lists = emptyLists(get().lists);
        set({ lists, details: Object.fromEntries([...watched.keys()].map((k) => [k, { status: 'loading' }])), counts: null } as Partial<S>);
        refetchAll();
      },
    };
  };
}
