// Insights, the envelope inspector, the SDK list and the trace filters in
// real headless Chromium against the real binary, over every fixture of
// ../shared/fixtures/envelopes (the Django transactions' queries and N+1,
// the Astro browser pageload's web vitals and resources).

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { fixturesDir, launchBrowser, newPage, postEnvelope, removeDir, screenshot, startSidecar, type Sidecar } from './harness';

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? fixtureFiles(p) : [p];
  });
}

describe('insights, envelopes, SDKs', () => {
  let sidecar: Sidecar;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  let posted = 0;

  before(async () => {
    sidecar = await startSidecar();
    const dir = fixturesDir();
    for (const f of fixtureFiles(dir)) {
      if (!/\.(txt|bin)$/.test(f)) continue;
      try {
        await postEnvelope(sidecar.url, readFileSync(f));
        posted++;
      } catch (e) {
        throw new Error(`${relative(dir, f)}: ${String(e)}`);
      }
    }
    browser = await launchBrowser();
    page = await newPage(browser, errors);
  });

  after(async () => {
    await browser?.close();
    await sidecar?.stop();
    if (sidecar) removeDir(sidecar.registryDir);
  });

  test('Queries: groups with N+1 flagged, a group formatted with its spans', async () => {
    const api = (await (await fetch(`${sidecar.url}/api/insights/queries`)).json()) as { items: { id: string; nPlusOne: boolean; statement: string }[] };
    await page.goto(`${sidecar.url}/insights/queries`);
    await page.getByTestId('queries-table').waitFor();
    assert.equal(await page.getByTestId('query-row').count(), api.items.length);
    assert.equal(await page.getByTestId('nplusone').count(), api.items.filter((g) => g.nPlusOne).length);
    assert.ok(api.items.some((g) => g.nPlusOne), 'the Django transactions have an N+1 group');
    await screenshot(page, 'insights-queries');
    const n1 = api.items.find((g) => g.nPlusOne)!;
    await page.goto(`${sidecar.url}/insights/queries/${n1.id}`);
    await page.getByTestId('query-spans').waitFor();
    // Formatted by sql-formatter (one clause a line) and highlighted.
    await page.waitForFunction(() => {
      const pre = document.querySelector('pre[aria-label="SQL query"]');
      return pre !== null && pre.children.length > 1 && pre.getAttribute('data-highlighted') === 'sql';
    });
    const rows = await page.getByTestId('query-spans').locator('tbody tr').count();
    assert.ok(rows >= 3, `the N+1 group lists ${rows} spans`);
    await screenshot(page, 'insights-query-group');
    await page.getByTestId('query-spans').locator('tbody tr a').first().click();
    await page.waitForURL(/\/traces\/[0-9a-f]+\?span=/);
  });

  test('Web Vitals: the Astro pageload scored, its page lists samples linked to traces', async () => {
    await page.goto(`${sidecar.url}/insights/web-vitals`);
    await page.getByTestId('vitals-table').waitFor();
    const home = page.getByTestId('vitals-row').filter({ has: page.getByRole('link', { name: '/', exact: true }) });
    await home.waitFor();
    assert.match(await home.innerText(), /Good|Needs improvement|Poor/);
    const inp = page.getByTestId('vitals-row').filter({ hasText: '/errors' });
    assert.match(await inp.innerText(), /Poor/, 'the 5.6 s INP of envelope_with_only_span is poor');
    await screenshot(page, 'insights-web-vitals');
    await home.getByRole('link').click();
    await page.getByTestId('vital-samples').waitFor();
    const samples = page.getByTestId('vital-samples').locator('tbody tr');
    assert.ok((await samples.count()) >= 2);
    assert.ok((await page.getByTestId('vital-samples').innerText()).includes('ed1cd309'), 'the Astro trace is among the samples');
    await samples.first().getByRole('link').click();
    await page.waitForURL(/\/traces\//);
  });

  test('Resources: by URL and type with sizes and render blocking', async () => {
    await page.goto(`${sidecar.url}/insights/resources`);
    await page.getByTestId('resources-table').waitFor();
    const row = page.getByTestId('resource-row').filter({ hasText: '/@id/astro:scripts/page.js' });
    const text = await row.innerText();
    assert.match(text, /script/);
    assert.match(text, /656 B/);
    assert.match(text, /non-blocking/);
    assert.equal(await page.getByTestId('resource-row').filter({ hasText: '?' }).count(), 0, 'no query string shown');
    await screenshot(page, 'insights-resources');
  });

  test('Envelopes: every fixture held, an item that went nowhere says why, raw download', async () => {
    const held = (await (await fetch(`${sidecar.url}/api/envelopes`)).json()) as unknown[];
    assert.ok(held.length > 0 && held.length <= posted);
    await page.goto(`${sidecar.url}/envelopes`);
    await page.getByTestId('list-status').filter({ hasText: `${held.length} envelopes` }).waitFor();
    assert.ok((await page.getByTestId('envelope-row').count()) > 0);
    await screenshot(page, 'envelopes');
    const list = (await (await fetch(`${sidecar.url}/api/inspector/envelopes?limit=1000`)).json()) as { items: { id: string; items: { views: string[] }[] }[] };
    const nowhere = list.items.find((e) => e.items.some((i) => i.views.length === 0));
    assert.ok(nowhere, 'some fixture has an item no view shows (a client report, a session, a replay)');
    await page.goto(`${sidecar.url}/envelopes/${nowhere.id}`);
    await page.getByTestId('item-route').first().waitFor();
    assert.ok((await page.getByTestId('item-route').allInnerTexts()).some((t) => t.startsWith('Shown nowhere: ')));
    const href = await page.getByTestId('download-envelope').getAttribute('href');
    const raw = await fetch(`${sidecar.url}${href}`);
    assert.equal(raw.status, 200);
    await screenshot(page, 'envelope-detail');
  });

  test('Traces: span-less traces listed, filters and search over any span', async () => {
    type T = { traceId: string; noSpans?: boolean; name: string };
    const api = async (qs: string) => (await (await fetch(`${sidecar.url}/api/traces?withoutSpans=1&limit=1000&${qs}`)).json()) as { items: T[]; total: number };
    const rows = () => page.getByTestId('trace-row');
    const settle = async (n: number) => page.getByTestId('list-status').filter({ hasText: new RegExp(`^${n} traces?`) }).waitFor();
    await page.goto(`${sidecar.url}/traces`);
    const all = await api('');
    await settle(all.total);
    const spanless = all.items.filter((t) => t.noSpans).length;
    assert.ok(spanless > 0, 'some fixture has an error or log whose trace has no span');
    assert.equal(await page.getByTestId('no-spans').count(), Math.min(spanless, await page.getByTestId('no-spans').count()));
    // Any span's op: db.query is a child span's op, never a trace's name.
    const db = await api('q=db.query');
    assert.ok(db.total > 0);
    await page.getByRole('searchbox', { name: 'Search traces' }).fill('db.query');
    await settle(db.total);
    assert.equal(await rows().count(), Math.min(db.total, await rows().count()));
    await page.getByRole('searchbox', { name: 'Search traces' }).fill('');
    const post = await api('method=POST');
    await page.getByRole('combobox', { name: 'HTTP method' }).selectOption('POST');
    await settle(post.total);
    assert.ok((await rows().first().innerText()).includes(post.items[0]!.name));
    await page.getByRole('combobox', { name: 'HTTP method' }).selectOption('');
    const slow = await api('minMs=500&transaction=organizations');
    await page.getByRole('textbox', { name: 'Transaction' }).fill('organizations');
    await page.getByRole('spinbutton', { name: 'Minimum duration (ms)' }).fill('500');
    await settle(slow.total);
    await screenshot(page, 'traces-filters');
    assert.ok(slow.total > 0 && slow.total < all.total, `${slow.total} of ${all.total} traces are slow organization requests`);
  });

  test('Inside a trace: search highlights matches, only show matches, jump between them', async () => {
    const list = (await (await fetch(`${sidecar.url}/api/traces?q=postgresql&limit=1`)).json()) as { items: { traceId: string }[] };
    const id = list.items[0]!.traceId;
    const found = (await (await fetch(`${sidecar.url}/api/traces/${id}/search?q=postgresql`)).json()) as { matches: string[] };
    assert.ok(found.matches.length > 1);
    await page.goto(`${sidecar.url}/traces/${id}`);
    await page.getByRole('searchbox', { name: 'Search spans' }).fill('postgresql');
    await page.getByTestId('match-status').filter({ hasText: `${found.matches.length} matches` }).waitFor();
    assert.ok((await page.locator('[data-testid="span-row"][data-match="true"]').count()) > 0);
    await page.getByLabel('Only show matches').check();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="span-row"]').length === Math.min(n, document.querySelectorAll('[data-testid="span-row"]').length) && document.querySelectorAll('[data-testid="span-row"]:not([data-match])').length === 0, found.matches.length);
    await page.getByRole('button', { name: 'Next match' }).click();
    await page.waitForURL(new RegExp(`span=${found.matches[0]}`));
    await page.getByRole('button', { name: 'Next match' }).click();
    await page.waitForURL(new RegExp(`span=${found.matches[1]}`));
    await page.getByTestId('match-status').filter({ hasText: `2 of ${found.matches.length}` }).waitFor();
    await screenshot(page, 'trace-search');
  });

  test('SDKs: each SDK with its envelope count; old ones warned about logs', async () => {
    await page.goto(`${sidecar.url}/sdks`);
    await page.getByTestId('sdks-table').waitFor();
    const django = page.getByTestId('sdk-row').filter({ hasText: 'sentry.python.django' }).first();
    assert.match(await django.innerText(), /sends no logs/);
    assert.ok((await page.getByTestId('sdk-row').count()) >= 5);
    await screenshot(page, 'sdks');
    assert.deepEqual(errors, []);
  });
});
