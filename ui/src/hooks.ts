// Effects that keep the store in sync with the world: the stream, the
// viewed sidecar's identity and health, the instances list, the URL.

import { useEffect, useState } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import type { AppState } from './store/store';
import { openStream } from './stream';
import { fetchCurrent, healthy, homePort, instanceFromSearch, sidecarBase } from './sidecar';

/** Refetch interval of the Control Center list: stale entries disappear. */
const INSTANCES_REFRESH_MS = 10_000;

export function useStream(store: StoreApi<AppState>, instancePort: number | null): void {
  useEffect(() => {
    const base = sidecarBase(instancePort);
    const s = store.getState;
    let checking = false;
    const close = openStream(base, {
      onEnvelopes: (batch) => s().ingest(batch),
      onPing: (i) => s().upsertInstance(i),
      onConnection: (c) => {
        s().setConnection(c);
        if (c === 'open') s().setLost(false);
        // Another instance's stream broke: tell the user if it is gone
        // rather than spinning.
        if (c === 'reconnecting' && instancePort !== null && !checking) {
          checking = true;
          void healthy(base).then((ok) => {
            checking = false;
            if (!ok && s().instancePort === instancePort) s().setLost(true);
          });
        }
      },
    });
    void fetchCurrent(base).then(
      (c) => {
        if (s().instancePort === instancePort) s().setCurrent(c);
      },
      () => {},
    );
    return close;
  }, [store, instancePort]);
}

export function useInstancesRefresh(store: StoreApi<AppState>): void {
  useEffect(() => {
    void store.getState().refreshInstances();
    const t = setInterval(() => void store.getState().refreshInstances(), INSTANCES_REFRESH_MS);
    return () => clearInterval(t);
  }, [store]);
}

export function useHistorySync(store: StoreApi<AppState>): void {
  useEffect(() => {
    const onPop = () => store.getState().syncRoute(location.pathname, location.search.slice(1), instanceFromSearch(location.search, homePort()));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, [store]);
}

/** The current time, updated every `ms` while mounted (ticking uptimes, "5s ago"). */
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
