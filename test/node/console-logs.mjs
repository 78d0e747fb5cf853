// Prints to the console with @sentry/node's console logging on, so each line
// reaches Spotlight twice under `spotlight run`: as the child's output and
// as an SDK log. MARKER (argv[2]) tags the lines. Run with SENTRY_SPOTLIGHT
// set (spotlight run sets it).
import * as Sentry from '@sentry/node';

const marker = process.argv[2] ?? 'spotlight-console-test';

Sentry.init({
  enableLogs: true,
  tracesSampleRate: 0,
  integrations: [Sentry.consoleLoggingIntegration({ levels: ['log', 'warn', 'error'] })],
});

console.log(`info line ${marker}`);
console.warn(`warn line ${marker}`);
await Sentry.flush(2000);
// The Spotlight integration sends outside the SDK transport: wait until the
// sidecar holds the SDK's logs, so the run sees them before the child exits.
const sidecar = process.env.SENTRY_SPOTLIGHT.replace(/\/stream\/?$/, '');
const deadline = Date.now() + 10_000;
for (;;) {
  const res = await fetch(`${sidecar}/api/envelopes`, { signal: AbortSignal.timeout(5000) });
  const held = await res.text();
  if (held.includes(`"body":"warn line ${marker}"`) && held.includes(`"body":"info line ${marker}"`)) break;
  if (Date.now() > deadline) {
    process.stderr.write(`the sidecar at ${sidecar} did not receive the SDK's logs within 10 s\n`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}
