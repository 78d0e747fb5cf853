// The span tree of a trace as the rows of its waterfall.

import type { Span } from '../types';

export interface WaterfallRow {
  span: Span;
  depth: number;
  children: number;
}

/** Depth-first rows of the span tree; spans whose parent is unknown are roots. Collapsed subtrees are skipped. */
export function waterfallRows(spans: readonly Span[], collapsed: ReadonlySet<string>): WaterfallRow[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const s of spans) {
    if (s.parentSpanId && ids.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      const list = children.get(s.parentSpanId);
      if (list) list.push(s);
      else children.set(s.parentSpanId, [s]);
    } else roots.push(s);
  }
  const out: WaterfallRow[] = [];
  const seen = new Set<string>();
  // Descendants of a collapsed span are walked (so they count as placed) but not shown.
  const walk = (s: Span, depth: number, hidden: boolean) => {
    if (seen.has(s.spanId)) return;
    seen.add(s.spanId);
    const kids = children.get(s.spanId) ?? [];
    if (!hidden) out.push({ span: s, depth, children: kids.length });
    for (const k of kids) walk(k, depth + 1, hidden || collapsed.has(s.spanId));
  };
  // Spans are sorted by start, so children lists and roots are too.
  for (const r of roots) walk(r, 0, false);
  // Spans only reachable through a parent cycle (bad data) still show, as roots.
  for (const s of spans) if (!seen.has(s.spanId)) walk(s, 0, false);
  return out;
}
