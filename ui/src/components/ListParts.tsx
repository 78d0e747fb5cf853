// Pieces every list view has: the live "N …" status and a failed fetch.

import type { ReactNode } from 'react';

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
