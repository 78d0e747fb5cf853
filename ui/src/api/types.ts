// The event model as the sidecar serves it (GET /api/errors, /api/traces,
// /api/logs, /api/items, /api/feed; documented in docs/ARCHITECTURE.md).
// The server decodes every envelope once; the UI only renders these shapes.
// Times are RFC 3339 strings; absent fields are omitted.

import type { AISpan } from './ai-types';

export type Source = 'server' | 'browser' | 'mobile' | 'unknown';

export interface Sdk {
  name: string;
  version?: string;
  integrations?: string[];
  packages?: { name: string; version?: string }[];
}

/** The instance a record of the Control Center's merged copy came from ("home": sent to the Control Center itself). */
export interface InstanceLabel {
  id: string;
  project?: string;
  port: number;
}

/** Fields shared by errors, logs, attachments and undecodable items. */
export interface Meta {
  instance?: InstanceLabel;
  id: string;
  envelopeId: string;
  received: string;
  timestamp: string;
  level?: string;
  source: Source;
  eventId?: string;
  traceId?: string;
  spanId?: string;
  platform?: string;
  sdk?: Sdk;
  environment?: string;
  release?: string;
  serverName?: string;
}

export interface Tag {
  key: string;
  value: string;
}

/** A typed attribute of a log or span. */
export interface Attribute {
  key: string;
  type?: string;
  value: unknown;
}

export interface Frame {
  filename?: string;
  absPath?: string;
  module?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  inApp?: boolean;
  contextLine?: string;
  preContext?: string[];
  postContext?: string[];
  vars?: Tag[];
  instructionAddr?: string;
  platform?: string;
}

export interface Mechanism {
  type?: string;
  handled?: boolean;
  synthetic?: boolean;
  source?: string;
}

export interface Exception {
  type?: string;
  value?: string;
  module?: string;
  mechanism?: Mechanism;
  /** Oldest call first, as Sentry sends them. */
  frames?: Frame[];
}

export interface ErrorSummary extends Meta {
  kind: 'error';
  /** "Type: value" of the primary exception, else the message. */
  title: string;
  type?: string;
  value?: string;
  message?: string;
  culprit?: string;
  transaction?: string;
  logger?: string;
  handled?: boolean;
  mechanism?: string;
  topFrame?: Frame;
  exceptionCount: number;
  tags?: Tag[];
  /** The same for every event shown as one group in the Errors list. */
  groupKey: string;
}

export interface Breadcrumb {
  timestamp?: string;
  type?: string;
  category?: string;
  level?: string;
  message?: string;
  data?: unknown;
}

export interface RequestInfo {
  method?: string;
  url?: string;
  query?: string;
  headers?: Tag[];
  data?: unknown;
  cookies?: unknown;
  env?: unknown;
}

export interface ErrorDetail extends ErrorSummary {
  /** As sent: the last one is the one raised, the earlier ones its causes. */
  exceptions?: Exception[];
  /** The stack of a message event (thread, event stacktrace or a synthetic exception's). */
  frames?: Frame[];
  breadcrumbs?: Breadcrumb[];
  request?: RequestInfo;
  user?: Record<string, unknown>;
  contexts?: Record<string, unknown>;
  extra?: Record<string, unknown>;
  fingerprint?: string[];
  /** Its group in the Errors list, with how many events it has. */
  group?: { key: string; count: number };
  /** The attachments sent in its envelope. */
  attachments?: Attachment[];
}

/** A row of the Errors view: events with the same type, value and top frame. */
export interface ErrorGroup {
  groupKey: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  latest: ErrorSummary;
}

export interface TraceSummary {
  id: string;
  kind: 'trace';
  traceId: string;
  name: string;
  op?: string;
  status?: string;
  /** Only errors or logs of this trace are held so far (listed with withoutSpans=1). */
  noSpans?: boolean;
  timestamp: string;
  start: string;
  end?: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  logCount: number;
  rootSpanId?: string;
  hasRoot: boolean;
  source: Source;
  environment?: string;
  release?: string;
  sdk?: Sdk;
  platform?: string;
  envelopeIds: string[];
  received: string;
  instance?: InstanceLabel;
  /** Every instance its spans came from (the merged copy). */
  instances?: InstanceLabel[];
}

export interface Span {
  spanId: string;
  parentSpanId?: string;
  traceId: string;
  /** 0 for roots; the list is in depth-first tree order. */
  depth: number;
  /** Direct children held. */
  childCount: number;
  op?: string;
  name?: string;
  status?: string;
  start: string;
  end?: string;
  durationMs: number;
  isSegment: boolean;
  segmentName?: string;
  origin?: string;
  data?: Attribute[];
  tags?: Tag[];
  envelopeId: string;
  environment?: string;
  release?: string;
  instance?: InstanceLabel;
  /** Set on an AI call's span (see ai-types.ts). */
  ai?: AISpan;
}

export interface TraceDetail extends TraceSummary {
  spans: Span[];
  errors: ErrorSummary[];
  logs: Log[];
}

export interface Log extends Meta {
  kind: 'log';
  body: string;
  severityNumber?: number;
  attributes?: Attribute[];
  /** Set on the lines `spotlight run` relayed from its child's output. */
  stdio?: 'stdout' | 'stderr';
}

export interface Attachment extends Meta {
  kind: 'attachment';
  filename: string;
  contentType?: string;
  attachmentType?: string;
  size: number;
  /** Path of the bytes on the sidecar that served this record. */
  contentUrl: string;
  /** Set when the envelope ended inside it: size bytes of length arrived. */
  truncated?: Truncation;
}

/** An envelope item cut short: its declared length and the bytes received. */
export interface Truncation {
  length: number;
  received: number;
}

export interface UndecodableItem extends Meta {
  kind: 'item';
  itemType: string;
  contentType?: string;
  reason: string;
  size: number;
  truncated?: Truncation;
}

export interface UndecodableItemDetail extends UndecodableItem {
  header: unknown;
  payload: string;
  payloadEncoding: 'text' | 'base64';
}

/** GET /api/stats: what the viewed sidecar's buffer holds and has evicted. */
export interface BufferStats {
  entries: number;
  bytes: number;
  maxEntries: number;
  maxBytes: number;
  /** Envelopes the bounds pushed out since the sidecar started (Clear is not eviction). */
  evicted: number;
  lastEvictedAt?: string;
}

export interface Counts {
  errors: number;
  traces: number;
  logs: number;
  attachments: number;
  items: number;
  profiles?: number;
  cursor: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
  cursor: string;
}

export type ChangeKind = 'error' | 'trace' | 'log' | 'attachment' | 'item' | 'profile';

/** One event of GET /api/feed. */
export interface Change {
  op: 'add' | 'update' | 'remove' | 'clear' | 'reset';
  kind?: ChangeKind;
  id?: string;
  item?: unknown;
}

/** How many held errors have one primary exception type (GET /api/error-types). */
export interface TypeCount {
  type: string;
  count: number;
}
