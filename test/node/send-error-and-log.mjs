// Sends one error and one log through @sentry/node's Spotlight integration.
// Run with SENTRY_SPOTLIGHT=http://localhost:<port>/stream and no DSN; prints
// the error's event id on stdout. MARKER (argv[2]) tags both so the test can
// find them on the stream.
import * as Sentry from '@sentry/node';

const marker = process.argv[2] ?? 'spotlight-node-test';

Sentry.init({
  enableLogs: true,
  tracesSampleRate: 0,
  // No DSN: events go to Spotlight only.
});

const eventId = Sentry.captureException(new Error(`boom ${marker}`));
Sentry.logger.info(`log line ${marker}`, { marker });
await Sentry.flush(2000);
// The Spotlight integration sends outside the SDK transport, so flush() does
// not wait for it: keep the process alive a moment for its requests.
await new Promise((resolve) => setTimeout(resolve, 1000));
console.log(eventId);
