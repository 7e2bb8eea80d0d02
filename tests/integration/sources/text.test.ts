/** The text hygiene and severity words every source's mapping shares (src/sources/text.ts, severity.ts). */
import { describe, expect, it } from 'vitest';
import { severityWord } from '../../../src/sources/severity.js';
import { cleanBlock, cleanLine, firstLine, MAX_TITLE } from '../../../src/sources/text.js';

describe('cleanLine', () => {
  it('turns CR/LF, tabs and U+2028/9 into single spaces and drops control, bidi and zero-width characters', () => {
    expect(cleanLine('a\r\nb\tc\u2028d\u2029e')).toBe('a b c d e');
    expect(cleanLine('\u202Eexe.pdf\u200B\u200D\u2066x\u2069\ufeff\u0000\u0007\u001b[31m')).toBe('exe.pdfx[31m');
    expect(cleanLine('  several   spaces  ')).toBe('several spaces');
  });

  it('cuts at the limit in code points with an ellipsis, never inside a surrogate pair, and mends lone surrogates', () => {
    const emoji = '😀'.repeat(MAX_TITLE + 5);
    const cut = cleanLine(emoji);
    expect(Array.from(cut)).toHaveLength(MAX_TITLE);
    expect(cut.endsWith('😀…')).toBe(true);
    expect(cleanLine('ok\ud800x')).toBe('ok\ufffdx');
    expect(cleanLine('abcdef', 4)).toBe('abc…');
    expect(cleanLine('abcd', 4)).toBe('abcd');
  });

  it('keeps markup and non-Latin text literally (escaping is the renderers\' job)', () => {
    expect(cleanLine('<b>Вход</b> & "idéző" _*[')).toBe('<b>Вход</b> & "idéző" _*[');
  });
});

describe('cleanBlock', () => {
  it('keeps line breaks (CR/LF and U+2028 become LF) and drops the rest of the invisible characters', () => {
    expect(cleanBlock('line 1\r\nline 2\u2028line 3\u202E\u0000')).toBe('line 1\nline 2\nline 3');
    expect(Array.from(cleanBlock('x'.repeat(20_000)))).toHaveLength(8000);
  });
});

describe('firstLine', () => {
  it('takes the first value that is not blank once cleaned', () => {
    expect(firstLine(undefined, ' \u200B\r\n ', null, 'second', 'third')).toBe('second');
    expect(firstLine('', undefined)).toBeUndefined();
  });
});

describe('severityWord', () => {
  it('reads the shared words whatever their case and spacing, and a source vocabulary on top', () => {
    expect(['High', ' CRITICAL ', 'crit', 'very  high', 'Moderate', 'low', 'Informational'].map((w) => severityWord(w))).toEqual([
      'high',
      'critical',
      'critical',
      'critical',
      'medium',
      'low',
      'info',
    ]);
    expect(severityWord('Высокая', { высокая: 'high' })).toBe('high');
    expect(severityWord('bogus')).toBeUndefined();
    expect(severityWord('constructor')).toBeUndefined();
    expect(severityWord(3)).toBeUndefined();
  });
});
