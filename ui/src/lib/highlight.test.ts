import { describe, expect, it } from 'vitest';
import { highlightLines, languageFor } from './highlight';
import { formatSQL, isSQL, sqlDialect } from './sql';

describe('languageFor', () => {
  it('goes by extension, then platform', () => {
    expect(languageFor('/app/src/main.ts')).toBe('typescript');
    expect(languageFor('http://localhost:5173/src/App.tsx?t=123')).toBe('typescript');
    expect(languageFor('app.py')).toBe('python');
    expect(languageFor('main.go')).toBe('go');
    expect(languageFor('<anonymous>', 'node')).toBe('javascript');
    expect(languageFor('x.unknown')).toBeUndefined();
  });
});

describe('highlightLines', () => {
  it('keeps every line and its text, with classes on tokens', async () => {
    const src = ['function total(cart) {', '  /* a', '     b */ return "x";', '}'];
    const lines = await highlightLines(src, 'typescript');
    expect(lines.map((l) => l.map((t) => t.text).join(''))).toEqual(src);
    const tokens = lines.flat();
    expect(tokens.find((t) => t.text === 'function')?.cls).toContain('hljs-keyword');
    expect(tokens.find((t) => t.text === '"x"')?.cls).toContain('hljs-string');
    // The comment spans two lines and is a comment on both.
    expect(lines[2]![0]).toEqual({ text: '     b */', cls: 'hljs-comment' });
  });

  it('keeps empty lines', async () => {
    const lines = await highlightLines(['x = 1', '', 'y = 2'], 'python');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toEqual([]);
  });

  it('rejects a language it has no grammar for', async () => {
    await expect(highlightLines(['x'], 'cobol')).rejects.toThrow('no grammar');
  });
});

describe('SQL', () => {
  it('formats a query for the span’s database', async () => {
    const out = await formatSQL('select id, name from users where id = $1 and active = true', 'postgresql');
    expect(out).toBe('SELECT\n  id,\n  name\nFROM\n  users\nWHERE\n  id = $1\n  AND active = TRUE');
  });

  it('leaves what it cannot parse as sent', async () => {
    expect(await formatSQL('select (((', 'postgresql')).toBe('select (((');
  });

  it('knows SQL spans and dialects', () => {
    expect(isSQL('db', 'postgresql', 'select 1')).toBe(true);
    expect(isSQL('db.redis', 'redis', 'GET k')).toBe(false);
    expect(isSQL('db', 'mongodb', 'find')).toBe(false);
    expect(isSQL('http.client', undefined, 'GET /x')).toBe(false);
    expect(sqlDialect('mssql')).toBe('transactsql');
    expect(sqlDialect(undefined)).toBe('sql');
  });
});
