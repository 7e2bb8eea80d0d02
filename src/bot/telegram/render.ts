/**
 * Lines → Telegram HTML. Everything untrusted is escaped here and nowhere else; lengths are counted the way
 * Telegram counts them (UTF-16 units of the text after entity parsing), so every message fits in 4096 units.
 * Each rendered message also has a plain-text twin for the "can't parse entities" fallback.
 */
import type { Incident } from '../../core/incident.js';
import { lineText, type Line, type Span } from '../../core/reply.js';
import { buildCard, buildDetails, digestLine, isWebUrl, type CardOptions, type Translate } from '../card.js';
import { splitUnits, truncateUnits, wellFormed } from '../../core/text.js';

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

export interface Rendered {
  /** HTML for `parse_mode: HTML`. */
  readonly html: string;
  /** The same message as plain text, within the limit too. */
  readonly text: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function spanHtml(span: Span): string {
  if (typeof span === 'string') return escapeHtml(span);
  if ('b' in span) return `<b>${escapeHtml(span.b)}</b>`;
  if ('i' in span) return `<i>${escapeHtml(span.i)}</i>`;
  if ('code' in span) return `<code>${escapeHtml(span.code)}</code>`;
  return isWebUrl(span.url) ? `<a href="${escapeHtml(span.url)}">${escapeHtml(span.link)}</a>` : escapeHtml(span.link);
}

function spanPlain(span: Span): string {
  if (typeof span !== 'string' && 'link' in span && isWebUrl(span.url)) return `${span.link} (${span.url})`;
  return typeof span === 'string' ? span : lineText([span]);
}

const spansOf = (line: Line): readonly Span[] => (typeof line === 'string' ? [line] : line);

export function lineHtml(line: Line): string {
  return spansOf(line).map(spanHtml).join('');
}

export function linePlain(line: Line): string {
  return spansOf(line).map(spanPlain).join('');
}

/** Visible length in UTF-16 units once Telegram has parsed the HTML. */
export function lineLength(line: Line): number {
  return lineText(line).length;
}

function join(lines: readonly Line[]): Rendered {
  // Telegram refuses a whole message over one lone surrogate, which a careless cut upstream can leave behind.
  const html = wellFormed(lines.map(lineHtml).join('\n'));
  const plain = wellFormed(lines.map(linePlain).join('\n'));
  return { html, text: truncateUnits(plain, TEXT_LIMIT) };
}

/** Splits lines into as few messages as possible, each within `limit`; an overlong line is cut at safe points. */
export function renderLines(lines: readonly Line[], limit = TEXT_LIMIT): Rendered[] {
  const parts: Line[][] = [];
  let current: Line[] = [];
  let used = 0;
  const flush = (): void => {
    if (current.length > 0) parts.push(current);
    current = [];
    used = 0;
  };
  for (const line of lines) {
    const length = lineLength(line);
    if (length > limit) {
      flush();
      // Formatting of a single giant line is dropped: cutting plain text cannot break an entity.
      for (const chunk of splitUnits(lineText(line), limit)) parts.push([chunk]);
      continue;
    }
    const needed = current.length === 0 ? length : used + 1 + length;
    if (needed > limit) {
      flush();
      current = [line];
      used = length;
    } else {
      current.push(line);
      used = needed;
    }
  }
  flush();
  if (parts.length === 0) parts.push(['…']);
  return parts.map(join);
}

// ---------------------------------------------------------------- incident cards

const MAX_EVENTS_ON_CARD = 5;
/** Room kept for the events heading and the "… more" line. */
const EVENTS_RESERVE = 160;

export function renderCard(incident: Incident, opts: CardOptions, limit = TEXT_LIMIT): Rendered {
  const { t } = opts;
  const card = buildCard(incident, opts);
  const lines: Line[] = [];
  let used = -1;
  const fits = (line: Line, reserve = 0): boolean => used + 1 + lineLength(line) + reserve <= limit;
  const add = (line: Line): void => {
    lines.push(line);
    used += 1 + lineLength(line);
  };
  for (const line of card.head) if (fits(line)) add(line);
  const reserve = card.events.length > 0 ? EVENTS_RESERVE : 0;
  let droppedBody = false;
  for (const line of card.body) {
    if (fits(line, reserve)) add(line);
    else droppedBody = true;
  }
  const total = card.events.length;
  if (total > 0) {
    const shown: Line[] = [];
    let shownLength = 0;
    for (const line of card.events.slice(0, MAX_EVENTS_ON_CARD)) {
      if (used + shownLength + 1 + lineLength(line) + EVENTS_RESERVE > limit) break;
      shown.push(line);
      shownLength += 1 + lineLength(line);
    }
    add('');
    add([{ b: t('card-events', { shown: shown.length, total }) }]);
    for (const line of shown) add(line);
    if (shown.length < total) add([{ i: t('card-events-more', { count: total - shown.length }) }]);
  } else if (droppedBody) {
    add([{ i: t('card-more-in-details') }]);
  }
  return join(lines);
}

/** A rendered message with an italic note appended; `render` gets the room left for the message itself. */
export function withNote(render: (limit: number) => Rendered, note: string, limit = TEXT_LIMIT): Rendered {
  const noteLine: Line = [{ i: truncateUnits(note, 500) }];
  const base = render(limit - lineLength(noteLine) - 1);
  return { html: `${base.html}\n${lineHtml(noteLine)}`, text: truncateUnits(`${base.text}\n${linePlain(noteLine)}`, limit) };
}

/** Full details; the caller sends them as a few messages or, when longer, as a document. */
export function renderDetails(incident: Incident, opts: CardOptions, limit = TEXT_LIMIT): Rendered[] {
  return renderLines(buildDetails(incident, opts), limit);
}

export function detailsDocument(incident: Incident, opts: CardOptions): string {
  const text = buildDetails(incident, opts).map(linePlain).join('\n');
  let raw: string;
  try {
    raw = JSON.stringify(incident.raw, null, 2) ?? '';
  } catch {
    raw = '';
  }
  return raw ? `${text}\n\n--- raw ---\n${raw}\n` : `${text}\n`;
}

// ---------------------------------------------------------------- digests

/** One message naming every incident given (key, severity, title); titles shrink until it fits. */
export function renderDigest(incidents: readonly Incident[], t: Translate, limit = TEXT_LIMIT): Rendered {
  const head: Line[] = [[{ b: t('digest-title', { count: incidents.length }) }], [{ i: t('digest-hint') }]];
  let maxTitle = 200;
  for (;;) {
    const lines = [...head, ...incidents.map((i) => digestLine(i, t, maxTitle))];
    const length = lines.reduce((sum, l) => sum + lineLength(l) + 1, -1);
    if (length <= limit) return join(lines);
    if (maxTitle <= 8) return join(fitFirst(lines, limit));
    maxTitle = Math.max(8, Math.floor(maxTitle * 0.8));
  }
}

/** Last resort for absurd inputs (thousands of incidents in one digest): keep the lines that fit. */
function fitFirst(lines: readonly Line[], limit: number): Line[] {
  const out: Line[] = [];
  let used = -1;
  for (const line of lines) {
    if (used + 1 + lineLength(line) > limit) break;
    out.push(line);
    used += 1 + lineLength(line);
  }
  return out;
}

/** Plain text line rendering for notices built from a translation. */
export function renderNotice(text: string): Rendered[] {
  return renderLines(text.split('\n'));
}
