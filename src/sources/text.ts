/**
 * Text hygiene shared by every source's mapping. Vendor text is untrusted: it reaches chat cards, forwarders
 * (SOAR, IDMEFv2), exports and log lines. Control characters, bidi overrides and zero-width characters can
 * reorder or hide text ("U+202E" makes `exe.pdf` read as `fdp.exe`), CR/LF can forge extra lines, and a 1 MB
 * description must not become a 1 MB card. Escaping for HTML stays the renderers' job.
 */

/** Longest incident or sub-event title, in code points. */
export const MAX_TITLE = 200;
/** Longest description kept on a draft, in code points (the raw payload keeps the whole text). */
export const MAX_DESCRIPTION = 8000;

// C0/C1 controls except TAB and LF, bidi embeddings/overrides/isolates, zero-width characters and the BOM.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function cut(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** One line: line breaks and tabs become spaces, invisible characters go, at most `max` code points. */
export function cleanLine(text: string, max: number = MAX_TITLE): string {
  const line = text
    .replace(/\r\n?|[\n\t\u2028\u2029]/g, ' ')
    .replace(INVISIBLE, '')
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(/ {2,}/g, ' ')
    .trim();
  return cut(line, max);
}

/** Multi-line text: line breaks kept (CR/LF and U+2028/9 become LF), invisible characters go, bounded. */
export function cleanBlock(text: string, max: number = MAX_DESCRIPTION): string {
  const block = text.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(INVISIBLE, '').replace(LONE_SURROGATE, '\ufffd').trim();
  return cut(block, max);
}

/** The first value that is still non-empty after cleaning, as one line; undefined when none is. */
export function firstLine(...values: readonly (string | undefined | null)[]): string | undefined {
  for (const value of values) {
    if (typeof value !== 'string') continue;
    const line = cleanLine(value);
    if (line !== '') return line;
  }
  return undefined;
}
