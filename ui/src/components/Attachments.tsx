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

function inlineKind(a: Attachment): 'image' | 'text' | 'none' {
  if (a.size > INLINE_MAX_BYTES) return 'none';
  const ct = (a.contentType ?? '').toLowerCase();
  if (ct.startsWith('image/')) return 'image';
  if (ct.startsWith('text/') || /json|xml|csv|yaml|javascript/.test(ct)) return 'text';
  return 'none';
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
          Download
        </a>{' '}
        <a href={envelopeHref} download={`envelope-${a.envelopeId}.txt`}>
          Download envelope
        </a>
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
