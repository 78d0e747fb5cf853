// The store's fetching rules, against a client whose answers the test
// releases one by one (the real API is exercised by the e2e tests).

import { describe, expect, it } from 'vitest';
import { createAppStore } from './store';
import { PAGE_SIZE, pagesOf, rowAt } from './events';
import { HttpError } from '../api/http';
import { listQuery, type Client } from '../api/client';
import type { Counts, Page } from '../api/types';

interface Call {
  what: string;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** A client that records every call and answers only when the test says so. */
function recordingClient(base: string, calls: Call[]): Client {
  const call = <T,>(what: string) =>
    new Promise<T>((resolve, reject) => calls.push({ what: `${base}${what}`, resolve: resolve as (v: unknown) => void, reject }));
  return {
    base,
    list: (name, params, offset, limit) => call(`/${name}?${listQuery(name, params, offset, limit)}`),
    detail: (name, id) => call(`/${name}/${id}`),
    counts: () => call('/counts'),
    content: () => call('/content'),
    clear: () => call('/clear'),
    feedUrl: () => `${base}/api/feed`,
    envelopeUrl: (id) => `${base}/envelope/${id}`,
    errorMarkdown: (id) => call(`/markdown/${id}`),
    errorTypes: () => call('/error-types'),
    open: () => call('/open'),
  };
}

function setup() {
  const calls: Call[] = [];
  const store = createAppStore({ createClient: (base) => recordingClient(base, calls) });
  /** Answers (and removes) the pending call whose description contains `what`. */
  const answer = async (what: string, v: unknown) => {
    const i = calls.findIndex((c) => c.what.includes(what));
    if (i < 0) throw new Error(`no pending call like ${what}; pending: ${calls.map((c) => c.what).join(', ')}`);
    const [c] = calls.splice(i, 1);
    c!.resolve(v);
    await new Promise((r) => setTimeout(r, 0));
  };
  const fail = async (what: string, e: unknown) => {
    const i = calls.findIndex((c) => c.what.includes(what));
    const [c] = calls.splice(i, 1);
    c!.reject(e);
    await new Promise((r) => setTimeout(r, 0));
  };
  const pending = () => calls.map((c) => c.what);
  const dropCounts = () => {
    for (let i = calls.length - 1; i >= 0; i--) if (calls[i]!.what.endsWith('/counts')) calls.splice(i, 1);
  };
  return { store, answer, fail, pending, dropCounts };
}

const page = <T,>(items: T[], total: number, offset = 0): Page<T> => ({ items, total, offset, limit: PAGE_SIZE, cursor: 'c' });
const logs = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `e.${from + i}`, kind: 'log', body: `line ${from + i}` }));
const counts: Counts = { errors: 0, traces: 0, logs: 250, attachments: 0, items: 0, cursor: '1-1' };

describe('pagesOf', () => {
  it('names the pages that rows fall in', () => {
    expect(pagesOf(0, 50)).toEqual([0]);
    expect(pagesOf(90, 130)).toEqual([0, 1]);
    expect(pagesOf(200, 200)).toEqual([2]);
  });
});

describe('lists', () => {
  it('fetch only the pages of the rows shown, and the rows of each page', async () => {
    const { store, answer, pending } = setup();
    store.getState().showRange('logs', 0, 40);
    expect(pending()).toEqual(['/logs?offset=0&limit=100']);
    await answer('/logs?offset=0', page(logs(0, 100), 250));
    expect(store.getState().lists.logs.total).toBe(250);
    // Following the end: the last page only.
    store.getState().showRange('logs', 220, 250);
    expect(pending()).toEqual(['/logs?offset=200&limit=100']);
    await answer('offset=200', page(logs(200, 50), 250, 200));
    const list = store.getState().lists.logs;
    expect(rowAt(list, 249)).toMatchObject({ body: 'line 249' });
    expect(rowAt(list, 150)).toBeUndefined();
  });

  it('a change refetches the shown pages of lists of that kind, keeping the stale rows meanwhile', async () => {
    const { store, answer, pending, dropCounts } = setup();
    store.getState().showRange('logs', 0, 40);
    store.getState().showRange('errors', 0, 40);
    await answer('/logs?', page(logs(0, 3), 3));
    await answer('/errors?', page([], 0));
    store.getState().applyChanges([{ op: 'add', kind: 'log', id: 'e.3' }]);
    dropCounts();
    expect(pending()).toEqual(['/logs?offset=0&limit=100']);
    expect(rowAt(store.getState().lists.logs, 2)).toMatchObject({ body: 'line 2' });
    await answer('/logs?', page(logs(0, 4), 4));
    expect(rowAt(store.getState().lists.logs, 3)).toMatchObject({ body: 'line 3' });
    // A list whose view is gone is not refetched.
    store.getState().hideList('logs');
    store.getState().applyChanges([{ op: 'add', kind: 'log', id: 'e.4' }]);
    dropCounts();
    expect(pending()).toEqual([]);
  });

  it('keep one request per page in flight, however many changes arrive', async () => {
    const { store, answer, pending, dropCounts } = setup();
    store.getState().showRange('logs', 0, 40);
    for (let i = 0; i < 5; i++) store.getState().applyChanges([{ op: 'add', kind: 'log', id: `e.${i}` }]);
    dropCounts();
    expect(pending()).toEqual(['/logs?offset=0&limit=100']);
    // The answer predates the later changes: one more request follows, then none.
    await answer('/logs?', page(logs(0, 2), 2));
    expect(pending()).toEqual(['/logs?offset=0&limit=100']);
    await answer('/logs?', page(logs(0, 5), 5));
    expect(pending()).toEqual([]);
    expect(store.getState().lists.logs.total).toBe(5);
  });

  it('drop answers for a previous filter, and refetch with the new one', async () => {
    const { store, answer, pending } = setup();
    store.getState().showRange('errors', 0, 40);
    store.getState().setListParams('errors', { q: 'order', level: '' });
    expect(pending()).toEqual(['/errors?group=1&offset=0&limit=100', '/errors?group=1&q=order&offset=0&limit=100']);
    // Until the answer comes, the list says what it shows: the old filter's rows.
    expect(store.getState().lists.errors.answered).toEqual({});
    await answer('/errors?group=1&q=order', page([{ groupKey: 'g1' }], 1));
    expect(store.getState().lists.errors.answered).toEqual({ q: 'order', level: '' });
    await answer('/errors?group=1&offset', page([{ groupKey: 'a' }, { groupKey: 'b' }], 2));
    expect(store.getState().lists.errors.total).toBe(1);
    expect(rowAt(store.getState().lists.errors, 0)).toMatchObject({ groupKey: 'g1' });
  });

  it('drop pages far from the shown rows, so memory stays bounded', async () => {
    const { store, answer } = setup();
    store.getState().showRange('logs', 0, 40);
    await answer('/logs?', page(logs(0, 100), 10_000));
    store.getState().showRange('logs', 9_950, 10_000);
    expect(store.getState().lists.logs.pages.has(0)).toBe(false);
    await answer('offset=9900', page(logs(9_900, 100), 10_000, 9_900));
    expect([...store.getState().lists.logs.pages.keys()]).toEqual([99]);
  });

  it('switching instance drops what is in flight and asks the other sidecar', async () => {
    const { store, answer, pending } = setup();
    store.getState().showRange('traces', 0, 40);
    store.getState().switchInstance(4000);
    expect(pending()).toContain('http://localhost:4000/traces?offset=0&limit=100');
    await answer('/traces?', page([{ traceId: 'home' }], 1));
    expect(store.getState().lists.traces.total).toBeNull();
    await answer('localhost:4000/traces', page([{ traceId: 'other' }], 1));
    expect(rowAt(store.getState().lists.traces, 0)).toMatchObject({ traceId: 'other' });
  });

  it('a clear empties the lists and refetches them; an error is kept on the list', async () => {
    const { store, answer, fail, pending, dropCounts } = setup();
    store.getState().showRange('logs', 0, 40);
    await answer('/logs?', page(logs(0, 3), 3));
    store.getState().applyChanges([{ op: 'clear' }]);
    expect(store.getState().lists.logs.total).toBeNull();
    dropCounts();
    expect(pending()).toEqual(['/logs?offset=0&limit=100']);
    await fail('/logs?', new HttpError('GET /api/logs failed: no answer within 5 s', 0));
    expect(store.getState().lists.logs.error).toMatch(/no answer/);
  });
});

describe('details', () => {
  it('a missing detail is fetched again when a record of its kind arrives, and dropped when unwatched', async () => {
    const { store, answer, fail, pending, dropCounts } = setup();
    const unwatch = store.getState().watchDetail('trace', 'abc');
    expect(store.getState().details['trace:abc']).toEqual({ status: 'loading' });
    await fail('/trace/abc', new HttpError('GET /api/traces/abc: 404 Not Found', 404));
    expect(store.getState().details['trace:abc']).toEqual({ status: 'missing' });
    store.getState().applyChanges([{ op: 'add', kind: 'error', id: 'x.0' }]);
    dropCounts();
    expect(pending().filter((p) => p.startsWith('/trace'))).toEqual([]);
    store.getState().applyChanges([{ op: 'add', kind: 'trace', id: 'def' }]);
    await answer('/trace/abc', { traceId: 'abc', spans: [] });
    expect(store.getState().details['trace:abc']).toMatchObject({ status: 'ok', data: { traceId: 'abc' } });
    // Held now: only changes of this trace refetch it.
    store.getState().applyChanges([{ op: 'update', kind: 'trace', id: 'def' }]);
    dropCounts();
    expect(pending().filter((p) => p.startsWith('/trace'))).toEqual([]);
    store.getState().applyChanges([{ op: 'update', kind: 'trace', id: 'abc' }]);
    expect(pending().filter((p) => p.startsWith('/trace'))).toEqual(['/trace/abc']);
    unwatch();
    expect(store.getState().details['trace:abc']).toBeUndefined();
  });
});

describe('counts', () => {
  it('are refetched after changes, one request at a time', async () => {
    const { store, answer, pending } = setup();
    store.getState().applyChanges([{ op: 'add', kind: 'log', id: 'a' }]);
    store.getState().applyChanges([{ op: 'add', kind: 'log', id: 'b' }]);
    expect(pending()).toEqual(['/counts']);
    await answer('/counts', { ...counts, logs: 1 });
    expect(pending()).toEqual(['/counts']);
    await answer('/counts', { ...counts, logs: 2 });
    expect(store.getState().counts?.logs).toBe(2);
  });
});
