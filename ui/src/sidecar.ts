// Where the sidecar is and how to call it. The page's own origin is "home";
// `?instance=<port>` points every data call (stream, clear, envelope
// downloads) at http://localhost:<port> instead. The Control Center API is
// always asked of home, which watches the registry.

import type { CurrentInfo, Instance } from './types';

/** Time-out for every request the UI makes, so a hung sidecar never leaves a spinner. */
const TIMEOUT_MS = 5000;

export function homePort(loc: { port: string; protocol: string } = location): number {
  if (loc.port) return Number(loc.port);
  return loc.protocol === 'https:' ? 443 : 80;
}

/** The instance port from a query string; null for home or an invalid value. */
export function instanceFromSearch(search: string, home: number): number | null {
  const raw = new URLSearchParams(search).get('instance');
  if (raw === null || !/^\d{1,5}$/.test(raw)) return null;
  const port = Number(raw);
  if (port < 1 || port > 65535 || port === home) return null;
  return port;
}

/** Base URL for data calls: '' (same origin) for home. */
export function sidecarBase(instancePort: number | null): string {
  return instancePort === null ? '' : `http://localhost:${instancePort}`;
}

export class HttpError extends Error {}

async function request(url: string, init: RequestInit = {}): Promise<Response> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(url, { ...init, signal: ctl.signal });
    if (!res.ok) {
      const why = errorReason(await res.text());
      throw new HttpError(`${init.method ?? 'GET'} ${url}: ${res.status} ${res.statusText}${why ? ` — ${why}` : ''}`);
    }
    return res;
  } catch (e) {
    if (e instanceof HttpError) throw e;
    const why = ctl.signal.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : String(e instanceof Error ? e.message : e);
    throw new HttpError(`${init.method ?? 'GET'} ${url} failed: ${why}`);
  } finally {
    clearTimeout(timer);
  }
}

/** The reason in an error answer: the sidecar's {"error": "..."}, else the text itself (shortened). */
export function errorReason(body: string): string {
  try {
    const v: unknown = JSON.parse(body);
    if (v !== null && typeof v === 'object' && typeof (v as { error?: unknown }).error === 'string') return (v as { error: string }).error;
  } catch {
    // not JSON: a plain-text answer
  }
  return body.trim().slice(0, 300);
}

export async function clearSidecar(base: string): Promise<void> {
  await request(`${base}/clear`, { method: 'DELETE' });
}

export async function healthy(base: string): Promise<boolean> {
  try {
    await request(`${base}/health`);
    return true;
  } catch {
    return false;
  }
}

export async function fetchCurrent(base: string): Promise<CurrentInfo> {
  return (await request(`${base}/api/instances/current`)).json() as Promise<CurrentInfo>;
}

export async function fetchInstances(): Promise<Instance[]> {
  const list: unknown = await (await request('/api/instances?all=1')).json();
  if (!Array.isArray(list)) throw new HttpError('GET /api/instances: the answer is not a list');
  return list as Instance[];
}

export interface TerminateResult {
  [key: string]: unknown;
}

export async function terminateInstance(id: string): Promise<TerminateResult> {
  const res = await request(`/api/instances/${encodeURIComponent(id)}/terminate`, { method: 'POST' });
  return (await res.json()) as TerminateResult;
}

export function envelopeUrl(base: string, envelopeId: string): string {
  return `${base}/envelope/${encodeURIComponent(envelopeId)}`;
}
