// Effects that keep the store in sync with the world: the live feed, the
// viewed sidecar's identity and health, the instances list, the URL.

import { useCallback, useEffect, useState } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import type { AppState } from './store/store';
import { useAppState, useStoreApi } from './context';
import { listQuery, type DetailItems, type DetailName, type ListItems, type ListName, type ListParams } from './api/client';
import { detailKey, rowAt, type DetailState, type ListState } from './store/events';
import { openFeed, openPings } from './api/feed';
import { copyFromSearch, fetchCurrent, healthy, homePort, instanceFromSearch, sidecarBase } from './sidecar';

/** Refetch interval of the Control Center list: stale entries disappear. */
const INSTANCES_REFRESH_MS = 10_000;

/** Retry interval while the viewed sidecar does not answer its first request. */
const FIRST_CONTACT_RETRY_MS = 1000;

/**
 * The viewed sidecar's feed, opened at the cursor of a counts snapshot so no
 * change between the snapshot and the feed is lost; once it is open every
 * shown list and detail is refetched once (they may predate the snapshot).
 */
export function useFeed(store: StoreApi<AppState>, instancePort: number | null, copy: string | null): void {
  useEffect(() => {
    const base = sidecarBase(instancePort);
    const s = store.getState;
    const client = s().client();
    let closed = false;
    let close = () => {};
    let checking = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let opened = false;
    const checkLost = () => {
      // Another instance's feed broke: tell the user if it is gone rather than spinning.
      if (instancePort === null || checking) return;
      checking = true;
      void healthy(base).then((ok) => {
        checking = false;
        if (!ok && s().instancePort === instancePort) s().setLost(true);
      });
    };
    const start = () => {
      client.counts().then(
        (counts) => {
          if (closed) return;
          close = openFeed(client.feedUrl, counts.cursor, {
            onChanges: (batch) => s().applyChanges(batch),
            onState: (c) => {
              s().setConnection(c);
              if (c === 'open') {
                s().setLost(false);
                if (!opened) s().applyChanges([{ op: 'reset' }]);
                opened = true;
              }
              if (c === 'reconnecting') checkLost();
            },
          });
        },
        () => {
          if (closed) return;
          s().setConnection('reconnecting');
          checkLost();
          retry = setTimeout(start, FIRST_CONTACT_RETRY_MS);
        },
      );
    };
    start();
    void fetchCurrent(base).then(
      (c) => {
        if (s().instancePort === instancePort) s().setCurrent(c);
      },
      () => {},
    );
    return () => {
      closed = true;
      clearTimeout(retry);
      close();
    };
  }, [store, instancePort, copy]);
}

/** The Control Center's instances: fetched now and every 10 s, and updated live by home's pings. */
export function useInstancesRefresh(store: StoreApi<AppState>): void {
  useEffect(() => {
    void store.getState().refreshInstances();
    const t = setInterval(() => void store.getState().refreshInstances(), INSTANCES_REFRESH_MS);
    const close = openPings('/stream?instances=1', (i) => store.getState().upsertInstance(i));
    return () => {
      clearInterval(t);
      close();
    };
  }, [store]);
}

export function useHistorySync(store: StoreApi<AppState>): void {
  useEffect(() => {
    const onPop = () =>
      store.getState().syncRoute(location.pathname, location.search.slice(1), instanceFromSearch(location.search, homePort()), copyFromSearch(location.search));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, [store]);
}

/** The current time, updated every `ms` while mounted (ticking uptimes, "5 s ago"). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** The value, once it has stopped changing for `ms`: typing stays responsive with big lists. */
export function useDebounced<T>(value: T, ms = 120): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export interface ListView<T> {
  list: ListState<T>;
  /** Rows matching the filter (0 until the first answer). */
  total: number;
  item(i: number): T | undefined;
  onRange(start: number, end: number): void;
}

/** A server-side list with this filter, fetched around the rows the view shows while mounted. */
export function useList<N extends ListName>(name: N, params: ListParams): ListView<ListItems[N]> {
  const store = useStoreApi();
  const list = useAppState((s) => s.lists[name]);
  const key = listQuery(name, params, 0, 0);
  useEffect(() => {
    store.getState().setListParams(name, params);
    // params is represented by key.
  }, [store, name, key]);
  useEffect(() => () => store.getState().hideList(name), [store, name]);
  const onRange = useCallback((start: number, end: number) => store.getState().showRange(name, start, end), [store, name]);
  const item = useCallback((i: number) => rowAt(list, i), [list]);
  return { list, total: list.total ?? 0, item, onRange };
}

/** One record's detail, fetched while mounted and refetched when the feed changes it. */
export function useDetail<N extends DetailName>(name: N, id: string): DetailState<DetailItems[N]> {
  const store = useStoreApi();
  useEffect(() => store.getState().watchDetail(name, id), [store, name, id]);
  return useAppState((s) => (s.details[detailKey(name, id)] ?? { status: 'loading' }) as DetailState<DetailItems[N]>);
}
