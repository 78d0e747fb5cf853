import { describe, expect, it } from 'vitest';
import { waterfallRows } from './waterfall';
import type { Span } from '../types';

const span = (spanId: string, parentSpanId: string | undefined, start: number): Span => ({
  spanId,
  parentSpanId,
  traceId: 'T',
  op: 'op',
  description: spanId,
  start,
  end: start + 1,
  isSegment: false,
  data: {},
  tags: {},
  envelopeId: 'e',
});

describe('waterfallRows', () => {
  // Sorted by start, as the store keeps them.
  const spans = [span('root', undefined, 0), span('a', 'root', 1), span('a1', 'a', 2), span('b', 'root', 3), span('lost', 'missing-parent', 4)];

  it('orders spans depth-first with their depth; spans with an unknown parent are roots', () => {
    expect(waterfallRows(spans, new Set()).map((r) => [r.span.spanId, r.depth, r.children])).toEqual([
      ['root', 0, 2],
      ['a', 1, 1],
      ['a1', 2, 0],
      ['b', 1, 0],
      ['lost', 0, 0],
    ]);
  });

  it('hides the subtree of a collapsed span', () => {
    expect(waterfallRows(spans, new Set(['a'])).map((r) => r.span.spanId)).toEqual(['root', 'a', 'b', 'lost']);
  });

  it('shows spans caught in a parent cycle (bad data) once each', () => {
    const cyclic = [span('x', 'y', 0), span('y', 'x', 1)];
    expect(waterfallRows(cyclic, new Set()).map((r) => [r.span.spanId, r.depth])).toEqual([
      ['x', 0],
      ['y', 1],
    ]);
  });
});
