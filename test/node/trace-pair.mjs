// Two apps of one distributed trace, each sending its spans with the real
// @sentry/node SDK to its own Spotlight (the sidecar SENTRY_SPOTLIGHT names):
//   node trace-pair.mjs server        an API: prints "listening <port>", and
//                                     answers GET /inventory inside a span that
//                                     continues the caller's trace
//   node trace-pair.mjs client <url>  a frontend: inside a span, calls <url>
//                                     with the SDK's sentry-trace and baggage
//                                     headers, prints "trace <trace id>"
// Both stay alive until stopped.
import * as Sentry from '@sentry/node';
import { createServer } from 'node:http';

const [mode, target] = process.argv.slice(2);
// The SDK propagates a trace only when it has a transport (a DSN): as a real
// app would, it has one, here pointing at its Spotlight (whose
// /api/<project>/envelope takes what the SDK sends), and the Spotlight
// integration is off so that nothing is sent twice.
const sidecar = new URL(process.env.SENTRY_SPOTLIGHT);
Sentry.init({
  dsn: `http://spotlight@${sidecar.host}/0`,
  spotlight: false,
  tracesSampleRate: 1,
  environment: 'e2e',
  release: `trace-${mode}@1.0.0`,
});

const work = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (mode === 'server') {
  const server = createServer((req, res) => {
    Sentry.continueTrace({ sentryTrace: req.headers['sentry-trace'], baggage: req.headers.baggage }, () =>
      Sentry.startSpan({ name: 'GET /inventory', op: 'http.server', forceTransaction: true }, async () => {
        await Sentry.startSpan({ name: 'SELECT * FROM inventory', op: 'db.query' }, () => work(10));
        res.end('{"items":3}');
      }),
    );
  });
  server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
} else if (mode === 'client') {
  const traceId = await Sentry.startSpan({ name: 'GET /checkout', op: 'http.server', forceTransaction: true }, async (span) => {
    await Sentry.startSpan({ name: `GET ${target}`, op: 'http.client' }, async () => {
      const res = await fetch(target, { headers: Sentry.getTraceData() });
      await res.text();
    });
    return span.spanContext().traceId;
  });
  await Sentry.flush(5000);
  console.log(`trace ${traceId}`);
  setInterval(() => {}, 60_000);
} else {
  console.error('usage: trace-pair.mjs server | client <url>');
  process.exit(2);
}
