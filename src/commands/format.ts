/**
 * Small text and time helpers for the on-demand commands. Vendor text is untrusted: it is reduced to one clean
 * line and clipped here, and escaped later by the platform renderer (Reply lines are plain text).
 */
import { DateTime } from 'luxon';

// C0/C1 controls, bidi overrides/isolates and zero-width characters that could disguise text.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** One line of untrusted text: invisible characters dropped, line breaks and tabs as spaces. */
export function oneLine(text: string | undefined): string {
  if (!text) return '';
  return text.replace(LONE_SURROGATE, '\ufffd').replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(INVISIBLE, '').replace(/ {2,}/g, ' ').trim();
}

/** Multi-line untrusted text for exports: line breaks kept (CR LF → LF), invisible characters dropped. */
export function cleanText(text: string | undefined): string {
  if (!text) return '';
  return text.replace(LONE_SURROGATE, '\ufffd').replace(/\r\n?/g, '\n').replace(INVISIBLE, '').trim();
}

/** At most `max` UTF-16 units, never splitting a surrogate pair, `…` when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** A time in the configured zone for chat lines; the raw text when it does not parse. */
export function formatTime(iso: string | undefined, timezone: string, format = 'yyyy-LL-dd HH:mm'): string {
  if (!iso) return '';
  const parsed = DateTime.fromISO(iso, { setZone: true });
  return parsed.isValid ? parsed.setZone(timezone).toFormat(format) : oneLine(iso);
}

/** `20201125-1200` in the configured zone, for file names. */
export function fileStamp(date: Date, timezone: string): string {
  return DateTime.fromJSDate(date).setZone(timezone).toFormat('yyyyLLdd-HHmm');
}

/** Severity order shown in lists, most severe first; anything unknown sorts last. */
export const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'] as const;

export function severityIndex(severity: string): number {
  const i = (SEVERITY_ORDER as readonly string[]).indexOf(severity);
  return i === -1 ? SEVERITY_ORDER.length : i;
}

export function normaliseSeverity(value: string | undefined): string {
  const s = (value ?? '').trim().toLowerCase();
  return s === '' ? 'unknown' : /^[a-z]{1,20}$/.test(s) ? s : 'unknown';
}

/** Fluent id of a severity label; severities outside the known set use the "other" label. */
export function severityKey(severity: string): string {
  return (SEVERITY_ORDER as readonly string[]).includes(severity) ? `ondemand-severity-${severity}` : 'ondemand-severity-other';
}
