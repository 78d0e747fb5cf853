// A small app instrumented with the real @sentry/node SDK, used by the e2e
// tests: it sends an error (with in-app frames), a trace with child spans,
// a message (attachStacktrace gives it a synthetic exception carrying the
// stack) and logs to the Spotlight sidecar named by SENTRY_SPOTLIGHT, then stays
// alive (the Spotlight integration sends outside the SDK's transport, so
// Sentry.flush() does not wait for it) until the test stops it.
import * as Sentry from '@sentry/node';

const label = process.env.APP_LABEL || 'shop';

Sentry.init({
  tracesSampleRate: 1,
  enableLogs: true,
  attachStacktrace: true,
  environment: 'e2e',
  release: `${label}@1.0.0`,
});

function loadOrder(id) {
  return { id, items: [] };
}

function checkout(order) {
  if (order.items.length === 0) throw new TypeError(`${label}: order ${order.id} has no items`);
}

const work = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

await Sentry.startSpan({ name: `POST /${label}/checkout`, op: 'http.server' }, async () => {
  const order = await Sentry.startSpan({ name: 'SELECT * FROM orders WHERE id = $1', op: 'db.query' }, async () => {
    await work(15);
    return loadOrder(42);
  });
  Sentry.logger.info(`${label}: checkout started`, { orderId: order.id });
  try {
    checkout(order);
  } catch (e) {
    Sentry.captureException(e);
  }
  await Sentry.startSpan({ name: 'POST https://payments.example/charge', op: 'http.client' }, () => work(25));
});
Sentry.captureMessage(`${label}: stock is running low`, 'warning');
Sentry.logger.warn(`\u001b[33m${label}: payment provider slow\u001b[0m`, { provider: 'example' });
await Sentry.flush(5000);
console.log(`${label}: events sent`);
setInterval(() => {}, 60_000);
