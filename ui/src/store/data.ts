// The event data the views show, updated by whole batches of envelopes so the
// UI re-renders once per batch, however many envelopes arrive. Immutable:
// every apply returns new arrays/maps only for what changed.

import type { ErrorEvent, LogRecord, Span, StreamEnvelope, Trace } from '../types';
import { ingestEnvelope, type Ingested } from './ingest';

/** The sidecar's default buffer size: the UI never holds more envelopes than the sidecar does. */
export const MAX_ENVELOPES = 1000;

export interface IncomingEnvelope {
  id: string;
  data: StreamEnvelope;
}

export interface DataState {
  /** Envelope ids in arrival order, oldest first; at most `limit`. */
  order: string[];
  envelopes: Map<string, Ingested>;
  errors: ErrorEvent[];
  errorsById: Map<string, ErrorEvent>;
  traces: Map<string, Trace>;
  logs: LogRecord[];
  seq: number;
}

export function emptyData(): DataState {
  return { order: [], envelopes: new Map(), errors: [], errorsById: new Map(), traces: new Map(), logs: [], seq: 0 };
}

/** Summary of a trace from its spans (sorted by start). */
export function summariseTrace(traceId: string, spans: Span[]): Trace {
  const ids = new Set(spans.map((s) => s.spanId));
  // The root is a span whose parent is not in the trace, preferring a
  // transaction/segment; with several candidates the earliest wins.
  const orphans = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
  const candidates = orphans.length > 0 ? orphans : spans;
  const root =
    candidates.find((s) => !s.parentSpanId && s.transaction) ??
    candidates.find((s) => s.transaction || s.isSegment) ??
    candidates[0];
  let start = Infinity;
  let end = -Infinity;
  const envelopeIds = new Set<string>();
  for (const s of spans) {
    start = Math.min(start, s.start);
    end = Math.max(end, s.end);
    envelopeIds.add(s.envelopeId);
  }
  const name = root?.transaction || root?.description || traceId;
  const op = root?.op ?? '';
  const platform = String(root?.data['sentry.platform'] ?? '');
  return {
    traceId,
    spans,
    name,
    op,
    start,
    end,
    status: root?.status ?? 'unknown',
    platform,
    envelopeIds: [...envelopeIds],
    search: `${name} ${op} ${traceId} ${root?.status ?? ''}`.toLowerCase(),
  };
}

function mergeSpans(existing: Span[], incoming: Span[], drop: Set<string>): Span[] {
  // A span id seen again (e.g. a segment sent both as a transaction and as a
  // standalone span) keeps its latest version.
  const byId = new Map<string, Span>();
  for (const s of existing) if (!drop.has(s.envelopeId)) byId.set(s.spanId, s);
  for (const s of incoming) byId.set(s.spanId, s);
  return [...byId.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Adds a batch of envelopes: duplicates (same id, e.g. replayed after a
 * reconnect) are skipped, and the oldest envelopes beyond `limit` are evicted
 * with everything derived from them.
 */
export function applyBatch(state: DataState, batch: IncomingEnvelope[], now: number, limit = MAX_ENVELOPES): DataState {
  let seq = state.seq;
  const next = () => ++seq;
  const added: Ingested[] = [];
  const envelopes = new Map(state.envelopes);
  for (const { id, data } of batch) {
    if (envelopes.has(id)) continue;
    const ing = ingestEnvelope(id, data, next, now);
    envelopes.set(id, ing);
    added.push(ing);
  }
  if (added.length === 0) return state;

  let order = state.order.concat(added.map((a) => a.id));
  const evicted = new Set<string>();
  if (order.length > limit) {
    for (const id of order.slice(0, order.length - limit)) {
      evicted.add(id);
      envelopes.delete(id);
    }
    order = order.slice(order.length - limit);
  }

  const newErrors = added.flatMap((a) => a.errors).filter((e) => !evicted.has(e.envelopeId));
  const newLogs = added.flatMap((a) => a.logs).filter((l) => !evicted.has(l.envelopeId));
  let errors = state.errors;
  let logs = state.logs;
  const errorsById = new Map(state.errorsById);
  if (evicted.size > 0) {
    errors = errors.filter((e) => !evicted.has(e.envelopeId));
    logs = logs.filter((l) => !evicted.has(l.envelopeId));
    for (const [id, e] of errorsById) if (evicted.has(e.envelopeId)) errorsById.delete(id);
  }
  if (newErrors.length > 0) {
    // An event id sent twice (in different envelopes) is shown once.
    const fresh: ErrorEvent[] = [];
    for (const e of newErrors) {
      if (errorsById.has(e.eventId)) continue;
      errorsById.set(e.eventId, e);
      fresh.push(e);
    }
    errors = errors.concat(fresh);
  }
  if (newLogs.length > 0) logs = logs.concat(newLogs);

  const traces = new Map(state.traces);
  const incoming = new Map<string, Span[]>();
  for (const a of added) {
    for (const s of a.spans) {
      if (evicted.has(s.envelopeId)) continue;
      const list = incoming.get(s.traceId);
      if (list) list.push(s);
      else incoming.set(s.traceId, [s]);
    }
  }
  const touched = new Set(incoming.keys());
  if (evicted.size > 0) {
    for (const t of state.traces.values()) if (t.envelopeIds.some((id) => evicted.has(id))) touched.add(t.traceId);
  }
  for (const traceId of touched) {
    const spans = mergeSpans(traces.get(traceId)?.spans ?? [], incoming.get(traceId) ?? [], evicted);
    if (spans.length === 0) traces.delete(traceId);
    else traces.set(traceId, summariseTrace(traceId, spans));
  }

  return { order, envelopes, errors, errorsById, traces, logs, seq };
}
