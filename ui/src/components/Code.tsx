// Source shown with line numbers, the current line marked, and syntax
// highlighting once its grammar has loaded (plain text until then, or for a
// language without a grammar).

import { memo, useEffect, useState } from 'react';
import { highlightLines, type Line } from '../lib/highlight';

export interface CodeRow {
  n: number;
  text: string;
  current?: boolean;
}

/** Highlighted lines for code in lang; null while loading or without a grammar. */
export function useHighlighted(lines: readonly string[], lang: string | undefined): Line[] | null {
  const key = lines.join('\n');
  const [result, setResult] = useState<{ key: string; lines: Line[] } | null>(null);
  useEffect(() => {
    if (!lang) return;
    let live = true;
    highlightLines(key.split('\n'), lang).then(
      (hl) => live && setResult({ key: `${lang}\n${key}`, lines: hl }),
      () => undefined, // no grammar or it failed to load: plain text stays
    );
    return () => {
      live = false;
    };
  }, [key, lang]);
  return result && result.key === `${lang}\n${key}` ? result.lines : null;
}

export const Tokens = memo(function Tokens({ line }: { line: Line }) {
  return (
    <>
      {line.map((t, i) =>
        t.cls ? (
          <span key={i} className={t.cls}>
            {t.text}
          </span>
        ) : (
          <span key={i}>{t.text}</span>
        ),
      )}
    </>
  );
});

/** Numbered source lines, highlighted in lang when a grammar exists. */
export function CodeLines({ rows, lang, label }: { rows: readonly CodeRow[]; lang?: string; label: string }) {
  const hl = useHighlighted(
    rows.map((r) => r.text),
    lang,
  );
  return (
    <pre className="context code" aria-label={label} data-highlighted={hl ? lang : undefined}>
      {rows.map((r, i) => (
        <div key={r.n} className={r.current ? 'context-line current' : 'context-line'}>
          <span className="lineno">{r.n}</span>
          {hl?.[i] ? <Tokens line={hl[i]} /> : r.text}
        </div>
      ))}
    </pre>
  );
}

/** A block of code without line numbers (a formatted SQL query). */
export function CodeBlock({ text, lang, label }: { text: string; lang?: string; label: string }) {
  const lines = text.split('\n');
  const hl = useHighlighted(lines, lang);
  return (
    <pre className="code-block" aria-label={label} data-highlighted={hl ? lang : undefined}>
      {lines.map((l, i) => (
        <div key={i}>{hl?.[i] ? <Tokens line={hl[i]} /> : l || '\u00a0'}</div>
      ))}
    </pre>
  );
}
