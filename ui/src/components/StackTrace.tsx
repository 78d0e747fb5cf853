// The stack of an error: its exception chain, each exception's frames with
// in-app frames highlighted and runs of library frames folded, the context
// lines and local variables the SDK sent, and what the sidecar found for
// frames sent without code (lines from disk, original locations through
// source maps). Frames with a local file can be opened in the editor.

import { useMemo, useState } from 'react';
import { Section, TagTable } from './common';
import { CodeLines, type CodeRow } from './Code';
import { CopyPath, OpenInEditor } from './CodeActions';
import { isLocalFile, isLoopbackURL } from '../lib/files';
import { languageFor } from '../lib/highlight';
import type { Exception, Frame } from '../api/types';
import type { ErrorSources, FrameSource } from '../api/source';

/** The exception chain, the one raised last first; or the message's stack. */
export function Exceptions(p: { exceptions: readonly Exception[]; frames?: readonly Frame[]; sources?: ErrorSources; instance?: string }) {
  const { exceptions, frames, sources, instance } = p;
  if (exceptions.length === 0) {
    return frames && frames.length > 0 ? (
      <Section title="Stack trace">
        <Frames frames={frames} sources={sources?.frames} instance={instance} />
      </Section>
    ) : null;
  }
  // The server lists the chain as sent, oldest first; the one raised last leads.
  const chain = exceptions.map((ex, i) => ({ ex, sources: sources?.exceptions[i] })).reverse();
  return (
    <Section title={chain.length > 1 ? `Exceptions (${chain.length}, most recent first)` : 'Exception'}>
      {chain.map((c, i) => (
        <ExceptionBlock key={i} ex={c.ex} sources={c.sources} cause={i > 0} instance={instance} />
      ))}
    </Section>
  );
}

type FrameSources = readonly (FrameSource | null)[] | undefined;

function ExceptionBlock({ ex, sources, cause, instance }: { ex: Exception; sources: FrameSources; cause: boolean; instance?: string }) {
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
      {frames.length > 0 ? <Frames frames={frames} sources={sources} instance={instance} /> : <p className="muted">No stack trace was sent.</p>}
    </div>
  );
}

interface FrameItem {
  frame: Frame;
  source?: FrameSource;
  /** The instance the error came from, in the merged copy: its project holds the file. */
  instance?: string;
}

type FrameBlock = { kind: 'app'; item: FrameItem } | { kind: 'lib'; items: FrameItem[] };

/** Frames, most recent call first, with runs of library frames folded. */
function Frames({ frames, sources, instance }: { frames: readonly Frame[]; sources: FrameSources; instance?: string }) {
  const blocks = useMemo(() => {
    const out: FrameBlock[] = [];
    const ordered = frames.map((frame, i) => ({ frame, source: sources?.[i] ?? undefined, instance })).reverse();
    const anyInApp = ordered.some((f) => f.frame.inApp === true);
    for (const item of ordered) {
      // Without any in-app frame, show them all rather than fold everything.
      if (item.frame.inApp === true || !anyInApp) {
        out.push({ kind: 'app', item });
        continue;
      }
      const last = out.at(-1);
      if (last?.kind === 'lib') last.items.push(item);
      else out.push({ kind: 'lib', items: [item] });
    }
    return out;
  }, [frames, sources, instance]);
  const firstApp = blocks.find((b) => b.kind === 'app');
  return (
    <ol className="frames" aria-label="Stack frames">
      {blocks.map((b, i) =>
        b.kind === 'app' ? <FrameRow key={i} item={b.item} inApp={b.item.frame.inApp === true} initiallyOpen={b === firstApp} /> : <LibraryFrames key={i} items={b.items} />,
      )}
    </ol>
  );
}

function LibraryFrames({ items }: { items: FrameItem[] }) {
  const [open, setOpen] = useState(false);
  return (
    <li className="lib-frames">
      <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide' : 'Show'} {items.length} library frame{items.length === 1 ? '' : 's'}
      </button>
      {open && (
        <ol className="frames">
          {items.map((it, i) => (
            <FrameRow key={i} item={it} inApp={false} initiallyOpen={false} />
          ))}
        </ol>
      )}
    </li>
  );
}

const position = (line?: number, col?: number) => (line ? `:${line}${col ? `:${col}` : ''}` : '');

/** The code to show for a frame: the SDK's, else the original through a source map, else read from disk. */
function frameCode(frame: Frame, source: FrameSource | undefined): { rows: CodeRow[]; from: string } | null {
  const ctx = source?.context;
  if (ctx) {
    const rows = [
      ...ctx.preContext.map((text, i) => ({ n: ctx.lineno - ctx.preContext.length + i, text })),
      { n: ctx.lineno, text: ctx.contextLine, current: true },
      ...ctx.postContext.map((text, i) => ({ n: ctx.lineno + 1 + i, text })),
    ];
    return { rows, from: source.mapped ? 'original source, from the source map' : 'read from disk' };
  }
  if (frame.contextLine === undefined) return null;
  const pre = frame.preContext ?? [];
  const post = frame.postContext ?? [];
  const line = frame.lineno ?? pre.length + 1;
  return {
    rows: [
      ...pre.map((text, i) => ({ n: line - pre.length + i, text })),
      { n: line, text: frame.contextLine, current: true },
      ...post.map((text, i) => ({ n: line + 1 + i, text })),
    ],
    from: '',
  };
}

function FrameRow({ item, inApp, initiallyOpen }: { item: FrameItem; inApp: boolean; initiallyOpen: boolean }) {
  const { frame, source, instance } = item;
  const mapped = source?.mapped;
  const code = frameCode(frame, source);
  const hasDetail = code !== null || (frame.vars?.length ?? 0) > 0;
  // Source found by the sidecar arrives after the frame: open it then too.
  const [chosen, setOpen] = useState<boolean | null>(null);
  const open = chosen ?? (initiallyOpen && hasDetail);
  const [showGenerated, setShowGenerated] = useState(false);
  const sent = frame.absPath || frame.filename;
  const file = mapped ? mapped.file : frame.filename || frame.absPath || frame.module || frame.instructionAddr || '<unknown>';
  const loc = mapped ? position(mapped.line, mapped.column) : position(frame.lineno, frame.colno);
  const local = mapped ? mapped.absPath : (source?.absPath ?? (isLocalFile(sent) ? sent : undefined));
  const title = (
    <>
      <span className="frame-fn">{(mapped ? mapped.function : frame.function) || '<anonymous>'}</span>
      <span className="frame-file">
        {' '}
        {file}
        {loc}
      </span>
      {inApp && <span className="badge in-app-badge">in app</span>}
      {mapped && <span className="badge mapped-badge">source map</span>}
    </>
  );
  return (
    <li className={`frame${inApp ? ' in-app' : ''}`} data-testid="frame">
      <div className="frame-row">
        {hasDetail ? (
          <button type="button" className="frame-head" aria-expanded={open} onClick={() => setOpen(!open)}>
            {title}
          </button>
        ) : (
          <div className="frame-head">{title}</div>
        )}
        <span className="frame-actions">
          {mapped && (
            <button type="button" className="small-button" aria-expanded={showGenerated} onClick={() => setShowGenerated(!showGenerated)}>
              Generated
            </button>
          )}
          {local && <OpenInEditor target={{ file: local, line: mapped ? mapped.line : frame.lineno, column: mapped ? mapped.column : frame.colno, instance }} />}
          {(local ?? sent) && <CopyPath path={local ?? sent ?? ''} />}
        </span>
      </div>
      {!mapped && source?.error && isLoopbackURL(sent) && (
        <p className="frame-generated small" data-testid="unmapped-reason">
          not mapped: {source.error}
        </p>
      )}
      {mapped && showGenerated && (
        <p className="frame-generated small mono" data-testid="generated-location">
          generated: {mapped.generated.file}
          {position(mapped.generated.line, mapped.generated.column)}
        </p>
      )}
      {open && (
        <div className="frame-body">
          {code && (
            <>
              <CodeLines rows={code.rows} lang={languageFor(mapped?.file ?? sent, frame.platform)} label="Source context" />
              {code.from && <p className="muted small">{code.from}</p>}
            </>
          )}
          {!code && source?.error && mapped && <p className="muted small">{source.error}</p>}
          {frame.vars && frame.vars.length > 0 && <TagTable tags={frame.vars} label="Local variables" />}
        </div>
      )}
    </li>
  );
}
