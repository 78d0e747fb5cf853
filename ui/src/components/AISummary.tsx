// The summary of an AI call (model, provider, latency, tokens, cost), the
// same in the AI view and in a span's detail, and the waterfall's marker.

import type { ReactNode } from 'react';
import type { AISpan } from '../api/ai-types';
import { formatDuration } from '../lib/format';

export function formatCost(usd: number): string {
  return usd >= 0.01 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(2)}`;
}

export function tokensLabel(a: AISpan): string {
  if (!a.inputTokens && !a.outputTokens) return '—';
  return `${a.inputTokens ?? 0} in / ${a.outputTokens ?? 0} out`;
}

export function AISummary({ ai, durationMs }: { ai: AISpan; durationMs: number }) {
  const fields: [string, ReactNode, string?][] = [
    ['Kind', `${ai.kind}${ai.operation ? ` (${ai.operation})` : ''}`],
    ['Model', ai.model, 'mono'],
    ['Provider', ai.provider],
    ['Agent', ai.agent],
    ['Latency', formatDuration(durationMs)],
    ['Tokens', tokensLabel(ai)],
    ['Cost', ai.costUsd !== undefined ? formatCost(ai.costUsd) : <span className="muted">unknown price</span>],
    ['Tool', ai.toolName, 'mono'],
    ['Finish', ai.finishReason],
  ];
  return (
    <dl className="ai-summary" data-testid="ai-summary">
      {fields
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([label, value, cls]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd className={cls}>{value}</dd>
          </div>
        ))}
    </dl>
  );
}

/** The waterfall's marker of an AI span. */
export function AIBadge({ ai }: { ai: AISpan }) {
  const what = ai.kind === 'tool' ? (ai.toolName ?? 'tool') : (ai.model ?? ai.kind);
  return (
    <span className="badge badge-ai" data-testid="ai-badge" title={`AI ${ai.kind}: ${what}; ${tokensLabel(ai)}`}>
      AI {ai.kind === 'tool' ? 'tool' : ai.kind} · {what}
    </span>
  );
}
