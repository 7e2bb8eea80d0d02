/**
 * Per-watcher throttling: `N/1h`, `N/24h`, `0/…` mutes. Pure bookkeeping over plain JSON that lives in the
 * cursor, so it survives restarts and a replayed poll (crash before the cursor was saved) decides exactly as the
 * first run did. Windows are anchored on event time (the PCE's clock), not on ours.
 *
 * Within a window of one (watcher, event type) the first N events become incidents; every further one is
 * suppressed and collapses into a single incident per window whose `count` is the number suppressed so far
 * (the pipeline edits the card when the count grows). With N = 0 nothing is posted; the count is kept for /debug.
 */
import { AppError } from '../../core/errors.js';
import { severityRank, type Severity } from '../../core/incident.js';

export interface ThrottleSpec {
  readonly limit: number;
  readonly windowMs: number;
  readonly text: string;
}

const UNITS: Readonly<Record<string, number>> = { '1h': 3_600_000, '24h': 86_400_000 };

/** Sub-events attached to one collapse incident; the count keeps growing beyond it. */
export const MAX_COLLAPSED_SUB_EVENTS = 20;
/** Keys kept in the suppressed-by-key totals (watchers × event types; far above any real config). */
const MAX_TOTAL_KEYS = 500;

export function parseThrottle(spec: string | undefined): ThrottleSpec | undefined {
  if (spec === undefined) return undefined;
  const m = /^(\d+)\/(1h|24h)$/.exec(spec.trim());
  const windowMs = m ? UNITS[m[2] ?? ''] : undefined;
  if (!m || windowMs === undefined) throw new AppError('config', 'sources.illumio.watchers[].throttle: must look like N/1h or N/24h');
  return { limit: Number(m[1]), windowMs, text: `${m[1]}/${m[2]}` };
}

/** One window of one (watcher, event type); plain JSON. */
export interface ThrottleWindow {
  /** ISO time of the event that opened the window. */
  start: string;
  /** Length of the window when it was opened. */
  windowMs: number;
  limit: number;
  emitted: number;
  suppressed: number;
  /** Suppressed events already attached as sub-events of the collapse incident. */
  attached: number;
  /** ISO time of the first suppressed event: the collapse incident's creation time. */
  firstSuppressed?: string;
  /** Highest severity among the suppressed events, so the collapse card never downgrades. */
  severity?: Severity;
}

export interface ThrottleTotals {
  total: number;
  byKey: Record<string, number>;
}

export interface ThrottleBook {
  windows: Record<string, ThrottleWindow>;
  totals: ThrottleTotals;
}

export function emptyBook(): ThrottleBook {
  return { windows: {}, totals: { total: 0, byKey: {} } };
}

export type Admission =
  | { readonly kind: 'emit' }
  | { readonly kind: 'collapse'; readonly key: string; readonly window: ThrottleWindow; readonly attach: boolean }
  | { readonly kind: 'mute'; readonly key: string; readonly window: ThrottleWindow };

export function throttleKey(watcherKey: string, eventType: string): string {
  return `${watcherKey}>${eventType}`;
}

/** The collapse incident of one window: the same id on every poll that adds repeats to it. */
export function collapseSourceId(key: string, window: Pick<ThrottleWindow, 'start'>): string {
  return `throttle:${key}@${window.start}`;
}

function countSuppressed(book: ThrottleBook, key: string): void {
  book.totals.total += 1;
  const byKey = book.totals.byKey;
  if (byKey[key] === undefined && Object.keys(byKey).length >= MAX_TOTAL_KEYS) return;
  byKey[key] = (byKey[key] ?? 0) + 1;
}

/** Decides one event and records it in `book` (mutated). Call in event-time order for deterministic results. */
export function admit(book: ThrottleBook, watcherKey: string, eventType: string, spec: ThrottleSpec | undefined, timeMs: number, severity: Severity): Admission {
  if (!spec) return { kind: 'emit' };
  const key = throttleKey(watcherKey, eventType);
  let window = book.windows[key];
  if (!window || timeMs >= Date.parse(window.start) + window.windowMs) {
    window = { start: new Date(timeMs).toISOString(), windowMs: spec.windowMs, limit: spec.limit, emitted: 0, suppressed: 0, attached: 0 };
    book.windows[key] = window;
  }
  if (window.emitted < spec.limit) {
    window.emitted += 1;
    return { kind: 'emit' };
  }
  window.suppressed += 1;
  countSuppressed(book, key);
  if (spec.limit === 0) return { kind: 'mute', key, window };
  window.firstSuppressed ??= new Date(timeMs).toISOString();
  if (!window.severity || severityRank(severity) > severityRank(window.severity)) window.severity = severity;
  const attach = window.attached < MAX_COLLAPSED_SUB_EVENTS;
  if (attach) window.attached += 1;
  return { kind: 'collapse', key, window, attach };
}

/** Drops windows that ended before `beforeMs`: no event that old is read again. */
export function pruneWindows(book: ThrottleBook, beforeMs: number): void {
  for (const [key, window] of Object.entries(book.windows)) {
    if (Date.parse(window.start) + window.windowMs < beforeMs) delete book.windows[key];
  }
}
