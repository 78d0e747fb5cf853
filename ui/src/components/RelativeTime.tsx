// A time as "3 min ago", with the exact local time on hover.

import { formatDateTime, formatRelative } from '../lib/format';

export function RelativeTime({ ms, now }: { ms: number; now: number }) {
  if (!Number.isFinite(ms)) return null;
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatDateTime(ms)}>
      {formatRelative(ms, now)}
    </time>
  );
}
