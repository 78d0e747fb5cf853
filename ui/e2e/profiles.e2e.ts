// Profiles as flame graphs and AI calls as conversations, in real headless
// Chromium against the real binary: the fixtures' browser profile and
// continuous-profiling chunks (one cut short), the Vercel AI SDK spans, and
// a synthetic profile of 100,000 samples for the render timing
// (docs/BENCHMARKS.md). Flame graph hover, zoom and search are checked
// against the boxes the server served.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually, fixture, launchBrowser, newPage, postEnvelope, removeDir, screenshot, startSidecar, type Sidecar } from './harness';
import type { Flame, ProfileDetail } from '../src/api/profile-types';

const ROW = 18; // FlameGraph's row height
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A sampled (v1) profile of n samples over a generated call tree, with its transaction. */
export function syntheticProfile(n: number, traceId = hex(16)): string {
  const fns = 400;
  const frames = Array.from({ length: fns }, (_, i) => ({
    function: `fn${i}`,
    abs_path: i % 3 === 0 ? `/app/node_modules/lib${i % 7}/index.js` : `/app/src/module${i % 40}.ts`,
    lineno: 10 + i,
  }));
  // 3,000 distinct stacks, 4 to 40 deep, sharing prefixes as real code does.
  let seed = 42;
  const rand = (m: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % m);
  const stacks: number[][] = [];
  for (let s = 0; s < 3000; s++) {
    const depth = 4 + rand(37);
    const stack = [0];
    for (let d = 1; d < depth; d++) stack.push(1 + ((stack[d - 1]! * 7 + rand(d < 6 ? 3 : 12)) % (fns - 1)));
    stacks.push(stack.reverse()); // leaf first, as SDKs send
  }
  const samples = Array.from({ length: n }, (_, i) => ({ elapsed_since_start_ns: String(i * 10_000_000), stack_id: rand(stacks.length), thread_id: '0' }));
  const start = Date.now() / 1000 - 60;
  const txId = hex(16);
  const tx = {
    type: 'transaction', event_id: txId, transaction: 'synthetic 100k', platform: 'javascript',
    start_timestamp: start, timestamp: start + n / 100,
    contexts: { trace: { trace_id: traceId, span_id: hex(8), op: 'task' } },
  };
  const profile = {
    event_id: hex(16), timestamp: new Date(start * 1000).toISOString(), platform: 'javascript', version: '1',
    transactions: [{ name: 'synthetic 100k', id: txId, trace_id: traceId, active_thread_id: '0' }],
    profile: { samples, stacks, frames, thread_metadata: { '0': { name: 'main' } } },
  };
  return [JSON.stringify({ event_id: txId }), '{"type":"transaction"}', JSON.stringify(tx), '{"type":"profile"}', JSON.stringify(profile), ''].join('\n');
}

/** The page coordinates of the middle of a node's box. */
async function boxCenter(page: Page, flame: Flame, i: number, zoom?: number): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId('flame-canvas').boundingBox();
  assert.ok(box, 'the flame graph canvas is laid out');
  const n = flame.nodes[i]!;
  const z = zoom === undefined ? { x: 0, t: flame.samples - flame.idle } : flame.nodes[zoom]!;
  const left = Math.max(n.x, z.x);
  const right = Math.min(n.x + n.t, z.x + z.t);
  return { x: box.x + (((left + right) / 2 - z.x) / z.t) * box.width, y: box.y + n.d * ROW + ROW / 2 };
}

async function profileDetail(sidecar: Sidecar, id: string): Promise<ProfileDetail> {
  return (await (await fetch(`${sidecar.url}/api/profiles/${encodeURIComponent(id)}`)).json()) as ProfileDetail;
}

async function profileIds(sidecar: Sidecar): Promise<{ id: string; transaction?: string; platform?: string; cut?: string[] }[]> {
  return ((await (await fetch(`${sidecar.url}/api/profiles`)).json()) as { items: { id: string; transaction?: string; platform?: string; cut?: string[] }[] }).items;
}

describe('profiles and AI calls', () => {
  let sidecar: Sidecar;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    sidecar = await startSidecar();
    for (const name of [
      'enveplope_browser_js_profile.bin',
      'large_sentry_transaction/application_x_sentry_envelope-1701423930091.txt',
      'continuous_profiling/profile_chunk_1.txt',
      'continuous_profiling/profile_chunk_2.txt',
      'continuous_profiling/transaction.txt',
      'ai_sdk/application_x_sentry_envelope-1747909903831299791.txt',
      'ai_sdk/application_x_sentry_envelope-1747909905571196666.txt',
      'ai_sdk/application_x_sentry_envelope-1747910023484922333.txt',
      'ai_sdk/application_x_sentry_envelope-1747910024047185083.txt',
      'ai_sdk/application_x_sentry_envelope-1747910024622759916.txt',
    ]) {
      await postEnvelope(sidecar.url, fixture(name));
    }
    browser = await launchBrowser();
    page = await newPage(browser, errors);
  });

  after(async () => {
    await browser?.close();
    sidecar?.stop();
    if (sidecar) removeDir(sidecar.registryDir);
  });

  test('every profile fixture is listed; a cut chunk says what was cut', async () => {
    await page.goto(`${sidecar.url}/profiles`);
    const rows = page.getByTestId('profile-row');
    await eventually('four profiles', async () => ((await rows.count()) === 4 ? true : undefined));
    await rows.filter({ hasText: '/:provider/:owner/:repo' }).waitFor();
    await rows.filter({ hasText: '/alerts/rules/' }).waitFor();
    assert.equal(await rows.filter({ hasText: 'cocoa' }).count(), 2);
    assert.equal(await rows.filter({ hasText: 'cut' }).count(), 2, 'both chunks declare wrong lengths');
    // The nav's counts are a request of their own, which may answer after the list.
    await eventually('the nav counts four profiles', async () => (await page.getByTestId('count-profiles').textContent()) === '4' || undefined);

    const chunk = (await profileIds(sidecar)).find((p) => p.cut)!;
    await page.goto(`${sidecar.url}/profiles/${encodeURIComponent(chunk.id)}`);
    await page.getByTestId('profile-cut').getByText(/declares \d+ bytes but \d+ arrived/).waitFor();
    await page.getByTestId('flame-canvas').waitFor();
    assert.ok((await page.getByTestId('heavy-row').count()) > 0);
  });

  test('flame graph: hover shows the frame, click zooms, search highlights', async () => {
    const js = (await profileIds(sidecar)).find((p) => p.transaction === '/:provider/:owner/:repo')!;
    const d = await profileDetail(sidecar, js.id);
    const flame = d.flame;
    await page.goto(`${sidecar.url}/profiles`);
    await page.getByTestId('profile-row').filter({ hasText: '/:provider/:owner/:repo' }).click();
    await page.getByTestId('profile-detail').waitFor();
    const canvas = page.getByTestId('flame-canvas');
    await eventually('the flame graph drawn', async () => (Number(await canvas.getAttribute('data-drawn')) > 0 ? true : undefined));

    // Hover the widest box below the roots: its function, location, self and total.
    const wide = flame.nodes.reduce((best, n, i) => (n.d === 2 && n.t > (flame.nodes[best]?.t ?? 0) ? i : best), -1);
    assert.ok(wide >= 0, 'the profile has a third level');
    const node = flame.nodes[wide]!;
    const frame = flame.frames[node.f]!;
    const at = await boxCenter(page, flame, wide);
    await page.mouse.move(at.x, at.y);
    const tip = page.getByTestId('flame-tip');
    await tip.waitFor();
    const text = (await tip.textContent()) ?? '';
    assert.ok(text.includes(frame.function), `tooltip ${text} names ${frame.function}`);
    if (frame.file) assert.ok(text.includes(frame.file), `tooltip ${text} has the file`);
    assert.match(text, /self .+ total .+%/);
    assert.ok(text.includes(frame.inApp ? 'in-app' : 'library'));
    await screenshot(page, 'profile-flamegraph-hover');

    // Click zooms into it: its box spans the canvas, a child can be hovered.
    await page.mouse.click(at.x, at.y);
    await page.getByTestId('flame-zoom').getByText(frame.function).waitFor();
    const child = flame.nodes.findIndex((n, i) => i > wide && n.d === node.d + 1 && n.x >= node.x && n.x + n.t <= node.x + node.t);
    if (child >= 0) {
      const c = await boxCenter(page, flame, child, wide);
      await page.mouse.move(c.x, c.y);
      await tip.getByText(flame.frames[flame.nodes[child]!.f]!.function, { exact: true }).waitFor();
    }
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    await page.getByTestId('flame-zoom').waitFor({ state: 'detached' });

    // Search highlights the frames whose function or file matches.
    const needle = 'sentry';
    const want = flame.nodes.filter((n) => {
      const f = flame.frames[n.f]!;
      return f.function.toLowerCase().includes(needle) || (f.file ?? '').toLowerCase().includes(needle);
    }).length;
    assert.ok(want > 0);
    await page.getByLabel('Search frames').fill(needle);
    await page.getByTestId('flame-matches').getByText(`${want} frames match`).waitFor();
    await screenshot(page, 'profile-flamegraph');
    // The heaviest function's row highlights it.
    const top = flame.frames[flame.functions[0]!.f]!.function;
    await page.getByTestId('heavy-row').first().getByRole('button', { name: top }).click();
    assert.equal(await page.getByLabel('Search frames').inputValue(), top);
    assert.deepEqual(errors, []);
  });

  test('a profile of two threads: the thread picker shows the other thread\'s flame graph', async () => {
    const traceId = hex(16);
    const profile = {
      event_id: hex(16), timestamp: new Date().toISOString(), platform: 'python', version: '1',
      transaction: { name: 'two threads', id: hex(16), trace_id: traceId, active_thread_id: '1' },
      profile: {
        frames: [{ function: 'main_loop', abs_path: '/srv/app.py' }, { function: 'worker_job', abs_path: '/srv/jobs.py' }],
        stacks: [[0], [1]],
        samples: [0, 1, 2].flatMap((i) => [
          { elapsed_since_start_ns: String(i * 1e7), stack_id: 0, thread_id: '1' },
          { elapsed_since_start_ns: String(i * 1e7), stack_id: 1, thread_id: '2' },
        ]),
        thread_metadata: { '1': { name: 'MainThread' }, '2': { name: 'worker' } },
      },
    };
    await postEnvelope(sidecar.url, [JSON.stringify({}), '{"type":"profile"}', JSON.stringify(profile), ''].join('\n'));
    const p = await eventually('the two-thread profile', async () => (await profileIds(sidecar)).find((x) => x.transaction === 'two threads'));
    await page.goto(`${sidecar.url}/profiles/${encodeURIComponent(p.id)}`);
    const rows = page.getByTestId('heavy-row');
    await rows.getByText('main_loop').waitFor();
    await page.getByLabel('Thread').selectOption('2');
    await rows.getByText('worker_job').waitFor();
    assert.equal(await rows.getByText('main_loop').count(), 0);
  });

  test('a span of a continuous profile shows the flame graph of its samples', async () => {
    await page.goto(`${sidecar.url}/traces/f1e2d3c4b5a6978012345678901234ab?span=span2345678901bc`);
    const section = page.getByTestId('span-flame');
    await section.getByText('Profile (6 samples)').waitFor();
    await page.getByTestId('trace-profile-link').waitFor();
    await screenshot(page, 'span-profile');
    await section.getByRole('link', { name: 'Open flame graph' }).click();
    await page.getByTestId('span-profile').waitFor();
    const sp = (await (await fetch(`${sidecar.url}/api/traces/f1e2d3c4b5a6978012345678901234ab/profile?spanId=span2345678901bc`)).json()) as { flame: Flame };
    const fns = (await page.getByTestId('heavy-row').allTextContents()).join(' ');
    assert.ok(fns.includes('viewDidLoad') && !fns.includes('AppDelegate'), `the span's functions only: ${fns}`);
    assert.equal(sp.flame.samples, 6);
  });

  test('AI calls: the Vercel AI SDK runs with model, tokens, the conversation and tool calls', async () => {
    await page.goto(`${sidecar.url}/ai`);
    const rows = page.getByTestId('ai-row');
    await eventually('three AI runs', async () => ((await rows.count()) === 3 ? true : undefined));
    assert.equal(await rows.filter({ hasText: 'gpt-4.1-nano-2025-04-14' }).count(), 3);
    await rows.filter({ hasText: '253 in / 17 out' }).waitFor();
    await screenshot(page, 'ai-calls');
    await rows.filter({ hasText: '253 in / 17 out' }).click();
    const detail = page.getByTestId('ai-detail');
    await detail.waitFor();
    const roles = await detail.getByTestId('ai-message').evaluateAll((els) => els.map((e) => e.getAttribute('data-role')));
    assert.deepEqual(roles, ['system', 'user', 'assistant', 'tool', 'assistant', 'tool', 'assistant']);
    await detail.getByTestId('ai-message').filter({ hasText: 'weather in sf' }).waitFor();
    await detail.getByTestId('ai-message').last().getByText(/sunny with a temperature of 25°F/).waitFor();
    await detail.getByTestId('ai-message').filter({ hasText: 'calls getWeather' }).waitFor();
    const tools = detail.getByTestId('ai-tool-call');
    assert.equal(await tools.count(), 2);
    await tools.filter({ hasText: 'getLocation' }).getByText(/San Francisco/).first().waitFor();
    await tools.filter({ hasText: 'getWeather' }).getByText(/25°F and Sunny/).waitFor();
    const summary = await detail.getByTestId('ai-summary').textContent();
    assert.match(summary ?? '', /gpt-4\.1-nano-2025-04-14.*openai\.chat.*253 in \/ 17 out.*\$/);
    await screenshot(page, 'ai-conversation');

    // The enclosing trace is one click away; its AI spans are marked, with the same summary.
    await detail.getByTestId('ai-trace-link').getByRole('link').click();
    await page.getByTestId('trace-detail').waitFor();
    await page.getByTestId('span-panel').getByTestId('ai-summary').getByText('253 in / 17 out').waitFor();
    // The waterfall is virtual: scroll to its end, where the /api/chat requests are.
    await page.getByRole('listbox', { name: 'Spans' }).evaluate((el) => {
      for (let e: HTMLElement | null = el as HTMLElement; e; e = e.parentElement) if (e.scrollHeight > e.clientHeight + 1) return void (e.scrollTop = e.scrollHeight);
    });
    await page.getByTestId('span-row').filter({ hasText: 'ai.streamText.doStream' }).first().getByTestId('ai-badge').getByText('AI call').waitFor();
    await screenshot(page, 'ai-span');
    assert.deepEqual(errors, []);
  });

  test('render time of the flame graph: the largest fixture and 100,000 samples', async () => {
    await postEnvelope(sidecar.url, syntheticProfile(100_000));
    const profiles = await eventually('the synthetic profile', async () => (await profileIds(sidecar)).find((p) => p.transaction === 'synthetic 100k'));
    for (const [label, id] of [
      ['browser JS fixture (368 samples)', (await profileIds(sidecar)).find((p) => p.transaction === '/:provider/:owner/:repo')!.id],
      ['synthetic (100,000 samples)', profiles.id],
    ] as const) {
      const t0 = Date.now();
      await page.goto(`${sidecar.url}/profiles/${encodeURIComponent(id)}`);
      const canvas = page.getByTestId('flame-canvas');
      await eventually('drawn', async () => (Number(await canvas.getAttribute('data-drawn')) > 0 ? true : undefined), 60_000);
      const shown = Date.now() - t0;
      const first = Number(await canvas.getAttribute('data-render-ms'));
      // Redraws (search, zoom) after the first paint.
      await page.getByLabel('Search frames').fill('fn1');
      await page.getByTestId('flame-matches').waitFor();
      const redraw = Number(await canvas.getAttribute('data-render-ms'));
      const d = await profileDetail(sidecar, id);
      console.log(`flame graph ${label}: ${d.flame.nodes.length} boxes, ${await canvas.getAttribute('data-drawn')} drawn; canvas draw ${first} ms, redraw on search ${redraw} ms; page open to drawn ${shown} ms`);
      assert.equal(d.flame.samples, d.sampleCount);
    }
  });
});
