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
// not wait for it: stay alive until the sidecar holds both (polling its
// envelope list, with a deadline), so the caller never races the requests.
const sidecar = process.env.SENTRY_SPOTLIGHT.replace(/\/stream\/?$/, '');
const deadline = Date.now() + 10_000;
for (;;) {
  const res = await fetch(`${sidecar}/api/envelopes`, { signal: AbortSignal.timeout(5000) });
  const held = await res.text();
  if (held.includes(`boom ${marker}`) && held.includes(`log line ${marker}`)) break;
  if (Date.now() > deadline) {
    console.error(`the sidecar at ${sidecar} did not receive the error and the log within 10 s`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}
console.log(eventId);
