import { describe, expect, test } from 'vitest';
import { sniffText } from './Attachments';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('sniffText', () => {
  test('UTF-8 text with tabs, newlines and CRs is text', () => {
    expect(sniffText(bytes('notes:\r\n\t- milk ✓\n'))).toBe('notes:\r\n\t- milk ✓\n');
  });
  test('bytes that are not UTF-8, or hold NUL or other control characters, are not', () => {
    expect(sniffText(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(sniffText(bytes('a\u0000b'))).toBeNull();
    expect(sniffText(bytes('clear\u001b[2J'))).toBeNull();
  });
});
