// The stack of an error: its exception chain, each exception's frames with
// in-app frames highlighted and runs of library frames folded, and the
// context lines and local variables the SDK sent.

import { useMemo, useState } from 'react';
import { Section, TagTable } from './common';
import type { Exception, Frame } from '../api/types';

/** The exception chain, the one raised last first; or the message's stack. */
export function Exceptions({ exceptions, frames }: { exceptions: readonly Exception[]; frames?: readonly Frame[] }) {
  if (exceptions.length === 0) {
    return frames && frames.length > 0 ? (
      <Section title="Stack trace">
        <Frames frames={frames} />
      </Section>
    ) : null;
  }
  // The server lists the chain as sent, oldest first; the one raised last leads.
  const chain = [...exceptions].reverse();
  return (
    <Section title={chain.length > 1 ? `Exceptions (${chain.length}, most recent first)` : 'Exception'}>
      {chain.map((ex, i) => (
        <ExceptionBlock key={i} ex={ex} cause={i > 0} />
      ))}
    </Section>
  );
}

function ExceptionBlock({ ex, cause }: { ex: Exception; cause: boolean }) {
  const mech = ex.mechanism;
  const frames = ex.frames ?? [];
  return (
    <div className="exception" data-testid="exception">
      <h3>
        {cause && <span className="muted">caused by </span>}
        <span className="exc-type">{ex.type || 'Error'}</span>
        {ex.value ? `: ${ex.value}` : ''}
      </h3>
      {mech?.type && (
        <p className="muted small">
          mechanism: {mech.type}
          {mech.handled === false ? ' · unhandled' : mech.handled === true ? ' · handled' : ''}
        </p>
      )}
      {frames.length > 0 ? <Frames frames={frames} /> : <p className="muted">No stack trace was sent.</p>}
    </div>
  );
}

type FrameBlock = { kind: 'app'; frame: Frame } | { kind: 'lib'; frames: Frame[] };

/** Frames, most recent call first, with runs of library frames folded. */
function Frames({ frames }: { frames: readonly Frame[] }) {
  const blocks = useMemo(() => {
    const out: FrameBlock[] = [];
    const ordered = [...frames].reverse();
    const anyInApp = ordered.some((f) => f.inApp === true);
    for (const frame of ordered) {
      // Without any in-app frame, show them all rather than fold everything.
      if (frame.inApp === true || !anyInApp) {
        out.push({ kind: 'app', frame });
        continue;
      }
      const last = out.at(-1);
      if (last?.kind === 'lib') last.frames.push(frame);
      else out.push({ kind: 'lib', frames: [frame] });
    }
    return out;
  }, [frames]);
  const firstApp = blocks.find((b) => b.kind === 'app');
  return (
    <ol className="frames" aria-label="Stack frames">
      {blocks.map((b, i) =>
        b.kind === 'app' ? <FrameRow key={i} frame={b.frame} inApp={b.frame.inApp === true} initiallyOpen={b === firstApp} /> : <LibraryFrames key={i} frames={b.frames} />,
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
  const hasDetail = frame.contextLine !== undefined || (frame.vars?.length ?? 0) > 0;
  const [open, setOpen] = useState(initiallyOpen && hasDetail);
  const file = frame.filename || frame.absPath || frame.module || frame.instructionAddr || '<unknown>';
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
          {frame.contextLine !== undefined && <ContextLines frame={frame} />}
          {frame.vars && frame.vars.length > 0 && <TagTable tags={frame.vars} label="Local variables" />}
        </div>
      )}
    </li>
  );
}

function ContextLines({ frame }: { frame: Frame }) {
  const pre = frame.preContext ?? [];
  const post = frame.postContext ?? [];
  const line = frame.lineno ?? pre.length + 1;
  const rows = [
    ...pre.map((t, i) => ({ n: line - pre.length + i, t, cur: false })),
    { n: line, t: frame.contextLine ?? '', cur: true },
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
