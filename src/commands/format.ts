/**
 * Small text and time helpers for the on-demand commands. Vendor text is untrusted: it is reduced to one clean
 * line and clipped here, and escaped later by the platform renderer (Reply lines are plain text).
 */
import { DateTime } from 'luxon';
import { cleanLine, cleanText as cleanMultiline, truncateUnits } from '../core/text.js';

/** One line of untrusted text: invisible characters dropped, line breaks and tabs as spaces. */
export function oneLine(text: string | undefined): string {
  return text ? cleanLine(text) : '';
}

/** Multi-line untrusted text for exports: line breaks kept (CR LF → LF), invisible characters dropped. */
export function cleanText(text: string | undefined): string {
  return text ? cleanMultiline(text).trim() : '';
}

/** At most `max` UTF-16 units, never splitting a surrogate pair or an emoji, `…` when cut. */
export function clip(text: string, max: number): string {
  return truncateUnits(text, max);
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
