import { describe, expect, it } from 'vitest';
import { frameLocation, layout } from './FlameGraph';
import type { FlameNode } from '../api/profile-types';

// main ─┬─ handle ─┬─ query
//       │          └─ render
//       └─ idle
const nodes: FlameNode[] = [
  { f: 0, d: 0, x: 0, t: 5, s: 0 },
  { f: 1, d: 1, x: 0, t: 3, s: 0 },
  { f: 2, d: 2, x: 0, t: 2, s: 2 },
  { f: 3, d: 2, x: 2, t: 1, s: 1 },
  { f: 4, d: 1, x: 3, t: 2, s: 2 },
];

describe('flame graph layout', () => {
  it('ends each subtree where the next box at its depth or above starts', () => {
    const l = layout(nodes);
    expect([...l.end]).toEqual([5, 4, 3, 4, 5]);
    expect(l.byDepth).toEqual([[0], [1, 4], [2, 3]]);
    expect(l.depth).toBe(3);
  });
  it('names a frame by file:line:column, else its module', () => {
    expect(frameLocation({ function: 'f', file: 'a.ts', line: 3, column: 7, inApp: true })).toBe('a.ts:3:7');
    expect(frameLocation({ function: 'f', file: 'a.ts', inApp: true })).toBe('a.ts');
    expect(frameLocation({ function: 'f', module: 'UIKit', inApp: false })).toBe('UIKit');
  });
});
