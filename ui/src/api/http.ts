// Every request the UI makes goes through here: a time-out (a hung sidecar
// never leaves a spinner) and errors that say what failed and why.

/** Time-out for every request, so a hung sidecar never leaves a spinner. */
export const TIMEOUT_MS = 5000;

export class HttpError extends Error {
  /** The answer's status; 0 when there was no answer. */
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** Fetches url and reads its answer with `read`, both within the time-out. */
export async function request<T = Response>(url: string, init: RequestInit = {}, read: (res: Response) => Promise<T> = (r) => Promise.resolve(r as T)): Promise<T> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(url, { ...init, signal: ctl.signal });
    if (!res.ok) {
      const why = errorReason(await res.text());
      throw new HttpError(`${init.method ?? 'GET'} ${url}: ${res.status} ${res.statusText}${why ? ` — ${why}` : ''}`, res.status);
    }
    return await read(res);
  } catch (e) {
    if (e instanceof HttpError) throw e;
    const why = ctl.signal.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : String(e instanceof Error ? e.message : e);
    throw new HttpError(`${init.method ?? 'GET'} ${url} failed: ${why}`, 0);
  } finally {
    clearTimeout(timer);
  }
}

export function getJson<T>(url: string): Promise<T> {
  return request(url, {}, (r) => r.json() as Promise<T>);
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

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
