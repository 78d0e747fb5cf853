// Envelopes in the stream's JSON form, shaped like what real SDKs send, for the unit tests.

import type { JsonObject, StreamEnvelope } from '../types';

export function errorEnvelope(o: {
  eventId: string;
  type?: string;
  value?: string;
  fn?: string;
  file?: string;
  traceId?: string;
  level?: string;
  timestamp?: number;
  message?: string;
  attachment?: { filename: string; contentType: string; data: string; encoding?: 'base64' };
}): StreamEnvelope {
  const event: JsonObject = {
    event_id: o.eventId,
    level: o.level ?? 'error',
    platform: 'node',
    timestamp: o.timestamp ?? 1700000000,
    sdk: { name: 'sentry.javascript.node', version: '11.0.0' },
    contexts: o.traceId ? { trace: { trace_id: o.traceId, span_id: 'aaaaaaaaaaaaaaaa' } } : {},
  };
  if (o.message) event.message = o.message;
  else
    event.exception = {
      values: [
        {
          type: o.type ?? 'Error',
          value: o.value ?? 'boom',
          stacktrace: {
            frames: [
              { filename: 'node:internal/main', function: 'run', in_app: false },
              { filename: o.file ?? 'app.js', function: o.fn ?? 'handler', lineno: 10, in_app: true },
              { filename: 'node_modules/lib/index.js', function: 'wrap', in_app: false },
            ],
          },
        },
      ],
    };
  const items: [JsonObject, JsonObject][] = [[{ type: 'event' }, event]];
  if (o.attachment) {
    items.push([
      { type: 'attachment', filename: o.attachment.filename, content_type: o.attachment.contentType },
      o.attachment.encoding ? { data: o.attachment.data, encoding: o.attachment.encoding } : { data: o.attachment.data },
    ]);
  }
  return [{ event_id: o.eventId, sdk: { name: 'sentry.javascript.node', version: '11.0.0' } }, items];
}

export function transactionEnvelope(o: {
  eventId: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  start: number;
  end: number;
  spans?: { id: string; parent: string; op: string; description: string; start: number; end: number }[];
}): StreamEnvelope {
  const trace: JsonObject = { trace_id: o.traceId, span_id: o.spanId, op: 'http.server', status: 'ok' };
  if (o.parentSpanId) trace.parent_span_id = o.parentSpanId;
  return [
    { event_id: o.eventId, sent_at: '2023-11-14T22:13:20.000Z' },
    [
      [
        { type: 'transaction' },
        {
          type: 'transaction',
          event_id: o.eventId,
          transaction: o.name,
          start_timestamp: o.start,
          timestamp: o.end,
          contexts: { trace },
          spans: (o.spans ?? []).map((s) => ({
            span_id: s.id,
            parent_span_id: s.parent,
            trace_id: o.traceId,
            op: s.op,
            description: s.description,
            start_timestamp: s.start,
            timestamp: s.end,
          })),
        },
      ],
    ],
  ];
}

export function logEnvelope(bodies: string[], o: { traceId?: string; sdk?: string; level?: string } = {}): StreamEnvelope {
  return [
    { sdk: { name: o.sdk ?? 'sentry.javascript.node' } },
    [
      [
        { type: 'log', item_count: bodies.length, content_type: 'application/vnd.sentry.items.log+json' },
        {
          items: bodies.map((body, i) => ({
            timestamp: 1700000000 + i,
            level: o.level ?? 'info',
            body,
            trace_id: o.traceId ?? null,
            attributes: { 'service.name': { value: 'api', type: 'string' } },
          })),
        },
      ],
    ],
  ];
}
