// Measures the web UI over a sidecar holding 1,000 and 10,000 events, in real
// headless Chromium against the real binary: time to first render of each
// list, search latency, logs scrolling, the page's JS heap, and rendering
// envelopes live as they arrive. Prints figures (no thresholds):
//   SPOTLIGHT_BIN=$PWD/../bin/spotlight npm run bench
// Only selectors that the UI has had all along are used, so the same script
// measures an older build too (docs/BENCHMARKS.md compares them).

import type { Browser, Page } from 'playwright-core';
import { dirname } from 'node:path';
import { launchBrowser, newPage, postEnvelope, removeDir, startSidecar, type Sidecar } from './harness';

/** Each envelope: one error, one transaction with 2 child spans (one trace), 8 logs = 10 events. */
const EVENTS_PER_ENVELOPE = 10;
const LOGS_PER_ENVELOPE = 8;
const SIZES = [1_000, 10_000];
const RUNS = 3;
const LEVELS = ['info', 'debug', 'warn', 'error'];

const hex = (i: number, width: number) => i.toString(16).padStart(width, '0');

function envelope(i: number): string {
  const id = `${hex(i, 8)}${'0'.repeat(24)}`;
  const traceId = `${hex(i, 8)}${'1'.repeat(24)}`;
  const now = Date.now() / 1000;
  const event = {
    event_id: id,
    level: 'error',
    platform: 'node',
    timestamp: now,
    contexts: { trace: { trace_id: traceId, span_id: hex(i, 16) } },
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
  const root = hex(i, 16);
  const tx = {
    type: 'transaction',
    event_id: `${hex(i, 8)}${'2'.repeat(24)}`,
    transaction: `GET /api/items/${i % 20}`,
    platform: 'node',
    start_timestamp: now - 0.05,
    timestamp: now,
    contexts: { trace: { trace_id: traceId, span_id: root, op: 'http.server', status: i % 10 === 0 ? 'internal_error' : 'ok' } },
    spans: [0, 1].map((k) => ({
      span_id: `${hex(i, 14)}0${k}`,
      parent_span_id: root,
      trace_id: traceId,
      op: 'db.query',
      description: `SELECT ${k} FROM items`,
      start_timestamp: now - 0.04 + k * 0.01,
      timestamp: now - 0.035 + k * 0.01,
    })),
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
    JSON.stringify({ type: 'transaction' }),
    JSON.stringify(tx),
    JSON.stringify({ type: 'log', item_count: LOGS_PER_ENVELOPE, content_type: 'application/vnd.sentry.items.log+json' }),
    JSON.stringify(logs),
    '',
  ].join('\n');
}

/** Posts envelopes [from, to), 50 at a time; the last one alone, so that it is the newest by arrival and time. */
async function post(sidecar: Sidecar, from: number, to: number): Promise<void> {
  for (let i = from; i < to - 1; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, to - 1 - i) }, (_, k) => postEnvelope(sidecar.url, envelope(i + k))));
  }
  await postEnvelope(sidecar.url, envelope(to - 1));
}

/**
 * Milliseconds from the start of navigation until `ready` (a CSS selector, or
 * the last log's body) is on screen. The page is reloaded from scratch each time.
 */
async function firstRender(page: Page, url: string, ready: string, text?: string): Promise<number> {
  await page.goto('about:blank');
  await page.goto(url);
  const loc = text ? page.locator(ready, { hasText: text }) : page.locator(ready);
  await loc.first().waitFor({ timeout: 120_000 });
  return page.evaluate(() => performance.now());
}

/** Milliseconds from setting a search box's value until the list's "N …" counter changes (NaN after 10 s). */
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
        if (performance.now() - start > 10_000) return NaN;
      }
    },
    { text },
  );
}

/** Scrolls the list by `step` px per frame for `frames` frames; returns frame-interval stats. */
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

const fmt = (n: number) => (Number.isNaN(n) ? 'n/a' : n.toFixed(0));
const range = (xs: number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))} ms`;

async function measure(browser: Browser, events: number): Promise<void> {
  const envelopes = events / EVENTS_PER_ENVELOPE;
  const sidecar = await startSidecar();
  const errors: string[] = [];
  try {
    const page = await newPage(browser, errors);
    page.setDefaultTimeout(120_000);
    const t0 = Date.now();
    await post(sidecar, 0, envelopes);
    const logs = envelopes * LOGS_PER_ENVELOPE;
    console.log(`\n${events} events held (${envelopes} envelopes: ${envelopes} errors, ${envelopes} traces of 3 spans, ${logs} logs); posted in ${Date.now() - t0} ms`);

    const lastLog = `request ${envelopes - 1}-${LOGS_PER_ENVELOPE - 1} `;
    const views: [string, string, string, string?][] = [
      ['errors', '/errors', '[data-testid=error-row]'],
      ['traces', '/traces', '[data-testid=trace-row]'],
      ['logs (newest row)', '/logs', '[data-testid=log-row]', lastLog],
    ];
    for (const [name, path, sel, text] of views) {
      const times: number[] = [];
      for (let r = 0; r < RUNS; r++) times.push(await firstRender(page, `${sidecar.url}${path}`, sel, text));
      console.log(`first render, ${name}: ${range(times)} (${RUNS} loads)`);
    }
    // Everything held is counted (the old UI: every envelope replayed and parsed).
    const full: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      await page.goto('about:blank');
      await page.goto(`${sidecar.url}/logs`);
      await page.waitForFunction((n) => document.querySelector('[data-testid=count-logs]')?.textContent === String(n), logs, { timeout: 120_000 });
      full.push(await page.evaluate(() => performance.now()));
    }
    console.log(`all ${logs} logs counted in the nav: ${range(full)}`);
    const heap = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
    console.log(`JS heap on the logs view: ${(heap / 1048576).toFixed(1)} MiB`);

    const logSearch = [];
    for (const q of ['worker 3', 'handled in 12 ms by worker 5', 'no-such-text', '']) logSearch.push(await searchLatency(page, 'Search logs', q));
    console.log(`logs search, 4 queries, keystroke to updated list (incl. 120 ms debounce): ${logSearch.map(fmt).join(', ')} ms`);
    await page.evaluate(() => (document.querySelector('.vlist') as HTMLElement).scrollTo(0, 0));
    const s = await scrollFrames(page, 240, 400);
    console.log(`logs scroll, 240 frames x 400 px: frame interval mean ${fmt(s.mean)} / p95 ${fmt(s.p95)} / max ${fmt(s.max)} ms`);
    console.log(`log rows in the DOM: ${await page.getByTestId('log-row').count()}`);

    await page.goto(`${sidecar.url}/errors`);
    await page.getByTestId('error-row').first().waitFor();
    const errSearch = [];
    for (const q of ['rangeerror', 'failure number 4', 'no-such-text', '']) errSearch.push(await searchLatency(page, 'Search errors', q));
    console.log(`errors search, 4 queries: ${errSearch.map(fmt).join(', ')} ms`);
    await page.goto(`${sidecar.url}/traces`);
    await page.getByTestId('trace-row').first().waitFor();
    const traceSearch = [];
    for (const q of ['/api/items/7', 'no-such-text', '']) traceSearch.push(await searchLatency(page, 'Search traces', q));
    console.log(`traces search, 3 queries: ${traceSearch.map(fmt).join(', ')} ms`);

    // Live: 100 more envelopes while the logs view follows the end.
    await page.goto(`${sidecar.url}/logs`);
    await page.locator('[data-testid=log-row]', { hasText: lastLog }).first().waitFor();
    const t1 = Date.now();
    await post(sidecar, envelopes, envelopes + 100);
    const newest = `request ${envelopes + 99}-${LOGS_PER_ENVELOPE - 1} `;
    await page.locator('[data-testid=log-row]', { hasText: newest }).first().waitFor({ timeout: 120_000 });
    console.log(`live: 100 more envelopes posted until the newest log is on screen: ${Date.now() - t1} ms`);
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  } finally {
    await sidecar.stop();
    removeDir(dirname(sidecar.registryDir));
  }
}

const browser = await launchBrowser();
try {
  for (const n of SIZES) await measure(browser, n);
} finally {
  await browser.close();
}
