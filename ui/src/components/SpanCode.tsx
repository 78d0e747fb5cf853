// Code that spans and logs point at: a database span's query, formatted and
// highlighted, and the source location in code.* attributes (OpenTelemetry's
// code.filepath / code.lineno, or the newer code.file.path /
// code.line.number), with the editor one click away.

import { useEffect, useState } from 'react';
import { CodeBlock } from './Code';
import { CopyPath, OpenInEditor } from './CodeActions';
import { isLocalFile } from '../lib/files';
import { formatSQL, isSQL } from '../lib/sql';
import type { Attribute } from '../api/types';

function attr(list: readonly Attribute[] | undefined, ...keys: string[]): unknown {
  for (const k of keys) {
    const a = list?.find((x) => x.key === k);
    if (a && a.value !== undefined && a.value !== null && a.value !== '') return a.value;
  }
  return undefined;
}

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

/** A database span's query, formatted for its database; nothing for other spans. */
export function SpanQuery({ op, name, data }: { op?: string; name?: string; data?: readonly Attribute[] }) {
  const system = text(attr(data, 'db.system.name', 'db.system'));
  const query = text(attr(data, 'db.query.text', 'db.statement')) ?? name ?? '';
  if (query === '' || !isSQL(op, system, query)) return null;
  return (
    <>
      <h3>Query</h3>
      <FormattedSQL query={query} system={system} />
    </>
  );
}

/** SQL formatted for its database (sql-formatter, loaded on first use) and highlighted. */
export function FormattedSQL({ query, system }: { query: string; system?: string }) {
  const [formatted, setFormatted] = useState<{ query: string; text: string } | null>(null);
  useEffect(() => {
    let live = true;
    formatSQL(query, system).then((t) => live && setFormatted({ query, text: t }));
    return () => {
      live = false;
    };
  }, [query, system]);
  return <CodeBlock text={formatted?.query === query ? formatted.text : query} lang="sql" label="SQL query" />;
}

/** The code location a span or log names, with open-in-editor and copy-path buttons. */
export function CodeLocation({ attributes, instance }: { attributes?: readonly Attribute[]; instance?: string }) {
  const file = text(attr(attributes, 'code.file.path', 'code.filepath'));
  if (!file) return null;
  const line = num(attr(attributes, 'code.line.number', 'code.lineno'));
  const column = num(attr(attributes, 'code.column.number', 'code.column'));
  const fn = text(attr(attributes, 'code.function.name', 'code.function'));
  return (
    <p className="code-location" data-testid="code-location">
      {fn && <span className="frame-fn">{fn} </span>}
      <span className="mono">
        {file}
        {line ? `:${line}` : ''}
      </span>{' '}
      {isLocalFile(file) && <OpenInEditor target={{ file, line, column, instance }} />}
      <CopyPath path={file} />
    </p>
  );
}
