// Shared pieces of the end-to-end tests: the real spotlight binary on a free
// port with a private registry, real envelopes, a real headless Chromium,
// and polling with a deadline (never sleeping to synchronise).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Instance } from '../src/types';

export const uiDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(uiDir, '..');
export const screenshotsDir = join(repoRoot, 'docs', 'screenshots');
export const sdkApp = join(uiDir, 'e2e', 'sdk-app.mjs');

/**
 * Builds the sentry-go program of the event model's tests
 * (test/model/testdata/goapp: an error with a cause, a message with
 * AttachStacktrace, a transaction with nested spans, logs) into dir with the
 * Go toolchain that builds spotlight itself; returns its path.
 */
export async function buildSentryGoApp(dir: string): Promise<string> {
  const out = join(dir, 'goapp');
  await runToEnd(process.env.GO ?? 'go', ['build', '-o', out, './test/model/testdata/goapp'], {}, repoRoot);
  return out;
}

/** Runs a program to its end and returns its output; fails unless it exits 0. */
export async function runToEnd(cmd: string, args: string[], env: Record<string, string>, cwd?: string): Promise<string> {
  const proc = startProcess(cmd, args, env, cwd);
  // 'close' comes after the output has been read, unlike 'exit'.
  const code = await new Promise<number | null>((r) => proc.child.once('close', (c) => r(c)));
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${code}: ${proc.output()}`);
  return proc.output();
}

export function spotlightBin(): string {
  const bin = process.env.SPOTLIGHT_BIN;
  if (!bin || !existsSync(bin)) {
    throw new Error(`SPOTLIGHT_BIN must name the built spotlight binary (got ${JSON.stringify(bin)}); run \`make test-e2e\` or \`make build\` then SPOTLIGHT_BIN=$PWD/bin/spotlight npm run e2e`);
  }
  return resolve(bin);
}

/** The envelopes real SDKs sent, beside the repository (../shared/fixtures/envelopes). */
export function fixturesDir(): string {
  const dir = process.env.SPOTLIGHT_FIXTURES ?? resolve(repoRoot, '..', 'shared', 'fixtures', 'envelopes');
  if (!existsSync(dir)) {
    throw new Error(`${dir} is missing: the e2e tests need the SDK envelopes in ../shared/fixtures/envelopes beside the repository (or SPOTLIGHT_FIXTURES=<dir>)`);
  }
  return dir;
}

export function fixture(name: string): Buffer {
  return readFileSync(join(fixturesDir(), name));
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

/** Polls fn until it returns a truthy value, or fails with what it was waiting for. */
export async function eventually<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return dir;
}

export interface Proc {
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startProcess(cmd: string, args: string[], env: Record<string, string>, cwd?: string): Proc {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface Sidecar extends Proc {
  port: number;
  url: string;
  registryDir: string;
}

/** The Control Center environment: a private registry and this sidecar as the Control Center. */
export function ccEnv(registryDir: string, port: number): Record<string, string> {
  return { SPOTLIGHT_REGISTRY_DIR: registryDir, SPOTLIGHT_CONTROL_CENTER_URL: `http://localhost:${port}` };
}

export async function startSidecar(opts: { port?: number; registryDir?: string; args?: string[]; cwd?: string; env?: Record<string, string> } = {}): Promise<Sidecar> {
  const port = opts.port ?? (await freePort());
  const registryDir = opts.registryDir ?? join(tempDir('spotlight-e2e-'), 'registry');
  mkdirSync(registryDir, { recursive: true, mode: 0o700 });
  const proc = startProcess(spotlightBin(), ['--port', String(port), ...(opts.args ?? [])], { ...ccEnv(registryDir, port), ...opts.env }, opts.cwd);
  const url = `http://localhost:${port}`;
  await eventually(`the sidecar on port ${port} to answer /health (output: ${proc.output()})`, async () => (await fetch(`${url}/health`)).ok);
  return { ...proc, port, url, registryDir };
}

export async function postEnvelope(url: string, body: Buffer | string): Promise<void> {
  const res = await fetch(`${url}/stream`, { method: 'POST', headers: { 'Content-Type': 'application/x-sentry-envelope' }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  if (!res.ok) throw new Error(`POST ${url}/stream: ${res.status} ${await res.text()}`);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page that records uncaught page errors and Content-Security-Policy violations, for the test to fail on. */
export async function newPage(browser: Browser, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/.test(m.text())) errors.push(m.text());
  });
  return page;
}

/**
 * Writes docs/screenshots/<name>.png, only when asked (SCREENSHOTS=1, as
 * `make screenshots` does): they change on every run (times, ports, temporary
 * paths), and a plain test run must leave the git tree clean.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`) });
}

/** The fields of /proc/<pid>/stat after the command name (state, ppid, pgrp, …), or undefined once it is gone. */
function procStat(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** True once the process is gone (or a zombie, which no longer runs). */
export function processGone(pid: number): boolean {
  const stat = procStat(pid);
  return !stat || stat[0] === 'Z';
}

/**
 * True once no process of the group runs. kill(-pgid, 0) alone is not
 * enough: an orphan's zombie stays in its group until init reaps it, which
 * a container's init may never do.
 */
export function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return true;
  }
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .every((pid) => {
      const stat = procStat(pid);
      return !stat || stat[0] === 'Z' || stat[2] !== String(pgid);
    });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * WCAG 2.0/2.1 A and AA violations that axe-core finds on each URL once
 * `ready` is visible, in the given colour scheme. axe is injected as a
 * script, which the page's CSP rightly refuses, so this page bypasses it.
 */
export async function a11yViolations(browser: Browser, urls: string[], colorScheme: 'light' | 'dark', ready: string): Promise<string[]> {
  const ctx = await browser.newContext({ bypassCSP: true, colorScheme, viewport: { width: 1400, height: 900 } });
  try {
    const page = await ctx.newPage();
    const out: string[] = [];
    for (const url of urls) {
      await page.goto(url);
      await page.getByTestId('connection').getByText('Live').waitFor();
      await page.locator(ready).first().waitFor();
      await page.addScriptTag({ path: axePath });
      const found = await page.evaluate(async () => {
        type Result = { violations: { id: string; nodes: { target: string[] }[] }[] };
        const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<Result> } }).axe;
        const r = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
        return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      out.push(...found.map((f) => `${colorScheme} ${url}: ${f}`));
    }
    return out;
  } finally {
    await ctx.close();
  }
}

/** A `spotlight run` of a Node.js script registered with a Control Center. */
export interface Run {
  label: string;
  proc: Proc;
  dir: string;
  instance: Instance;
}

export async function listInstances(cc: Sidecar): Promise<Instance[]> {
  const res = await fetch(`${cc.url}/api/instances?all=1`);
  if (!res.ok) throw new Error(`GET /api/instances: ${res.status}`);
  return (await res.json()) as Instance[];
}

/**
 * `spotlight run node <script> <args>` (default: sdk-app.mjs) in a project
 * named after label, registered with the Control Center `cc`; resolves once
 * `cc` lists it healthy.
 */
export async function startRun(cc: Sidecar, label: string, script = sdkApp, args: string[] = []): Promise<Run> {
  const dir = tempDir(`spotlight-${label}-`);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: label, private: true }));
  const proc = startProcess(spotlightBin(), ['run', process.execPath, script, ...args], { ...ccEnv(cc.registryDir, cc.port), APP_LABEL: label }, dir);
  const instance = await eventually(`${label} to register as healthy (output: ${proc.output()})`, async () =>
    (await listInstances(cc)).find((i) => i.projectName === label && i.status === 'healthy' && i.childPid),
  );
  return { label, proc, dir, instance };
}

/**
 * Ends a run of startRun and removes its directory: a SIGSTOPped spotlight
 * is continued first so that it can stop, and a child it left behind (an
 * orphan) is killed.
 */
export async function stopRun(r: Run): Promise<void> {
  if (r.proc.child.exitCode === null && r.proc.child.signalCode === null) r.proc.child.kill('SIGCONT');
  await r.proc.stop();
  if (r.instance.childPid && !processGone(r.instance.childPid)) process.kill(r.instance.childPid, 'SIGKILL');
  removeDir(r.dir);
}

/** Stops a sidecar of startSidecar and removes the temporary directory of its default registry. */
export async function stopSidecar(cc: Sidecar): Promise<void> {
  await cc.stop();
  removeDir(dirname(cc.registryDir));
}

export interface Proxy {
  port: number;
  url: string;
  /** Cuts every open connection and refuses new ones, until resume(). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP relay to a sidecar: a page loaded through it loses its connections
 * when the test says so, while the sidecar keeps running (a network drop,
 * not a restart).
 */
export async function startProxy(targetPort: number): Promise<Proxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const listen = () =>
    new Promise<void>((ok, fail) => {
      const srv = createServer((client) => {
        const upstream = connect(targetPort, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      srv.once('error', fail);
      srv.listen(port, '127.0.0.1', () => ok());
      server = srv;
    });
  const stop = () =>
    new Promise<void>((ok) => {
      for (const s of sockets) s.destroy();
      if (server) server.close(() => ok());
      else ok();
      server = null;
    });
  await listen();
  return { port, url: `http://localhost:${port}`, pause: stop, resume: listen, close: stop };
}
