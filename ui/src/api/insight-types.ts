// Shapes of the insights, envelope inspector and SDK routes
// (docs/ARCHITECTURE.md, "Insights, envelope inspector, SDKs and trace filters").

export interface Items<T> {
  items: T[];
}

export interface SpanRef {
  traceId: string;
  spanId: string;
  transaction?: string;
  description?: string;
  start: string;
  durationMs: number;
}

export interface QueryGroup {
  id: string;
  statement: string;
  system?: string;
  count: number;
  totalMs: number;
  avgMs: number;
  p95Ms: number;
  traces: number;
  nPlusOne: boolean;
  maxRepeats: number;
  slowest: SpanRef[];
  spans?: SpanRef[];
}

export type Score = 'good' | 'needs-improvement' | 'poor';

export interface Vital {
  name: string;
  p75: number;
  score: Score;
  samples: number;
  good: number;
  poor: number;
}

export interface VitalSample {
  name: string;
  value: number;
  score: Score;
  op: string;
  traceId: string;
  spanId: string;
  time: string;
}

export interface PageVitals {
  page: string;
  vitals: Vital[];
  samples?: VitalSample[];
  loads: number;
}

export interface Resource {
  url: string;
  type: string;
  count: number;
  avgMs: number;
  avgTransferBytes: number;
  avgDecodedBytes: number;
  avgEncodedBytes: number;
  renderBlocking: string;
  traces: number;
  exampleTraceId: string;
  exampleSpanId: string;
}

export interface ItemRoute {
  index: number;
  type: string;
  size: number;
  views: string[];
  ids?: string[];
  reason?: string;
}

export interface EnvelopeSummary {
  id: string;
  received: string;
  sdk?: { name: string; version?: string };
  platform?: string;
  userAgent?: string;
  size: number;
  itemTypes: string[];
  items: ItemRoute[];
  warning?: string;
}

export interface InspectedItem extends ItemRoute {
  header: unknown;
  payload: string;
  payloadKind: 'json' | 'text' | 'binary';
  truncated: boolean;
}

export interface EnvelopeDetail extends EnvelopeSummary {
  header: unknown;
  parsedItems: InspectedItem[];
  rawUrl: string;
}

export interface SDKSeen {
  name: string;
  version: string;
  platform?: string;
  firstSeen: string;
  lastSeen: string;
  envelopes: number;
  warning?: string;
}
