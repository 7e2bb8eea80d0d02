/**
 * Reading every event at or after a time without losing any to `max_results`.
 *
 * The PCE answers at most `max_results` events and does not document which ones it keeps when there are more.
 * So an answer of exactly `max_results` events is treated as cut: its events are dropped and the window is
 * split (adding `timestamp[lte]`) into halves that are read left to right, recursively, until every part comes
 * back short. Halves share their boundary millisecond (both bounds are inclusive), so nothing between them is
 * lost whatever precision the PCE compares at; the boundary events that come back twice are deduplicated on
 * `href`. A one-millisecond window that is still full is re-read with the PCE maximum of 10 000; if even that is
 * full the events are taken as they are and the gap is counted (a warning in the log and in /debug).
 *
 * A full window that lies wholly inside the look-back overlap (at or before the previous watermark) is re-read at
 * the PCE maximum instead of being halved: it holds events read before, and narrowing it on every poll would cost
 * the budget that new events need.
 *
 * The request budget bounds one poll: when it runs out, what was read so far is complete up to the end of the
 * last finished window (windows finish left to right) and the caller reports `more`. The budget only stops a poll
 * that has read at least one event newer than `progressAfterMs` (the old watermark), so every poll moves the
 * watermark forward however small the budget and however deep the narrowing has to go.
 */
import type { Logger } from '../../core/logger.js';
import { PCE_MAX_RESULTS, type EventsQuery } from './client.js';
import { parsePceTime } from './schema.js';

export type FetchEvents = (query: EventsQuery, signal: AbortSignal) => Promise<unknown[]>;

export interface CollectOptions {
  readonly fromMs: number;
  readonly maxResults: number;
  /** Requests after which the collection stops, once it has made progress. */
  readonly budget: number;
  /** Events newer than this count as progress (the previous watermark; on a first poll just before `fromMs`). */
  readonly progressAfterMs: number;
  /** Our clock, used only to pick a split point for an open-ended window. */
  readonly nowMs: number;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

export interface CollectResult {
  /** Raw items of every finished window, in window order, each href once. */
  readonly items: unknown[];
  /** False when the budget ran out before the open-ended tail was read. */
  readonly complete: boolean;
  readonly requests: number;
  /** Windows still full at 10 000 results in one millisecond. */
  readonly truncated: number;
  /** How many times a full answer made the window narrower. */
  readonly splits: number;
}

interface Window {
  readonly fromMs: number;
  readonly toMs: number | undefined;
  readonly maxResults: number;
}

function itemHref(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const href = (item as { href?: unknown }).href;
  return typeof href === 'string' ? href : undefined;
}

function itemTime(item: unknown): number | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const ts = (item as { timestamp?: unknown }).timestamp;
  return typeof ts === 'string' ? parsePceTime(ts) : undefined;
}

export async function collectEvents(fetch: FetchEvents, options: CollectOptions): Promise<CollectResult> {
  const items: unknown[] = [];
  const hrefs = new Set<string>();
  let requests = 0;
  let truncated = 0;
  let splits = 0;
  let progressed = false;
  // Depth-first, left half on top, so windows finish in time order.
  const stack: Window[] = [{ fromMs: options.fromMs, toMs: undefined, maxResults: Math.min(options.maxResults, PCE_MAX_RESULTS) }];

  const accept = (page: readonly unknown[]): void => {
    for (const item of page) {
      const href = itemHref(item);
      if (href !== undefined) {
        if (hrefs.has(href)) continue;
        hrefs.add(href);
      }
      items.push(item);
      if ((itemTime(item) ?? Number.NEGATIVE_INFINITY) > options.progressAfterMs) progressed = true;
    }
  };

  while (stack.length > 0) {
    const window = stack.pop() as Window;
    if (requests >= options.budget && progressed) {
      stack.push(window);
      break;
    }
    const page = await fetch({ fromMs: window.fromMs, ...(window.toMs === undefined ? {} : { toMs: window.toMs }), maxResults: window.maxResults }, options.signal);
    requests += 1;
    if (page.length < window.maxResults) {
      accept(page);
      continue;
    }
    if (window.toMs === undefined) {
      // Open-ended and cut: bound it at a point past everything this answer showed, read that part by halves,
      // then read the (new) open tail.
      let upper = page.reduce<number>((max, i) => Math.max(max, itemTime(i) ?? max), options.nowMs);
      if (upper <= window.fromMs) upper = window.fromMs + 1;
      splits += 1;
      stack.push({ fromMs: upper, toMs: undefined, maxResults: window.maxResults });
      const watermark = options.progressAfterMs;
      if (watermark > window.fromMs && watermark < upper) {
        // The look-back overlap on its own, so that it can be read in one go (below) and the narrowing is spent
        // on new events only.
        stack.push({ fromMs: watermark, toMs: upper, maxResults: window.maxResults });
        stack.push({ fromMs: window.fromMs, toMs: watermark, maxResults: window.maxResults });
      } else {
        stack.push({ fromMs: window.fromMs, toMs: upper, maxResults: window.maxResults });
      }
      continue;
    }
    if (window.toMs <= options.progressAfterMs && window.maxResults < PCE_MAX_RESULTS) {
      // Wholly inside the look-back overlap: these events were read before and only late ones can be new. One
      // request at the PCE maximum gets through it; halving it again on every poll would spend the request
      // budget on old events and leave a busy PCE's new ones for later polls.
      splits += 1;
      stack.push({ ...window, maxResults: PCE_MAX_RESULTS });
      continue;
    }
    if (window.toMs - window.fromMs <= 1) {
      if (window.maxResults < PCE_MAX_RESULTS) {
        splits += 1;
        stack.push({ ...window, maxResults: PCE_MAX_RESULTS });
        continue;
      }
      truncated += 1;
      options.logger.error('illumio window still full at the PCE maximum; some events of this millisecond may be missing', {
        from: new Date(window.fromMs).toISOString(),
        results: page.length,
      });
      accept(page);
      continue;
    }
    const mid = window.fromMs + Math.floor((window.toMs - window.fromMs) / 2);
    splits += 1;
    stack.push({ fromMs: mid, toMs: window.toMs, maxResults: window.maxResults });
    stack.push({ fromMs: window.fromMs, toMs: mid, maxResults: window.maxResults });
  }
  return { items, complete: stack.length === 0, requests, truncated, splits };
}
