// Attachments of an event: images and text shown inline from the bytes the
// sidecar serves (GET <contentUrl>, through the API client so another
// instance's sidecar is asked), everything downloadable.

import { useEffect, useState } from 'react';
import { useAppState } from '../context';
import { formatBytes } from '../lib/format';
import { messageOf } from '../api/http';
import { Section } from './common';
import type { Attachment } from '../api/types';

/** Larger attachments are only offered for download. */
const INLINE_MAX_BYTES = 4 << 20;
const TEXT_SHOWN_CHARS = 100_000;

export function Attachments({ list, envelopeId }: { list: readonly Attachment[]; envelopeId: string }) {
  const client = useAppState((s) => s.client());
  if (list.length === 0) return null;
  return (
    <Section title={`Attachments (${list.length})`}>
      {list.map((a) => (
        <AttachmentView key={a.id} a={a} envelopeHref={client.envelopeUrl(envelopeId)} />
      ))}
    </Section>
  );
}

type Content = { kind: 'none' } | { kind: 'image'; url: string } | { kind: 'text'; text: string } | { kind: 'error'; error: string };

/** Attachments sent without a useful content type are fetched this far to see if they are text. */
const SNIFF_MAX_BYTES = 1 << 20;

function inlineKind(a: Attachment): 'image' | 'text' | 'sniff' | 'none' {
  if (a.size > INLINE_MAX_BYTES) return 'none';
  const ct = (a.contentType ?? '').toLowerCase();
  if (ct.startsWith('image/')) return 'image';
  if (ct.startsWith('text/') || /json|xml|csv|yaml|javascript/.test(ct)) return 'text';
  if ((ct === '' || ct === 'application/octet-stream') && a.size <= SNIFF_MAX_BYTES) return 'sniff';
  return 'none';
}

/**
 * The text of bytes that are text: valid UTF-8 without NUL or other control
 * characters than tab, newline, carriage return and form feed (an SDK sends
 * a log file or notes.txt as application/octet-stream); null otherwise.
 */
export function sniffText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  return /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text) ? null : text;
}

function AttachmentView({ a, envelopeHref }: { a: Attachment; envelopeHref: string }) {
  const client = useAppState((s) => s.client());
  const [content, setContent] = useState<Content>({ kind: 'none' });
  const kind = inlineKind(a);
  useEffect(() => {
    if (kind === 'none') return;
    let url: string | undefined;
    let gone = false;
    client.content(a.contentUrl).then(
      async (blob) => {
        if (gone) return;
        if (kind === 'image') {
          url = URL.createObjectURL(blob);
          setContent({ kind: 'image', url });
        } else if (kind === 'sniff') {
          const text = sniffText(new Uint8Array(await blob.arrayBuffer()));
          if (!gone && text !== null) setContent({ kind: 'text', text });
        } else {
          const text = await blob.text();
          if (!gone) setContent({ kind: 'text', text });
        }
      },
      (e: unknown) => !gone && setContent({ kind: 'error', error: messageOf(e) }),
    );
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [client, a.contentUrl, kind]);
  return (
    <figure className="attachment" data-testid="attachment">
      <figcaption>
        <strong>{a.filename}</strong>{' '}
        <span className="muted small">
          {a.contentType ?? 'application/octet-stream'} · {formatBytes(a.size)}
        </span>{' '}
        <a href={`${client.base}${a.contentUrl}`} download={a.filename}>
          Download {a.filename}
        </a>{' '}
        <a href={envelopeHref} download={`envelope-${a.envelopeId}.txt`}>
          Download envelope
        </a>
        {a.truncated && (
          <span className="truncated" data-testid="truncated">
            {' '}
            Truncated: {formatBytes(a.truncated.received)} of the {formatBytes(a.truncated.length)} its header declared arrived.
          </span>
        )}
      </figcaption>
      {content.kind === 'image' && <img src={content.url} alt={a.filename} className="attachment-image" />}
      {content.kind === 'text' && (
        <pre className="attachment-text">{content.text.length > TEXT_SHOWN_CHARS ? `${content.text.slice(0, TEXT_SHOWN_CHARS)}\n… (truncated)` : content.text}</pre>
      )}
      {content.kind === 'error' && (
        <p className="muted" role="alert">
          Could not load the attachment: {content.error}
        </p>
      )}
    </figure>
  );
}
