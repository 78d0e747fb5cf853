// Shapes of what the sidecar streams. Sentry payloads are loose JSON: every
// field is optional and read defensively.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The data of one SSE envelope event: [header, [[itemHeader, payload], ...]]. */
export type StreamEnvelope = [JsonObject, [JsonObject, Json][]];

export type Level = 'fatal' | 'error' | 'warning' | 'info' | 'debug' | 'trace';

export interface Frame {
  filename?: string;
  abs_path?: string;
  module?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  in_app?: boolean;
  pre_context?: string[];
  context_line?: string;
  post_context?: string[];
  vars?: JsonObject;
  package?: string;
}

export interface ExceptionValue {
  type?: string;
  value?: string;
  module?: string;
  mechanism?: JsonObject;
  stacktrace?: { frames?: Frame[] };
}

export interface Attachment {
  filename: string;
  contentType: string;
  /** Text, or base64 when the sidecar streamed it with `encoding: "base64"` (see envelope.MarshalStream). */
  data: string;
  isText: boolean;
  size: number;
}

export interface ErrorEvent {
  eventId: string;
  envelopeId: string;
  /** Order of arrival, for stable sorting. */
  seq: number;
  timestamp: number; // ms since epoch
  level: Level;
  type: string;
  value: string;
  /** Function and file of the frame that raised it: the grouping's third part. */
  topFrame: string;
  groupKey: string;
  platform: string;
  sdk: string;
  traceId?: string;
  spanId?: string;
  transaction?: string;
  payload: JsonObject;
  attachments: Attachment[];
  /** Lower-cased text the search box matches. */
  search: string;
}

export interface Span {
  spanId: string;
  parentSpanId?: string;
  traceId: string;
  op: string;
  description: string;
  status?: string;
  start: number; // seconds (Sentry timestamps)
  end: number;
  /** The transaction this span is the root of (its name), if any. */
  transaction?: string;
  isSegment: boolean;
  data: JsonObject;
  tags: JsonObject;
  envelopeId: string;
}

export interface Trace {
  traceId: string;
  spans: Span[];
  /** Root transaction/segment name, else the earliest span's description. */
  name: string;
  op: string;
  start: number;
  end: number;
  status: string;
  platform: string;
  envelopeIds: string[];
  search: string;
}

export interface LogRecord {
  id: string; // envelopeId + index, stable across renders
  envelopeId: string;
  seq: number;
  timestamp: number; // ms since epoch
  level: string;
  body: string;
  traceId?: string;
  spanId?: string;
  attributes: Record<string, Json>;
  sdk: string;
  /** True for the stdout/stderr lines that `spotlight run` relays. */
  stdio: boolean;
  search: string;
}

export type InstanceStatus = 'healthy' | 'unresponsive' | 'orphaned' | 'dead';

export interface Instance {
  instanceId: string;
  port: number;
  pid: number;
  pidStartTime?: number;
  childPid?: number;
  childPidStartTime?: number;
  command: string;
  cmdArgs?: string[];
  cwd: string;
  startTime: string;
  projectName: string;
  detectedType?: string;
  status?: InstanceStatus;
  uptimeSeconds?: number;
  url?: string;
}

/** GET /api/instances/current: an instance, or a plain (Control Center) sidecar. */
export type CurrentInfo = (Instance & { controlCenter?: false }) | { controlCenter: true; port: number; pid: number };
