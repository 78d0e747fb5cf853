// Says that the viewed sidecar evicted old envelopes to stay within its
// bounds, so that a missing old event is not a mystery. Reread whenever the
// counts change (every feed batch).

import { useEffect } from 'react';
import { useAppState, useStoreApi } from '../context';
import { formatBytes, formatDateTime, parseTime } from '../lib/format';

export function EvictionNotice() {
  const store = useStoreApi();
  const counts = useAppState((s) => s.counts);
  const buffer = useAppState((s) => s.buffer);
  useEffect(() => {
    store.getState().refreshBuffer();
  }, [store, counts]);
  if (!buffer || buffer.evicted === 0) return null;
  const n = buffer.evicted.toLocaleString('en');
  return (
    <div className="banner banner-info" role="status" data-testid="evicted-notice">
      <span>
        {n} older {buffer.evicted === 1 ? 'envelope was' : 'envelopes were'} evicted to stay within this sidecar's buffer ({buffer.maxEntries.toLocaleString('en')} envelopes,{' '}
        {formatBytes(buffer.maxBytes)}){buffer.lastEvictedAt ? `, the last at ${formatDateTime(parseTime(buffer.lastEvictedAt))}` : ''}. Start Spotlight with{' '}
        <code>--buffer-size</code> or <code>--buffer-bytes</code> to keep more.
      </span>
    </div>
  );
}
