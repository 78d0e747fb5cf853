// Sends one error and one log through @sentry/node's Spotlight integration.
// Run with SENTRY_SPOTLIGHT=http://localhost:<port>/stream and no DSN; prints
// the error's event id on stdout. MARKER (argv[2]) tags both so the test can
// find them on the stream.
import * as Sentry from '@sentry/node';
import { waitForSidecar } from './wait-for-sidecar.mjs';

const marker = process.argv[2] ?? 'spotlight-node-test';

Sentry.init({
  enableLogs: true,
  tracesSampleRate: 0,
  // No DSN: events go to Spotlight only.
});

const eventId = Sentry.captureException(new Error(`boom ${marker}`));
Sentry.logger.info(`log line ${marker}`, { marker });
await Sentry.flush(2000);
await waitForSidecar(`boom ${marker}`, `log line ${marker}`);
console.log(eventId);
