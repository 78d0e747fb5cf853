// From an error to the code, in a real headless Chromium against the real
// binary: a Node.js app on the real @sentry/node SDK (ContextLines off, so
// its frames come without code) and a page on the real @sentry/browser SDK
// served by a real Vite dev server (inline source maps). The editor is a
// script named `code` that records the arguments it is run with.

import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { eventually, launchBrowser, removeDir, runToEnd, screenshot, startSidecar, tempDir, uiDir, type Sidecar } from './harness';

const app = join(uiDir, 'e2e', 'fixtures', 'source-app');
const serverFile = join(app, 'server.mjs');
const checkoutFile = join(app, 'src', 'checkout.ts');

/** The line (1-based) of the first line of file that contains text. */
function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} is not in ${file}`);
  return i + 1;
}

describe('code: open in editor, source from disk and source maps, Copy for AI', () => {
  let sidecar: Sidecar;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let vite: ViteDevServer;
  let tmp: string;
  let editorLog: string;
  const pageErrors: string[] = [];

  /** The editor runs so far, each its argument list. */
  const editorRuns = (): string[][] =>
    existsSync(editorLog)
      ? readFileSync(editorLog, 'utf8')
          .split('--end--\n')
          .filter(Boolean)
          .map((run) => run.split('\n').filter(Boolean))
      : [];

  before(async () => {
    tmp = tempDir('spotlight-e2e-code-');
    editorLog = join(tmp, 'editor.log');
    const editor = join(tmp, 'code');
    writeFileSync(editor, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done >> '${editorLog}'\necho --end-- >> '${editorLog}'\n`);
    chmodSync(editor, 0o755);
    sidecar = await startSidecar({ cwd: app, env: { SPOTLIGHT_EDITOR: editor } });
    const dsn = `http://spotlight@localhost:${sidecar.port}/0`;
    await runToEnd(process.execPath, [serverFile], { SENTRY_DSN: dsn }, app);

    vite = await createServer({ root: app, configFile: false, cacheDir: join(tmp, 'vite'), logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
    await vite.listen();
    browser = await launchBrowser();
    const shop = await browser.newPage();
    await shop.goto(`${vite.resolvedUrls?.local[0]}?dsn=${encodeURIComponent(dsn)}`);
    await shop.waitForFunction(() => document.title === 'sent', null, { timeout: 30_000 });
    await shop.close();

    ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: sidecar.url });
    page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) pageErrors.push(m.text());
    });
  });

  after(async () => {
    await ctx?.close();
    await browser?.close();
    await vite?.close();
    await sidecar?.stop();
    if (tmp) removeDir(tmp);
    assert.deepEqual(pageErrors, []);
  });

  /** Opens the detail of the error with that text (its id from the API), and returns the id. */
  async function openError(text: string): Promise<string> {
    const list = (await (await fetch(`${sidecar.url}/api/errors?q=${encodeURIComponent(text)}`)).json()) as { items: { id: string }[] };
    assert.equal(list.items.length, 1, `errors with ${text}`);
    const id = list.items[0]!.id;
    await page.goto(`${sidecar.url}/errors/${encodeURIComponent(id)}`);
    await page.getByTestId('error-detail').waitFor();
    return id;
  }

  test('a frame sent without code shows the code read from disk, highlighted, and opens at its file:line:col', async () => {
    await openError('no price for TEA-1');
    const line = lineOf(serverFile, 'throw new RangeError');
    const frame = page.getByTestId('frame').filter({ hasText: `server.mjs:${line}:11` }).first();
    const code = frame.getByLabel('Source context');
    await code.waitFor();
    assert.match(await code.locator('.context-line.current').innerText(), new RegExp(`^${line}\\s+throw new RangeError`));
    assert.match(await frame.innerText(), /read from disk/);
    await eventually('the code to be highlighted', async () => (await code.getAttribute('data-highlighted')) === 'javascript');
    assert.equal(await code.locator('.context-line.current .hljs-keyword').first().innerText(), 'throw');

    await frame.getByRole('button', { name: 'Open in editor' }).click();
    await frame.getByRole('status').filter({ hasText: 'Opened' }).waitFor();
    assert.deepEqual(editorRuns().at(-1), ['-g', `${serverFile}:${line}:11`]);
  });

  test('a frame outside the project is refused, with the reason shown', async () => {
    await openError('no price for TEA-1');
    await page.getByRole('button', { name: /Show \d+ library frames?/ }).first().click();
    const lib = page.getByTestId('frame').filter({ hasText: 'node_modules' }).first();
    const before = editorRuns().length;
    await lib.getByRole('button', { name: 'Open in editor' }).click();
    const status = lib.getByRole('status');
    await status.waitFor();
    assert.match(await status.innerText(), /outside the project/);
    assert.equal(editorRuns().length, before, 'the editor ran');
  });

  test('a browser frame of the Vite dev server shows the original TypeScript file, line and code', async () => {
    await openError('cart c-7 is empty');
    const line = lineOf(checkoutFile, 'throw new Error');
    const frame = page.getByTestId('frame').filter({ hasText: `src/checkout.ts:${line}:11` }).first();
    await frame.waitFor();
    assert.match(await frame.innerText(), /source map/);
    const code = frame.getByLabel('Source context');
    assert.match(await code.locator('.context-line.current').innerText(), new RegExp(`^${line}\\s+throw new Error\\(\`cart \\$\\{cart.id\\} is empty\`\\);`));
    await eventually('the code to be highlighted', async () => (await code.getAttribute('data-highlighted')) === 'typescript');
    // The generated location is one click away.
    await frame.getByRole('button', { name: 'Generated' }).click();
    const generated = await frame.getByTestId('generated-location').innerText();
    const m = generated.match(/generated: (http:\/\/127\.0\.0\.1:\d+\/src\/checkout\.ts):(\d+):(\d+)/);
    assert.ok(m, generated);
    assert.notEqual(Number(m[2]), line, 'the generated line is the original one: nothing was mapped');
    await screenshot(page, 'error-source-map');
    // The editor opens the TypeScript file, not the served JavaScript.
    await frame.getByRole('button', { name: 'Open in editor' }).click();
    await frame.getByRole('status').filter({ hasText: 'Opened' }).waitFor();
    assert.deepEqual(editorRuns().at(-1), ['-g', `${checkoutFile}:${line}:11`]);
  });

  test('Copy for AI puts the error on the clipboard as the Markdown of tail -f md', async () => {
    const id = await openError('no price for TEA-1');
    await page.getByRole('button', { name: 'Copy for AI' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied as Markdown' }).waitFor();
    const md = await page.evaluate(() => navigator.clipboard.readText());
    const served = await (await fetch(`${sidecar.url}/api/errors/${encodeURIComponent(id)}/markdown`)).text();
    assert.equal(md, served);
    assert.match(md, /^## Error: RangeError: no price for TEA-1$/m);
    // The code read from disk is in it, and the trace it happened in.
    assert.match(md, new RegExp(`${lineOf(serverFile, 'throw new RangeError')} > +throw new RangeError`));
    assert.match(md, /^## Trace: GET \/cart$/m);
  });

  test('errors: Server and Browser badges, relative times with the exact time on hover, the exception-type filter, links to trace and span', async () => {
    await page.goto(`${sidecar.url}/errors`);
    const rows = page.getByTestId('error-row');
    await eventually('both errors', async () => (await rows.count()) === 2);
    const server = rows.filter({ hasText: 'no price for TEA-1' });
    const browserRow = rows.filter({ hasText: 'cart c-7 is empty' });
    assert.equal(await server.getByTestId('source-badge').innerText(), 'Server');
    assert.equal(await browserRow.getByTestId('source-badge').innerText(), 'Browser');
    const time = server.locator('time');
    assert.match(await time.innerText(), /^(just now|\d+ s ago|\d+ min ago)$/);
    assert.match((await time.getAttribute('title')) ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);

    const types = page.getByRole('combobox', { name: 'Exception type' });
    await eventually('the exception types', async () => (await types.locator('option').count()) === 3);
    assert.deepEqual(await types.locator('option').allInnerTexts(), ['All exception types', 'Error (1)', 'RangeError (1)']);
    await types.selectOption('RangeError');
    await eventually('the filter to apply', async () => (await rows.count()) === 1);
    assert.match(await rows.first().innerText(), /no price for TEA-1/);
    await types.selectOption('');
    await eventually('the filter to be cleared', async () => (await rows.count()) === 2);

    await server.click();
    const detail = page.getByTestId('error-detail');
    const traceLink = detail.getByRole('link', { name: /^trace / });
    const spanLink = detail.getByRole('link', { name: /^span / });
    assert.match((await traceLink.getAttribute('href')) ?? '', /^\/traces\/[0-9a-f]{32}$/);
    await spanLink.click();
    await page.getByTestId('span-panel').waitFor();
  });

  test('the SQL of a span is formatted and highlighted', async () => {
    await page.goto(`${sidecar.url}/traces`);
    await page.getByTestId('trace-row').filter({ hasText: 'GET /cart' }).click();
    await page.getByTestId('trace-detail').waitFor();
    await page.getByText('select id, sku, price from cart_items').first().click();
    const query = page.getByTestId('span-panel').getByLabel('SQL query');
    await eventually('the query to be formatted', async () => (await query.innerText()).startsWith('SELECT\n'));
    assert.equal(await query.innerText(), 'SELECT\n  id,\n  sku,\n  price\nFROM\n  cart_items\nWHERE\n  cart_id = $1\n  AND deleted_at IS NULL\nORDER BY\n  id');
    await eventually('the query to be highlighted', async () => (await query.getAttribute('data-highlighted')) === 'sql');
  });

  test('a log that names its code location opens it in the editor', async () => {
    await page.goto(`${sidecar.url}/logs`);
    await page.getByText('cart priced').first().click();
    const loc = page.getByTestId('code-location');
    assert.match(await loc.innerText(), new RegExp(`server\\.mjs:${lineOf(serverFile, "'cart priced'")}`));
    await loc.getByRole('button', { name: 'Open in editor' }).click();
    await loc.getByRole('status').filter({ hasText: 'Opened' }).waitFor();
    assert.deepEqual(editorRuns().at(-1), ['-g', `${serverFile}:${lineOf(serverFile, "'cart priced'")}:1`]);
  });
});
