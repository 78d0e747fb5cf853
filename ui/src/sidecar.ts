// Where the sidecar is, and the calls that are not about events. The page's
// own origin is "home"; `?instance=<port>` points every event call (API,
// feed, clear, envelope downloads) at http://localhost:<port> instead. The
// Control Center API is always asked of home, which watches the registry.

import type { CurrentInfo, Instance } from './types';
import { getJson, HttpError, request } from './api/http';

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

/** Base URL for event calls: '' (same origin) for home. */
export function sidecarBase(instancePort: number | null): string {
  return instancePort === null ? '' : `http://localhost:${instancePort}`;
}

export async function healthy(base: string): Promise<boolean> {
  try {
    await request(`${base}/health`);
    return true;
  } catch {
    return false;
  }
}

export function fetchCurrent(base: string): Promise<CurrentInfo> {
  return getJson<CurrentInfo>(`${base}/api/instances/current`);
}

export async function fetchInstances(): Promise<Instance[]> {
  const list = await getJson<unknown>('/api/instances?all=1');
  if (!Array.isArray(list)) throw new HttpError('GET /api/instances: the answer is not a list', 200);
  return list as Instance[];
}

export interface TerminateResult {
  [key: string]: unknown;
}

export function terminateInstance(id: string): Promise<TerminateResult> {
  return request(`/api/instances/${encodeURIComponent(id)}/terminate`, { method: 'POST' }, (r) => r.json() as Promise<TerminateResult>);
}

/** The view of home's merged copy named by `?instance=`: 'all' or an instance id; null otherwise. */
export function copyFromSearch(search: string): string | null {
  const raw = new URLSearchParams(search).get('instance');
  if (raw === 'all' || raw === 'home') return raw;
  return raw !== null && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(raw) ? raw : null;
}

/** Hides an ended instance and its events from the Control Center. */
export async function dismissInstance(id: string): Promise<void> {
  await request(`/api/instances/${encodeURIComponent(id)}/dismiss`, { method: 'POST' });
}
