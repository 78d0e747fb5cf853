import { describe, expect, it } from 'vitest';
import { createAppStore, navigate, routeUrl } from './store';
import { instanceFromSearch } from '../sidecar';
import { errorReason } from '../api/http';
import type { Instance } from '../types';
import { createClient } from '../api/client';

const inst = (id: string, port: number, status?: Instance['status']): Instance => ({
  instanceId: id,
  port,
  pid: 100,
  command: 'npm run dev',
  cwd: '/app',
  startTime: '2026-01-01T00:00:00Z',
  projectName: `p${port}`,
  status,
});

describe('app store', () => {
  it('switching instance talks to its sidecar and keeps the choice in the URL', () => {
    const urls: string[] = [];
    const store = createAppStore({ pushUrl: (u) => urls.push(u) });
    expect(store.getState().client().base).toBe('');
    store.getState().switchInstance(54321);
    expect(store.getState().client().base).toBe('http://localhost:54321');
    expect(store.getState().instancePort).toBe(54321);
    expect(urls).toEqual(['/errors?instance=54321']);
    navigate(store, '/traces/abc?span=1', (u) => urls.push(u));
    expect(urls.at(-1)).toBe('/traces/abc?span=1&instance=54321');
    store.getState().switchInstance(null);
    expect(urls.at(-1)).toBe('/errors');
  });

  it('a fetched list replaces the instances; pings add or update them', () => {
    const store = createAppStore();
    store.getState().setInstances([inst('a', 1), inst('b', 2, 'unresponsive'), inst('c', 3, 'dead')]);
    expect([...store.getState().instances.keys()]).toEqual(['a', 'b']);
    store.getState().upsertInstance(inst('b', 2));
    store.getState().upsertInstance(inst('d', 4));
    expect(store.getState().instances.get('b')!.instance.status).toBe('healthy');
    expect([...store.getState().instances.keys()]).toEqual(['a', 'b', 'd']);
    store.getState().setTerminate('a', { error: 'refused' });
    store.getState().setInstances([inst('a', 1), inst('d', 4)]);
    expect([...store.getState().instances.keys()]).toEqual(['a', 'd']);
    expect(store.getState().instances.get('a')!.error).toBe('refused');
  });
});

describe('instance refresh', () => {
  it('never has two fetches in flight', async () => {
    let calls = 0;
    let release: (list: Instance[]) => void = () => {};
    const store = createAppStore({
      fetchInstances: () => {
        calls++;
        return new Promise<Instance[]>((resolve) => (release = resolve));
      },
    });
    const a = store.getState().refreshInstances();
    const b = store.getState().refreshInstances();
    expect(calls).toBe(1);
    release([inst('x', 9)]);
    await Promise.all([a, b]);
    expect([...store.getState().instances.keys()]).toEqual(['x']);
    const c = store.getState().refreshInstances();
    expect(calls).toBe(2);
    release([]);
    await c;
    expect(store.getState().instances.size).toBe(0);
  });

  it('keeps an instance announced while a fetch was in flight, which the older list lacks', async () => {
    let release: (list: Instance[]) => void = () => {};
    const store = createAppStore({ fetchInstances: () => new Promise<Instance[]>((resolve) => (release = resolve)) });
    store.getState().upsertInstance(inst('old', 1));
    const done = store.getState().refreshInstances();
    store.getState().upsertInstance(inst('new', 2));
    release([]);
    await done;
    expect([...store.getState().instances.keys()]).toEqual(['new']);
  });

  it('keeps the list and reports the error when a fetch fails', async () => {
    const store = createAppStore({ fetchInstances: () => Promise.reject(new Error('GET /api/instances: 500')) });
    store.getState().setInstances([inst('x', 9)]);
    await store.getState().refreshInstances();
    expect(store.getState().instancesError).toBe('GET /api/instances: 500');
    expect(store.getState().instances.size).toBe(1);
  });
});

describe('the Control Center hub', () => {
  it("views home's merged copy with ?instance=all or an instance id, and back", () => {
    const urls: string[] = [];
    const clients: [string, string | undefined][] = [];
    const store = createAppStore({
      pushUrl: (u) => urls.push(u),
      createClient: (base, copy) => {
        clients.push([base, copy]);
        return createClient(base, copy);
      },
    });
    store.getState().openCopy('all', '/traces');
    expect(urls.at(-1)).toBe('/traces?instance=all');
    expect(store.getState().client()).toMatchObject({ base: '', copy: 'all' });
    // Every call reads the copy.
    expect(store.getState().client().feedUrl('c-1')).toBe('/api/feed?cursor=c-1&instance=all');
    expect(store.getState().client().envelopeUrl('e')).toBe('/envelope/e?instance=all');
    navigate(store, '/logs?level=error', (u) => urls.push(u));
    expect(urls.at(-1)).toBe('/logs?level=error&instance=all');
    store.getState().switchInstance(4000);
    expect(store.getState().copy).toBeNull();
    expect(store.getState().client()).toMatchObject({ base: 'http://localhost:4000', copy: undefined });
    store.getState().syncRoute('/errors', '', null, '01a2332f-7cb8-7254-8c61-ec2075470af1');
    expect(store.getState().copy).toBe('01a2332f-7cb8-7254-8c61-ec2075470af1');
    expect(store.getState().client()).toMatchObject({ base: '', copy: '01a2332f-7cb8-7254-8c61-ec2075470af1' });
    expect(clients.map(([base, copy]) => `${base}|${copy ?? ''}`)).toEqual(['|all', 'http://localhost:4000|', '|01a2332f-7cb8-7254-8c61-ec2075470af1']);
  });

  it('the viewed instance stopped when announced dead, or when the list has it no more', () => {
    const store = createAppStore({ instancePort: 2 });
    store.getState().setInstances([inst('a', 2)]);
    expect(store.getState().stopped).toBe(false);
    store.getState().setInstances([{ ...inst('a', 2), status: 'ended' }]);
    expect(store.getState().stopped).toBe(true);
    store.getState().switchInstance(3);
    store.getState().upsertInstance(inst('b', 3));
    expect(store.getState().stopped).toBe(false);
    store.getState().upsertInstance(inst('b', 3, 'dead'));
    expect(store.getState().stopped).toBe(true);
  });
});

describe('instance URLs', () => {
  it('reads ?instance=<port>, ignoring the page own port and invalid values', () => {
    expect(instanceFromSearch('?instance=54321', 8969)).toBe(54321);
    expect(instanceFromSearch('?instance=8969', 8969)).toBeNull();
    expect(instanceFromSearch('?instance=99999', 8969)).toBeNull();
    expect(instanceFromSearch('?instance=1;rm', 8969)).toBeNull();
    expect(instanceFromSearch('', 8969)).toBeNull();
    expect(routeUrl('/logs', 'instance=1&q=x', null)).toBe('/logs?q=x');
  });
});

describe('error answers', () => {
  it("show the sidecar's reason, not its JSON", () => {
    expect(errorReason('{"error":"no instance 0199 is registered"}\n')).toBe('no instance 0199 is registered');
    expect(errorReason('forbidden origin\n')).toBe('forbidden origin');
    expect(errorReason('{"other":1}')).toBe('{"other":1}');
    expect(errorReason('x'.repeat(400))).toHaveLength(300);
  });
});
