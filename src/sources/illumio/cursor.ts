/**
 * The Illumio cursor: an opaque string to the pipeline, JSON to us. It holds everything that must survive a
 * restart (the original notifier kept it in memory and started at "now", losing events on every restart):
 *
 * - `ts`: the watermark, the newest event time (PCE clock) of a fully read window. Never moves backwards.
 * - `seen`: href → event time of every event a watcher selected (or that was quarantined) at or after the next
 *   query's start (`ts − lookback`). The overlap re-reads those events; `seen` makes the re-read a no-op, so a
 *   throttle never counts an event twice and no incident is emitted twice. It is a superset of "the hrefs at
 *   exactly `ts`".
 * - `throttle`: open throttle windows and the suppressed totals shown in /debug.
 */
import { z } from 'zod';
import { SEVERITIES } from '../../core/incident.js';
import type { Logger } from '../../core/logger.js';
import { emptyBook, type ThrottleBook } from './throttle.js';

/** Entries kept in `seen`; far above the matched events of one look-back on a real PCE. */
export const MAX_SEEN = 20_000;

const windowSchema = z.object({
  start: z.string(),
  windowMs: z.number().int().positive(),
  limit: z.number().int().min(0),
  emitted: z.number().int().min(0),
  suppressed: z.number().int().min(0),
  attached: z.number().int().min(0),
  firstSuppressed: z.string().optional(),
  severity: z.enum(SEVERITIES).optional(),
});

const cursorSchema = z.object({
  v: z.literal(1),
  ts: z.string().optional(),
  seen: z.record(z.string(), z.number()).default({}),
  throttle: z
    .object({
      windows: z.record(z.string(), windowSchema).default({}),
      totals: z.object({ total: z.number().int().min(0), byKey: z.record(z.string(), z.number().int().min(0)) }).default({ total: 0, byKey: {} }),
    })
    .default(emptyBook()),
  /** Windows that stayed full even at 10 000 results in one millisecond: a gap we could not close. */
  truncated: z.number().int().min(0).default(0),
});

export interface CursorState {
  ts: string | undefined;
  seen: Record<string, number>;
  throttle: ThrottleBook;
  truncated: number;
}

export function freshCursor(): CursorState {
  return { ts: undefined, seen: {}, throttle: emptyBook(), truncated: 0 };
}

/** Undefined or unreadable → a fresh state (first-run look-back); the pipeline's href ledger absorbs re-reads. */
export function readCursor(text: string | undefined, logger?: Logger): CursorState {
  if (text === undefined || text === '') return freshCursor();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    logger?.warn('illumio cursor is not JSON, starting from the initial look-back');
    return freshCursor();
  }
  const parsed = cursorSchema.safeParse(data);
  if (!parsed.success || (parsed.data.ts !== undefined && Number.isNaN(Date.parse(parsed.data.ts)))) {
    logger?.warn('illumio cursor has an unknown shape, starting from the initial look-back');
    return freshCursor();
  }
  const { ts, seen, throttle, truncated } = parsed.data;
  return { ts, seen: { ...seen }, throttle: { windows: { ...throttle.windows }, totals: { total: throttle.totals.total, byKey: { ...throttle.totals.byKey } } }, truncated };
}

export function writeCursor(state: CursorState): string {
  return JSON.stringify({ v: 1, ts: state.ts, seen: state.seen, throttle: state.throttle, truncated: state.truncated });
}

/** Keeps `seen` entries at or after `fromMs` (the next query's start), newest first up to MAX_SEEN. */
export function pruneSeen(seen: Record<string, number>, fromMs: number): { seen: Record<string, number>; dropped: number } {
  const kept = Object.entries(seen).filter(([, t]) => t >= fromMs);
  kept.sort((a, b) => b[1] - a[1]);
  const dropped = Math.max(0, kept.length - MAX_SEEN);
  return { seen: Object.fromEntries(kept.slice(0, MAX_SEEN)), dropped };
}

// ---------------------------------------------------------------- diagnostics for /debug

export interface IllumioThrottleWindowView {
  readonly key: string;
  readonly watcher: string;
  readonly eventType: string;
  readonly start: string;
  readonly end: string;
  readonly limit: number;
  readonly emitted: number;
  readonly suppressed: number;
  readonly muted: boolean;
}

export interface IllumioDiagnostics {
  /** Newest fully read event time. */
  readonly watermark: string | undefined;
  /** Selected events remembered for the overlap. */
  readonly tracked: number;
  readonly suppressedTotal: number;
  /** `watcher>event_type` → events suppressed since the cursor was created, largest first. */
  readonly suppressedByKey: readonly { readonly key: string; readonly count: number }[];
  /** Throttle windows still open at the watermark (or at `now` when given), with their counts. */
  readonly windows: readonly IllumioThrottleWindowView[];
  readonly truncatedWindows: number;
}

function splitKey(key: string): { watcher: string; eventType: string } {
  const at = key.lastIndexOf('>');
  return at < 0 ? { watcher: key, eventType: '' } : { watcher: key.slice(0, at), eventType: key.slice(at + 1) };
}

/**
 * What the throttles suppressed, read from a saved cursor (the string in `SourceHealth.cursor`). Pure, so /debug
 * can call it without the adapter. Undefined when there is no cursor yet.
 */
export function illumioDiagnostics(cursor: string | undefined, now?: Date): IllumioDiagnostics | undefined {
  if (cursor === undefined) return undefined;
  const state = readCursor(cursor);
  const at = now?.getTime() ?? (state.ts ? Date.parse(state.ts) : Date.now());
  const windows = Object.entries(state.throttle.windows)
    .map(([key, w]) => {
      const startMs = Date.parse(w.start);
      return {
        key,
        ...splitKey(key),
        start: w.start,
        end: new Date(startMs + w.windowMs).toISOString(),
        limit: w.limit,
        emitted: w.emitted,
        suppressed: w.suppressed,
        muted: w.limit === 0,
        endMs: startMs + w.windowMs,
      };
    })
    .filter((w) => w.endMs > at)
    .sort((a, b) => b.suppressed - a.suppressed || a.key.localeCompare(b.key))
    .map(({ endMs: _endMs, ...view }) => view);
  return {
    watermark: state.ts,
    tracked: Object.keys(state.seen).length,
    suppressedTotal: state.throttle.totals.total,
    suppressedByKey: Object.entries(state.throttle.totals.byKey)
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
    windows,
    truncatedWindows: state.truncated,
  };
}

export interface DebugLine {
  readonly key: string;
  readonly vars: Readonly<Record<string, string | number>>;
}

/** Localisable /debug lines (Fluent ids `illumio-debug-…`) for the diagnostics above. */
export function describeIllumioDiagnostics(d: IllumioDiagnostics | undefined, maxKeys = 10): DebugLine[] {
  if (!d) return [{ key: 'illumio-debug-no-cursor', vars: {} }];
  const lines: DebugLine[] = [
    { key: 'illumio-debug-watermark', vars: { time: d.watermark ?? '-', tracked: d.tracked } },
    { key: 'illumio-debug-suppressed-total', vars: { count: d.suppressedTotal } },
  ];
  for (const { key, count } of d.suppressedByKey.slice(0, maxKeys)) lines.push({ key: 'illumio-debug-suppressed-key', vars: { key, count } });
  for (const w of d.windows.slice(0, maxKeys)) {
    lines.push({
      key: w.muted ? 'illumio-debug-window-muted' : 'illumio-debug-window',
      vars: { key: w.key, limit: w.limit, emitted: w.emitted, suppressed: w.suppressed, until: w.end },
    });
  }
  if (d.truncatedWindows > 0) lines.push({ key: 'illumio-debug-truncated', vars: { count: d.truncatedWindows } });
  return lines;
}
