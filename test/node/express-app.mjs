// A small Express app instrumented with the real @sentry/node, for the Go
// tests of the event model (test/model). It listens on a free port, prints
// "listening on <port>", and serves:
//   GET /users      nested spans (db.query > db.connect, serialize) and a Sentry log
//   GET /dashboard  fetches /users of this same app, in the same trace
//   GET /checkout   a handled error whose cause is a JSON SyntaxError
//   GET /notice     captureMessage (a synthetic exception carries its stack)
// and writes plain console output besides. It runs until it is stopped.
import * as Sentry from '@sentry/node';
import express from 'express';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const app = express();
let port = 0;

app.get('/users', async (req, res) => {
  const users = await Sentry.startSpan({ name: 'SELECT * FROM users', op: 'db.query' }, async () => {
    await Sentry.startSpan({ name: 'connect users-db', op: 'db.connect' }, () => sleep(3));
    await sleep(3);
    return [{ id: 1, name: 'Ada' }, { id: 2, name: 'Grace' }];
  });
  const body = Sentry.startSpan({ name: 'serialize users', op: 'serialize' }, () => JSON.stringify(users));
  Sentry.logger.info(Sentry.logger.fmt`served ${users.length} users`, { route: '/users' });
  res.type('json').send(body);
});

app.get('/dashboard', async (req, res) => {
  // Without a DSN (Spotlight only) @sentry/node propagates no trace headers
  // on its own (getTraceData() is empty while the SDK has no DSN), so the
  // app passes the active span on itself: the /users request it makes joins
  // this trace, its spans arriving in envelopes of their own, before those
  // of their parent.
  const headers = { 'sentry-trace': Sentry.spanToTraceHeader(Sentry.getActiveSpan()) };
  const users = await (await fetch(`http://localhost:${port}/users`, { headers })).json();
  Sentry.logger.warn('dashboard built from the users service', { users: users.length });
  res.json({ users });
});

function chargeCard() {
  try {
    JSON.parse('{"card": ');
  } catch (cause) {
    throw new Error('payment failed: card service answered garbage', { cause });
  }
}

app.get('/checkout', (req, res) => {
  try {
    chargeCard();
    res.send('paid');
  } catch (err) {
    Sentry.captureException(err);
    res.status(502).send('payment failed');
  }
});

app.get('/notice', (req, res) => {
  Sentry.captureMessage('Something noteworthy happened', 'warning');
  res.send('noted');
});

Sentry.setupExpressErrorHandler(app);

const server = app.listen(0, () => {
  port = server.address().port;
  // Plain output: console.log also becomes a Sentry log (consoleLoggingIntegration);
  // process.stdout.write reaches Spotlight only as `spotlight run`'s relayed stdout.
  console.log(`listening on ${port}`);
  process.stdout.write('plain stdout line from the express app\n');
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
