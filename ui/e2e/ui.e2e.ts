// The web UI against the real binary in a real headless Chromium: envelopes
// from real SDKs (@sentry/node, sentry-go) and from ../shared/fixtures,
// rendered from the server's event API: errors with stack frames, messages,
// the trace waterfall, logs in time order, undecodable items, deep links,
// reconnect, Clear.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import {
  a11yViolations,
  buildSentryGoApp,
  eventually,
  fixture,
  fixturesDir,
  launchBrowser,
  newPage,
  postEnvelope,
  removeDir,
  runToEnd,
  screenshot,
  sdkApp,
  startProcess,
  startProxy,
  startSidecar,
  tempDir,
  type Proc,
  type Sidecar,
} from './harness';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const SDK_ERROR = 'shop: order 42 has no items';
const SDK_MESSAGE = 'shop: stock is running low';
const GO_MESSAGE = 'inventory is running low';

function transactionEnvelope(traceId: string, spanId: string, name: string, start: number): string {
  const id = hex(16);
  const tx = {
    type: 'transaction',
    event_id: id,
    transaction: name,
    platform: 'node',
    start_timestamp: start,
    timestamp: start + 0.5,
    contexts: { trace: { trace_id: traceId, span_id: spanId, op: 'http.server', status: 'ok' } },
    spans: [{ span_id: hex(8), parent_span_id: spanId, trace_id: traceId, op: 'db.query', description: 'SELECT 1', start_timestamp: start + 0.1, timestamp: start + 0.2 }],
  };
  return `${JSON.stringify({ event_id: id })}\n${JSON.stringify({ type: 'transaction' })}\n${JSON.stringify(tx)}\n`;
}

function spanEnvelope(traceId: string, parent: string, description: string, start: number): string {
  const span = { span_id: hex(8), parent_span_id: parent, trace_id: traceId, op: 'queue.process', description, start_timestamp: start, timestamp: start + 0.3 };
  return `${JSON.stringify({ trace: { trace_id: traceId } })}\n${JSON.stringify({ type: 'span' })}\n${JSON.stringify(span)}\n`;
}

/** Opens every row of a list from the keyboard, waits for its detail, and comes back. */
async function openEach(page: Page, list: string, count: number, detailTestId: string, rowTestId: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    await page.getByRole('listbox', { name: list }).focus();
    await page.keyboard.press('Home');
    for (let k = 0; k < i; k++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId(detailTestId).first().waitFor();
    await page.goBack();
    await page.getByTestId(rowTestId).first().waitFor();
  }
}

function logEnvelope(from: number, n: number): string {
  const items = Array.from({ length: n }, (_, i) => ({ timestamp: Date.now() / 1000, level: 'info', body: `bulk line ${from + i}` }));
  return `{}\n${JSON.stringify({ type: 'log', item_count: n, content_type: 'application/vnd.sentry.items.log+json' })}\n${JSON.stringify({ items })}\n`;
}

/** Trace ids of every transaction and span item the sidecar holds, read from the raw envelopes. */
async function distinctTraceIds(url: string): Promise<Set<string>> {
  type Item = [{ type?: string }, Record<string, unknown>];
  const held = (await (await fetch(`${url}/api/envelopes`)).json()) as { envelope: [unknown, Item[]] }[];
  const ids = new Set<string>();
  const add = (v: unknown) => typeof v === 'string' && v !== '' && ids.add(v);
  for (const { envelope } of held) {
    for (const [h, p] of envelope[1]) {
      if (h.type === 'transaction') add((p.contexts as { trace?: { trace_id?: unknown } } | undefined)?.trace?.trace_id);
      if (h.type === 'span') for (const s of Array.isArray(p.items) ? (p.items as Record<string, unknown>[]) : [p]) add(s.trace_id);
    }
  }
  return ids;
}

async function navCount(page: Page, view: string): Promise<number> {
  return Number(await page.getByTestId(`count-${view}`).textContent());
}

describe('web UI', () => {
  let sidecar: Sidecar;
  let app: Proc;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let errorUrl = '';
  let traceUrl = '';
  const goDir = tempDir('spotlight-e2e-go-');

  before(async () => {
    const goApp = await buildSentryGoApp(goDir);
    sidecar = await startSidecar();
    for (const name of [
      'envelope_javascript.txt',
      'log_envelope.txt',
      'envelope_with_ansi_logs.txt',
      'attachments/envelope_with_text.txt',
      'envelope_with_nextjs_ansi_escapes.txt',
      ...readdirSync(join(fixturesDir(), 'large_sentry_transaction')).map((f) => `large_sentry_transaction/${f}`),
    ]) {
      await postEnvelope(sidecar.url, fixture(name));
    }
    app = startProcess(process.execPath, [sdkApp], { SENTRY_SPOTLIGHT: `${sidecar.url}/stream`, APP_LABEL: 'shop' });
    // goapp waits for its gate file once it has sent everything: there is one already.
    const gate = join(goDir, 'gate');
    writeFileSync(gate, '');
    await runToEnd(goApp, [gate], { SENTRY_SPOTLIGHT: `${sidecar.url}/stream` });
    browser = await launchBrowser();
    page = await newPage(browser, pageErrors);
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    await sidecar?.stop();
    if (sidecar) removeDir(dirname(sidecar.registryDir));
    removeDir(goDir);
    assert.deepEqual(pageErrors, [], 'the page threw errors');
  });

  test('the errors list shows errors from the SDK and from fixtures, grouped with counts', async () => {
    await page.goto(`${sidecar.url}/`);
    await page.getByTestId('connection').getByText('Live').waitFor();
    const rows = page.getByTestId('error-row');
    await rows.filter({ hasText: SDK_ERROR }).waitFor();
    await rows.filter({ hasText: 'SyntaxError: Unexpected end of JSON input' }).waitFor();
    assert.match(await rows.filter({ hasText: SDK_ERROR }).innerText(), /node\nsentry\.javascript\.node\n\d+\.\d+/);
    assert.equal(new URL(page.url()).pathname, '/errors');
    await screenshot(page, 'errors');

    await page.getByRole('searchbox', { name: 'Search errors' }).fill('42 has no items');
    await eventually('the search to leave only the SDK error', async () => (await rows.count()) === 1);
    await page.getByRole('searchbox', { name: 'Search errors' }).fill('');
    await page.getByRole('combobox', { name: 'Level' }).selectOption({ label: 'Warning' });
    await eventually('the level filter to leave the warnings', async () => {
      const texts = await rows.allInnerTexts();
      return texts.length > 0 && texts.every((t) => /^warning/.test(t)) && texts.some((t) => t.includes(SDK_MESSAGE));
    });
    await page.getByRole('searchbox', { name: 'Search errors' }).fill('no-such-error');
    await page.getByText('No errors match the filter.').waitFor();
    await page.getByRole('searchbox', { name: 'Search errors' }).fill('');
    await page.getByRole('combobox', { name: 'Level' }).selectOption({ label: 'All levels' });
    // The search applies after its debounce: wait for every group to be back.
    const counter = page.getByTestId('list-status');
    await eventually('the filters to be cleared', async () => /^\d+ groups? · \d+ events held$/.test(await counter.innerText()));
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'errors-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('lists are keyboard-navigable with a visible focus', async () => {
    const list = page.getByRole('listbox', { name: 'Errors' });
    await page.getByRole('searchbox', { name: 'Search errors' }).focus();
    await page.keyboard.press('Tab'); // the level filter
    await page.keyboard.press('Tab'); // the exception-type filter
    await page.keyboard.press('Tab'); // the list
    assert.ok(await list.evaluate((el) => el === document.activeElement), 'Tab reaches the list');
    const outline = await list.evaluate((el) => getComputedStyle(el).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused list shows a focus ring');
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    const active = page.locator('.vrow.active');
    assert.equal(await active.count(), 1);
    assert.equal(await list.getAttribute('aria-activedescendant'), await active.getAttribute('id'));
    const title = (await active.locator('.error-title .ellipsis').first().innerText()).trim();
    await page.keyboard.press('Enter');
    await page.getByTestId('error-detail').getByRole('heading', { level: 1, name: title }).waitFor();
    await page.goBack();
    await page.getByTestId('error-row').first().waitFor();
  });

  test('the error detail shows the exception with in-app frames and source context', async () => {
    await page.getByTestId('error-row').filter({ hasText: SDK_ERROR }).click();
    const detail = page.getByTestId('error-detail');
    await detail.waitFor();
    errorUrl = page.url();
    assert.match(new URL(errorUrl).pathname, /^\/errors\/[0-9a-f-]{36}\.\d+$/);
    await detail.getByRole('heading', { level: 1, name: `TypeError: ${SDK_ERROR}` }).waitFor();
    const inApp = detail.locator('[data-testid=frame].in-app');
    assert.ok((await inApp.count()) >= 2, 'expected the in-app frames checkout and the span callback');
    assert.match(await inApp.first().innerText(), /checkout.*sdk-app\.mjs:\d+/s);
    // The innermost in-app frame is open with the line that threw.
    assert.match(await detail.locator('.context-line.current').first().innerText(), /throw new TypeError/);
    for (const section of ['Exception', 'Contexts', 'SDK']) await detail.getByRole('heading', { name: new RegExp(`^${section}`) }).waitFor();
    await detail.getByRole('table', { name: 'Context runtime' }).getByText('node').first().waitFor();
    await detail.getByRole('link', { name: /^trace / }).waitFor();
    await screenshot(page, 'error-detail');
  });

  test('a message with a synthetic exception (@sentry/node captureMessage) is shown as its message, with its stack', async () => {
    await page.getByRole('link', { name: '← Errors' }).click();
    const row = page.getByTestId('error-row').filter({ hasText: SDK_MESSAGE });
    await row.waitFor();
    assert.equal(await row.locator('.error-title strong').count(), 0, 'no exception type in the row');
    assert.match(await row.innerText(), /warning/);
    await row.click();
    const detail = page.getByTestId('error-detail');
    await detail.getByRole('heading', { level: 1, name: SDK_MESSAGE, exact: true }).waitFor();
    assert.equal(await detail.getByTestId('exception').count(), 0, 'the synthetic exception is not an exception');
    await detail.getByRole('heading', { name: 'Stack trace' }).waitFor();
    assert.match(await detail.locator('[data-testid=frame].in-app').first().innerText(), /sdk-app\.mjs:\d+/);
    // It shares the SDK trace, whose error count is the TypeError's alone.
    await detail.getByRole('link', { name: /^trace / }).click();
    const trace = page.getByTestId('trace-detail');
    await trace.getByRole('heading', { name: /^Errors in this trace \(2\)/ }).waitFor();
    await page.getByRole('link', { name: '← Traces' }).click();
    const traceRow = page.getByTestId('trace-row').filter({ hasText: 'POST /shop/checkout' });
    assert.equal(await traceRow.locator('.count-error').innerText(), '1');
  });

  test('sentry-go: a message with AttachStacktrace (threads as a bare array) shows its frames; an error its cause chain; a trace its nested spans', async () => {
    await page.getByRole('link', { name: /^Errors/ }).click();
    await page.getByTestId('error-row').filter({ hasText: GO_MESSAGE }).click();
    const detail = page.getByTestId('error-detail');
    await detail.getByRole('heading', { level: 1, name: GO_MESSAGE, exact: true }).waitFor();
    await detail.getByRole('heading', { name: 'Stack trace' }).waitFor();
    await detail.getByTestId('frame').filter({ hasText: /main.*goapp\/main\.go:\d+/ }).waitFor();
    assert.match(await detail.locator('.meta').innerText(), /sentry\.go/);

    await page.getByRole('link', { name: '← Errors' }).click();
    await page.getByTestId('error-row').filter({ hasText: 'charge order 42: card declined' }).click();
    await detail.getByRole('heading', { name: /^Exceptions \(2, most recent first\)/ }).waitFor();
    assert.match(await detail.getByTestId('exception').nth(1).innerText(), /^caused by .*card declined/);

    await page.getByRole('link', { name: /^Traces/ }).click();
    await page.getByTestId('trace-row').filter({ hasText: 'POST /orders' }).click();
    const spans = page.getByTestId('span-row');
    await eventually('the sentry-go trace to show its 4 spans', async () => (await spans.count()) === 4);
    const depth = await spans.filter({ hasText: 'orders-db' }).locator('.wf-label').getAttribute('title');
    assert.equal(depth, 'depth 2', 'db.connect is the grandchild of the transaction');
  });

  test('library frames are folded, and an attachment is shown inline', async () => {
    await page.getByRole('link', { name: /^Errors/ }).click();
    await page.getByTestId('error-row').filter({ hasText: 'Test attachment: attachment.txt' }).click();
    const detail = page.getByTestId('error-detail');
    const frames = detail.getByTestId('frame');
    await frames.first().waitFor();
    const folded = await frames.count();
    assert.equal(await detail.locator('[data-testid=frame]:not(.in-app)').count(), 0, 'library frames start folded');
    await detail.getByRole('button', { name: /Show \d+ library frames?/ }).first().click();
    assert.ok((await frames.count()) > folded, 'library frames unfold');
    assert.ok((await detail.locator('[data-testid=frame]:not(.in-app)').count()) > 0);
    const a = page.getByTestId('attachment');
    await a.getByText('Hello, world!').waitFor();
    assert.match(await a.getByRole('link', { name: 'Download envelope' }).getAttribute('href') ?? '', /^\/envelope\/[0-9a-f-]+$/);
  });

  test('ANSI colours in breadcrumbs (a Next.js dev server) are rendered as colour', async () => {
    await page.getByRole('link', { name: '← Errors' }).click();
    await page.getByTestId('error-row').filter({ hasText: 'Error on API route (POST)' }).click();
    const crumbs = page.getByRole('table', { name: 'Breadcrumbs' });
    await crumbs.locator('.ansi-fg-2', { hasText: '✓' }).first().waitFor();
    const text = await crumbs.innerText();
    assert.match(text, /Ready/);
    assert.ok(!text.includes('\u001b') && !/\[\d+m/.test(text), 'no raw escapes in the breadcrumbs');
  });

  test('the trace waterfall shows the SDK trace with its spans, the span details and the linked error', async () => {
    await page.getByRole('link', { name: /^Traces/ }).click();
    const row = page.getByTestId('trace-row').filter({ hasText: 'POST /shop/checkout' });
    await row.waitFor();
    await row.click();
    const detail = page.getByTestId('trace-detail');
    await detail.waitFor();
    traceUrl = page.url();
    const spans = detail.getByTestId('span-row');
    await spans.filter({ hasText: 'SELECT * FROM orders' }).waitFor();
    await spans.filter({ hasText: 'POST https://payments.example/charge' }).waitFor();
    assert.match(await spans.first().innerText(), /http\.server\s*POST \/shop\/checkout/);
    await spans.filter({ hasText: 'SELECT * FROM orders' }).click();
    const panel = page.getByTestId('span-panel');
    await panel.getByText('db.query').first().waitFor();
    assert.match(await panel.innerText(), /duration/);
    await detail.getByRole('link', { name: `TypeError: ${SDK_ERROR}` }).waitFor();
    await detail.getByRole('heading', { name: /^Logs in this trace/ }).waitFor();
    await screenshot(page, 'trace');
  });

  test('a trace sent in several envelopes is assembled into one waterfall, and later spans join it live', async () => {
    await page.getByRole('link', { name: '← Traces' }).click();
    const big = page.getByTestId('trace-row').filter({ hasText: '/organizations/{organization_slug}/{sub_page}/' });
    await big.click();
    const meta = await page.getByTestId('trace-detail').locator('.meta').innerText();
    const n = Number(/(\d+) spans/.exec(meta)?.[1]);
    assert.ok(n > 100, `the fixture trace spans 8 envelopes with hundreds of spans, got ${n}`);
    await page.getByRole('link', { name: '← Traces' }).click();
    await screenshot(page, 'traces');

    const traceId = hex(16);
    const root = hex(8);
    const start = Date.now() / 1000;
    await postEnvelope(sidecar.url, transactionEnvelope(traceId, root, 'GET /live-join', start));
    await page.getByTestId('trace-row').filter({ hasText: 'GET /live-join' }).click();
    const spans = page.getByTestId('span-row');
    await eventually('the live trace to show its 2 spans', async () => (await spans.count()) === 2);
    await postEnvelope(sidecar.url, spanEnvelope(traceId, root, 'process late job', start + 0.2));
    await spans.filter({ hasText: 'process late job' }).waitFor();
    assert.equal(await spans.count(), 3);
    // Keyboard: ArrowLeft on the root folds its subtree, ArrowRight unfolds it.
    await page.getByRole('listbox', { name: 'Spans' }).focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft');
    await eventually('the subtree to fold', async () => (await spans.count()) === 1);
    await page.keyboard.press('ArrowRight');
    await eventually('the subtree to unfold', async () => (await spans.count()) === 3);
  });

  test('logs show SDK logs and fixture logs, with ANSI colours rendered as colour', async () => {
    await page.getByRole('link', { name: /^Logs/ }).click();
    const rows = page.getByTestId('log-row');
    await rows.filter({ hasText: 'shop: checkout started' }).waitFor();
    const ansi = rows.filter({ hasText: 'Successfully connected' });
    await ansi.waitFor();
    const text = await ansi.innerText();
    assert.ok(!text.includes('\u001b') && !text.includes('[32m'), `raw escapes in ${JSON.stringify(text)}`);
    assert.equal(await ansi.locator('.ansi-bold', { hasText: 'Successfully connected' }).count(), 1);
    assert.equal(await ansi.locator('.ansi-fg-6', { hasText: 'users' }).count(), 1);
    // Rows show the first line; the detail panel the whole body, still in colour.
    await ansi.click();
    const panel = page.getByRole('complementary', { name: 'Log details' });
    await panel.locator('.ansi-fg-5', { hasText: 'magenta' }).waitFor();
    assert.ok(!(await panel.innerText()).includes('\u001b'));
    const slow = rows.filter({ hasText: 'shop: payment provider slow' });
    assert.equal(await slow.locator('.ansi-fg-3').count(), 1);
    await screenshot(page, 'logs');

    await page.getByRole('combobox', { name: 'Level' }).selectOption({ label: 'Warn' });
    await eventually('only warn logs (@sentry/node sends "warn", sentry-go "warn", events "warning")', async () => {
      const bodies = await rows.allInnerTexts();
      return bodies.length >= 2 && bodies.every((b) => /warn/.test(b)) && bodies.some((b) => b.includes('payment provider slow')) && bodies.some((b) => b.includes('receipt rendered slowly'));
    });
    await page.getByRole('combobox', { name: 'Level' }).selectOption({ label: 'All levels' });
    await page.getByRole('searchbox', { name: 'Search logs' }).fill('pool exhausted');
    await eventually('the search to find one log', async () => (await rows.count()) === 1);
    assert.match(await rows.first().innerText(), /Database connection pool exhausted/);
    await page.getByRole('searchbox', { name: 'Search logs' }).fill('');
  });

  test('logs are in time order, whatever order they arrived in', async () => {
    const t = Date.now() / 1000;
    const env = (body: string, ts: number) =>
      `{}\n${JSON.stringify({ type: 'log', item_count: 1, content_type: 'application/vnd.sentry.items.log+json' })}\n${JSON.stringify({ items: [{ timestamp: ts, level: 'info', body }] })}\n`;
    // The later one first, as when `spotlight run` relays a line after the SDK's own logs.
    await postEnvelope(sidecar.url, env('ordered: written second', t));
    await postEnvelope(sidecar.url, env('ordered: written first', t - 5));
    await page.getByRole('searchbox', { name: 'Search logs' }).fill('ordered:');
    const rows = page.getByTestId('log-row');
    await eventually('both logs to be listed', async () => (await rows.count()) === 2);
    assert.deepEqual(
      (await rows.allInnerTexts()).map((r) => /ordered: written (\w+)/.exec(r)?.[1]),
      ['first', 'second'],
    );
    await page.getByRole('searchbox', { name: 'Search logs' }).fill('');
  });

  test('logs follow new entries unless the user scrolls away', async () => {
    const rows = page.getByTestId('log-row');
    await postEnvelope(sidecar.url, logEnvelope(0, 200));
    await rows.filter({ hasText: 'bulk line 199' }).waitFor();
    const list = page.getByRole('listbox', { name: 'Logs' });
    await list.evaluate((el) => el.scrollTo(0, 0));
    const follow = page.getByRole('button', { name: '↓ Follow new logs' });
    await follow.waitFor();
    const counter = page.getByTestId('list-status');
    const before = await counter.innerText();
    await postEnvelope(sidecar.url, logEnvelope(200, 10));
    await eventually('the new logs to be counted', async () => (await counter.innerText()) !== before);
    assert.equal(await list.evaluate((el) => el.scrollTop), 0, 'the list stays where the user scrolled');
    assert.equal(await rows.filter({ hasText: 'bulk line 209' }).count(), 0);
    await follow.click();
    await rows.filter({ hasText: 'bulk line 209' }).waitFor();
    await follow.waitFor({ state: 'detached' });
  });

  test('an item the server cannot decode is listed with its type and reason, and shown raw', async () => {
    const id = hex(16);
    await postEnvelope(sidecar.url, `${JSON.stringify({ event_id: id })}\n{"type":"event"}\n{"level": "error", oops}\n`);
    await page.getByRole('link', { name: /^Undecodable/ }).click();
    const row = page.getByTestId('item-row').filter({ hasText: 'event' });
    await row.waitFor();
    assert.ok((await row.innerText()).length > 'event'.length, 'the row gives a reason');
    await row.click();
    const detail = page.getByTestId('item-detail');
    await detail.getByRole('note').waitFor();
    assert.equal(await detail.getByTestId('item-payload').innerText(), '{"level": "error", oops}');
    assert.match(await detail.getByRole('link', { name: 'Download envelope' }).getAttribute('href') ?? '', /^\/envelope\/[0-9a-f-]{36}$/);
  });

  test('deep links reload to the same view', async () => {
    await page.goto(errorUrl);
    await page.getByTestId('error-detail').getByRole('heading', { level: 1, name: `TypeError: ${SDK_ERROR}` }).waitFor();
    await page.reload();
    await page.getByTestId('error-detail').getByRole('heading', { level: 1, name: `TypeError: ${SDK_ERROR}` }).waitFor();
    await page.goto(traceUrl);
    await page.getByTestId('span-row').filter({ hasText: 'SELECT * FROM orders' }).waitFor();
    const res = await page.goto(`${sidecar.url}/logs`);
    assert.equal(res?.status(), 200);
    await page.getByTestId('log-row').first().waitFor();
  });

  test('every SDK fixture renders: each error detail and trace waterfall opens without a page error', async () => {
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : /\.(txt|bin)$/.test(e.name) ? [join(dir, e.name)] : [],
      );
    })(fixturesDir());
    let accepted = 0;
    for (const f of files) {
      // Damaged fixtures are refused by the sidecar (400); the rest must render.
      const res = await fetch(`${sidecar.url}/stream`, { method: 'POST', headers: { 'Content-Type': 'application/x-sentry-envelope' }, body: readFileSync(f) });
      if (res.ok) accepted++;
    }
    assert.ok(accepted > 40, `the sidecar accepted ${accepted} of ${files.length} fixtures`);
    await page.goto(`${sidecar.url}/errors`);
    const rows = page.getByTestId('error-row');
    await eventually('the fixtures to arrive', async () => (await rows.count()) > 10);
    const held = ((await (await fetch(`${sidecar.url}/api/errors?group=1&limit=1`)).json()) as { total: number }).total;
    const shownGroups = async () => Number(/^(\d+) groups/.exec(await page.getByTestId('list-status').innerText())?.[1]);
    await eventually(`the ${held} groups the sidecar holds to be listed`, async () => (await shownGroups()) === held);
    const groups = held;
    await openEach(page, 'Errors', groups, 'error-detail', 'error-row');
    await page.getByTestId('error-row').filter({ hasText: 'attachment.jpeg' }).click();
    const img = page.getByTestId('attachment').locator('img');
    await eventually('the image attachment to load', () => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0));

    await page.getByRole('link', { name: /^Traces/ }).click();
    const ids = await distinctTraceIds(sidecar.url);
    assert.ok(ids.size > 5, `${ids.size} trace ids`);
    const listed = async () => Number(/^(\d+) traces/.exec(await page.getByTestId('list-status').innerText())?.[1]);
    // One trace per distinct trace id of the transactions and spans held (the nav's count), and in the
    // list also the trace ids only errors or logs have so far ("no spans received", issue 18).
    const withoutSpans = ((await (await fetch(`${sidecar.url}/api/traces?withoutSpans=1&limit=1000`)).json()) as { items: { noSpans?: boolean }[] }).items.filter((t) => t.noSpans).length;
    await eventually(`${ids.size} + ${withoutSpans} traces listed (now ${await listed()})`, async () => (await listed()) === ids.size + withoutSpans && (await navCount(page, 'traces')) === ids.size);
    const traces = ids.size + withoutSpans;
    await openEach(page, 'Traces', traces, 'trace-detail', 'trace-row');
    await page.getByRole('link', { name: /^Logs/ }).click();
    await page.getByTestId('log-row').first().waitFor();
    assert.deepEqual(pageErrors, []);
  });

  test('no WCAG 2 A/AA violations (axe-core), in the light and the dark theme', async () => {
    const urls = [`${sidecar.url}/errors`, errorUrl, traceUrl, `${sidecar.url}/logs`, `${sidecar.url}/instances`];
    const ready = '[data-testid=error-row], [data-testid=error-detail], [data-testid=span-row], [data-testid=log-row], .empty-state';
    for (const scheme of ['light', 'dark'] as const) assert.deepEqual(await a11yViolations(browser, urls, scheme, ready), []);
  });

  test('after a dropped connection the feed resumes from its cursor: what was missed arrives, once', async () => {
    // The page talks to the sidecar through a relay, so the connection can drop while the sidecar runs on.
    const proxy = await startProxy(sidecar.port);
    try {
      // Where each feed request starts: its Last-Event-ID, else its ?cursor=.
      const starts: Promise<string>[] = [];
      const onRequest = (r: Request) => {
        const url = new URL(r.url());
        if (url.pathname === '/api/feed') starts.push(r.allHeaders().then((h) => h['last-event-id'] ?? url.searchParams.get('cursor') ?? ''));
      };
      page.on('request', onRequest);
      await page.goto(`${proxy.url}/logs`);
      await page.getByTestId('connection').getByText('Live').waitFor();
      await postEnvelope(sidecar.url, logEnvelope(8999, 1));
      await page.getByTestId('log-row').filter({ hasText: 'bulk line 8999' }).waitFor();
      await proxy.pause();
      await page.getByTestId('connection').getByText('Reconnecting…').waitFor();
      await postEnvelope(sidecar.url, logEnvelope(9000, 1));
      await proxy.resume();
      await page.getByTestId('connection').getByText('Live').waitFor({ timeout: 30_000 });
      await page.getByTestId('log-row').filter({ hasText: 'bulk line 9000' }).waitFor();
      assert.equal(await page.getByTestId('log-row').filter({ hasText: 'bulk line 9000' }).count(), 1);
      page.off('request', onRequest);
      const feeds = await Promise.all(starts);
      assert.ok(feeds.length >= 2, `the feed was reopened (${feeds.length} requests)`);
      assert.ok(feeds.every((f) => f !== ''), `every feed request resumes from a cursor: ${JSON.stringify(feeds)}`);
      assert.notEqual(feeds.at(-1), feeds[0], 'the reopened feed resumes after what it had seen, not from the start');
    } finally {
      await proxy.close();
    }
  });

  test('after the sidecar restarts, the UI reconnects and shows what the new sidecar holds, each event once', async () => {
    await page.goto(`${sidecar.url}/errors`);
    await page.getByTestId('error-row').filter({ hasText: SDK_ERROR }).waitFor();
    await sidecar.stop();
    await page.getByTestId('connection').getByText('Reconnecting…').waitFor();
    sidecar = await startSidecar({ port: sidecar.port, registryDir: sidecar.registryDir });
    await page.getByTestId('connection').getByText('Live').waitFor({ timeout: 30_000 });
    // A new sidecar holds nothing yet: the cursor of the old one is unknown to it, so the lists reload.
    await page.getByText('No errors yet.').waitFor();
    const id = hex(16);
    const event = { event_id: id, level: 'error', platform: 'node', exception: { values: [{ type: 'Error', value: 'after the restart' }] } };
    const body = `${JSON.stringify({ event_id: id })}\n{"type":"event"}\n${JSON.stringify(event)}\n`;
    await postEnvelope(sidecar.url, body);
    await page.getByTestId('error-row').filter({ hasText: 'after the restart' }).waitFor();
    assert.equal(await navCount(page, 'errors'), 1);
    // And it stays live: the next event arrives once.
    await postEnvelope(sidecar.url, body.replace('after the restart', 'second after the restart').replaceAll(id, hex(16)));
    await page.getByTestId('error-row').filter({ hasText: 'second after the restart' }).waitFor();
    assert.equal(await page.getByTestId('error-row').count(), 2);
    assert.equal(await navCount(page, 'errors'), 2);
  });

  test('Clear empties the views and the sidecar', async () => {
    await postEnvelope(sidecar.url, logEnvelope(0, 3));
    await eventually('the logs to be counted', async () => (await navCount(page, 'logs')) === 3);
    await page.getByRole('button', { name: 'Clear' }).click();
    await eventually('all counts to be 0', async () => (await navCount(page, 'errors')) + (await navCount(page, 'traces')) + (await navCount(page, 'logs')) === 0);
    await page.getByText('No errors yet.').waitFor();
    await page.reload();
    await page.getByTestId('connection').getByText('Live').waitFor();
    await page.getByText('No errors yet.').waitFor();
  });
});
