// The Spotlight integration sends outside the SDK transport, so flush() does
// not wait for it: a test script stays alive until the sidecar holds what it
// sent (polling its envelope list, with a deadline), so the caller never
// races the requests.
export async function waitForSidecar(...texts) {
  const sidecar = process.env.SENTRY_SPOTLIGHT.replace(/\/stream\/?$/, '');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await fetch(`${sidecar}/api/envelopes`, { signal: AbortSignal.timeout(5000) });
    const held = await res.text();
    if (texts.every((text) => held.includes(text))) return;
    if (Date.now() > deadline) {
      console.error(`the sidecar at ${sidecar} did not receive ${JSON.stringify(texts)} within 10 s`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
