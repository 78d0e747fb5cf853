// Shapes of what the sidecar finds about an error's code
// (GET /api/errors/{id}/source) and of opening a file in the user's editor
// (POST /open); the calls are the Client's. Routes: docs/ARCHITECTURE.md.

import { HttpError } from './http';

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

export interface OpenTarget {
  file: string;
  line?: number;
  column?: number;
  /** The instance a record of the merged copy came from: the file is in its project. */
  instance?: string;
}

/** The sidecar's reason alone, without the method and URL of the request. */
export function reasonOf(e: unknown): string {
  if (e instanceof HttpError) return e.message.replace(/^.*? — /, '');
  return e instanceof Error ? e.message : String(e);
}
