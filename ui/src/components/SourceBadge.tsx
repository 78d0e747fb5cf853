// Where an event came from — Server, Browser or Mobile, as the server
// inferred it from the platform, SDK and User-Agent — with the SDK on hover.

import type { Sdk, Source } from '../api/types';
import { sdkLabel } from '../lib/format';

const LABELS: Record<Source, string> = { server: 'Server', browser: 'Browser', mobile: 'Mobile', unknown: '' };

// Small line glyphs (no external images under the CSP): a rack, a window, a phone.
const ICONS: Record<Exclude<Source, 'unknown'>, string> = {
  server: 'M3 3h10v4H3zM3 9h10v4H3zM5 5h1M5 11h1',
  browser: 'M2 3h12v10H2zM2 6h12M4 4.5h1M6 4.5h1',
  mobile: 'M5 1.5h6v13H5zM7.5 12.5h1',
};

export function SourceBadge({ source, sdk, platform }: { source: Source; sdk?: Sdk; platform?: string }) {
  const label = LABELS[source];
  if (!label || source === 'unknown') return null;
  const title = [label, platform, sdkLabel(sdk)].filter(Boolean).join(' · ');
  return (
    <span className={`badge source-badge source-${source}`} title={title} data-testid="source-badge">
      <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
        <path d={ICONS[source]} fill="none" stroke="currentColor" strokeWidth="1.3" />
      </svg>
      {label}
    </span>
  );
}
