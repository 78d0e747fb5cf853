// The web UI says when the sidecar evicted old envelopes to stay within its
// bounds (GET /api/stats), live, against the real binary in headless
// Chromium.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { eventually, launchBrowser, newPage, postEnvelope, removeDir, startSidecar, type Sidecar } from './harness';

function errorEnvelope(message: string): string {
  const id = randomBytes(16).toString('hex');
  const event = { event_id: id, level: 'error', platform: 'node', timestamp: Date.now() / 1000, exception: { values: [{ type: 'Error', value: message }] } };
  return `${JSON.stringify({ event_id: id })}\n${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}\n`;
}

let sidecar: Sidecar;
let browser: Browser;

before(async () => {
  sidecar = await startSidecar({ args: ['--buffer-size', '3'] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sidecar?.stop();
  if (sidecar) removeDir(sidecar.registryDir);
});

test('the UI says how many old envelopes were evicted, and updates it live', async () => {
  const errors: string[] = [];
  const page = await newPage(browser, errors);
  await page.goto(sidecar.url);
  await page.getByTestId('connection').getByText('Live').waitFor();
  assert.equal(await page.getByTestId('evicted-notice').count(), 0, 'a notice before anything was evicted');
  for (let i = 1; i <= 5; i++) await postEnvelope(sidecar.url, errorEnvelope(`evicted test ${i}`));
  const notice = page.getByTestId('evicted-notice');
  await eventually('the notice of 2 evicted envelopes', async () => (await notice.textContent())?.includes('2 older envelopes were evicted') || undefined);
  assert.match((await notice.textContent()) ?? '', /3 envelopes, [\d.]+ MiB\).*--buffer-size/);
  await postEnvelope(sidecar.url, errorEnvelope('evicted test 6'));
  await eventually('the notice to count the third', async () => (await notice.textContent())?.includes('3 older envelopes were evicted') || undefined);
  // What the lists show is what is held: the newest three.
  await eventually('three errors listed', async () => (await page.getByTestId('count-errors').textContent()) === '3' || undefined);
  assert.deepEqual(errors, []);
});
