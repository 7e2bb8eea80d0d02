/**
 * What people do to incidents from a chat: acknowledge, refresh, run a source action, forward.
 * Every call re-reads the incident and re-checks the actor's role: a button is never trusted on its own.
 * Each outcome is stored and audited, and the cards in every chat are edited through the outbox.
 *
 * Forwarding, in one place:
 * - one forward per (forwarder, incident) at a time in this process (a double press runs once, the second
 *   press finds it done); retryable failures are retried with the same idempotency key (the forwarder's);
 * - the outcome is stored on the incident: `done` (remote ref and link, or dry run) or `failed` (the reason),
 *   which keeps the card's button so a person can try again; every outcome is audited;
 * - sub-events that arrive after forwarding are sent by `syncForwarders`. A sync that fails is retried with
 *   backoff and kept in `pendingSyncs`, so a restart resumes it; when it gives up, the forward is marked
 *   failed on the incident (the card says why and offers the button again, whose forward adds what is missing).
 */
import { actorLabel, satisfies, type Actor } from './access.js';
import { AppError, errorKind, errorMessage, isAppError } from './errors.js';
import { refOf, type ForwardState, type Incident } from './incident.js';
import type { Logger } from './logger.js';
import type { Pipeline } from './pipeline.js';
import type { AuditLog, CardAction, Clock, Collection, Forwarder, IncidentService, SourceAdapter, Validator } from './ports.js';
import { createKeyedMutex, type KeyedMutex } from './keyed-mutex.js';

/** Late sub-events still to be sent to a forwarder (one record per forwarder and incident). */
export interface PendingSync {
  readonly forwarder: string;
  readonly ref: string;
  /** Failed tries so far. */
  readonly attempts: number;
  /** ISO time of the next try. */
  readonly nextAt: string;
  readonly lastError?: string;
}

export const pendingSyncRecord: Validator<PendingSync> = {
  parse(value: unknown): PendingSync {
    const v = value as Partial<PendingSync> | null;
    if (typeof v !== 'object' || v === null || typeof v.forwarder !== 'string' || typeof v.ref !== 'string' || typeof v.attempts !== 'number' || typeof v.nextAt !== 'string') {
      throw new Error('not a pending forward sync');
    }
    return v as PendingSync;
  },
};

export interface IncidentServiceDeps {
  incidents: Collection<Incident>;
  keys: Collection<string>;
  sources: ReadonlyMap<string, SourceAdapter>;
  forwarders: ReadonlyMap<string, Forwarder>;
  pipeline: Pipeline;
  /** Shared with the pipeline, so a poll's merge and a person's change of one incident never interleave. */
  locks?: KeyedMutex;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  redact: (text: string) => string;
  /** Attempts per forward for retryable failures (same idempotency key every time). */
  forwardAttempts?: number;
  forwardBackoffMs?: number;
  /** Where unfinished syncs of late sub-events are kept across restarts; without it they live in memory only. */
  pendingSyncs?: Collection<PendingSync>;
  /** Tries of one sync (late sub-events) before the forward is marked failed on the incident. */
  syncAttempts?: number;
  /** Wait before the second try of a sync; doubles up to `syncMaxBackoffMs`. */
  syncBackoffMs?: number;
  syncMaxBackoffMs?: number;
}

export interface ForwardSync {
  /** Sends late sub-events of forwarded incidents to their forwarders. Never throws; resolves after one try. */
  syncForwarders(incident: Incident, previous: Incident): Promise<void>;
  /** Picks up the syncs a previous run left unfinished (call once at start). */
  resumeSyncs(): Promise<void>;
  /** Stops waiting syncs and waits for running ones; their records stay for the next start. */
  stop(): Promise<void>;
}

const FORWARD_REQUIRES = 'analyst' as const;
const ACK_REQUIRES = 'analyst' as const;
const SYSTEM_ACTOR = 'socbot';
/** Longest single sleep of a waiting sync, so a moved clock or a new sub-event is noticed soon. */
const SYNC_TICK_MS = 1000;
const MAX_ERROR = 400;
/** Longest wait between two tries of a forward a person is waiting for. */
const MAX_FORWARD_WAIT_MS = 30_000;

/** True when `incident` carries sub-events or assets that `previous` did not: something for a forwarder to add. */
export function gainedContent(incident: Incident, previous: Incident): boolean {
  const known = new Set(previous.subEvents.map((e) => e.id));
  if (incident.subEvents.some((e) => !known.has(e.id))) return true;
  for (const kind of ['hosts', 'ips', 'users', 'urls', 'hashes'] as const) {
    const had = new Set(previous.assets[kind]);
    if (incident.assets[kind].some((v) => !had.has(v))) return true;
  }
  return false;
}

/** A forward that counts as delivered: a dry run sent nothing, so it may be forwarded for real later. */
function delivered(state: ForwardState | undefined): boolean {
  return state?.state === 'done' && !state.dryRun;
}

interface SyncLoop {
  readonly forwarder: string;
  readonly ref: string;
  attempts: number;
  nextAt: number;
  /** Set when more arrived while a try was running: try again right after it. */
  dirty: boolean;
  /** What the forwarder last saw (dry runs log only what is new). */
  previous: Incident | undefined;
  wake: AbortController;
  /** Resolved after each try; `syncForwarders` waits for the next one. */
  waiters: Array<() => void>;
  done: Promise<void>;
}

export function createIncidentService(deps: IncidentServiceDeps): IncidentService & ForwardSync {
  const { incidents, clock, logger } = deps;
  const perKey = deps.locks ?? createKeyedMutex();
  const stopping = new AbortController();
  const loops = new Map<string, SyncLoop>();
  const syncAttempts = deps.syncAttempts ?? 8;
  const syncBackoffMs = deps.syncBackoffMs ?? 5000;
  const syncMaxBackoffMs = deps.syncMaxBackoffMs ?? 300_000;

  async function mustGet(ref: string): Promise<Incident> {
    const incident = await incidents.get(ref);
    if (!incident) throw new AppError('not-found', `incident ${ref} not found`);
    return incident;
  }

  function requireRole(actor: Actor, requirement: Parameters<typeof satisfies>[1], action: string): void {
    if (!satisfies(actor.role, requirement)) throw new AppError('auth', `${action} needs the ${requirement} role`);
  }

  function shortError(error: unknown): string {
    return deps.redact(errorMessage(error)).replace(/\s+/g, ' ').slice(0, MAX_ERROR);
  }

  async function audit(actor: string, action: string, target: string, outcome: 'ok' | 'refused' | 'failed', details?: string): Promise<void> {
    await deps.audit.record({ actor, action, target, outcome, ...(details === undefined ? {} : { details }) });
  }

  /**
   * Read-modify-write of one incident, one at a time per incident in this process, so an acknowledgement and a
   * forward outcome landing together do not overwrite each other. Undefined from `change` writes nothing.
   */
  function update(ref: string, change: (latest: Incident) => Incident | undefined): Promise<Incident> {
    return perKey.run(`write:${ref}`, async () => {
      const latest = await mustGet(ref);
      const next = change(latest);
      if (!next) return latest;
      await deps.pipeline.saveChanged(next, latest);
      return next;
    });
  }

  function setForward(ref: string, forwarderId: string, state: ForwardState): Promise<Incident> {
    return update(ref, (latest) => ({ ...latest, forwards: { ...latest.forwards, [forwarderId]: state }, revision: latest.revision + 1 }));
  }

  async function forwardWithRetries(forwarder: Forwarder, incident: Incident, actor: Actor, signal: AbortSignal) {
    const attempts = deps.forwardAttempts ?? 3;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        return await forwarder.forward(incident, actor, signal);
      } catch (error) {
        lastError = error;
        const retryable = isAppError(error) && error.retryable;
        if (!retryable || attempt === attempts || signal.aborted) break;
        const wait = Math.max(isAppError(error) ? (error.retryAfterMs ?? 0) : 0, (deps.forwardBackoffMs ?? 1000) * 2 ** (attempt - 1));
        // Someone is waiting on the card: a receiver that asks for minutes gets a failed state (retryable from the
        // card) now rather than a press that hangs until it times out.
        if (wait > MAX_FORWARD_WAIT_MS) break;
        logger.warn('forward failed, retrying with the same key', { forwarder: forwarder.id, ref: refOf(incident), attempt, kind: errorKind(error) });
        await clock.sleep(wait, signal);
      }
    }
    throw lastError;
  }

  // ---------------------------------------------------------------- late sub-events

  const syncKey = (forwarderId: string, ref: string): string => `${forwarderId}|${ref}`;

  async function persist(loop: SyncLoop, lastError?: string): Promise<void> {
    if (!deps.pendingSyncs) return;
    const record: PendingSync = { forwarder: loop.forwarder, ref: loop.ref, attempts: loop.attempts, nextAt: new Date(loop.nextAt).toISOString(), ...(lastError ? { lastError } : {}) };
    try {
      await deps.pendingSyncs.set(syncKey(loop.forwarder, loop.ref), record);
    } catch (error) {
      // The sync still runs in memory; only a restart before it succeeds would lose it, and the log says so.
      logger.error('forward sync could not be stored; it is retried in memory only', { ref: loop.ref, forwarder: loop.forwarder, error: shortError(error) });
    }
  }

  async function forget(loop: SyncLoop): Promise<void> {
    // A newer request for the same key already started its own loop and record.
    if (!deps.pendingSyncs || loops.has(syncKey(loop.forwarder, loop.ref))) return;
    try {
      await deps.pendingSyncs.delete(syncKey(loop.forwarder, loop.ref));
    } catch (error) {
      // A stale record only causes one harmless sync after the next start.
      logger.warn('finished forward sync could not be removed from the store', { ref: loop.ref, forwarder: loop.forwarder, error: shortError(error) });
    }
  }

  /** One try. Returns whether the loop is finished (sent, given up, or nothing left to do). */
  async function syncOnce(loop: SyncLoop, forwarder: Forwarder): Promise<boolean> {
    const { ref } = loop;
    const action = `forward.${forwarder.id}.update`;
    return perKey.run(`fwd:${forwarder.id}:${ref}`, async () => {
      const incident = await incidents.get(ref);
      const state = incident?.forwards?.[forwarder.id];
      // Not (or no longer) forwarded: a later forward sends everything the incident has by then.
      if (!incident || state?.state !== 'done' || !forwarder.update) return true;
      const previous = loop.previous ?? incident;
      try {
        await forwarder.update(incident, previous, stopping.signal);
        const what = loop.previous ? `${incident.subEvents.length - loop.previous.subEvents.length} new sub-events` : `resumed, ${incident.subEvents.length} sub-events in sync`;
        loop.previous = incident;
        await audit(SYSTEM_ACTOR, action, ref, 'ok', `${what}${loop.attempts > 0 ? ` after ${loop.attempts + 1} tries` : ''}${state.dryRun ? ' (dry run)' : ''}`);
        loop.attempts = 0;
        return true;
      } catch (error) {
        // Stopping: not a failure of the sync; the stored record resumes it on the next start.
        if (stopping.signal.aborted) return true;
        loop.attempts++;
        const message = shortError(error);
        const retryable = isAppError(error) && error.retryable;
        if (!retryable || loop.attempts >= syncAttempts) {
          logger.error('forward sync gave up; the forward is marked failed on the incident', { ref, forwarder: forwarder.id, attempts: loop.attempts, kind: errorKind(error), error: message });
          await audit(SYSTEM_ACTOR, action, ref, 'failed', `gave up after ${loop.attempts} tries: ${message}`);
          await setForward(ref, forwarder.id, { state: 'failed', at: clock.now().toISOString(), by: SYSTEM_ACTOR, error: message });
          return true;
        }
        const base = Math.min(syncBackoffMs * 2 ** (loop.attempts - 1), syncMaxBackoffMs);
        const wait = Math.max(base, isAppError(error) ? (error.retryAfterMs ?? 0) : 0);
        loop.nextAt = clock.now().getTime() + wait;
        logger.warn('forward sync failed, will retry', { ref, forwarder: forwarder.id, attempt: loop.attempts, of: syncAttempts, waitMs: wait, kind: errorKind(error), error: message });
        await audit(SYSTEM_ACTOR, action, ref, 'failed', `try ${loop.attempts} of ${syncAttempts}, retrying at ${new Date(loop.nextAt).toISOString()}: ${message}`);
        await persist(loop, message);
        return false;
      }
    });
  }

  async function waitForTurn(loop: SyncLoop): Promise<void> {
    for (;;) {
      const left = loop.nextAt - clock.now().getTime();
      if (left <= 0 || stopping.signal.aborted) return;
      await clock.sleep(Math.min(left, SYNC_TICK_MS), AbortSignal.any([stopping.signal, loop.wake.signal]));
    }
  }

  async function runLoop(loop: SyncLoop, forwarder: Forwarder): Promise<void> {
    const key = syncKey(loop.forwarder, loop.ref);
    try {
      for (;;) {
        await waitForTurn(loop);
        if (stopping.signal.aborted) return;
        loop.dirty = false;
        // Requests that arrive during this try wait for the next one, which will include what they brought.
        const waiting = loop.waiters.splice(0);
        let finished: boolean;
        try {
          finished = await syncOnce(loop, forwarder);
        } catch (error) {
          // Audit or store trouble around the try: keep the work and try again later rather than drop it.
          logger.error('forward sync could not record its outcome; retrying later', { ref: loop.ref, forwarder: loop.forwarder, error: shortError(error) });
          loop.nextAt = clock.now().getTime() + syncBackoffMs;
          finished = false;
        }
        for (const resolve of waiting) resolve();
        if (stopping.signal.aborted) return;
        if (finished && !loop.dirty) {
          loops.delete(key);
          await forget(loop);
          return;
        }
        if (finished) loop.nextAt = clock.now().getTime();
      }
    } finally {
      for (const resolve of loop.waiters.splice(0)) resolve();
      if (loops.get(key) === loop) loops.delete(key);
    }
  }

  /** Starts or nudges the sync of one forwarder for one incident; resolves after its next try. */
  async function requestSync(forwarderId: string, ref: string, previous: Incident | undefined, stored?: PendingSync): Promise<void> {
    const forwarder = deps.forwarders.get(forwarderId);
    if (!forwarder?.update || stopping.signal.aborted) return;
    const key = syncKey(forwarderId, ref);
    const existing = loops.get(key);
    const tried = new Promise<void>((resolve) => {
      if (existing) {
        existing.waiters.push(resolve);
        // Something new: do not wait out the backoff of an earlier failure, and run again if a try is under way.
        existing.dirty = true;
        existing.nextAt = Math.min(existing.nextAt, clock.now().getTime());
        existing.wake.abort();
        existing.wake = new AbortController();
        return;
      }
      const nextAt = stored ? Date.parse(stored.nextAt) : clock.now().getTime();
      const loop: SyncLoop = {
        forwarder: forwarderId,
        ref,
        attempts: stored?.attempts ?? 0,
        nextAt: Number.isNaN(nextAt) ? clock.now().getTime() : nextAt,
        dirty: false,
        previous,
        wake: new AbortController(),
        waiters: [resolve],
        done: Promise.resolve(),
      };
      loops.set(key, loop);
      loop.done = (stored ? Promise.resolve() : persist(loop)).then(() => runLoop(loop, forwarder));
    });
    await tried;
  }

  // ---------------------------------------------------------------- the service

  const service = {
    async get(ref: string) {
      return incidents.get(ref);
    },
    async findByKey(key: string) {
      const trimmed = key.trim();
      const ref = (await deps.keys.get(trimmed)) ?? (await deps.keys.get(trimmed.toUpperCase()));
      if (ref) return incidents.get(ref);
      return trimmed.includes(':') ? incidents.get(trimmed) : undefined;
    },
    async listSince(since: Date) {
      const out: Incident[] = [];
      for await (const [, incident] of incidents.entries()) {
        if (Date.parse(incident.createdAt) >= since.getTime() || Date.parse(incident.firstSeenAt) >= since.getTime()) out.push(incident);
      }
      return out.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    },
    cardActions(incident: Incident): readonly CardAction[] {
      const actions: CardAction[] = [{ id: 'details', labelKey: 'card-button-details', requires: 'approved' }];
      if (!incident.ack) actions.push({ id: 'ack', labelKey: 'card-button-ack', requires: ACK_REQUIRES });
      const source = deps.sources.get(incident.source);
      if (source?.refresh) actions.push({ id: 'refresh', labelKey: 'card-button-refresh', requires: 'approved' });
      for (const action of source?.actions ?? []) {
        if (action.appliesTo(incident)) actions.push({ id: `src:${action.id}`, labelKey: action.labelKey, requires: action.requires });
      }
      for (const forwarder of deps.forwarders.values()) {
        if (delivered(incident.forwards?.[forwarder.id])) continue;
        actions.push({ id: `fwd:${forwarder.id}`, labelKey: forwarder.labelKey, requires: FORWARD_REQUIRES });
      }
      return actions;
    },
    async acknowledge(ref: string, actor: Actor) {
      requireRole(actor, ACK_REQUIRES, 'acknowledge');
      let changed = false;
      const result = await update(ref, (incident) => {
        if (incident.ack) return undefined;
        changed = true;
        return { ...incident, ack: { by: actorLabel(actor), byId: `${actor.platform}:${actor.userId}`, at: clock.now().toISOString() }, revision: incident.revision + 1 };
      });
      if (changed) await audit(actorLabel(actor), 'incident.ack', ref, 'ok');
      return result;
    },
    async refresh(ref: string, actor: Actor, signal: AbortSignal) {
      requireRole(actor, 'approved', 'refresh');
      const incident = await mustGet(ref);
      const source = deps.sources.get(incident.source);
      if (!source?.refresh) throw new AppError('bad-request', `source ${incident.source} cannot refresh`);
      const draft = await source.refresh(incident, signal);
      return perKey.run(`write:${ref}`, () => deps.pipeline.applyDraft(incident.source, draft));
    },
    async runSourceAction(ref: string, actionId: string, actor: Actor, signal: AbortSignal) {
      const incident = await mustGet(ref);
      const action = deps.sources.get(incident.source)?.actions?.find((a) => a.id === actionId);
      if (!action) throw new AppError('not-found', `no action ${actionId} for ${incident.source}`);
      requireRole(actor, action.requires, actionId);
      if (!action.appliesTo(incident)) throw new AppError('bad-request', `${actionId} does not apply to ${incident.key} now`);
      return perKey.run(`action:${ref}`, async () => {
        try {
          const outcome = await action.run(incident, actor, signal);
          await audit(actorLabel(actor), `incident.${actionId}`, ref, 'ok');
          const draft = outcome.draft;
          const updated = draft ? await perKey.run(`write:${ref}`, () => deps.pipeline.applyDraft(incident.source, draft)) : await mustGet(ref);
          return { incident: updated, outcome };
        } catch (error) {
          await audit(actorLabel(actor), `incident.${actionId}`, ref, 'failed', shortError(error).slice(0, 300));
          throw error;
        }
      });
    },
    async forward(ref: string, forwarderId: string, actor: Actor, signal: AbortSignal) {
      const by = actorLabel(actor);
      if (!satisfies(actor.role, FORWARD_REQUIRES)) {
        await audit(by, `forward.${forwarderId}`, ref, 'refused', `role ${actor.role ?? 'none'}`);
        throw new AppError('auth', `forward needs the ${FORWARD_REQUIRES} role`);
      }
      const forwarder = deps.forwarders.get(forwarderId);
      if (!forwarder) throw new AppError('not-found', `forwarder ${forwarderId} is not configured`);
      let sentBeforeLate: Incident | undefined;
      const result = await perKey.run(`fwd:${forwarderId}:${ref}`, async () => {
        const incident = await mustGet(ref);
        // Done already (a double press, a stale button, a second chat): nothing to send, the card shows it.
        if (delivered(incident.forwards?.[forwarderId])) return incident;
        // No 'pending' state is written first: the outbox skips a new card edit while an older one for the same
        // card is in flight, so a quick forward's outcome could be lost on the other chats' cards behind it.
        let state: ForwardState;
        try {
          const outcome = await forwardWithRetries(forwarder, incident, actor, signal);
          state = { state: 'done', at: clock.now().toISOString(), by, ref: outcome.ref, ...(outcome.link ? { link: outcome.link } : {}), ...(outcome.dryRun ? { dryRun: true } : {}) };
          await audit(by, `forward.${forwarderId}`, ref, 'ok', outcome.dryRun ? 'dry run, nothing sent' : `${outcome.created ? 'created' : 'existing'} ${outcome.ref}`);
          logger.info('incident forwarded', { ref, forwarder: forwarderId, remote: outcome.ref, dryRun: outcome.dryRun ?? false });
        } catch (error) {
          const message = shortError(error);
          state = { state: 'failed', at: clock.now().toISOString(), by, error: message };
          await audit(by, `forward.${forwarderId}`, ref, 'failed', message);
          logger.warn('forward failed', { ref, forwarder: forwarderId, kind: errorKind(error), error: message });
        }
        const saved = await setForward(ref, forwarderId, state);
        // Sub-events that arrived while it was being sent were not in what the forwarder saw.
        if (state.state === 'done' && gainedContent(saved, incident)) sentBeforeLate = incident;
        return saved;
      });
      if (sentBeforeLate) void requestSync(forwarderId, ref, sentBeforeLate);
      return result;
    },
    forwarderIds() {
      return [...deps.forwarders.keys()];
    },
    async syncForwarders(incident: Incident, previous: Incident) {
      const ref = refOf(incident);
      const ids = [...deps.forwarders].filter(([id, f]) => f.update && incident.forwards?.[id]?.state === 'done').map(([id]) => id);
      if (ids.length === 0 || !gainedContent(incident, previous)) return;
      await Promise.all(ids.map((id) => requestSync(id, ref, previous)));
    },
    async resumeSyncs() {
      if (!deps.pendingSyncs) return;
      try {
        for await (const [, record] of deps.pendingSyncs.entries()) {
          logger.info('resuming an unfinished forward sync', { ref: record.ref, forwarder: record.forwarder, attempts: record.attempts });
          void requestSync(record.forwarder, record.ref, undefined, record);
        }
      } catch (error) {
        logger.error('unfinished forward syncs could not be read', { error: shortError(error) });
      }
    },
    async stop() {
      stopping.abort();
      await Promise.all([...loops.values()].map((l) => l.done));
    },
  };
  return service;
}
