// Derived views of the data, computed by memoised selectors in the views.

import type { ErrorEvent, LogRecord } from '../types';

export interface ErrorGroup {
  key: string;
  latest: ErrorEvent;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Occurrences, newest first. */
  events: ErrorEvent[];
}

/** Groups errors by type + value + top frame; newest group first. */
export function groupErrors(errors: readonly ErrorEvent[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>();
  for (const e of errors) {
    const g = groups.get(e.groupKey);
    if (!g) {
      groups.set(e.groupKey, { key: e.groupKey, latest: e, count: 1, firstSeen: e.timestamp, lastSeen: e.timestamp, events: [e] });
      continue;
    }
    g.count++;
    g.events.push(e);
    g.firstSeen = Math.min(g.firstSeen, e.timestamp);
    if (e.timestamp >= g.lastSeen) {
      g.lastSeen = e.timestamp;
      g.latest = e;
    }
  }
  const out = [...groups.values()];
  for (const g of out) g.events.sort((a, b) => b.timestamp - a.timestamp || b.seq - a.seq);
  return out.sort((a, b) => b.lastSeen - a.lastSeen || b.latest.seq - a.latest.seq);
}

/** Index of records by trace id. */
export function byTrace<T extends ErrorEvent | LogRecord>(records: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of records) {
    if (!r.traceId) continue;
    const list = m.get(r.traceId);
    if (list) list.push(r);
    else m.set(r.traceId, [r]);
  }
  return m;
}
