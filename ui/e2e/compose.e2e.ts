// `spotlight run` in a Docker Compose project, seen in the browser: the
// Control Center card says docker-compose, and the containers' lines are
// logs naming their service and container. The docker daemon cannot run
// here: a stand-in `docker` on PATH prints what `docker compose up` would.

import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ccEnv, eventually, freePort, launchBrowser, newPage, removeDir, spotlightBin, startProcess, startSidecar, tempDir, type Proc, type Sidecar } from './harness';
import type { Instance } from '../src/types';

// Answers `docker compose version`, prints two services' lines as compose
// does, then waits for Ctrl+C (SIGINT), which compose answers with 130.
const standIn = `#!/bin/sh
[ "$2" = version ] && { echo "Docker Compose version v2"; exit 0; }
echo "Attaching to api-1, web-1"
echo "web-1  | GET / 200 in 12ms"
echo "api-1  | listening on :8080"
trap 'exit 130' INT
while :; do sleep 1; done
`;

describe('Docker Compose under spotlight run', () => {
  let cc: Sidecar;
  let run: Proc;
  let port: number;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const dirs: string[] = [];

  before(async () => {
    cc = await startSidecar();
    const bin = tempDir('spotlight-docker-');
    const project = tempDir('spotlight-compose-');
    dirs.push(bin, project);
    writeFileSync(join(bin, 'docker'), standIn);
    chmodSync(join(bin, 'docker'), 0o755);
    writeFileSync(join(project, 'compose.yml'), 'name: shop\nservices:\n  web:\n    image: nginx\n  api:\n    image: node\n');
    port = await freePort();
    run = startProcess(
      spotlightBin(),
      ['run', '-p', String(port)],
      { ...ccEnv(cc.registryDir, cc.port), PATH: `${bin}:${process.env.PATH}`, SPOTLIGHT_DOCKER_HOST_IP: '127.0.0.2', COMPOSE_FILE: '' },
      project,
    );
    browser = await launchBrowser();
    page = await newPage(browser, pageErrors);
  });

  after(async () => {
    await run?.stop('SIGTERM');
    await browser?.close();
    await cc?.stop();
    for (const d of dirs) removeDir(d);
  });

  test('the Control Center card says docker-compose', async () => {
    const inst = await eventually(`the compose instance to register (output: ${run.output()})`, async () => {
      const res = await fetch(`${cc.url}/api/instances?all=1`);
      return ((await res.json()) as Instance[]).find((i) => i.port === port && i.status === 'healthy');
    });
    assert.equal(inst.detectedType, 'docker-compose');
    assert.equal(inst.projectName, 'shop');
    await page.goto(`${cc.url}/instances`);
    const card = page.locator(`[data-testid=instance-card][data-port="${port}"]`);
    await card.getByTestId('detected-type').getByText('docker-compose', { exact: true }).waitFor();
    assert.match(await card.innerText(), /docker compose -f compose\.yml -f \S+spotlight\.compose\.yaml up/);
  });

  test('container lines are logs with service.name and container.name', async () => {
    await page.goto(`http://localhost:${port}/logs`);
    const web = page.getByTestId('log-row').filter({ hasText: 'GET / 200 in 12ms' });
    await web.waitFor();
    const text = await web.innerText();
    assert.match(text, /service\.name=\s*web/);
    assert.match(text, /container\.name=\s*shop-web-1/);
    assert.doesNotMatch(text, /web-1 {2}\|/, 'the compose prefix is not part of the body');
    const api = page.getByTestId('log-row').filter({ hasText: 'listening on :8080' });
    assert.match(await api.innerText(), /service\.name=\s*api/);
    const own = page.getByTestId('log-row').filter({ hasText: 'Attaching to api-1, web-1' });
    assert.match(await own.innerText(), /compose\.project=\s*shop/);
    assert.deepEqual(pageErrors, []);
  });

  test('stopping spotlight stops compose with SIGINT and passes on its exit code', async () => {
    await run.stop('SIGTERM');
    assert.equal(run.child.exitCode, 130, run.output());
  });
});
