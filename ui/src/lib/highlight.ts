// Syntax highlighting, loaded only when code is shown: lowlight (the
// highlight.js grammars, as a syntax tree rather than HTML, so nothing is
// injected as markup) and one grammar per language, each its own chunk.
// Tokens carry highlight.js class names; styles.css colours them per theme.

import type { LanguageFn } from 'highlight.js';
import type { ElementContent, Root } from 'hast';

/** A run of text with the highlight classes that apply to it ('' for none). */
export interface Token {
  text: string;
  cls: string;
}
export type Line = Token[];

type Loader = () => Promise<{ default: LanguageFn }>;

/** The grammars we load, each a lazily imported chunk. */
const GRAMMARS: Record<string, Loader> = {
  javascript: () => import('highlight.js/lib/languages/javascript'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  python: () => import('highlight.js/lib/languages/python'),
  go: () => import('highlight.js/lib/languages/go'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  php: () => import('highlight.js/lib/languages/php'),
  java: () => import('highlight.js/lib/languages/java'),
  kotlin: () => import('highlight.js/lib/languages/kotlin'),
  csharp: () => import('highlight.js/lib/languages/csharp'),
  rust: () => import('highlight.js/lib/languages/rust'),
  swift: () => import('highlight.js/lib/languages/swift'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  elixir: () => import('highlight.js/lib/languages/elixir'),
  dart: () => import('highlight.js/lib/languages/dart'),
  sql: () => import('highlight.js/lib/languages/sql'),
  json: () => import('highlight.js/lib/languages/json'),
  xml: () => import('highlight.js/lib/languages/xml'),
};

const EXTENSIONS: Record<string, string> = {
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript',
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  vue: 'xml', svelte: 'xml', html: 'xml',
  py: 'python', go: 'go', rb: 'ruby', php: 'php', java: 'java', kt: 'kotlin', kts: 'kotlin',
  cs: 'csharp', rs: 'rust', swift: 'swift', c: 'cpp', h: 'cpp', cc: 'cpp', cpp: 'cpp', hpp: 'cpp', m: 'cpp', mm: 'cpp',
  ex: 'elixir', exs: 'elixir', dart: 'dart', sql: 'sql', json: 'json',
};

const PLATFORMS: Record<string, string> = {
  javascript: 'javascript', node: 'javascript', python: 'python', go: 'go', ruby: 'ruby', php: 'php',
  java: 'java', csharp: 'csharp', cocoa: 'swift', native: 'cpp', elixir: 'elixir', dart: 'dart',
};

/** The language of a file (by extension), else of the SDK's platform; undefined when unknown. */
export function languageFor(file?: string, platform?: string): string | undefined {
  const ext = file?.split(/[?#]/)[0]?.match(/\.([a-z0-9]+)$/i)?.[1]?.toLowerCase();
  return (ext && EXTENSIONS[ext]) || (platform ? PLATFORMS[platform] : undefined);
}

type Lowlight = ReturnType<typeof import('lowlight').createLowlight>;

// One highlighter per page, created on first use; grammars are registered as
// they load. A failed load is retried next time (the promise is dropped).
let lowlight: Promise<Lowlight> | undefined;
const loaded = new Map<string, Promise<void>>();

async function highlighter(lang: string): Promise<Lowlight> {
  lowlight ??= import('lowlight').then((m) => m.createLowlight());
  const ll = await lowlight;
  let grammar = loaded.get(lang);
  if (!grammar) {
    const load = GRAMMARS[lang];
    if (!load) throw new Error(`no grammar for ${lang}`);
    grammar = load().then((m) => ll.register(lang, m.default));
    loaded.set(lang, grammar);
    grammar.catch(() => loaded.delete(lang));
  }
  await grammar;
  return ll;
}

/**
 * The lines of code, highlighted as one block (so a comment or string that
 * spans lines is coloured throughout), split back into lines.
 */
export async function highlightLines(lines: readonly string[], lang: string): Promise<Line[]> {
  const ll = await highlighter(lang);
  return splitLines(ll.highlight(lang, lines.join('\n')), lines.length);
}

/** Flattens the tree into tokens and cuts them at newlines. */
export function splitLines(tree: Root, count: number): Line[] {
  const out: Line[] = [[]];
  const walk = (nodes: readonly ElementContent[], cls: string) => {
    for (const n of nodes) {
      if (n.type === 'text') {
        const parts = n.value.split('\n');
        parts.forEach((text, i) => {
          if (i > 0) out.push([]);
          if (text) out[out.length - 1]!.push({ text, cls });
        });
      } else if (n.type === 'element') {
        const own = ((n.properties.className as string[] | undefined) ?? []).join(' ');
        walk(n.children, [cls, own].filter(Boolean).join(' '));
      }
    }
  };
  walk(tree.children as ElementContent[], '');
  while (out.length < count) out.push([]);
  return out.slice(0, count);
}
