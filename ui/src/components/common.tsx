// Small shared pieces: ANSI text, level badges, key/value tables, search boxes.

import { memo, type CSSProperties, type ReactNode } from 'react';
import { parseAnsi, type AnsiStyle } from '../lib/ansi';
import { displayValue } from '../lib/format';
import { Link } from '../context';

function ansiProps(s: AnsiStyle): { className: string; style: CSSProperties } {
  const cls: string[] = [];
  const style: CSSProperties = {};
  if (typeof s.fg === 'number') cls.push(`ansi-fg-${s.fg}`);
  else if (s.fg) style.color = s.fg;
  if (typeof s.bg === 'number') cls.push(`ansi-bg-${s.bg}`);
  else if (s.bg) style.backgroundColor = s.bg;
  if (s.bold) cls.push('ansi-bold');
  if (s.dim) cls.push('ansi-dim');
  if (s.italic) cls.push('ansi-italic');
  if (s.underline) cls.push('ansi-underline');
  return { className: cls.join(' '), style };
}

/** Text with ANSI colour codes rendered as colour; the text itself is never parsed as HTML. */
export const AnsiText = memo(function AnsiText({ text }: { text: string }) {
  if (!text.includes('\u001b')) return <>{text}</>;
  return (
    <>
      {parseAnsi(text).map((seg, i) => {
        const { className, style } = ansiProps(seg.style);
        return className || Object.keys(style).length > 0 ? (
          <span key={i} className={className} style={style}>
            {seg.text}
          </span>
        ) : (
          <span key={i}>{seg.text}</span>
        );
      })}
    </>
  );
});

export function LevelBadge({ level }: { level: string }) {
  return <span className={`level level-${level}`}>{level}</span>;
}

export function KeyValueTable({ data, label }: { data: Record<string, unknown>; label: string }) {
  return <EntriesTable entries={Object.entries(data)} label={label} />;
}

/** Key/value pairs as the API sends them (tags, frame variables, headers). */
export function TagTable({ tags, label }: { tags: readonly { key: string; value: string }[]; label: string }) {
  return <EntriesTable entries={tags.map((t) => [t.key, t.value])} label={label} />;
}

/** Typed attributes of a log or span. */
export function AttributeTable({ attributes, label }: { attributes: readonly { key: string; value: unknown }[]; label: string }) {
  return <EntriesTable entries={attributes.map((a) => [a.key, a.value])} label={label} />;
}

function EntriesTable({ entries, label }: { entries: [string, unknown][]; label: string }) {
  const shown = entries.filter(([, v]) => v !== undefined);
  if (shown.length === 0) return null;
  return (
    <table className="kv" aria-label={label}>
      <tbody>
        {shown.map(([k, v], i) => (
          <tr key={`${i}:${k}`}>
            <th scope="row">{k}</th>
            <td>
              {v !== null && typeof v === 'object' ? <pre className="json">{JSON.stringify(v, null, 2)}</pre> : displayValue(v)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="section" aria-labelledby={id ? `${id}-h` : undefined}>
      <h2 id={id ? `${id}-h` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

export function SearchBox(p: { value: string; onChange(v: string): void; label: string; placeholder?: string; wide?: boolean }) {
  return (
    <input
      type="search"
      className={p.wide ? 'search search-wide' : 'search'}
      aria-label={p.label}
      placeholder={p.placeholder ?? p.label}
      value={p.value}
      onChange={(e) => p.onChange(e.target.value)}
    />
  );
}

export function Select<T extends string>(p: { value: T; onChange: (v: T) => void; label: string; options: readonly { value: NoInfer<T>; label: string }[] }) {
  return (
    <label className="select">
      <span className="visually-hidden">{p.label}</span>
      <select aria-label={p.label} value={p.value} onChange={(e) => p.onChange(e.target.value as T)}>
        {p.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The link from a detail view back to its list. */
export function BackLink(p: { to: string; label: string }) {
  return (
    <p>
      <Link to={p.to}>← {p.label}</Link>
    </p>
  );
}

/** A detail view whose record is loading, not (or no longer) in the buffer, or failed: deep links land here until it arrives. */
export function NotInBuffer(p: { back: string; backLabel: string; status: 'loading' | 'ok' | 'missing' | 'error'; error?: string; children: ReactNode }) {
  return (
    <div className="view padded">
      <BackLink to={p.back} label={p.backLabel} />
      <p role="status">{p.status === 'loading' ? 'Loading…' : p.status === 'error' ? `Could not load it: ${p.error ?? 'unknown error'}` : p.children}</p>
    </div>
  );
}
