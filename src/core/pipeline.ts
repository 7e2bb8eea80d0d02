/**
 * poll → map → dedupe on (source, id) → persist → enqueue per destination → cursor, in that order.
 * A crash anywhere re-fetches; the ledger turns re-reads into no-ops, and outbox ids make re-enqueueing
 * idempotent, so nothing is lost and nothing is announced twice.
 */
import { errorMessage } from './errors.js';
import type { HealthTracker } from './health.js';
import { incidentRef, mergeDraft, type Incident, type IncidentDraft } from './incident.js';
import type { Logger } from './logger.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { Outbox } from './outbox.js';
import type { Clock, Collection, DestinationResolver, SourceAdapter } from './ports.js';

export interface LedgerRecord {
  readonly state: 'enqueued';
  readonly at: string;
}

export interface PipelineDeps {
  sources: ReadonlyMap<string, SourceAdapter>;
  incidents: Collection<Incident>;
  /** Display key → ref, for `/forward INC-123`. */
  keys: Collection<string>;
  ledger: Collection<LedgerRecord>;
  cursors: Collection<string>;
  outbox: Outbox;
  resolver: () => DestinationResolver;
  health: HealthTracker;
  clock: Clock;
  logger: Logger;
  /** Called after a stored incident changed (late sub-events, status): forwarders sync, cards are edited. */
  onUpdated?: (incident: Incident, previous: Incident) => void;
  /**
   * Per-incident write lock shared with the incident service (key `write:<ref>`): a poll's merge must not
   * overwrite an acknowledgement or a forward outcome stored at the same moment. `applyDraft` and
   * `saveChanged` expect their caller to hold it.
   */
  locks?: KeyedMutex;
  /** Polls in a row when a source says there is more (page cap). */
  maxRounds?: number;
}

export interface PollSummary {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
}

export interface Pipeline {
  pollOnce(sourceId: string, signal: AbortSignal): Promise<PollSummary>;
  /** Stores a draft outside of a poll (refresh, source actions) and edits the cards. */
  applyDraft(source: string, draft: IncidentDraft): Promise<Incident>;
  /** Persists a changed incident and queues card edits. */
  saveChanged(incident: Incident, previous: Incident): Promise<void>;
  /** Forgets incidents first seen before `cutoff` whose deliveries are all settled; returns how many. */
  prune(cutoff: Date): Promise<number>;
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { incidents, ledger, cursors, outbox, clock, logger } = deps;
  // One poll per source at a time even if a scheduler misfires; the croner `protect` option covers the rest.
  const running = new Set<string>();

  async function enqueueNew(incident: Incident, ref: string): Promise<void> {
    const destinations = await deps.resolver().destinationsFor(incident);
    for (const dest of destinations) await outbox.enqueuePost(dest, ref);
    await ledger.set(ref, { state: 'enqueued', at: clock.now().toISOString() });
  }

  async function store(source: string, draft: IncidentDraft): Promise<'created' | 'updated' | 'unchanged'> {
    const ref = incidentRef(source, draft.sourceId);
    const stored = await incidents.get(ref);
    if (!stored) {
      const incident: Incident = {
        ...draft,
        source,
        key: draft.key ?? draft.sourceId,
        firstSeenAt: clock.now().toISOString(),
        revision: 1,
      };
      await incidents.set(ref, incident);
      await deps.keys.set(incident.key, ref);
      await enqueueNew(incident, ref);
      return 'created';
    }
    // Stored but never enqueued: the previous run died between the two writes.
    if (!(await ledger.get(ref))) await enqueueNew(stored, ref);
    const merged = mergeDraft(stored, draft);
    if (!merged) return 'unchanged';
    await saveChanged(merged, stored);
    return 'updated';
  }

  async function saveChanged(incident: Incident, previous: Incident): Promise<void> {
    await incidents.set(incidentRef(incident.source, incident.sourceId), incident);
    await outbox.enqueueEdits(incidentRef(incident.source, incident.sourceId));
    deps.onUpdated?.(incident, previous);
  }

  return {
    saveChanged,
    async prune(cutoff) {
      let n = 0;
      for await (const [ref, incident] of incidents.entries()) {
        if (Date.parse(incident.firstSeenAt) >= cutoff.getTime() || outbox.hasPending(ref)) continue;
        // Ledger last: if this stops half-way, the incident is gone but still counts as seen.
        await incidents.delete(ref);
        if ((await deps.keys.get(incident.key)) === ref) await deps.keys.delete(incident.key);
        await ledger.delete(ref);
        n += 1;
      }
      if (n > 0) logger.info('old incidents pruned', { count: n, before: cutoff.toISOString() });
      return n;
    },
    async applyDraft(source, draft) {
      const ref = incidentRef(source, draft.sourceId);
      const stored = await incidents.get(ref);
      if (!stored) {
        await store(source, draft);
      } else {
        const merged = mergeDraft(stored, draft);
        if (merged) await saveChanged(merged, stored);
      }
      const result = await incidents.get(ref);
      if (!result) throw new Error(`incident ${ref} vanished`);
      return result;
    },
    async pollOnce(sourceId, signal) {
      const source = deps.sources.get(sourceId);
      if (!source) throw new Error(`unknown source ${sourceId}`);
      if (running.has(sourceId)) return { created: 0, updated: 0, unchanged: 0 };
      running.add(sourceId);
      const totals = { created: 0, updated: 0, unchanged: 0 };
      try {
        for (let round = 0; round < (deps.maxRounds ?? 20); round++) {
          const cursor = await cursors.get(sourceId);
          const result = await source.poll(cursor, signal);
          for (const draft of result.drafts) {
            try {
              const ref = incidentRef(sourceId, draft.sourceId);
              const outcome = deps.locks ? await deps.locks.run(`write:${ref}`, () => store(sourceId, draft)) : await store(sourceId, draft);
              totals[outcome] += 1;
            } catch (error) {
              // A store failure must stop the cursor: rethrow. Anything else is one poison item.
              if ((error as { kind?: string }).kind === 'store') throw error;
              logger.error('incident quarantined', { source: sourceId, sourceIncident: draft.sourceId, error: errorMessage(error) });
            }
          }
          if (result.nextCursor !== undefined && result.nextCursor !== cursor) await cursors.set(sourceId, result.nextCursor);
          await deps.health.succeeded(sourceId, { cursor: result.nextCursor ?? cursor, quarantined: result.quarantined ?? 0 });
          if (!result.more || signal.aborted) break;
        }
        if (totals.created + totals.updated > 0) logger.info('source polled', { source: sourceId, ...totals });
        return totals;
      } finally {
        running.delete(sourceId);
      }
    },
  };
}
