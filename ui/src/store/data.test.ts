import { describe, expect, it } from 'vitest';
import { applyBatch, emptyData, type DataState, type IncomingEnvelope } from './data';
import { byTrace, groupErrors } from './groups';
import { STDIO_SDK } from './ingest';
import { errorEnvelope, logEnvelope, transactionEnvelope } from './testdata';

const apply = (state: DataState, batch: IncomingEnvelope[], limit?: number) => applyBatch(state, batch, 1_700_000_000_000, limit);

describe('envelope → errors, traces, logs', () => {
  it('turns an error event into an error with its type, value, top frame and attachment', () => {
    const s = apply(emptyData(), [
      {
        id: 'env1',
        data: errorEnvelope({
          eventId: 'e1',
          type: 'TypeError',
          value: 'x is undefined',
          traceId: 't1',
          attachment: { filename: 'notes.txt', contentType: 'text/plain', data: 'hello' },
        }),
      },
    ]);
    expect(s.errors).toHaveLength(1);
    const e = s.errors[0]!;
    expect(e.eventId).toBe('e1');
    expect(e.type).toBe('TypeError');
    expect(e.value).toBe('x is undefined');
    expect(e.topFrame).toBe('handler (app.js)');
    expect(e.traceId).toBe('t1');
    expect(e.level).toBe('error');
    expect(e.sdk).toBe('sentry.javascript.node 11.0.0');
    expect(e.timestamp).toBe(1700000000 * 1000);
    expect(e.attachments).toEqual([{ filename: 'notes.txt', contentType: 'text/plain', data: 'hello', isText: true, size: 5 }]);
    expect(s.errorsById.get('e1')).toBe(e);
  });

  it('takes an attachment streamed as base64 for bytes, whatever its content type says', () => {
    const png = 'iVBORw0KGgo=';
    const s = apply(emptyData(), [
      {
        id: 'env1',
        data: errorEnvelope({ eventId: 'e1', attachment: { filename: 'shot.png', contentType: 'image/png', data: png, encoding: 'base64' } }),
      },
      {
        id: 'env2',
        data: errorEnvelope({ eventId: 'e2', attachment: { filename: 'dump.txt', contentType: 'text/plain', data: 'AAEC', encoding: 'base64' } }),
      },
    ]);
    expect(s.errorsById.get('e1')!.attachments[0]).toMatchObject({ isText: false, data: png, size: 8 });
    expect(s.errorsById.get('e2')!.attachments[0]).toMatchObject({ isText: false, data: 'AAEC', size: 3 });
  });

  it('shows a message-only event by its message', () => {
    const s = apply(emptyData(), [{ id: 'env1', data: errorEnvelope({ eventId: 'm1', message: 'hello there', level: 'info' }) }]);
    expect(s.errors[0]!.value).toBe('hello there');
    expect(s.errors[0]!.type).toBe('');
    expect(s.errors[0]!.level).toBe('info');
  });

  it('turns log items into log records, marking stdio lines relayed by spotlight run', () => {
    let s = apply(emptyData(), [{ id: 'l1', data: logEnvelope(['one', 'two'], { traceId: 't9' }) }]);
    s = apply(s, [{ id: 'l2', data: logEnvelope(['\u001b[32mready\u001b[0m'], { sdk: STDIO_SDK }) }]);
    expect(s.logs.map((l) => l.body)).toEqual(['one', 'two', '\u001b[32mready\u001b[0m']);
    expect(s.logs.map((l) => l.stdio)).toEqual([false, false, true]);
    expect(s.logs[0]!.attributes).toEqual({ 'service.name': 'api' });
    expect(s.logs[0]!.traceId).toBe('t9');
    expect(s.logs[2]!.search).toContain('ready');
    expect(s.logs[2]!.search).not.toContain('\u001b');
    expect(new Set(s.logs.map((l) => l.id)).size).toBe(3);
  });

  it('turns a transaction into a trace with its root and child spans', () => {
    const s = apply(emptyData(), [
      {
        id: 'tx1',
        data: transactionEnvelope({
          eventId: 'x1',
          traceId: 'T',
          spanId: 'root',
          name: 'GET /users',
          start: 100,
          end: 101.5,
          spans: [
            { id: 'db', parent: 'root', op: 'db.query', description: 'SELECT 1', start: 100.2, end: 100.7 },
            { id: 'http', parent: 'root', op: 'http.client', description: 'GET /x', start: 100.1, end: 100.3 },
          ],
        }),
      },
    ]);
    const t = s.traces.get('T')!;
    expect(t.name).toBe('GET /users');
    expect(t.op).toBe('http.server');
    expect(t.status).toBe('ok');
    expect(t.start).toBe(100);
    expect(t.end).toBe(101.5);
    expect(t.spans.map((x) => x.spanId)).toEqual(['root', 'http', 'db']);
  });
});

describe('trace assembly across envelopes', () => {
  it('joins transactions and standalone spans that share a trace id, whatever the order', () => {
    let s = apply(emptyData(), [
      {
        id: 'child',
        data: transactionEnvelope({ eventId: 'c', traceId: 'T', spanId: 'child-root', parentSpanId: 'fetch', name: 'worker job', start: 10.5, end: 12 }),
      },
    ]);
    expect(s.traces.get('T')!.name).toBe('worker job');
    s = apply(s, [
      {
        id: 'parent',
        data: transactionEnvelope({
          eventId: 'p',
          traceId: 'T',
          spanId: 'root',
          name: 'GET /',
          start: 10,
          end: 13,
          spans: [{ id: 'fetch', parent: 'root', op: 'http.client', description: 'POST /job', start: 10.4, end: 12.1 }],
        }),
      },
      {
        id: 'span-only',
        data: [
          { trace: { trace_id: 'T' } },
          [[{ type: 'span' }, { span_id: 'late', parent_span_id: 'child-root', trace_id: 'T', op: 'db', description: 'INSERT', start_timestamp: 11, timestamp: 11.2 }]],
        ],
      },
    ]);
    const t = s.traces.get('T')!;
    expect(s.traces.size).toBe(1);
    expect(t.name).toBe('GET /');
    expect(t.start).toBe(10);
    expect(t.end).toBe(13);
    expect(t.spans.map((x) => x.spanId)).toEqual(['root', 'fetch', 'child-root', 'late']);
    expect(t.envelopeIds.sort()).toEqual(['child', 'parent', 'span-only']);
  });

  it('reads span v2 items and their attributes', () => {
    const s = apply(emptyData(), [
      {
        id: 'v2',
        data: [
          {},
          [
            [
              { type: 'span', content_type: 'application/vnd.sentry.items.span.v2+json' },
              {
                items: [
                  { trace_id: 'V', span_id: 's1', name: 'GET /v2', start_timestamp: 5, end_timestamp: 6, is_segment: true, attributes: { 'sentry.op': { type: 'string', value: 'http.server' } } },
                ],
              },
            ],
          ],
        ],
      },
    ]);
    const t = s.traces.get('V')!;
    expect(t.name).toBe('GET /v2');
    expect(t.op).toBe('http.server');
    expect(t.end).toBe(6);
  });
});

describe('grouping', () => {
  it('groups by type + value + top frame with counts, newest group first', () => {
    const s = apply(emptyData(), [
      { id: '1', data: errorEnvelope({ eventId: 'a1', value: 'boom', timestamp: 1 }) },
      { id: '2', data: errorEnvelope({ eventId: 'a2', value: 'boom', timestamp: 3 }) },
      { id: '3', data: errorEnvelope({ eventId: 'b1', value: 'boom', fn: 'other', timestamp: 2 }) },
      { id: '4', data: errorEnvelope({ eventId: 'c1', value: 'different', timestamp: 4 }) },
    ]);
    const groups = groupErrors(s.errors);
    expect(groups.map((g) => [g.latest.eventId, g.count])).toEqual([
      ['c1', 1],
      ['a2', 2],
      ['b1', 1],
    ]);
    expect(groups[1]!.events.map((e) => e.eventId)).toEqual(['a2', 'a1']);
    expect(groups[1]!.firstSeen).toBe(1000);
  });

  it('indexes errors and logs by trace id', () => {
    const s = apply(emptyData(), [
      { id: '1', data: errorEnvelope({ eventId: 'a', traceId: 'T' }) },
      { id: '2', data: errorEnvelope({ eventId: 'b' }) },
      { id: '3', data: logEnvelope(['x', 'y'], { traceId: 'T' }) },
    ]);
    expect(byTrace(s.errors).get('T')!.map((e) => e.eventId)).toEqual(['a']);
    expect(byTrace(s.logs).get('T')!.map((l) => l.body)).toEqual(['x', 'y']);
  });
});

describe('dedupe and bound', () => {
  it('skips an envelope id seen before (a replay after reconnecting) and returns the same state', () => {
    const batch = [{ id: 'env1', data: errorEnvelope({ eventId: 'e1' }) }];
    const s1 = apply(emptyData(), batch);
    const s2 = apply(s1, batch);
    expect(s2).toBe(s1);
    const s3 = apply(s1, [...batch, { id: 'env2', data: logEnvelope(['x']) }]);
    expect(s3.errors).toHaveLength(1);
    expect(s3.logs).toHaveLength(1);
    expect(s3.order).toEqual(['env1', 'env2']);
  });

  it('shows an event id sent in two envelopes once', () => {
    const s = apply(emptyData(), [
      { id: 'env1', data: errorEnvelope({ eventId: 'same' }) },
      { id: 'env2', data: errorEnvelope({ eventId: 'same' }) },
    ]);
    expect(s.errors).toHaveLength(1);
  });

  it('evicts the oldest envelopes and everything derived from them beyond the limit', () => {
    let s = emptyData();
    s = apply(s, [
      { id: 'e', data: errorEnvelope({ eventId: 'old-error', traceId: 'T' }) },
      { id: 't', data: transactionEnvelope({ eventId: 'x', traceId: 'T', spanId: 'r', name: 'old', start: 1, end: 2 }) },
      { id: 'l', data: logEnvelope(['old log']) },
    ], 3);
    expect([s.errors.length, s.traces.size, s.logs.length]).toEqual([1, 1, 1]);
    s = apply(s, [
      { id: 'n1', data: logEnvelope(['new 1']) },
      { id: 'n2', data: transactionEnvelope({ eventId: 'y', traceId: 'U', spanId: 'r2', name: 'new', start: 3, end: 4 }) },
    ], 3);
    expect(s.order).toEqual(['l', 'n1', 'n2']);
    expect(s.envelopes.size).toBe(3);
    expect(s.errors).toHaveLength(0);
    expect(s.errorsById.size).toBe(0);
    expect([...s.traces.keys()]).toEqual(['U']);
    expect(s.logs.map((l) => l.body)).toEqual(['old log', 'new 1']);
  });

  it('never holds more than the limit when one batch exceeds it', () => {
    const batch = Array.from({ length: 25 }, (_, i) => ({ id: `env${i}`, data: logEnvelope([`log ${i}`]) }));
    const s = apply(emptyData(), batch, 10);
    expect(s.order).toHaveLength(10);
    expect(s.logs.map((l) => l.body)).toEqual(Array.from({ length: 10 }, (_, i) => `log ${i + 15}`));
  });
});
