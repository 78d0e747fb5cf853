// Buttons about code: open a file in the user's editor (the sidecar runs
// it), copy a file path, and copy an error as Markdown for a coding agent.
// Each says what happened, or why not, right beside it.

import { useState } from 'react';
import { useAppState } from '../context';
import { reasonOf, type OpenTarget } from '../api/source';

type Status = { ok: boolean; text: string } | null;

function StatusText({ status }: { status: Status }) {
  if (!status) return null;
  return (
    <span role="status" className={status.ok ? 'action-status ok' : 'action-status bad'}>
      {status.text}
    </span>
  );
}

export function OpenInEditor({ target, label = 'Open in editor' }: { target: OpenTarget; label?: string }) {
  const client = useAppState((s) => s.client());
  const [status, setStatus] = useState<Status>(null);
  const [busy, setBusy] = useState(false);
  const open = () => {
    setBusy(true);
    setStatus(null);
    client.open(target).then(
      () => setStatus({ ok: true, text: 'Opened' }),
      (e: unknown) => setStatus({ ok: false, text: reasonOf(e) }),
    ).finally(() => setBusy(false));
  };
  const where = `${target.file}${target.line ? `:${target.line}${target.column ? `:${target.column}` : ''}` : ''}`;
  return (
    <>
      <button type="button" className="small-button" onClick={open} disabled={busy} title={`Open ${where} in your editor`}>
        {label}
      </button>
      <StatusText status={status} />
    </>
  );
}

/** Copies text with the page's clipboard; the promise form keeps the click's permission across a fetch. */
async function copy(text: string | Promise<string>): Promise<void> {
  if (typeof ClipboardItem !== 'undefined' && navigator.clipboard?.write) {
    const blob = Promise.resolve(text).then((t) => new Blob([t], { type: 'text/plain' }));
    await navigator.clipboard.write([new ClipboardItem({ 'text/plain': blob })]);
    return;
  }
  await navigator.clipboard.writeText(await text);
}

export function CopyButton({ text, label, done = 'Copied' }: { text: () => string | Promise<string>; label: string; done?: string }) {
  const [status, setStatus] = useState<Status>(null);
  const onClick = () => {
    setStatus(null);
    copy(text()).then(
      () => setStatus({ ok: true, text: done }),
      (e: unknown) => setStatus({ ok: false, text: `Not copied: ${reasonOf(e)}` }),
    );
  };
  return (
    <>
      <button type="button" className="small-button" onClick={onClick}>
        {label}
      </button>
      <StatusText status={status} />
    </>
  );
}

export function CopyPath({ path }: { path: string }) {
  return <CopyButton text={() => path} label="Copy path" />;
}

/** Copy for AI: the error as the sidecar renders it for `tail -f md` and MCP. */
export function CopyForAI({ id }: { id: string }) {
  const client = useAppState((s) => s.client());
  return <CopyButton text={() => client.errorMarkdown(id)} label="Copy for AI" done="Copied as Markdown" />;
}
