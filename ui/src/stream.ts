// The one EventSource to the viewed sidecar. Envelopes are queued and handed
// over once per animation frame, so a burst of thousands renders once.

import type { Instance, StreamEnvelope } from './types';
import type { IncomingEnvelope } from './store/data';
import type { Connection } from './store/store';

export const ENVELOPE_EVENT = 'application/x-sentry-envelope';
export const PING_EVENT = 'spotlight/instance-ping';

export interface StreamHandlers {
  onEnvelopes(batch: IncomingEnvelope[]): void;
  onPing(instance: Instance): void;
  onConnection(state: Connection): void;
}

/** Opens the stream; the returned function closes it and drops anything still queued. */
export function openStream(base: string, h: StreamHandlers): () => void {
  let closed = false;
  let es: EventSource | null = null;
  let queue: IncomingEnvelope[] = [];
  let scheduled = false;
  let retries = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    scheduled = false;
    if (closed || queue.length === 0) return;
    const batch = queue;
    queue = [];
    h.onEnvelopes(batch);
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(flush);
    // Hidden tabs get no animation frames; still apply the data, less often.
    setTimeout(flush, 250);
  };

  const connect = () => {
    if (closed) return;
    h.onConnection(retries > 0 ? 'reconnecting' : 'connecting');
    const source = new EventSource(`${base}/stream`);
    es = source;
    source.onopen = () => {
      retries = 0;
      h.onConnection('open');
    };
    source.addEventListener(ENVELOPE_EVENT, (ev) => {
      const msg = ev as MessageEvent<string>;
      try {
        const data = JSON.parse(msg.data) as StreamEnvelope;
        // Without an id (never from this sidecar) the envelope cannot be deduplicated; keep it anyway.
        queue.push({ id: msg.lastEventId || crypto.randomUUID(), data });
        schedule();
      } catch (e) {
        console.warn('spotlight: an envelope on the stream is not valid JSON; skipped', e);
      }
    });
    source.addEventListener(PING_EVENT, (ev) => {
      try {
        h.onPing(JSON.parse((ev as MessageEvent<string>).data) as Instance);
      } catch (e) {
        console.warn('spotlight: an instance ping is not valid JSON; skipped', e);
      }
    });
    source.onerror = () => {
      if (closed) return;
      h.onConnection('reconnecting');
      // The browser retries by itself unless the answer was not a stream
      // (e.g. a 5xx while restarting); then we retry, backing off to 5 s.
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
    queue = [];
    clearTimeout(retryTimer);
    es?.close();
  };
}
