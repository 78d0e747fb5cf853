// AI calls as the sidecar serves them (GET /api/ai-calls[/{id}], Span.ai;
// docs/ARCHITECTURE.md, "AI calls").

import type { InstanceLabel, Source } from './types';

export type AIKind = 'run' | 'call' | 'tool' | 'embeddings';

export interface AISpan {
  kind: AIKind;
  operation?: string;
  model?: string;
  provider?: string;
  agent?: string;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  costUsd?: number;
  finishReason?: string;
  toolName?: string;
  toolRequests?: number;
}

export interface AIToolCall {
  id?: string;
  name: string;
  arguments?: string;
  result?: string;
  spanId?: string;
}

export interface AIMessage {
  role: string;
  content?: string;
  toolCalls?: AIToolCall[];
  toolCallId?: string;
  toolName?: string;
}

export interface AIStep {
  spanId: string;
  depth: number;
  name: string;
  start: string;
  durationMs: number;
  ai: AISpan;
}

export interface AIRun extends AISpan {
  id: string;
  traceId: string;
  spanId: string;
  name: string;
  transaction?: string;
  start: string;
  durationMs: number;
  status?: string;
  calls: number;
  tools?: string[];
  source: Source;
  instance?: InstanceLabel;
  steps?: AIStep[];
  messages?: AIMessage[];
  toolCalls?: AIToolCall[];
}
