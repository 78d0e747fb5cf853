import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from './ansi';

describe('parseAnsi', () => {
  it('turns SGR codes into styled segments', () => {
    expect(parseAnsi('\u001b[32m✓\u001b[0m \u001b[1mok\u001b[22m plain')).toEqual([
      { text: '✓', style: { fg: 2 } },
      { text: ' ', style: {} },
      { text: 'ok', style: { bold: true } },
      { text: ' plain', style: { bold: false, dim: false } },
    ]);
  });

  it('reads bright, background, 256 and true colours', () => {
    const [a, b, c] = parseAnsi('\u001b[91;44ma\u001b[0;38;5;196mb\u001b[48;2;1;2;3mc');
    expect(a!.style).toEqual({ fg: 9, bg: 4 });
    expect(b!.style).toEqual({ fg: 'rgb(255,0,0)' });
    expect(c!.style).toEqual({ fg: 'rgb(255,0,0)', bg: 'rgb(1,2,3)' });
  });

  it('drops non-colour escapes and keeps text that looks like markup as text', () => {
    const segs = parseAnsi('\u001b]0;title\u0007\u001b[2K<img src=x onerror=alert(1)>\u001b[1A');
    expect(segs).toEqual([{ text: '<img src=x onerror=alert(1)>', style: {} }]);
  });

  it('strips escapes', () => {
    expect(stripAnsi('\u001b[31mred\u001b[0m')).toBe('red');
  });
});
