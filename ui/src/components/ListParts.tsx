// Pieces every list view has: the live "N …" status and a failed fetch.

import type { ReactNode } from 'react';

/** Whether any of these parameters filters (the sort, say, does not). */
export function filters(params: Readonly<Record<string, string>>, keys: readonly string[]): boolean {
  return keys.some((k) => (params[k] ?? '') !== '');
}

/** "1 trace", "2 traces". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What the list shows, announced to screen readers; "Loading…" before the first answer. */
export function ListStatus({ loaded, children }: { loaded: boolean; children: ReactNode }) {
  return (
    <span className="muted" aria-live="polite" data-testid="list-status">
      {loaded ? children : 'Loading…'}
    </span>
  );
}

export function ListError({ error }: { error: string }) {
  return (
    <p className="banner banner-warn" role="alert">
      Could not load the list: {error}
    </p>
  );
}
