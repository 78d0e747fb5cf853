// The one application store: event data (events.ts), the connection, the
// instance being viewed, the Control Center's instances, and the route.

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CurrentInfo, Instance } from '../types';
import { createClient, type Client } from '../api/client';
import { getJson } from '../api/http';
import type { BufferStats } from '../api/types';
import { sidecarBase } from '../sidecar';
import { eventsSlice, type EventsSlice } from './events';

export type Connection = 'connecting' | 'open' | 'reconnecting';

export interface InstanceView {
  instance: Instance;
  /** The number of the announcement (ping, health change) that last set it; 0 if only listed. */
  announced?: number;
  /** The error the last terminate of this instance returned. */
  error?: string;
  terminating?: boolean;
}

export interface AppState extends EventsSlice {
  connection: Connection;
  /** Port of the sidecar this tab views; null = the page's own sidecar. */
  instancePort: number | null;
  /**
   * The part of home's merged copy of every instance's events the tab views
   * instead ('all', or one instance's id: an ended one, read only); null
   * when it views a sidecar's own events.
   */
  copy: string | null;
  /** The viewed instance was seen to stop (terminated, exited). */
  stopped: boolean;
  /** What the viewed sidecar says about itself (GET /api/instances/current). */
  current: CurrentInfo | null;
  /** The viewed instance stopped answering. */
  lost: boolean;
  instances: Map<string, InstanceView>;
  instancesLoaded: boolean;
  instancesError: string | null;
  path: string;
  query: string;
  /** The viewed sidecar's buffer (GET /api/stats); null until read, or from an older sidecar. */
  buffer: BufferStats | null;

  /** The event API of the viewed sidecar. */
  client(): Client;
  setConnection(c: Connection): void;
  setCurrent(c: CurrentInfo | null): void;
  setLost(lost: boolean): void;
  /**
   * Replaces the instances with a fetched list; the ones announced after
   * announcement `since` (when the fetch was sent) are newer than the list and stay.
   */
  setInstances(list: Instance[], since?: number): void;
  setInstancesError(err: string): void;
  /** Refetches the instances; a call while one is in flight joins it instead of starting another. */
  refreshInstances(): Promise<void>;
  upsertInstance(i: Instance): void;
  removeInstance(id: string): void;
  setTerminate(id: string, v: { error?: string; terminating?: boolean }): void;
  /** Views another instance (null = home) at `path`: the records of the previous one are dropped. */
  switchInstance(port: number | null, path?: string): void;
  /** Views a part of home's merged copy ('all' or an instance id) at `path`. */
  openCopy(copy: string, path?: string): void;
  /** Sets the route from the browser's location (start-up and back/forward). */
  syncRoute(path: string, query: string, instancePort: number | null, copy?: string | null): void;
  /** Rereads the viewed sidecar's buffer stats; a call while one is in flight rereads once it ends. */
  refreshBuffer(): void;
}

export interface StoreOptions {
  /** Makes the client of a sidecar (base '' = home); tests pass one over a fixture server. */
  createClient?: (base: string, copy?: string) => Client;
  /** Pushes a URL to the history (the browser's in the app; a recorder in tests). */
  pushUrl?: (url: string) => void;
  path?: string;
  query?: string;
  instancePort?: number | null;
  copy?: string | null;
  fetchInstances?: () => Promise<Instance[]>;
}

/** The URL of a route, keeping the viewed instance in `?instance=`. */
export function routeUrl(path: string, query: string, instancePort: number | null, copy: string | null = null): string {
  const params = new URLSearchParams(query);
  params.delete('instance');
  if (instancePort !== null) params.set('instance', String(instancePort));
  else if (copy !== null) params.set('instance', copy);
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export function createAppStore(opts: StoreOptions = {}): StoreApi<AppState> {
  const makeClient = opts.createClient ?? createClient;
  let client: Client | null = null;
  const pushUrl = opts.pushUrl ?? (() => {});
  const fetchList = opts.fetchInstances ?? (() => Promise.resolve([]));
  let inFlight: Promise<void> | null = null;
  let bufferReading = false;
  let bufferStale = false;
  let announcements = 0;
  return createStore<AppState>()((set, get, api) => ({
    ...eventsSlice<AppState>({ client: () => get().client() })(set, get, api),
    client() {
      const { instancePort, copy } = get();
      const base = sidecarBase(instancePort);
      if (client?.base !== base || client.copy !== (copy ?? undefined)) client = makeClient(base, copy ?? undefined);
      return client;
    },
    connection: 'connecting',
    instancePort: opts.instancePort ?? null,
    copy: opts.instancePort == null ? (opts.copy ?? null) : null,
    stopped: false,
    current: null,
    lost: false,
    instances: new Map(),
    instancesLoaded: false,
    instancesError: null,
    path: opts.path ?? '/errors',
    query: opts.query ?? '',
    buffer: null,

    setConnection(connection) {
      if (get().connection !== connection) set({ connection });
    },
    setCurrent(current) {
      set({ current });
    },
    setLost(lost) {
      if (get().lost !== lost) set({ lost });
    },
    setInstances(list, since = Infinity) {
      // The list is authoritative: what it lacks is gone, unless announced
      // since it was asked for. Errors of a pending terminate are kept on the
      // cards that remain.
      const prev = get().instances;
      const instances = new Map<string, InstanceView>();
      for (const i of list) {
        if (i.status === 'dead') continue;
        const old = prev.get(i.instanceId);
        instances.set(i.instanceId, { ...old, instance: i });
      }
      for (const [id, v] of prev) if (!instances.has(id) && (v.announced ?? 0) > since) instances.set(id, v);
      set({ instances, instancesLoaded: true, instancesError: null });
      // The viewed instance ran and is gone (or ended) from the list: it stopped.
      const port = get().instancePort;
      const running = (m: Map<string, InstanceView>) => [...m.values()].some((v) => v.instance.port === port && v.instance.status !== 'ended');
      if (port !== null && running(prev) && !running(instances)) set({ stopped: true });
    },
    setInstancesError(instancesError) {
      set({ instancesError, instancesLoaded: true });
    },
    refreshInstances() {
      const since = announcements;
      inFlight ??= fetchList()
        .then(
          (list) => get().setInstances(list, since),
          (e: unknown) => get().setInstancesError(e instanceof Error ? e.message : String(e)),
        )
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
    upsertInstance(i) {
      if (!i.instanceId) return;
      const instances = new Map(get().instances);
      if (i.status === 'dead') {
        instances.delete(i.instanceId);
        if (i.port === get().instancePort) set({ stopped: true });
        // The Control Center may keep its events: the list then has it as ended.
        void get().refreshInstances();
      } else {
        const old = instances.get(i.instanceId);
        // A ping comes from a live sidecar: it is healthy unless it says otherwise.
        instances.set(i.instanceId, { ...old, instance: { ...old?.instance, ...i, status: i.status ?? 'healthy' }, announced: ++announcements });
      }
      set({ instances });
    },
    removeInstance(id) {
      const instances = new Map(get().instances);
      instances.delete(id);
      set({ instances });
    },
    setTerminate(id, v) {
      const old = get().instances.get(id);
      if (!old) return;
      const instances = new Map(get().instances);
      instances.set(id, { instance: old.instance, ...v });
      set({ instances });
    },
    switchInstance(port, path = '/errors') {
      if (port === get().instancePort && get().copy === null) return;
      set({ instancePort: port, copy: null, connection: 'connecting', current: null, lost: false, stopped: false, path, query: '', buffer: null });
      get().resetEvents();
      pushUrl(routeUrl(path, '', port));
    },
    openCopy(copy, path = '/errors') {
      if (copy === get().copy) return;
      set({ instancePort: null, copy, connection: 'connecting', current: null, lost: false, stopped: false, path, query: '', buffer: null });
      get().resetEvents();
      pushUrl(routeUrl(path, '', null, copy));
    },
    syncRoute(path, query, instancePort, copy = null) {
      const s = get();
      if (instancePort !== s.instancePort || copy !== s.copy) {
        set({ instancePort, copy: instancePort === null ? copy : null, connection: 'connecting', current: null, lost: false, stopped: false, buffer: null });
        get().resetEvents();
      }
      if (path !== s.path || query !== s.query) set({ path, query });
    },
    refreshBuffer() {
      if (bufferReading) {
        bufferStale = true;
        return;
      }
      bufferReading = true;
      bufferStale = false;
      const port = get().instancePort;
      void getJson<BufferStats>(`${get().client().base}/api/stats`)
        .then(
          (buffer) => {
            if (get().instancePort === port) set({ buffer });
          },
          () => {}, // an older sidecar without the route: no notice
        )
        .finally(() => {
          bufferReading = false;
          if (bufferStale) get().refreshBuffer();
        });
    },
  }));
}

/** Navigates within the app, keeping the viewed instance. */
export function navigate(store: StoreApi<AppState>, to: string, pushUrl: (url: string) => void): void {
  const [path = '/', query = ''] = to.split('?');
  const s = store.getState();
  if (path === s.path && query === s.query) return;
  store.setState({ path, query });
  pushUrl(routeUrl(path, query, s.instancePort, s.copy));
}

