// What the sidecar finds about an error's code (GET /api/errors/{id}/source),
// the error as Markdown for a coding agent (GET /api/errors/{id}/markdown,
// the renderer of `tail -f md` and MCP), and opening a file in the user's
// editor (POST /open). Shapes: docs/ARCHITECTURE.md.

import { getJson, HttpError, request } from './http';

export interface SourceLines {
  lineno: number;
  preContext: string[];
  contextLine: string;
  postContext: string[];
}

export interface MappedFrame {
  /** The original file, project-relative when it is a project file. */
  file: string;
  /** Its path on disk, when it is a project file (for the editor). */
  absPath?: string;
  line: number;
  column?: number;
  function?: string;
  /** Where the browser ran it: the frame as the SDK sent it. */
  generated: { file: string; line: number; column?: number };
}

export interface FrameSource {
  mapped?: MappedFrame;
  context?: SourceLines;
  absPath?: string;
  error?: string;
}

/** Per exception, per frame (as in ErrorDetail); null where nothing was needed. */
export interface ErrorSources {
  exceptions: (FrameSource | null)[][];
  frames: (FrameSource | null)[];
}

export function fetchErrorSources(base: string, id: string): Promise<ErrorSources> {
  return getJson(`${base}/api/errors/${encodeURIComponent(id)}/source`);
}

export function fetchErrorMarkdown(base: string, id: string): Promise<string> {
  return request(`${base}/api/errors/${encodeURIComponent(id)}/markdown`, {}, (r) => r.text());
}

export interface OpenTarget {
  file: string;
  line?: number;
  column?: number;
}

/** Opens the file in the user's editor; the error says why not (no editor, outside the project, ...). */
export async function openInEditor(base: string, target: OpenTarget): Promise<void> {
  await request(`${base}/open`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(target) });
}

/** The sidecar's reason alone, without the method and URL of the request. */
export function reasonOf(e: unknown): string {
  if (e instanceof HttpError) return e.message.replace(/^.*? — /, '');
  return e instanceof Error ? e.message : String(e);
}
