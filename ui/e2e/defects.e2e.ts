// The first-hour UI defects of issue 14, against the real binary in headless
// Chromium: the trace waterfall is as tall as its spans (up to the space it
// has), the errors list keeps an SDK's version, empty contexts get no card,
// an attachment downloads as itself and its envelope separately, a text
// attachment sent as application/octet-stream is previewed, and an
// attachment the envelope ended inside says it is truncated.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually, fixture, launchBrowser, newPage, postEnvelope, removeDir, startSidecar, type Sidecar } from './harness';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const NOTES = 'shopping list\n- milk\n- bread\n';

function envelope(header: object, ...items: [object, string][]): string {
  return [JSON.stringify(header), ...items.flatMap(([h, p]) => [JSON.stringify({ ...h, length: Buffer.byteLength(p) }), p])].join('\n') + '\n';
}

/** An error from a browser SDK with a long name, an empty and a filled context, and a notes.txt sent without a content type. */
function errorWithNotes(): string {
  const id = hex(16);
  const event = {
    event_id: id,
    timestamp: Date.now() / 1000,
    platform: 'javascript',
    level: 'error',
    sdk: { name: 'sentry.javascript.react-router', version: '9.22.0' },
    exception: { values: [{ type: 'Error', value: 'notes could not be saved', stacktrace: { frames: [{ filename: '/app/notes.js', function: 'save', lineno: 3, in_app: true }] } }] },
    contexts: { cloud_resource: {}, os: { name: 'Linux', version: '6.1' } },
  };
  return envelope({ event_id: id }, [{ type: 'event' }, JSON.stringify(event)], [{ type: 'attachment', filename: 'notes.txt' }, NOTES]);
}

/** A transaction with n child spans. */
function transaction(name: string, n: number): string {
  const traceId = hex(16);
  const root = hex(8);
  const start = Date.now() / 1000 - 5;
  const spans = Array.from({ length: n }, (_, i) => ({
    span_id: hex(8),
    parent_span_id: root,
    trace_id: traceId,
    op: 'db.query',
    description: `SELECT ${i}`,
    start_timestamp: start + i * 0.001,
    timestamp: start + i * 0.001 + 0.0005,
  }));
  const tx = {
    type: 'transaction',
    event_id: hex(16),
    transaction: name,
    platform: 'node',
    start_timestamp: start,
    timestamp: start + 0.5,
    contexts: { trace: { trace_id: traceId, span_id: root, op: 'http.server', status: 'ok' } },
    spans,
  };
  return envelope({}, [{ type: 'transaction' }, JSON.stringify(tx)]);
}

describe('first-hour UI defects', () => {
  let sidecar: Sidecar;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    sidecar = await startSidecar();
    await postEnvelope(sidecar.url, errorWithNotes());
    await postEnvelope(sidecar.url, fixture('envelope_with_screenshot.bin')); // its screenshot is cut short
    await postEnvelope(sidecar.url, transaction('GET /small', 1));
    await postEnvelope(sidecar.url, transaction('GET /large', 150));
    browser = await launchBrowser();
    page = await newPage(browser, pageErrors);
    await page.goto(sidecar.url);
  });

  after(async () => {
    await browser?.close();
    await sidecar?.stop();
    if (sidecar) removeDir(dirname(sidecar.registryDir));
    assert.deepEqual(pageErrors, [], 'the page threw errors');
  });

  test('the errors list keeps the SDK version visible, however long the SDK name', async () => {
    await page.getByRole('link', { name: /^Errors/ }).click();
    const row = page.getByTestId('error-row').filter({ hasText: 'notes could not be saved' });
    await row.waitFor();
    const cell = row.getByTestId('platform-sdk');
    const version = cell.locator('.sdk-version');
    assert.equal(await version.innerText(), '9.22.0');
    const [c, v] = [await cell.boundingBox(), await version.boundingBox()];
    assert.ok(c && v && v.width > 0 && v.x >= c.x && v.x + v.width <= c.x + c.width + 0.5, `the version (${JSON.stringify(v)}) is cut off by its cell (${JSON.stringify(c)})`);
    assert.equal(await cell.getAttribute('title'), 'javascript · sentry.javascript.react-router 9.22.0');
  });

  test('empty contexts get no card; a text attachment without content type is previewed; attachment and envelope download apart', async () => {
    await page.getByTestId('error-row').filter({ hasText: 'notes could not be saved' }).click();
    const detail = page.getByTestId('error-detail');
    await detail.getByRole('heading', { name: 'os' }).waitFor();
    assert.equal(await detail.getByRole('heading', { name: 'cloud_resource' }).count(), 0, 'an empty cloud_resource context has a card');

    const a = page.getByTestId('attachment').filter({ hasText: 'notes.txt' });
    await a.locator('pre').filter({ hasText: '- bread' }).waitFor();
    assert.equal((await a.locator('pre').innerText()).trimEnd(), NOTES.trimEnd());

    const [file] = await Promise.all([page.waitForEvent('download'), a.getByRole('link', { name: 'Download notes.txt' }).click()]);
    assert.equal(file.suggestedFilename(), 'notes.txt');
    assert.equal(readFileSync(await file.path()).toString(), NOTES);
    const [env] = await Promise.all([page.waitForEvent('download'), a.getByRole('link', { name: 'Download envelope' }).click()]);
    assert.match(env.suggestedFilename(), /^envelope-[0-9a-f-]{36}\.txt$/);
    const saved = readFileSync(await env.path()).toString();
    assert.ok(saved.includes('"type":"attachment"') && saved.includes('notes could not be saved'), 'the envelope download is not the whole envelope');
  });

  test('an attachment the envelope ended inside says it is truncated', async () => {
    await page.getByRole('link', { name: /^Errors/ }).click();
    const rows = page.getByTestId('error-row');
    await eventually('two errors listed', async () => (await rows.count()) >= 2);
    await rows.filter({ hasNotText: 'notes could not be saved' }).first().click();
    const note = page.getByTestId('attachment').getByTestId('truncated');
    await note.waitFor();
    assert.match(await note.innerText(), /Truncated: 45\.9 KiB of the 47\.7 KiB its header declared arrived/);
  });

  test('the trace waterfall is as tall as its spans, up to the space it has', async () => {
    const open = async (name: string) => {
      await page.getByRole('link', { name: /^Traces/ }).click();
      await page.getByTestId('trace-row').filter({ hasText: name }).click();
      await page.getByTestId('span-row').first().waitFor();
      return page.getByTestId('trace-body');
    };
    const small = await open('GET /small');
    const smallBox = await small.boundingBox();
    assert.ok(smallBox && smallBox.height <= 2 * 30 + 28 + 4, `a 2-span waterfall is ${smallBox?.height}px tall: an empty box`);

    const large = await open('GET /large');
    const box = await large.boundingBox();
    const viewport = page.viewportSize();
    assert.ok(box && viewport, 'no box');
    const detailBox = await page.getByTestId('trace-detail').boundingBox();
    assert.ok(detailBox);
    // It ends within the view (borders aside) and takes most of it.
    const below = detailBox.y + detailBox.height - (box.y + box.height);
    assert.ok(box.height >= detailBox.height - 200 && below >= -4, `a 151-span waterfall is ${box.height}px in a view of ${detailBox.height}px (${below}px left below it)`);
    const list = large.getByRole('listbox', { name: 'Spans' });
    const [scrollHeight, clientHeight] = await list.evaluate((el) => [el.scrollHeight, el.clientHeight]);
    assert.ok(scrollHeight > clientHeight, 'the spans that do not fit do not scroll');
  });
});
