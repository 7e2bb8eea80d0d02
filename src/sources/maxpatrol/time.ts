/**
 * MaxPatrol times: UTC, with 0 to 7 (or more) fractional digits, with or without `Z` or an offset.
 * `Date.parse` is not used because engines disagree on long fractions and on strings without a zone
 * (local time in some, UTC in others); MP SIEM documents UTC, so a missing zone means UTC here.
 */

export interface MpInstant {
  /** Whole milliseconds since the epoch (the fraction cut, not rounded, so it never moves past the real time). */
  readonly ms: number;
  /** Nanoseconds below the millisecond, for ordering items that share a millisecond. */
  readonly subMsNs: number;
}

const MP_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function parseMpTime(value: string | null | undefined): MpInstant | undefined {
  if (typeof value !== 'string') return undefined;
  const m = MP_TIME.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const digits = fraction.padEnd(9, '0').slice(0, 9);
  const millis = Number(digits.slice(0, 3));
  const subMsNs = Number(digits.slice(3));
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC rolls 31 February over into March; a real MP time never does.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const body = zone.slice(1).replace(':', '');
    const offsetMin = Number(body.slice(0, 2)) * 60 + Number(body.slice(2) || '0');
    if (offsetMin > 18 * 60) return undefined;
    ms -= sign * offsetMin * 60_000;
  }
  return { ms, subMsNs };
}

export function compareInstants(a: MpInstant, b: MpInstant): number {
  return a.ms - b.ms || a.subMsNs - b.subMsNs;
}

/** The form MP SIEM R25+ expects in `timeFrom`/`timeTo`: `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
export function formatMpTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** ISO-8601 with offset for drafts; `undefined` when the value is not a time. */
export function isoOf(value: string | null | undefined): string | undefined {
  const t = parseMpTime(value);
  return t ? formatMpTime(t.ms) : undefined;
}
