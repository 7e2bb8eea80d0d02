import { describe, expect, it } from 'vitest';
import { cleanLine, cleanText, isWellFormed, prefixUnits, splitUnits, truncateUnits } from '../../../src/core/text.js';

describe('text hygiene', () => {
  it('removes direction overrides, zero-width characters, controls and lone surrogates; keeps emoji joiners', () => {
    expect(cleanLine('Ad\u202Emin\u200B\u0000 \r\n\tX')).toBe('Admin X');
    expect(cleanText('a\r\nb\rc')).toBe('a\nb\nc');
    expect(cleanText('bad \uD83D end')).toBe('bad \uFFFD end');
    expect(cleanText('👨\u200D👩\u200D👧')).toBe('👨\u200D👩\u200D👧');
  });

  it('cuts by UTF-16 units on grapheme boundaries, never inside a surrogate pair', () => {
    const emoji = '😀'.repeat(2049); // 4098 units
    expect(emoji.length).toBe(4098);
    const cut = truncateUnits(emoji, 4096);
    expect(cut.length).toBeLessThanOrEqual(4096);
    expect(isWellFormed(cut)).toBe(true);
    expect(cut.endsWith('…')).toBe(true);
    expect(prefixUnits('ab😀', 3)).toBe('ab');
    expect(prefixUnits('e\u0301e\u0301', 3)).toBe('e\u0301');
    expect(truncateUnits('short', 10)).toBe('short');
  });

  it('splits long text into well-formed chunks within the limit, preferring line breaks', () => {
    const chunks = splitUnits('😀'.repeat(2049), 4096);
    expect(chunks).toHaveLength(2);
    expect(chunks.join('')).toBe('😀'.repeat(2049));
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(4096);
      expect(isWellFormed(c)).toBe(true);
    }
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(80)}`).join('\n');
    const parts = splitUnits(lines, 1000);
    expect(parts.join('')).toBe(lines);
    for (const p of parts.slice(0, -1)) expect(p.endsWith('\n')).toBe(true);
  });
});
