// The rows of a trace's waterfall. The server sends the spans in
// depth-first tree order with each span's depth and child count; folding a
// span hides the rows after it that are deeper than it, up to the next one
// that is not.

import type { Span } from '../api/types';

/** The shown rows: spans in the server's order, minus the subtrees of collapsed spans. */
export function waterfallRows(spans: readonly Span[], collapsed: ReadonlySet<string>): Span[] {
  const out: Span[] = [];
  let hideBelow = Infinity;
  for (const span of spans) {
    if (span.depth > hideBelow) continue;
    hideBelow = Infinity;
    out.push(span);
    if (collapsed.has(span.spanId)) hideBelow = span.depth;
  }
  return out;
}
