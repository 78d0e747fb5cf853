// The Control Center as the hub, against real `spotlight run` instances of
// real @sentry/node apps: live announcements whichever instance the tab
// views, every instance's events in one view (labelled, filtered by
// instance), a trace crossing two instances as one waterfall, an exited
// run's error kept under its ended card, and the cards and banners of
// instances that stopped.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  a11yViolations,
  ccEnv,
  eventually,
  launchBrowser,
  listInstances,
  newPage,
  repoRoot,
  spotlightBin,
  startProcess,
  startRun,
  startSidecar,
  stopRun,
  stopSidecar,
  tempDir,
  type Run,
  type Sidecar,
} from './harness';

const nodeScripts = join(repoRoot, 'test', 'node');

/** The value of a "<name> <value>" line the run's child printed. */
function printed(run: Run, name: string): Promise<string> {
  return eventually(`${run.label} to print "${name} …" (output: ${run.proc.output()})`, () => new RegExp(`^${name} (\\S+)$`, 'm').exec(run.proc.output())?.[1]);
}

const card = (page: Page, port: number, status?: string) => page.locator(`[data-testid=instance-card][data-port="${port}"]${status ? `[data-status=${status}]` : ''}`);

describe('Control Center hub', () => {
  let cc: Sidecar;
  const runs: Run[] = [];
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    cc = await startSidecar();
    browser = await launchBrowser();
    page = await newPage(browser, pageErrors);
  });

  after(async () => {
    await browser?.close();
    for (const r of runs) await stopRun(r);
    if (cc) await stopSidecar(cc);
    assert.deepEqual(pageErrors, [], 'the page threw errors');
  });

  const run = async (label: string, script?: string, args?: string[]) => {
    const r = await startRun(cc, label, script, args);
    runs.push(r);
    return r;
  };

  test('the header names what the tab views; a new instance appears live while the tab views another', async () => {
    await page.goto(`${cc.url}/instances`);
    await page.getByTestId('viewing').getByText(`localhost:${cc.port}`, { exact: true }).waitFor();
    const bravo = await run('bravo');
    await card(page, bravo.instance.port, 'healthy').getByRole('button', { name: 'Connect' }).click();
    await page.getByTestId('viewing').getByText(`bravo@${bravo.instance.port}`).waitFor();
    await page.getByRole('link', { name: /^Control Center/ }).click();
    assert.equal(new URL(page.url()).searchParams.get('instance'), String(bravo.instance.port), 'the tab still views bravo');
    // From here only the live announcements can bring a card: the list is not refetched.
    await page.route('**/api/instances?all=1', (route) => route.abort());
    try {
      const charlie = await run('charlie');
      // The issue's bound: on the page within 2 s of the Control Center knowing it.
      await card(page, charlie.instance.port, 'healthy').waitFor({ timeout: 2000 });
      assert.equal(await page.getByTestId('count-instances').textContent(), '2');
    } finally {
      await page.unroute('**/api/instances?all=1');
    }
  });

  test('All instances shows the errors of every instance, each labelled, and filters by instance', async () => {
    const [bravo, charlie] = runs;
    assert.ok(bravo && charlie);
    await page.getByRole('button', { name: 'All instances' }).click();
    await page.getByTestId('viewing').getByText('All instances').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('instance'), 'all');
    const rows = page.getByTestId('error-row');
    for (const r of [bravo, charlie]) {
      const row = rows.filter({ hasText: `${r.label}: order 42 has no items` });
      await row.waitFor();
      assert.equal(await row.getByTestId('instance-label').textContent(), `${r.label}@${r.instance.port}`);
    }
    // The filter narrows the view to one instance.
    await page.getByTestId('instance-filter').selectOption(charlie.instance.instanceId);
    await page.getByTestId('viewing').getByText(`charlie@${charlie.instance.port} (read only)`).waitFor();
    await rows.filter({ hasText: 'charlie: order 42 has no items' }).waitFor();
    await eventually('only charlie to be listed', async () => (await rows.filter({ hasText: 'bravo' }).count()) === 0);
    // Logs carry their instance too, and a reload keeps the view.
    await page.reload();
    await page.getByTestId('viewing').getByText(`charlie@${charlie.instance.port} (read only)`).waitFor();
    await page.getByTestId('instance-filter').selectOption('all');
    await page.getByRole('link', { name: /^Logs/ }).click();
    await page.getByTestId('log-row').filter({ hasText: 'bravo: checkout started' }).getByTestId('instance-label').getByText(`bravo@${bravo.instance.port}`).waitFor();
  });

  test('a trace that crosses two instances is one waterfall, each span tagged with its instance', async () => {
    const api = await run('inventory-api', join(nodeScripts, 'trace-pair.mjs'), ['server']);
    const web = await run('shop-web', join(nodeScripts, 'trace-pair.mjs'), ['client', `http://127.0.0.1:${await printed(api, 'listening')}/inventory`]);
    const traceId = await printed(web, 'trace');
    await page.getByRole('link', { name: /^Traces/ }).click();
    const row = page.getByTestId('trace-row').filter({ hasText: 'GET /checkout' }).filter({ hasText: traceId.slice(0, 12) });
    // The list row names both instances once the API's spans have arrived too.
    await row.getByTestId('instance-label').getByText(`inventory-api@${api.instance.port}`).waitFor();
    await row.getByTestId('instance-label').getByText(`shop-web@${web.instance.port}`).waitFor();
    await row.click();
    const spans = page.getByTestId('span-row');
    const tagged = async (name: string, label: string) => spans.filter({ hasText: name }).first().getByTestId('instance-label').getByText(label).waitFor();
    await tagged('GET /checkout', `shop-web@${web.instance.port}`);
    await tagged('SELECT * FROM inventory', `inventory-api@${api.instance.port}`);
    await tagged('GET /inventory', `inventory-api@${api.instance.port}`);
    // One tree: the API's spans are nested under the frontend's request.
    const depth = async (name: string) => Number((await spans.filter({ hasText: name }).first().locator('.wf-label').getAttribute('title'))?.replace('depth ', ''));
    assert.equal(await depth('GET /checkout'), 0);
    assert.ok((await depth('SELECT * FROM inventory')) > (await depth('GET /inventory')), 'the query is under the API request');
    assert.ok((await depth('GET /inventory')) > 0, 'the API request is under the frontend span');
  });

  test('a run whose child sends an error and exits keeps it, under an ended card that opens read only and dismisses', async () => {
    const dir = tempDir('spotlight-short-lived-');
    const proc = startProcess(spotlightBin(), ['run', process.execPath, join(nodeScripts, 'send-error-and-log.mjs'), 'short-lived-marker'], ccEnv(cc.registryDir, cc.port), dir);
    await eventually(`the short run to exit (output: ${proc.output()})`, () => proc.child.exitCode !== null);
    assert.equal(proc.child.exitCode, 0, proc.output());
    const ended = await eventually('the run to be listed as ended', async () => (await listInstances(cc)).find((i) => i.cwd === dir && i.status === 'ended'));
    runs.push({ label: 'short', proc, dir, instance: ended });

    await page.getByRole('link', { name: /^Control Center/ }).click();
    const el = card(page, ended.port, 'ended');
    await el.waitFor();
    assert.match(await el.getByTestId('exited').innerText(), /\d/);
    assert.equal(await el.getByRole('button', { name: 'Connect' }).count(), 0, 'an ended instance has no sidecar to connect to');
    await el.getByRole('button', { name: 'Open (read only)' }).click();
    await page.getByTestId('viewing').getByText('(ended, read only)').waitFor();
    await page.getByTestId('error-row').filter({ hasText: 'boom short-lived-marker' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Clear' }).count(), 0, 'read only: nothing to clear');

    for (const scheme of ['light', 'dark'] as const) {
      assert.deepEqual(await a11yViolations(browser, [`${cc.url}/instances`], scheme, '[data-status=ended]'), []);
      assert.deepEqual(await a11yViolations(browser, [`${cc.url}/errors?instance=all`], scheme, '[data-testid=instance-label]'), []);
    }
    await page.getByRole('link', { name: /^Control Center/ }).click();
    await card(page, ended.port, 'ended').getByRole('button', { name: 'Dismiss' }).click();
    await card(page, ended.port).waitFor({ state: 'detached' });
    assert.equal((await listInstances(cc)).filter((i) => i.instanceId === ended.instanceId).length, 0, 'dismissed for good');
  });

  test('a tab viewing an instance that is terminated says it stopped, not "Reconnecting…"', async () => {
    const delta = await run('delta');
    await page.getByTestId('viewing').getByRole('button', { name: /Back to localhost:/ }).click();
    await page.getByTestId('viewing').getByText(`localhost:${cc.port}`, { exact: true }).waitFor();
    await page.getByRole('link', { name: /^Control Center/ }).click();
    await card(page, delta.instance.port, 'healthy').getByRole('button', { name: 'Connect' }).click();
    await page.getByTestId('viewing').getByText(`delta@${delta.instance.port}`).waitFor();
    await eventually(`delta's error to be held`, async () => (await (await fetch(`${cc.url}/api/errors?instance=${delta.instance.instanceId}`)).text()).includes('delta: order 42'));
    await delta.proc.stop('SIGTERM');
    const banner = page.getByTestId('lost-banner');
    await banner.getByText(`delta@${delta.instance.port} stopped.`).waitFor();
    await page.getByTestId('connection').getByText('Stopped').waitFor();
    // The Control Center kept its events: the banner opens them.
    await banner.getByRole('button', { name: 'Open its events (read only)' }).click();
    await page.getByTestId('error-row').filter({ hasText: 'delta: order 42 has no items' }).waitFor();
  });

  test('an orphaned instance (its spotlight SIGKILLed) has no Connect button, and its kept events open read only', async () => {
    const echo = await run('echo');
    await eventually(`echo's output to be relayed (output: ${echo.proc.output()})`, () => echo.proc.output().includes('echo: events sent'));
    await echo.proc.stop('SIGKILL');
    await page.getByRole('link', { name: /^Control Center/ }).click();
    const el = card(page, echo.instance.port, 'orphaned');
    await el.waitFor({ timeout: 30_000 });
    assert.equal(await el.getByRole('button', { name: 'Connect' }).count(), 0);
    await el.getByRole('button', { name: 'Terminate' }).waitFor();
    await el.getByRole('button', { name: 'Open (read only)' }).click();
    await page.getByTestId('viewing').getByText(`echo@${echo.instance.port} (read only)`).waitFor();
    await page.getByTestId('error-row').filter({ hasText: 'echo: order 42 has no items' }).waitFor();
  });
});
