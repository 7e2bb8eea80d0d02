/**
 * MaxPatrol SIEM 10 source: incidents by creation time with an overlap window, every page read, each new
 * incident enriched with its card and events, Confirm/Close actions and on-demand refresh.
 */
import { AppError, errorKind, errorMessage, isAppError } from '../../core/errors.js';
import type { Incident, IncidentDraft } from '../../core/incident.js';
import type { AdapterDeps, PollResult, SourceAdapter } from '../../core/ports.js';
import { createMaxpatrolActions, SOURCE_ID } from './actions.js';
import { createMaxpatrolClient, type MaxpatrolClient } from './client.js';
import type { MaxpatrolConfig } from './config.js';
import { parseCursor, serializeCursor, type MpCursor } from './cursor.js';
import { mapIncident, normaliseStatus } from './map.js';
import { incidentListItemSchema, type IncidentListItem } from './schema.js';
import { compareInstants, parseMpTime, type MpInstant } from './time.js';

export type { MaxpatrolConfig } from './config.js';

/** Incidents enriched in parallel per poll: enough to hide latency, few enough not to load the Core. */
const ENRICH_CONCURRENCY = 4;
/**
 * Polls in a row whose card or events call failed for the same incident (while the list answered) before the
 * incident is posted from its list entry alone. Until then the poll fails and is retried with backoff, as for any
 * outage; after it, one incident whose card the Core cannot serve no longer blocks every incident behind it.
 */
export const ENRICH_ATTEMPTS = 3;

interface ListEntry {
  readonly id: string;
  readonly item: IncidentListItem;
  readonly raw: unknown;
  readonly created: MpInstant;
  readonly status: string | undefined;
}

interface Emitted {
  readonly status: string | undefined;
  readonly createdMs: number;
}

export interface MaxpatrolSourceOptions {
  /** For tests: a client other than the HTTP one. */
  readonly client?: MaxpatrolClient;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function createMaxpatrolSource(config: MaxpatrolConfig, deps: AdapterDeps, options: MaxpatrolSourceOptions = {}): SourceAdapter {
  const log = deps.logger.child({ source: SOURCE_ID });
  const client = options.client ?? createMaxpatrolClient(config, { logger: log, clock: deps.clock });

  /*
   * Incidents the pipeline has durably stored, with the status we sent, so the overlap window does not cost a
   * card and events call per incident on every poll. An id counts as stored only once the pipeline hands back
   * the cursor we returned with it (it saves the cursor after the enqueue); a failed poll never marks anything.
   */
  const stored = new Map<string, Emitted>();
  /** Incident id → polls in a row whose enrichment failed as unavailable. */
  const enrichFailures = new Map<string, number>();
  let last: { input: string | undefined; output: string | undefined; emitted: Map<string, Emitted> } | undefined;

  function noteCommit(cursor: string | undefined): void {
    if (last && cursor === last.output && cursor !== last.input) {
      for (const [id, e] of last.emitted) stored.set(id, e);
    }
    last = undefined;
  }

  /**
   * Whether a failed card/events call may be passed over (the draft then carries what the list said). A malformed
   * answer always may; an unavailable one only once it has failed ENRICH_ATTEMPTS polls in a row for this incident.
   */
  function passOver(id: string, error: unknown, strict: boolean, signal: AbortSignal): boolean {
    if (strict) return false;
    const kind = errorKind(error);
    if (kind === 'invalid-response') return true;
    // A poll cut short (shutdown, scheduler timeout) says nothing about this incident.
    if (kind !== 'unavailable' || signal.aborted) return false;
    const failures = (enrichFailures.get(id) ?? 0) + 1;
    enrichFailures.set(id, failures);
    if (enrichFailures.size > 1000) enrichFailures.delete(enrichFailures.keys().next().value as string);
    if (failures < ENRICH_ATTEMPTS) return false;
    log.warn('maxpatrol incident posted without its card: the Core keeps failing to serve it', { incident: id, attempts: failures, error: errorMessage(error) });
    return true;
  }

  async function enrich(entry: { id: string; item?: IncidentListItem; raw?: unknown }, fallbackCreatedAt: string | undefined, signal: AbortSignal, strict: boolean): Promise<IncidentDraft | undefined> {
    const { id } = entry;
    let card: Awaited<ReturnType<MaxpatrolClient['getCard']>>;
    try {
      card = await client.getCard(id, signal);
    } catch (error) {
      // A malformed card must not hold back the incident itself: post what the list said.
      if (!passOver(id, error, strict, signal)) throw error;
      log.warn('maxpatrol incident card unreadable', { incident: id, error: errorMessage(error) });
    }
    if (strict && !card) throw new AppError('not-found', 'maxpatrol incident not found');
    let events: Awaited<ReturnType<MaxpatrolClient['getEvents']>> | undefined;
    try {
      events = await client.getEvents(id, config.eventsLimit, signal);
      if (events.dropped) log.warn('maxpatrol events without id left out', { incident: id, dropped: events.dropped });
    } catch (error) {
      const kind = errorKind(error);
      if (kind !== 'not-found' && !passOver(id, error, strict, signal)) throw error;
      log.warn('maxpatrol incident events unreadable', { incident: id, kind, error: errorMessage(error) });
    }
    let eventsTotal: number | undefined;
    if (events && config.eventsLimit > 0 && events.raw.length >= config.eventsLimit) {
      try {
        eventsTotal = await client.countEvents(id, signal);
      } catch (error) {
        if (isAppError(error) && (error.kind === 'auth' || error.kind === 'rate-limited')) throw error;
        if (errorKind(error) === 'unavailable' && !passOver(id, error, strict, signal)) throw error;
        log.warn('maxpatrol events count unreadable', { incident: id, error: errorMessage(error) });
      }
    }
    enrichFailures.delete(id);
    return mapIncident({
      id,
      ...(entry.item ? { item: entry.item } : {}),
      ...(card ? { card: card.card } : {}),
      ...(events ? { events: events.events } : {}),
      ...(eventsTotal !== undefined ? { eventsTotal } : {}),
      baseUrl: config.url,
      ...(fallbackCreatedAt ? { fallbackCreatedAt } : {}),
      raw: { incident: entry.raw, card: card?.raw, events: events?.raw },
    });
  }

  async function refresh(incident: Incident, signal: AbortSignal): Promise<IncidentDraft> {
    const draft = await enrich({ id: incident.sourceId }, incident.createdAt, signal, true);
    if (!draft) throw new AppError('invalid-response', 'maxpatrol incident card has no creation time');
    return draft;
  }

  async function poll(cursorText: string | undefined, signal: AbortSignal): Promise<PollResult> {
    noteCommit(cursorText);
    let cursor = parseCursor(cursorText);
    if (cursor === 'invalid') {
      log.warn('maxpatrol cursor unreadable, starting from the initial look-back');
      cursor = undefined;
    }
    const nowMs = deps.clock.now().getTime();
    const fromMs =
      cursor?.fromMs ?? (cursor?.createdMs !== undefined ? cursor.createdMs - config.lookback * 1000 : nowMs - config.initialLookback * 1000);
    const startOffset = cursor?.fromMs !== undefined ? (cursor.offset ?? 0) : 0;

    const entries = new Map<string, ListEntry>();
    let quarantined = 0;
    let read = 0;
    let pages = 0;
    let done = false;
    while (!done && pages < config.maxPagesPerPoll) {
      const page = await client.listIncidents({ timeFromMs: fromMs, offset: startOffset + read, limit: config.pageSize }, signal);
      pages++;
      read += page.items.length;
      for (const raw of page.items) {
        const parsed = incidentListItemSchema.safeParse(raw);
        const created = parsed.success ? parseMpTime(parsed.data.created) : undefined;
        if (!parsed.success || !created) {
          quarantined++;
          const rawId = typeof raw === 'object' && raw !== null && 'id' in raw ? String((raw as { id: unknown }).id) : undefined;
          log.warn('maxpatrol incident quarantined', { incident: rawId, reason: parsed.success ? 'created is not a time' : 'unexpected shape' });
          continue;
        }
        // Offset paging over a live set can show an item twice; the later copy is the fresher one.
        entries.set(parsed.data.id, { id: parsed.data.id, item: parsed.data, raw, created, status: normaliseStatus(parsed.data.status) });
      }
      done = page.items.length < config.pageSize || (page.totalItems !== undefined && startOffset + read >= page.totalItems);
    }

    const ordered = [...entries.values()].sort((a, b) => compareInstants(a.created, b.created) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let maxSeenMs: number | undefined;
    for (const e of ordered) maxSeenMs = Math.max(maxSeenMs ?? e.created.ms, e.created.ms);

    for (const [id, e] of stored) if (e.createdMs < fromMs) stored.delete(id);
    const toEmit = ordered.filter((e) => {
      const known = stored.get(e.id);
      return !known || known.status !== e.status;
    });

    const drafts: IncidentDraft[] = [];
    const mapped = await mapLimit(toEmit, ENRICH_CONCURRENCY, (e) => enrich(e, undefined, signal, false));
    const emitted = new Map<string, Emitted>();
    mapped.forEach((draft, i) => {
      const e = toEmit[i] as ListEntry;
      if (!draft) {
        quarantined++;
        return;
      }
      drafts.push(draft);
      emitted.set(e.id, { status: e.status, createdMs: e.created.ms });
    });

    // A creation time ahead of our clock (skewed SIEM clock, bogus item) must not push the window past real items.
    const candidateMs = maxSeenMs === undefined ? undefined : Math.min(maxSeenMs, nowMs);
    const createdMs =
      cursor?.createdMs === undefined ? candidateMs : candidateMs === undefined ? cursor.createdMs : Math.max(cursor.createdMs, candidateMs);
    const next: MpCursor = {
      ...(createdMs !== undefined ? { createdMs } : {}),
      // Stopped at the cap: continue this window where we are, one item back in case one was deleted meanwhile.
      ...(!done ? { fromMs, offset: startOffset + read - (read > 1 ? 1 : 0) } : {}),
    };
    const nextCursor = serializeCursor(next) ?? cursorText;
    last = { input: cursorText, output: nextCursor, emitted };
    log.debug('maxpatrol poll', { pages, read, emitted: drafts.length, skipped: ordered.length - toEmit.length, quarantined, more: !done });
    return { drafts, nextCursor, ...(done ? {} : { more: true }), ...(quarantined ? { quarantined } : {}) };
  }

  return {
    id: SOURCE_ID,
    poll,
    async probe(signal) {
      await client.login(signal);
      await client.listIncidents({ timeFromMs: deps.clock.now().getTime() - config.initialLookback * 1000, offset: 0, limit: 1 }, signal);
    },
    refresh,
    actions: createMaxpatrolActions({ client, refresh, logger: log }),
  };
}
