/**
 * Text hygiene for everything a person reads (chat platforms, command replies): untrusted vendor and user text
 * is cleaned of invisible or direction-changing characters, and cut by UTF-16 code units (what Telegram counts)
 * without ever splitting a surrogate pair or a grapheme cluster.
 */

// Lone surrogates cannot be encoded as UTF-8; Telegram rejects them.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 controls except tab and newline, DEL, C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Bidi embeddings/overrides/isolates and zero-width characters that can disguise a name (ZWJ stays: emoji need it).
const INVISIBLE = /[\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Untrusted multi-line text, safe to show: newlines kept (CR dropped), everything invisible removed. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(LONE_SURROGATE, '\ufffd').replace(CONTROL, '').replace(INVISIBLE, '');
}

/** Any text with each lone surrogate replaced, so it can be encoded as UTF-8 (a cut made elsewhere may leave one). */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}

/** Untrusted single-line text (names, titles): like `cleanText`, with line breaks and tabs as spaces. */
export function cleanLine(text: string): string {
  return cleanText(text).replace(/[\n\t\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest prefix of `text` with at most `max` UTF-16 units that ends on a grapheme boundary. */
export function prefixUnits(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (const { segment, index } of segmenter.segment(text)) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** Cuts to at most `max` UTF-16 units, ending with `…` when something was cut. */
export function truncateUnits(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  return `${prefixUnits(text, max - 1)}…`;
}

/**
 * Splits into chunks of at most `max` UTF-16 units, preferring a line break, then a space, in the last fifth of
 * a chunk; never inside a surrogate pair or grapheme cluster.
 */
export function splitUnits(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = prefixUnits(rest, max).length;
    const window = rest.slice(0, cut);
    const newline = window.lastIndexOf('\n');
    const space = window.lastIndexOf(' ');
    if (newline > max * 0.8) cut = newline + 1;
    else if (space > max * 0.8) cut = space + 1;
    if (cut === 0) {
      // One grapheme longer than a chunk (a pathological run of combining marks): fall back to code points.
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

/** True when the string has no lone surrogate (what `String.prototype.isWellFormed` checks on newer runtimes). */
export function isWellFormed(text: string): boolean {
  LONE_SURROGATE.lastIndex = 0;
  return !LONE_SURROGATE.test(text);
}
