import { describe, expect, it } from 'vitest';
import { waterfallRows } from './waterfall';
import type { Span } from '../api/types';

const span = (spanId: string, depth: number, childCount: number): Span => ({
  spanId,
  traceId: 't',
  depth,
  childCount,
  start: '2026-01-01T00:00:00Z',
  durationMs: 1,
  isSegment: depth === 0,
  envelopeId: 'e',
});

// root ─┬─ a ── a1
//       └─ b
// orphan (a root whose parent is not held)
const tree = [span('root', 0, 2), span('a', 1, 1), span('a1', 2, 0), span('b', 1, 0), span('orphan', 0, 0)];

describe('waterfallRows', () => {
  it('keeps the server order', () => {
    expect(waterfallRows(tree, new Set()).map((s) => s.spanId)).toEqual(['root', 'a', 'a1', 'b', 'orphan']);
  });

  it('folding a span hides its subtree only', () => {
    expect(waterfallRows(tree, new Set(['a'])).map((s) => s.spanId)).toEqual(['root', 'a', 'b', 'orphan']);
    expect(waterfallRows(tree, new Set(['root'])).map((s) => s.spanId)).toEqual(['root', 'orphan']);
    // A folded span inside a folded subtree changes nothing more.
    expect(waterfallRows(tree, new Set(['root', 'a'])).map((s) => s.spanId)).toEqual(['root', 'orphan']);
  });
});
