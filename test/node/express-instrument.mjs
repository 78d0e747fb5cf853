// Loaded with `node --import ./express-instrument.mjs express-app.mjs`, as
// @sentry/node's docs say for ESM apps: the SDK must start before express
// is imported to instrument it. SENTRY_SPOTLIGHT (set by `spotlight run`)
// sends everything to Spotlight; there is no DSN.
import * as Sentry from '@sentry/node';

Sentry.init({
  tracesSampleRate: 1,
  enableLogs: true,
  environment: 'express-test',
  release: 'express-app@1.0.0',
  integrations: [Sentry.consoleLoggingIntegration({ levels: ['log', 'info', 'warn', 'error'] })],
});
