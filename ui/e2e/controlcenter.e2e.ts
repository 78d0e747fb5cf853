// The Control Center page against real `spotlight run` instances whose
// children send an error through the real @sentry/node SDK: cards and
// statuses, Connect (cross-origin stream), a hung instance, Terminate through
// the dialog, a new instance announced live, a connected instance dying, and
// an orphaned command (its spotlight SIGKILLed) terminated from the page.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  a11yViolations,
  eventually,
  fixture,
  freePort,
  groupGone,
  launchBrowser,
  listInstances,
  newPage,
  postEnvelope,
  processGone,
  screenshot,
  startRun,
  startSidecar,
  stopRun,
  stopSidecar,
  type Run,
  type Sidecar,
} from './harness';


/** The start time of a process as the OS records it (ms since the epoch), from /proc like spotlight reads it. */
function startTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
  return btime * 1000 + (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

const card = (page: Page, run: Run) => page.locator(`[data-testid=instance-card][data-port="${run.instance.port}"]`);

async function connect(page: Page, run: Run): Promise<void> {
  await page.getByRole('link', { name: /^Control Center/ }).click();
  await card(page, run).getByRole('button', { name: 'Connect' }).click();
  await page.getByTestId('viewing').getByText(`${run.label}@${run.instance.port}`).waitFor();
  assert.equal(new URL(page.url()).searchParams.get('instance'), String(run.instance.port));
}

describe('Control Center', () => {
  let cc: Sidecar;
  let a: Run;
  let b: Run;
  let c: Run | undefined;
  let d: Run | undefined;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    cc = await startSidecar();
    browser = await launchBrowser();
    page = await newPage(browser, pageErrors);
  });

  /** Waits until the Control Center's copy holds the run's error, so that it keeps it when the run ends. */
  const heldByControlCenter = (run: Run) =>
    eventually(`${run.label}'s error in the Control Center's copy`, async () =>
      (await (await fetch(`${cc.url}/api/errors?instance=${run.instance.instanceId}`)).text()).includes(`${run.label}: order 42`),
    );

  /**
   * A terminated run's card leaves (the page drops it at once) and comes back
   * as ended with the next list, live or periodic: the Control Center keeps
   * the events it copied. The registry no longer lists it.
   */
  const listedAsEnded = async (run: Run) => {
    await card(page, run).and(page.locator('[data-status=ended]')).waitFor({ timeout: 30_000 });
    const listed = (await listInstances(cc)).filter((i) => i.instanceId === run.instance.instanceId);
    assert.deepEqual(listed.map((i) => i.status), ['ended'], 'listed once, as ended: its registry file is removed');
    assert.equal(await card(page, run).getByRole('button', { name: 'Terminate' }).count(), 0, 'nothing left to terminate');
  };

  after(async () => {
    await browser?.close();
    for (const r of [a, b, c, d]) if (r) await stopRun(r);
    if (cc) await stopSidecar(cc);
    assert.deepEqual(pageErrors, [], 'the page threw errors');
  });

  test('without instances, explains how to start one', async () => {
    await page.goto(`${cc.url}/instances`);
    await page.getByRole('heading', { name: 'No Spotlight instances are running' }).waitFor();
    assert.match(await page.locator('.empty-state').innerText(), /spotlight run npm run dev/);
    assert.equal(await page.getByTestId('count-instances').textContent(), '0');
  });

  test('shows a healthy card per instance, with a ticking uptime and search', async () => {
    [a, b] = await Promise.all([startRun(cc, 'alpha'), startRun(cc, 'beta')]);
    for (const r of [a, b]) {
      const el = card(page, r);
      await el.and(page.locator('[data-status=healthy]')).waitFor();
      const text = await el.innerText();
      assert.match(text, new RegExp(r.label));
      assert.match(text, /sdk-app\.mjs/);
      assert.ok(text.includes(r.dir), `the card names the directory ${r.dir}: ${text}`);
      assert.ok(text.includes(String(r.instance.pid)));
    }
    assert.equal(await page.getByTestId('count-instances').textContent(), '2');
    const uptime = card(page, a).getByTestId('uptime');
    const first = await uptime.textContent();
    await eventually('the uptime to tick', async () => (await uptime.textContent()) !== first);

    await page.getByRole('searchbox', { name: 'Search instances' }).fill('beta');
    await eventually('the search to leave one card', async () => (await page.getByTestId('instance-card').count()) === 1);
    await card(page, b).waitFor();
    await page.getByRole('searchbox', { name: 'Search instances' }).fill(String(a.instance.port));
    await card(page, a).waitFor();
    assert.equal(await page.getByTestId('instance-card').count(), 1);
    await page.getByRole('searchbox', { name: 'Search instances' }).fill('');
  });

  test("Connect shows only that instance's data, and the choice survives a reload", async () => {
    await connect(page, a);
    await page.getByRole('link', { name: /^Errors/ }).click();
    const rows = page.getByTestId('error-row');
    await rows.filter({ hasText: 'alpha: order 42 has no items' }).waitFor();
    assert.equal(await rows.filter({ hasText: 'beta' }).count(), 0);
    // The child's own output, relayed by spotlight run, is in the logs.
    await page.getByRole('link', { name: /^Logs/ }).click();
    await page.getByTestId('log-row').filter({ hasText: 'alpha: events sent' }).locator('.badge', { hasText: 'stdio' }).waitFor();
    // Envelope downloads come from the viewed instance's sidecar too (cross-origin).
    await postEnvelope(`http://localhost:${a.instance.port}`, fixture('attachments/envelope_with_text.txt'));
    await page.getByRole('link', { name: /^Errors/ }).click();
    await rows.filter({ hasText: 'Test attachment: attachment.txt' }).click();
    const download = page.getByTestId('attachment').getByRole('link', { name: 'Download envelope' });
    const href = (await download.getAttribute('href')) ?? '';
    assert.match(href, new RegExp(`^http://localhost:${a.instance.port}/envelope/[0-9a-f-]{36}$`));
    const body = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    assert.match(body, /Hello, world!/);
    // Clear empties the viewed instance's sidecar (a cross-origin DELETE), not the page's own.
    await page.getByRole('link', { name: '← Errors' }).click();
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByText('No errors yet.').waitFor();
    const held = async (url: string) => ((await (await fetch(`${url}/api/envelopes`)).json()) as unknown[]).length;
    await eventually("alpha's buffer to be empty", async () => (await held(`http://localhost:${a.instance.port}`)) === 0);

    await connect(page, b);
    await page.getByRole('link', { name: /^Errors/ }).click();
    await rows.filter({ hasText: 'beta: order 42 has no items' }).waitFor();
    assert.equal(await rows.filter({ hasText: 'alpha' }).count(), 0);
    await page.reload();
    await page.getByTestId('viewing').getByText(`beta@${b.instance.port}`).waitFor();
    await rows.filter({ hasText: 'beta: order 42 has no items' }).waitFor();
    assert.equal(await rows.filter({ hasText: 'alpha' }).count(), 0);
  });

  test('a stopped (SIGSTOP) instance turns unresponsive on the next refresh', async () => {
    await page.getByRole('link', { name: /^Control Center/ }).click();
    process.kill(a.instance.pid, 'SIGSTOP');
    await card(page, a).and(page.locator('[data-status=unresponsive]')).waitFor({ timeout: 40_000 });
    await card(page, b).and(page.locator('[data-status=healthy]')).waitFor();
    await card(page, b).getByText('current').waitFor();
    await screenshot(page, 'control-center');
    for (const scheme of ['light', 'dark'] as const) {
      assert.deepEqual(await a11yViolations(browser, [`${cc.url}/instances`], scheme, '[data-testid=instance-card]'), []);
    }

    // Connecting to the hung instance says so instead of spinning, and offers the way back.
    await connect(page, a);
    const banner = page.getByTestId('lost-banner');
    await banner.getByText(`alpha@${a.instance.port} is unresponsive`).waitFor();
    await banner.getByRole('button', { name: /^Back to localhost:/ }).click();
    await page.getByTestId('viewing').getByText(`localhost:${cc.port}`, { exact: true }).waitFor();
    await connect(page, b);
    await page.getByRole('link', { name: /^Control Center/ }).click();
  });

  test('Terminate asks in a dialog, stops the instance and its command, and switches the tab back', async () => {
    // The tab is still connected to beta.
    await card(page, b).getByRole('button', { name: 'Terminate' }).click();
    const dialog = page.getByTestId('terminate-dialog');
    await dialog.getByRole('heading', { name: 'Terminate beta?' }).waitFor();
    assert.match(await dialog.innerText(), new RegExp(`sdk-app\\.mjs \\(PID ${b.instance.childPid}\\) and its Spotlight on port ${b.instance.port}\\.`));
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.ok(!processGone(b.instance.pid), 'Cancel terminates nothing');

    await heldByControlCenter(b);
    await card(page, b).getByRole('button', { name: 'Terminate' }).click();
    await dialog.getByRole('button', { name: 'Terminate' }).click();
    await page.getByTestId('viewing').getByText(`localhost:${cc.port}`, { exact: true }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('instance'), null);
    assert.equal(new URL(page.url()).pathname, '/instances');
    await card(page, a).waitFor();
    await eventually('beta and its command to be gone', () => processGone(b.instance.pid) && processGone(b.instance.childPid ?? b.instance.pid));
    await listedAsEnded(b);
  });

  test('a refused terminate shows the reason on the card, which stays until the list drops it', async () => {
    // A registered instance whose sidecar never answers (a sleep stands in
    // for its spotlight). Pings are believed only with a registry file.
    const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
    const pid = sleeper.pid ?? 0;
    const ghost = {
      instanceId: randomUUID(),
      port: await freePort(),
      pid,
      pidStartTime: startTimeMs(pid),
      childPid: 0,
      command: 'npm run ghost',
      cmdArgs: ['npm', 'run', 'ghost'],
      cwd: '/nonexistent/ghost',
      startTime: new Date().toISOString(),
      projectName: 'ghost',
      detectedType: 'command',
    };
    const file = join(cc.registryDir, `instance_${ghost.instanceId}.json`);
    writeFileSync(file, JSON.stringify(ghost), { mode: 0o600 });
    const el = page.locator(`[data-testid=instance-card][data-port="${ghost.port}"]`);
    // Refetches fail meanwhile, so the card cannot vanish before the click.
    await page.route('**/api/instances?all=1', (route) => route.abort());
    try {
      const res = await fetch(`${cc.url}/api/instances/ping`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(ghost) });
      assert.equal(res.status, 204, await res.text());
      await el.waitFor();
      // The registry directory becomes writable by others: every use
      // checks it, so the terminate is refused, and says how to fix it.
      chmodSync(cc.registryDir, 0o777);
      await el.getByRole('button', { name: 'Terminate' }).click();
      const dialog = page.getByTestId('terminate-dialog');
      await dialog.getByRole('heading', { name: 'Terminate ghost?' }).waitFor();
      assert.match(await dialog.innerText(), /npm run ghost/);
      await dialog.getByRole('button', { name: 'Terminate' }).click();
      await el.getByRole('alert').getByText(`chmod 700 ${cc.registryDir}`, { exact: false }).waitFor();
      assert.ok(await el.getByRole('button', { name: 'Terminate' }).isEnabled(), 'the user may try again');
      assert.equal(sleeper.exitCode, null, 'nothing was signalled');
    } finally {
      chmodSync(cc.registryDir, 0o700);
      rmSync(file, { force: true });
      sleeper.kill('SIGKILL');
      await page.unroute('**/api/instances?all=1');
    }
    await page.getByRole('button', { name: 'Refresh' }).click();
    await el.waitFor({ state: 'detached' });
  });

  test('a new instance appears without a reload, from its ping on the stream', async () => {
    // Refetches fail from here on, so only the ping can bring the card.
    await page.route('**/api/instances?all=1', (route) => route.abort());
    try {
      // A list fetched before the route was set may still be on its way, and
      // the list is authoritative (it would drop the new card): wait until a
      // refetch has failed, so that none is.
      const failed = page.waitForEvent('requestfailed', { predicate: (r) => r.url().includes('/api/instances?all=1'), timeout: 30_000 });
      await page.getByRole('button', { name: 'Refresh' }).click();
      await failed;
      c = await startRun(cc, 'gamma');
      await card(page, c).and(page.locator('[data-status=healthy]')).waitFor();
    } finally {
      await page.unroute('**/api/instances?all=1');
    }
  });

  test('when the connected instance dies, the tab says so and offers to go back', async () => {
    assert.ok(c);
    await connect(page, c);
    await c.proc.stop('SIGTERM');
    const banner = page.getByTestId('lost-banner');
    await banner.waitFor();
    assert.match(await banner.innerText(), new RegExp(`gamma@${c.instance.port}`));
    await banner.getByRole('button', { name: /^Back to localhost:/ }).click();
    await page.getByTestId('viewing').getByText(`localhost:${cc.port}`, { exact: true }).waitFor();
    await banner.waitFor({ state: 'detached' });
  });

  test('an orphaned instance (its spotlight SIGKILLed) turns orange, and Terminate stops its command', async () => {
    d = await startRun(cc, 'delta');
    const run = d;
    const childPid = run.instance.childPid ?? 0;
    await page.getByRole('link', { name: /^Control Center/ }).click();
    await card(page, run).and(page.locator('[data-status=healthy]')).waitFor();
    // Once the child has written its output it writes no more, so losing its
    // reader (spotlight) cannot kill it with EPIPE: it stays an orphan.
    await eventually(`delta's output to be relayed (output: ${run.proc.output()})`, () => run.proc.output().includes('delta: events sent'));
    await run.proc.stop('SIGKILL');
    assert.ok(!processGone(childPid), 'the child outlives its spotlight');

    // The registry watcher announces it, or the periodic refresh lists it.
    const badge = card(page, run).and(page.locator('[data-status=orphaned]')).locator('.status');
    await badge.waitFor({ timeout: 30_000 });
    assert.equal(await badge.textContent(), 'orphaned');
    const [color, orange] = await badge.evaluate((el) => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--orange)';
      document.body.append(probe);
      const want = getComputedStyle(probe).color;
      probe.remove();
      return [getComputedStyle(el).color, want];
    });
    assert.equal(color, orange, 'the orphaned badge is orange');

    await card(page, run).getByRole('button', { name: 'Terminate' }).click();
    const dialog = page.getByTestId('terminate-dialog');
    await dialog.getByRole('heading', { name: 'Terminate delta?' }).waitFor();
    assert.equal(
      await dialog.locator('p').innerText(),
      `This stops ${run.instance.command} (PID ${childPid}), whose Spotlight (port ${run.instance.port}) has already exited.`,
    );
    await dialog.getByRole('button', { name: 'Terminate' }).click();
    await eventually(`the process group ${childPid} to be gone`, () => groupGone(childPid));
    await listedAsEnded(run);
  });
});
