// Measures the web UI with a full buffer: 1,000 envelopes holding 1,000
// errors and 10,000 logs, in real headless Chromium against the real binary.
// Prints figures (no thresholds): `SPOTLIGHT_BIN=... npm run bench`.

import type { Page } from 'playwright-core';
import { dirname } from 'node:path';
import { launchBrowser, newPage, postEnvelope, removeDir, startSidecar } from './harness';

const ENVELOPES = 1000;
const LOGS_PER_ENVELOPE = 10;
const LEVELS = ['info', 'debug', 'warn', 'error'];

function envelope(i: number): string {
  const id = `${i.toString(16).padStart(8, '0')}${'0'.repeat(24)}`;
  const now = Date.now() / 1000;
  const event = {
    event_id: id,
    level: 'error',
    platform: 'node',
    timestamp: now,
    exception: {
      values: [
        {
          type: ['TypeError', 'RangeError', 'Error'][i % 3],
          value: `failure number ${i % 50}`,
          stacktrace: { frames: [{ filename: `src/module${i % 7}.js`, function: `handler${i % 5}`, lineno: i % 100, in_app: true }] },
        },
      ],
    },
  };
  const logs = {
    items: Array.from({ length: LOGS_PER_ENVELOPE }, (_, j) => ({
      timestamp: now,
      level: LEVELS[j % LEVELS.length],
      body: `\u001b[32mrequest\u001b[0m ${i}-${j} handled in ${j * 3} ms by worker ${i % 8}`,
      attributes: { 'http.route': { value: `/api/items/${i % 20}`, type: 'string' }, worker: { value: i % 8, type: 'integer' } },
    })),
  };
  return [
    JSON.stringify({ event_id: id }),
    JSON.stringify({ type: 'event' }),
    JSON.stringify(event),
    JSON.stringify({ type: 'log', item_count: LOGS_PER_ENVELOPE, content_type: 'application/vnd.sentry.items.log+json' }),
    JSON.stringify(logs),
    '',
  ].join('\n');
}

/** Milliseconds from typing `text` into the search box until the "N of M" counter changes. */
async function searchLatency(page: Page, label: string, text: string): Promise<number> {
  const box = page.getByRole('searchbox', { name: label });
  await box.focus();
  return page.evaluate(
    async ({ text }) => {
      const counter = document.querySelector('[aria-live=polite]')!;
      const before = counter.textContent;
      const input = document.activeElement as HTMLInputElement;
      const start = performance.now();
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      setter.call(input, text);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        if (counter.textContent !== before) return performance.now() - start;
      }
    },
    { text },
  );
}

/** Scrolls a list by `step` px per frame for `frames` frames; returns frame-interval stats. */
async function scrollFrames(page: Page, frames: number, step: number): Promise<{ mean: number; p95: number; max: number }> {
  return page.evaluate(
    async ({ frames, step }) => {
      const list = document.querySelector('.vlist') as HTMLElement;
      const times: number[] = [];
      let last = performance.now();
      for (let i = 0; i < frames; i++) {
        list.scrollTop += step;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      times.sort((a, b) => a - b);
      const mean = times.reduce((a, b) => a + b, 0) / times.length;
      return { mean, p95: times[Math.floor(times.length * 0.95)]!, max: times.at(-1)! };
    },
    { frames, step },
  );
}

const fmt = (n: number) => n.toFixed(1);

const sidecar = await startSidecar();
const browser = await launchBrowser();
try {
  const errors: string[] = [];
  const page = await newPage(browser, errors);
  await page.goto(`${sidecar.url}/logs`);
  await page.getByTestId('connection').getByText('Live').waitFor();
  const t0 = Date.now();
  for (let i = 0; i < ENVELOPES; i += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, k) => postEnvelope(sidecar.url, envelope(i + k))));
  }
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=count-logs]')?.textContent === String(n),
    ENVELOPES * LOGS_PER_ENVELOPE,
    { timeout: 120_000 },
  );
  const ingestMs = Date.now() - t0;
  const heap = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
  console.log(`posted and rendered ${ENVELOPES} envelopes (${ENVELOPES} errors, ${ENVELOPES * LOGS_PER_ENVELOPE} logs): ${ingestMs} ms; JS heap ${(heap / 1048576).toFixed(1)} MiB`);

  const logSearch = [];
  for (const q of ['worker 3', 'handled in 27', 'no-such-text', '']) logSearch.push(await searchLatency(page, 'Search logs', q));
  console.log(`logs search (10,000 logs), keystroke to updated list incl. 120 ms debounce: ${logSearch.map(fmt).join(', ')} ms`);
  await page.evaluate(() => (document.querySelector('.vlist') as HTMLElement).scrollTo(0, 0));
  const s = await scrollFrames(page, 240, 400);
  console.log(`logs scroll, 240 frames x 400 px: frame interval mean ${fmt(s.mean)} ms, p95 ${fmt(s.p95)} ms, max ${fmt(s.max)} ms`);
  console.log(`log rows in the DOM while the list holds 10,000: ${await page.getByTestId('log-row').count()}`);

  await page.getByRole('link', { name: /^Errors/ }).click();
  await page.getByTestId('error-row').first().waitFor();
  const errSearch = [];
  for (const q of ['rangeerror', 'failure number 4', '']) errSearch.push(await searchLatency(page, 'Search errors', q));
  console.log(`errors search (1,000 errors), keystroke to updated list incl. 120 ms debounce: ${errSearch.map(fmt).join(', ')} ms`);
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  await sidecar.stop();
  removeDir(dirname(sidecar.registryDir));
}
