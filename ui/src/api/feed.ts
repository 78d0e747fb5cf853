// The live connections of the page: the feed of the viewed sidecar
// (GET /api/feed: what was added, updated or removed, resumable from a
// cursor) and home's instance announcements (GET /stream?instances=1: only
// spotlight/instance-ping events, no envelopes).

import type { Instance } from '../types';
import type { Change } from './types';

export const PING_EVENT = 'spotlight/instance-ping';

export type FeedState = 'connecting' | 'open' | 'reconnecting';

/**
 * An EventSource that is reopened when the browser gives up on it. The
 * browser reconnects by itself (resuming with Last-Event-ID) unless the
 * answer was not a stream (a restart's 5xx, a refused request); then it is
 * reopened here at url(), backing off to 5 s. The returned function closes it.
 */
function resilientSource(url: () => string, listen: (es: EventSource) => void, onState: (s: FeedState) => void): () => void {
  let closed = false;
  let es: EventSource | null = null;
  let retries = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const connect = () => {
    if (closed) return;
    onState(retries > 0 ? 'reconnecting' : 'connecting');
    const source = new EventSource(url());
    es = source;
    source.onopen = () => {
      retries = 0;
      onState('open');
    };
    listen(source);
    source.onerror = () => {
      if (closed) return;
      onState('reconnecting');
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        retries++;
        retryTimer = setTimeout(connect, Math.min(500 * 2 ** retries, 5000));
      }
    };
  };
  connect();
  return () => {
    closed = true;
    clearTimeout(retryTimer);
    es?.close();
  };
}

export interface FeedHandlers {
  onChanges(batch: Change[]): void;
  onState(state: FeedState): void;
}

/**
 * Opens the feed after `cursor` (the position of a snapshot the caller
 * holds); a reopened feed resumes from the last cursor seen. Changes are
 * queued and handed over once per animation frame, so a burst of thousands
 * costs one store update.
 */
export function openFeed(url: (cursor?: string) => string, cursor: string | undefined, h: FeedHandlers): () => void {
  let last = cursor;
  let queue: Change[] = [];
  let scheduled = false;
  let closed = false;
  const flush = () => {
    scheduled = false;
    if (closed || queue.length === 0) return;
    const batch = queue;
    queue = [];
    h.onChanges(batch);
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(flush);
    // Hidden tabs get no animation frames; still apply the changes, less often.
    setTimeout(flush, 250);
  };
  const close = resilientSource(
    () => url(last),
    (es) => {
      es.onmessage = (ev: MessageEvent<string>) => {
        if (ev.lastEventId) last = ev.lastEventId;
        try {
          queue.push(JSON.parse(ev.data) as Change);
          schedule();
        } catch (e) {
          console.warn('spotlight: a feed event is not valid JSON; skipped', e);
        }
      };
    },
    h.onState,
  );
  return () => {
    closed = true;
    queue = [];
    close();
  };
}

/** Home's instance announcements, whatever instance the page views. */
export function openPings(url: string, onPing: (i: Instance) => void): () => void {
  return resilientSource(
    () => url,
    (es) =>
      es.addEventListener(PING_EVENT, (ev) => {
        try {
          onPing(JSON.parse((ev as MessageEvent<string>).data) as Instance);
        } catch (e) {
          console.warn('spotlight: an instance ping is not valid JSON; skipped', e);
        }
      }),
    () => {},
  );
}
