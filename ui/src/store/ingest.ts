// Turning one streamed envelope into the records the views show: errors,
// spans (from transactions and standalone span items) and logs. Pure
// functions, so the store's behaviour is testable without a browser.

import type {
  Attachment,
  ErrorEvent,
  ExceptionValue,
  Frame,
  Json,
  JsonObject,
  Level,
  LogRecord,
  Span,
  StreamEnvelope,
} from '../types';
import { stripAnsi } from '../lib/ansi';

/** The SDK name `spotlight run` uses for the stdout/stderr lines it relays. */
export const STDIO_SDK = 'sentry.spotlight.stdio';

export interface Ingested {
  id: string;
  errors: ErrorEvent[];
  spans: Span[];
  logs: LogRecord[];
}

export function obj(v: Json | undefined): JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

export function str(v: Json | undefined): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

function num(v: Json | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function arr(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}

/** Sentry timestamps are seconds (float) or RFC 3339 strings; returns seconds. */
export function toSeconds(v: Json | undefined): number | undefined {
  const n = num(v);
  if (n !== undefined) return n;
  if (typeof v === 'string' && v !== '') {
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return ms / 1000;
  }
  return undefined;
}

const LEVELS: readonly Level[] = ['fatal', 'error', 'warning', 'info', 'debug', 'trace'];

export function normaliseLevel(v: Json | undefined, fallback: Level): Level {
  const s = str(v).toLowerCase();
  if (s === 'warn') return 'warning';
  if (s === 'critical') return 'fatal';
  return (LEVELS as readonly string[]).includes(s) ? (s as Level) : fallback;
}

/** OTel-style attributes ({key: {value, type}}) flattened to {key: value}. */
export function flattenAttributes(v: Json | undefined): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, a] of Object.entries(obj(v))) {
    out[k] = a !== null && typeof a === 'object' && !Array.isArray(a) && 'value' in a ? (a.value ?? null) : a;
  }
  return out;
}

export function exceptionValues(payload: JsonObject): ExceptionValue[] {
  const ex = payload.exception;
  const values = Array.isArray(ex) ? ex : arr(obj(ex).values);
  return values.filter((v) => v !== null && typeof v === 'object') as unknown as ExceptionValue[];
}

/** Message of a message-only event (`message` may be a string or a logentry object). */
export function eventMessage(payload: JsonObject): string {
  for (const key of ['logentry', 'message']) {
    const m = payload[key];
    if (typeof m === 'string' && m !== '') return m;
    const o = obj(m);
    const s = str(o.formatted) || str(o.message);
    if (s) return s;
  }
  return '';
}

/** Frames of the exception, or of the crashed/current thread when the exception has none (Java, native). */
export function stackFrames(payload: JsonObject, ex: ExceptionValue | undefined): Frame[] {
  const frames = ex?.stacktrace?.frames;
  if (Array.isArray(frames) && frames.length > 0) return frames;
  const threads = arr(obj(payload.threads).values).map(obj);
  const t = threads.find((t) => t.crashed === true) ?? threads.find((t) => t.current === true);
  return (arr(obj(t?.stacktrace).frames) as unknown as Frame[]) ?? [];
}

/** The frame an exception was raised in: the innermost in-app frame, else the innermost one. */
export function topFrame(frames: Frame[]): string {
  const inApp = frames.filter((f) => f.in_app === true);
  const f = (inApp.length > 0 ? inApp : frames).at(-1);
  if (!f) return '';
  const where = f.filename || f.module || f.abs_path || '';
  return `${f.function || '<anonymous>'}${where ? ` (${where})` : ''}`;
}

function attachmentOf(header: JsonObject, payload: Json): Attachment {
  const contentType = str(header.content_type) || 'application/octet-stream';
  const raw = obj(payload);
  const data = str(raw.data);
  // The sidecar says how it encoded the bytes: base64 when they are not text.
  const isText = raw.encoding !== 'base64';
  return {
    filename: str(header.filename) || 'attachment',
    contentType,
    data,
    isText,
    size: num(header.length) ?? (isText ? data.length : base64Size(data)),
  };
}

/** The number of bytes that a base64 string decodes to. */
function base64Size(b64: string): number {
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - padding;
}

function sdkName(header: JsonObject, payload: JsonObject): string {
  const sdk = obj(payload.sdk);
  const h = obj(header.sdk);
  const name = str(sdk.name) || str(h.name);
  const version = str(sdk.version) || str(h.version);
  return version ? `${name} ${version}` : name;
}

function errorOf(
  envelopeId: string,
  seq: number,
  header: JsonObject,
  itemHeader: JsonObject,
  payload: JsonObject,
  attachments: Attachment[],
  fallbackTime: number,
): ErrorEvent {
  const values = exceptionValues(payload);
  const last = values.at(-1);
  const message = eventMessage(payload);
  const type = str(last?.type as Json) || (message ? '' : 'Error');
  const value = str(last?.value as Json) || message;
  const frames = stackFrames(payload, last);
  const top = topFrame(frames);
  const trace = obj(obj(payload.contexts).trace);
  const ts = toSeconds(payload.timestamp);
  const eventId = str(payload.event_id) || str(header.event_id) || `${envelopeId}:${str(itemHeader.type)}`;
  const sdk = sdkName(header, payload);
  const platform = str(payload.platform);
  const transaction = str(payload.transaction) || undefined;
  return {
    eventId,
    envelopeId,
    seq,
    timestamp: ts !== undefined ? ts * 1000 : fallbackTime,
    level: normaliseLevel(payload.level, 'error'),
    type,
    value,
    topFrame: top,
    groupKey: `${type}\u0000${value}\u0000${top}`,
    platform,
    sdk,
    traceId: str(trace.trace_id) || undefined,
    spanId: str(trace.span_id) || undefined,
    transaction,
    payload,
    attachments,
    search: [type, value, top, platform, sdk, transaction ?? '', eventId].join(' ').toLowerCase(),
  };
}

function spanOf(envelopeId: string, s: JsonObject, traceIdFallback: string): Span | undefined {
  const spanId = str(s.span_id);
  const start = toSeconds(s.start_timestamp);
  if (!spanId || start === undefined) return undefined;
  const end = toSeconds(s.timestamp) ?? toSeconds(s.end_timestamp) ?? start;
  const data = { ...obj(s.data), ...flattenAttributes(s.attributes) };
  return {
    spanId,
    parentSpanId: str(s.parent_span_id) || undefined,
    traceId: str(s.trace_id) || traceIdFallback,
    op: str(s.op) || str(data['sentry.op']),
    description: str(s.description) || str(s.name),
    status: str(s.status) || undefined,
    start,
    end: Math.max(end, start),
    isSegment: s.is_segment === true,
    data,
    tags: obj(s.tags),
    envelopeId,
  };
}

function transactionSpans(envelopeId: string, payload: JsonObject): Span[] {
  const trace = obj(obj(payload.contexts).trace);
  const traceId = str(trace.trace_id);
  if (!traceId) return [];
  const name = str(payload.transaction);
  const root = spanOf(
    envelopeId,
    {
      ...trace,
      description: name,
      start_timestamp: payload.start_timestamp ?? null,
      timestamp: payload.timestamp ?? null,
      tags: payload.tags ?? null,
    },
    traceId,
  );
  const out: Span[] = [];
  if (root) out.push({ ...root, transaction: name, isSegment: true });
  for (const s of arr(payload.spans)) {
    const span = spanOf(envelopeId, obj(s), traceId);
    if (span) out.push(span);
  }
  return out;
}

function logsOf(
  envelopeId: string,
  seq: () => number,
  startIndex: number,
  header: JsonObject,
  payload: JsonObject,
  fallbackTime: number,
): LogRecord[] {
  const envSdk = str(obj(header.sdk).name);
  return arr(payload.items).map((raw, i) => {
    const l = obj(raw);
    const attributes = flattenAttributes(l.attributes);
    const sdk = envSdk || str(attributes['sentry.sdk.name']);
    const ts = toSeconds(l.timestamp);
    const body = str(l.body);
    const level = str(l.level).toLowerCase() || 'info';
    return {
      id: `${envelopeId}:${startIndex + i}`,
      envelopeId,
      seq: seq(),
      timestamp: ts !== undefined ? ts * 1000 : fallbackTime,
      level,
      body,
      traceId: str(l.trace_id) || undefined,
      spanId: str(l.span_id) || undefined,
      attributes,
      sdk,
      stdio: sdk === STDIO_SDK,
      search: `${level} ${stripAnsi(body)} ${Object.values(attributes).map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v))).join(' ')}`.toLowerCase(),
    };
  });
}

/** Records of one envelope; unknown item types (sessions, client reports, profiles) are ignored. */
export function ingestEnvelope(id: string, env: StreamEnvelope, seq: () => number, now: number): Ingested {
  const header = obj(env[0]);
  const items = Array.isArray(env[1]) ? env[1] : [];
  const sentAt = toSeconds(header.sent_at);
  const fallbackTime = sentAt !== undefined ? sentAt * 1000 : now;
  const out: Ingested = { id, errors: [], spans: [], logs: [] };
  const attachments: Attachment[] = [];
  for (const item of items) {
    if (!Array.isArray(item)) continue;
    const h = obj(item[0]);
    if (str(h.type) === 'attachment') attachments.push(attachmentOf(h, item[1] ?? null));
  }
  for (const item of items) {
    if (!Array.isArray(item)) continue;
    const h = obj(item[0]);
    const payload = obj(item[1]);
    switch (str(h.type)) {
      case 'event':
      case 'error':
        out.errors.push(errorOf(id, seq(), header, h, payload, attachments, fallbackTime));
        break;
      case 'transaction':
        out.spans.push(...transactionSpans(id, payload));
        break;
      case 'span': {
        // Span v2 items carry {items: [...]}; v1 items are one span each.
        const list = Array.isArray(payload.items) ? payload.items.map(obj) : [payload];
        const fallbackTrace = str(obj(header.trace).trace_id);
        for (const s of list) {
          const span = spanOf(id, s, fallbackTrace);
          if (span) out.spans.push(span);
        }
        break;
      }
      case 'log':
        out.logs.push(...logsOf(id, seq, out.logs.length, header, payload, fallbackTime));
        break;
    }
  }
  return out;
}
