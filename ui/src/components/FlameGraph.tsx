// A flame graph (icicle: callers above callees) of the boxes the server
// built (GET /api/profiles/{id}, /api/traces/{id}/profile), drawn on one
// canvas so that 100k samples cost their distinct stacks, not DOM nodes.
// Hover shows a box's function, file:line, self and total; click zooms
// into it; the search highlights matching frames. The heaviest-functions
// table beside it is the accessible form of the same data.

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Flame, FlameFrame, FlameNode } from '../api/profile-types';
import { formatDuration } from '../lib/format';

/** Height of one stack level, in CSS pixels (the e2e tests compute positions with it). */
export const ROW = 18;
/** Boxes narrower than this are not drawn (nor their children). */
const MIN_WIDTH = 0.35;

interface Layout {
  /** Per node: the index after its subtree (pre-order), to skip small boxes' children. */
  end: Int32Array;
  /** Node indexes of each depth, by x (pre-order keeps them sorted). */
  byDepth: number[][];
  depth: number;
}

export function layout(nodes: readonly FlameNode[]): Layout {
  const end = new Int32Array(nodes.length);
  const byDepth: number[][] = [];
  const open: number[] = [];
  nodes.forEach((n, i) => {
    while (open.length > n.d) end[open.pop()!] = i;
    open.push(i);
    (byDepth[n.d] ??= []).push(i);
  });
  while (open.length) end[open.pop()!] = nodes.length;
  return { end, byDepth, depth: byDepth.length };
}

export function frameLocation(f: FlameFrame): string {
  if (!f.file) return f.module ?? '';
  return f.line ? `${f.file}:${f.line}${f.column ? `:${f.column}` : ''}` : f.file;
}

/** In-app frames warm, library frames cool; the hue varies by name so neighbours differ. */
function color(f: FlameFrame): string {
  let h = 0;
  for (let i = 0; i < f.function.length; i++) h = (h * 31 + f.function.charCodeAt(i)) | 0;
  const v = Math.abs(h) % 30;
  return f.inApp ? `hsl(${20 + v}, 85%, ${58 + (v % 10)}%)` : `hsl(${200 + v}, 30%, ${68 + (v % 10)}%)`;
}

export function timeOf(samples: number, flame: Flame): string {
  return flame.sampleMs > 0 ? formatDuration(samples * flame.sampleMs) : `${samples} samples`;
}

export function FlameGraph({ flame, search, maxHeight = 520 }: { flame: Flame; search: string; maxHeight?: number }) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [zoom, setZoom] = useState<number | null>(null);
  const [hover, setHover] = useState<{ node: number; x: number; y: number } | null>(null);
  const lay = useMemo(() => layout(flame.nodes), [flame.nodes]);
  const colors = useMemo(() => flame.frames.map(color), [flame.frames]);
  const rootTotal = flame.samples - flame.idle;
  const needle = search.trim().toLowerCase();
  const matching = useMemo(() => {
    if (!needle) return null;
    return flame.frames.map((f) => f.function.toLowerCase().includes(needle) || (f.file ?? '').toLowerCase().includes(needle));
  }, [flame.frames, needle]);
  const matchCount = useMemo(() => (matching ? flame.nodes.reduce((n, node) => n + (matching[node.f] ? 1 : 0), 0) : 0), [flame.nodes, matching]);
  useEffect(() => setZoom(null), [flame]);

  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  const z = zoom !== null ? flame.nodes[zoom] : undefined;
  const x0 = z?.x ?? 0;
  const span = Math.max(z?.t ?? rootTotal, 1);
  const height = Math.max(lay.depth, 1) * ROW;

  useLayoutEffect(() => {
    const c = canvas.current;
    if (!c || width === 0) return;
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(width * dpr);
    c.height = Math.round(height * dpr);
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px ui-monospace, SFMono-Regular, Menlo, monospace';
    ctx.textBaseline = 'middle';
    const scale = width / span;
    const nodes = flame.nodes;
    const labels: number[] = []; // boxes wide enough for their name, drawn after the boxes
    let drawn = 0;
    let style = '';
    let alpha = 1;
    for (let i = 0; i < nodes.length; ) {
      const n = nodes[i]!;
      const left = (n.x - x0) * scale;
      const w = n.t * scale;
      if (w < MIN_WIDTH || left + w <= 0 || left >= width) {
        i = lay.end[i]!; // nor its children, which lie inside it
        continue;
      }
      const l = Math.max(left, 0);
      const r = Math.min(left + w, width);
      const a = matching && !matching[n.f] ? 0.3 : 1;
      const fill = matching?.[n.f] ? '#d6336c' : colors[n.f]!;
      // State changes cost more than the boxes: set only what differs.
      if (a !== alpha) ctx.globalAlpha = alpha = a;
      if (fill !== style) ctx.fillStyle = style = fill;
      ctx.fillRect(l, n.d * ROW, Math.max(r - l - 0.5, 0.5), ROW - 1);
      if (r - l > 28) labels.push(i);
      drawn++;
      i++;
    }
    ctx.globalAlpha = 1;
    for (const i of labels) {
      const n = nodes[i]!;
      const f = flame.frames[n.f]!;
      const l = Math.max((n.x - x0) * scale, 0);
      const r = Math.min((n.x + n.t - x0) * scale, width);
      const chars = Math.floor((r - l - 6) / 6.7);
      const name = f.function.length > chars ? `${f.function.slice(0, Math.max(chars - 1, 1))}…` : f.function;
      const fill = matching?.[n.f] ? '#fff' : '#1b1b1f';
      if (fill !== style) ctx.fillStyle = style = fill;
      ctx.fillText(name, l + 3, n.d * ROW + ROW / 2);
    }
    c.dataset.renderMs = (performance.now() - t0).toFixed(2);
    c.dataset.drawn = String(drawn);
  }, [flame, lay, colors, width, height, x0, span, matching]);

  /** The node under a point of the canvas, if any. */
  const nodeAt = (px: number, py: number): number | null => {
    const row = lay.byDepth[Math.floor(py / ROW)];
    if (!row || width === 0) return null;
    const s = x0 + (px / width) * span;
    let lo = 0;
    let hi = row.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const n = flame.nodes[row[mid]!]!;
      if (s < n.x) hi = mid - 1;
      else if (s >= n.x + n.t) lo = mid + 1;
      else return row[mid]!;
    }
    return null;
  };
  const pointer = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top] as const;
  };
  const h = hover !== null ? flame.nodes[hover.node] : undefined;
  const hf = h ? flame.frames[h.f] : undefined;
  return (
    <div className="flame" data-testid="flame">
      <div className="flame-bar">
        {z ? (
          <>
            <span data-testid="flame-zoom">
              Zoomed into <strong className="mono">{flame.frames[z.f]?.function}</strong> ({timeOf(z.t, flame)})
            </span>
            <button type="button" className="button" onClick={() => setZoom(null)}>
              Reset zoom
            </button>
          </>
        ) : (
          <span className="muted small">Click a frame to zoom into it.</span>
        )}
        {matching && (
          <span className="small" data-testid="flame-matches" role="status">
            {matchCount} {matchCount === 1 ? 'frame matches' : 'frames match'}
          </span>
        )}
        <span className="flame-legend small">
          <span className="swatch swatch-app" /> in-app <span className="swatch swatch-lib" /> library
        </span>
      </div>
      <div className="flame-scroll" ref={wrap} style={{ maxHeight }}>
        <canvas
          ref={canvas}
          data-testid="flame-canvas"
          role="img"
          aria-label={`Flame graph of ${flame.samples} samples, ${flame.nodes.length} frames; the table of heaviest functions lists them`}
          style={{ width: '100%', height, display: 'block', cursor: h ? 'pointer' : 'default' }}
          onMouseMove={(e) => {
            const [px, py] = pointer(e);
            const node = nodeAt(px, py);
            setHover(node === null ? null : { node, x: px, y: py });
          }}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => {
            const node = nodeAt(...pointer(e));
            if (node !== null) setZoom(node === zoom ? null : node);
          }}
        />
        {h && hf && hover && (
          <div className="flame-tip" data-testid="flame-tip" style={{ left: Math.min(hover.x + 12, Math.max(width - 320, 0)), top: hover.y + 14 }}>
            <div className="mono flame-tip-fn">{hf.function}</div>
            {frameLocation(hf) && <div className="mono small">{frameLocation(hf)}</div>}
            <div className="small">
              {hf.inApp ? 'in-app' : 'library'} · self {timeOf(h.s, flame)} · total {timeOf(h.t, flame)} ({((h.t / Math.max(rootTotal, 1)) * 100).toFixed(1)}%)
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

/** The functions that ran most themselves (self time), with their total time. */
export function HeaviestFunctions({ flame, onPick }: { flame: Flame; onPick(name: string): void }) {
  const all = Math.max(flame.samples - flame.idle, 1);
  return (
    <table className="table flame-table" aria-label="Heaviest functions by self time">
      <thead>
        <tr>
          <th>Function</th>
          <th>Location</th>
          <th className="num">Self</th>
          <th className="num">Total</th>
        </tr>
      </thead>
      <tbody>
        {flame.functions.slice(0, 30).map((fn) => {
          const f = flame.frames[fn.f]!;
          return (
            <tr key={fn.f} data-testid="heavy-row">
              <td>
                <button type="button" className="link-button mono" onClick={() => onPick(f.function)} title="Highlight in the flame graph">
                  {f.function}
                </button>
                {!f.inApp && <span className="badge">library</span>}
              </td>
              <td className="mono small">{frameLocation(f)}</td>
              <td className="num nowrap">
                {timeOf(fn.self, flame)} <span className="muted small">{((fn.self / all) * 100).toFixed(1)}%</span>
              </td>
              <td className="num nowrap">
                {timeOf(fn.total, flame)} <span className="muted small">{((fn.total / all) * 100).toFixed(1)}%</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
