// The stack of an error: its exception chain, each exception's frames with
// in-app frames highlighted and runs of library frames folded, and the
// context lines and local variables the SDK sent.

import { useMemo, useState } from 'react';
import { exceptionValues, obj, stackFrames, str } from '../store/ingest';
import { KeyValueTable, Section } from './common';
import type { ErrorEvent, ExceptionValue, Frame, Json, JsonObject } from '../types';

export function Exceptions({ event }: { event: ErrorEvent }) {
  const values = exceptionValues(event.payload);
  if (values.length === 0) {
    const frames = stackFrames(event.payload, undefined);
    return frames.length > 0 ? (
      <Section title="Stack trace">
        <Frames frames={frames} />
      </Section>
    ) : null;
  }
  // Sentry lists the chain oldest first; the one raised last leads.
  const chain = [...values].reverse();
  return (
    <Section title={chain.length > 1 ? `Exceptions (${chain.length}, most recent first)` : 'Exception'}>
      {chain.map((ex, i) => (
        <ExceptionBlock key={i} ex={ex} payload={event.payload} cause={i > 0} />
      ))}
    </Section>
  );
}

function ExceptionBlock({ ex, payload, cause }: { ex: ExceptionValue; payload: JsonObject; cause: boolean }) {
  const mech = obj(ex.mechanism as Json);
  const frames = stackFrames(payload, ex);
  return (
    <div className="exception" data-testid="exception">
      <h3>
        {cause && <span className="muted">caused by </span>}
        <span className="exc-type">{ex.type || 'Error'}</span>
        {ex.value ? `: ${ex.value}` : ''}
      </h3>
      {str(mech.type) && (
        <p className="muted small">
          mechanism: {str(mech.type)}
          {mech.handled === false ? ' · unhandled' : mech.handled === true ? ' · handled' : ''}
        </p>
      )}
      {frames.length > 0 ? <Frames frames={frames} /> : <p className="muted">No stack trace was sent.</p>}
    </div>
  );
}

type FrameBlock = { kind: 'app'; frame: Frame; index: number } | { kind: 'lib'; frames: { frame: Frame; index: number }[] };

/** Frames, most recent call first, with runs of library frames folded. */
function Frames({ frames }: { frames: Frame[] }) {
  const blocks = useMemo(() => {
    const out: FrameBlock[] = [];
    const ordered = [...frames].reverse();
    const anyInApp = ordered.some((f) => f.in_app === true);
    ordered.forEach((frame, index) => {
      // Without any in-app frame, show them all rather than fold everything.
      if (frame.in_app === true || !anyInApp) {
        out.push({ kind: 'app', frame, index });
        return;
      }
      const last = out.at(-1);
      if (last?.kind === 'lib') last.frames.push({ frame, index });
      else out.push({ kind: 'lib', frames: [{ frame, index }] });
    });
    return out;
  }, [frames]);
  const firstApp = blocks.find((b) => b.kind === 'app');
  return (
    <ol className="frames" aria-label="Stack frames">
      {blocks.map((b, i) =>
        b.kind === 'app' ? (
          <FrameRow key={i} frame={b.frame} inApp={b.frame.in_app === true} initiallyOpen={b === firstApp} />
        ) : (
          <LibraryFrames key={i} frames={b.frames.map((f) => f.frame)} />
        ),
      )}
    </ol>
  );
}

function LibraryFrames({ frames }: { frames: Frame[] }) {
  const [open, setOpen] = useState(false);
  return (
    <li className="lib-frames">
      <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide' : 'Show'} {frames.length} library frame{frames.length === 1 ? '' : 's'}
      </button>
      {open && (
        <ol className="frames">
          {frames.map((f, i) => (
            <FrameRow key={i} frame={f} inApp={false} initiallyOpen={false} />
          ))}
        </ol>
      )}
    </li>
  );
}

function FrameRow({ frame, inApp, initiallyOpen }: { frame: Frame; inApp: boolean; initiallyOpen: boolean }) {
  const hasDetail = Boolean(frame.context_line) || Object.keys(frame.vars ?? {}).length > 0;
  const [open, setOpen] = useState(initiallyOpen && hasDetail);
  const file = frame.filename || frame.abs_path || frame.module || '<unknown>';
  const loc = frame.lineno !== undefined ? `:${frame.lineno}${frame.colno !== undefined ? `:${frame.colno}` : ''}` : '';
  const title = (
    <>
      <span className="frame-fn">{frame.function || '<anonymous>'}</span>
      <span className="frame-file">
        {' '}
        {file}
        {loc}
      </span>
      {inApp && <span className="badge in-app-badge">in app</span>}
    </>
  );
  return (
    <li className={`frame${inApp ? ' in-app' : ''}`} data-testid="frame">
      {hasDetail ? (
        <button type="button" className="frame-head" aria-expanded={open} onClick={() => setOpen(!open)}>
          {title}
        </button>
      ) : (
        <div className="frame-head">{title}</div>
      )}
      {open && (
        <div className="frame-body">
          {frame.context_line !== undefined && <ContextLines frame={frame} />}
          {frame.vars && Object.keys(frame.vars).length > 0 && <KeyValueTable data={frame.vars} label="Local variables" />}
        </div>
      )}
    </li>
  );
}

function ContextLines({ frame }: { frame: Frame }) {
  const pre = frame.pre_context ?? [];
  const post = frame.post_context ?? [];
  const line = frame.lineno ?? pre.length + 1;
  const rows = [
    ...pre.map((t, i) => ({ n: line - pre.length + i, t, cur: false })),
    { n: line, t: frame.context_line ?? '', cur: true },
    ...post.map((t, i) => ({ n: line + 1 + i, t, cur: false })),
  ];
  return (
    <pre className="context" aria-label="Source context">
      {rows.map((r) => (
        <div key={r.n} className={r.cur ? 'context-line current' : 'context-line'}>
          <span className="lineno">{r.n}</span>
          {r.t}
        </div>
      ))}
    </pre>
  );
}
