// Prints to the console with @sentry/node's console logging on, so each line
// reaches Spotlight twice under `spotlight run`: as the child's output and
// as an SDK log. MARKER (argv[2]) tags the lines. Run with SENTRY_SPOTLIGHT
// set (spotlight run sets it).
import * as Sentry from '@sentry/node';
import { waitForSidecar } from './wait-for-sidecar.mjs';

const marker = process.argv[2] ?? 'spotlight-console-test';

Sentry.init({
  enableLogs: true,
  tracesSampleRate: 0,
  integrations: [Sentry.consoleLoggingIntegration({ levels: ['log', 'warn', 'error'] })],
});

console.log(`info line ${marker}`);
console.warn(`warn line ${marker}`);
await Sentry.flush(2000);
// Wait until the sidecar holds the SDK's logs, so the run sees them before
// the child exits.
await waitForSidecar(`"body":"warn line ${marker}"`, `"body":"info line ${marker}"`);
