/**
 * What people do to incidents from a chat: acknowledge, refresh, run a source action, forward.
 * Every call re-reads the incident and re-checks the actor's role: a button is never trusted on its own.
 * Each outcome is stored and audited, and the cards in every chat are edited through the outbox.
 */
import { actorLabel, satisfies, type Actor } from './access.js';
import { AppError, errorKind, errorMessage, isAppError } from './errors.js';
import { incidentRef, refOf, type ForwardState, type Incident } from './incident.js';
import type { Logger } from './logger.js';
import type { Pipeline } from './pipeline.js';
import type { AuditLog, CardAction, Clock, Collection, Forwarder, IncidentService, SourceAdapter } from './ports.js';

export interface IncidentServiceDeps {
  incidents: Collection<Incident>;
  keys: Collection<string>;
  sources: ReadonlyMap<string, SourceAdapter>;
  forwarders: ReadonlyMap<string, Forwarder>;
  pipeline: Pipeline;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  redact: (text: string) => string;
  /** Attempts per forward for retryable failures (same idempotency key every time). */
  forwardAttempts?: number;
  forwardBackoffMs?: number;
}

const FORWARD_REQUIRES = 'analyst' as const;
const ACK_REQUIRES = 'analyst' as const;

export function createIncidentService(deps: IncidentServiceDeps): IncidentService & {
  syncForwarders(incident: Incident, previous: Incident): Promise<void>;
} {
  const { incidents, clock, logger } = deps;
  const locks = new Map<string, Promise<unknown>>();

  /** Serialises work per key in this process, so a double press runs once after the other. */
  async function exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = locks.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    locks.set(key, next);
    try {
      return await next;
    } finally {
      if (locks.get(key) === next) locks.delete(key);
    }
  }

  async function mustGet(ref: string): Promise<Incident> {
    const incident = await incidents.get(ref);
    if (!incident) throw new AppError('not-found', `incident ${ref} not found`);
    return incident;
  }

  function requireRole(actor: Actor, requirement: Parameters<typeof satisfies>[1], action: string): void {
    if (!satisfies(actor.role, requirement)) throw new AppError('auth', `${action} needs the ${requirement} role`);
  }

  async function save(next: Incident, previous: Incident): Promise<Incident> {
    await deps.pipeline.saveChanged(next, previous);
    return next;
  }

  async function forwardOnce(forwarder: Forwarder, incident: Incident, actor: Actor, signal: AbortSignal) {
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
        logger.warn('forward failed, retrying with the same key', { forwarder: forwarder.id, ref: refOf(incident), attempt, kind: errorKind(error) });
        await clock.sleep(wait, signal);
      }
    }
    throw lastError;
  }

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
        if (incident.forwards?.[forwarder.id]?.state === 'done') continue;
        actions.push({ id: `fwd:${forwarder.id}`, labelKey: forwarder.labelKey, requires: FORWARD_REQUIRES });
      }
      return actions;
    },
    async acknowledge(ref: string, actor: Actor) {
      requireRole(actor, ACK_REQUIRES, 'acknowledge');
      return exclusive(`ack:${ref}`, async () => {
        const incident = await mustGet(ref);
        if (incident.ack) return incident;
        const next: Incident = { ...incident, ack: { by: actorLabel(actor), byId: `${actor.platform}:${actor.userId}`, at: clock.now().toISOString() }, revision: incident.revision + 1 };
        await deps.audit.record({ actor: actorLabel(actor), action: 'incident.ack', target: ref, outcome: 'ok' });
        return save(next, incident);
      });
    },
    async refresh(ref: string, actor: Actor, signal: AbortSignal) {
      requireRole(actor, 'approved', 'refresh');
      const incident = await mustGet(ref);
      const source = deps.sources.get(incident.source);
      if (!source?.refresh) throw new AppError('bad-request', `source ${incident.source} cannot refresh`);
      const draft = await source.refresh(incident, signal);
      return deps.pipeline.applyDraft(incident.source, draft);
    },
    async runSourceAction(ref: string, actionId: string, actor: Actor, signal: AbortSignal) {
      const incident = await mustGet(ref);
      const action = deps.sources.get(incident.source)?.actions?.find((a) => a.id === actionId);
      if (!action) throw new AppError('not-found', `no action ${actionId} for ${incident.source}`);
      requireRole(actor, action.requires, actionId);
      if (!action.appliesTo(incident)) throw new AppError('bad-request', `${actionId} does not apply to ${incident.key} now`);
      return exclusive(`action:${ref}`, async () => {
        try {
          const outcome = await action.run(incident, actor, signal);
          await deps.audit.record({ actor: actorLabel(actor), action: `incident.${actionId}`, target: ref, outcome: 'ok' });
          const updated = outcome.draft ? await deps.pipeline.applyDraft(incident.source, outcome.draft) : await mustGet(ref);
          return { incident: updated, outcome };
        } catch (error) {
          await deps.audit.record({ actor: actorLabel(actor), action: `incident.${actionId}`, target: ref, outcome: 'failed', details: deps.redact(errorMessage(error)).slice(0, 300) });
          throw error;
        }
      });
    },
    async forward(ref: string, forwarderId: string, actor: Actor, signal: AbortSignal) {
      requireRole(actor, FORWARD_REQUIRES, 'forward');
      const forwarder = deps.forwarders.get(forwarderId);
      if (!forwarder) throw new AppError('not-found', `forwarder ${forwarderId} is not configured`);
      return exclusive(`fwd:${forwarderId}:${ref}`, async () => {
        const incident = await mustGet(ref);
        if (incident.forwards?.[forwarderId]?.state === 'done') return incident;
        const by = actorLabel(actor);
        let state: ForwardState;
        try {
          const result = await forwardOnce(forwarder, incident, actor, signal);
          state = { state: 'done', at: clock.now().toISOString(), by, ref: result.ref, ...(result.link ? { link: result.link } : {}), ...(result.dryRun ? { dryRun: true } : {}) };
          await deps.audit.record({ actor: by, action: `forward.${forwarderId}`, target: ref, outcome: 'ok', details: `${result.created ? 'created' : 'existing'} ${result.ref}${result.dryRun ? ' (dry run)' : ''}` });
          logger.info('incident forwarded', { ref, forwarder: forwarderId, remote: result.ref, dryRun: result.dryRun ?? false });
        } catch (error) {
          const message = deps.redact(errorMessage(error)).replace(/\s+/g, ' ').slice(0, 400);
          state = { state: 'failed', at: clock.now().toISOString(), by, error: message };
          await deps.audit.record({ actor: by, action: `forward.${forwarderId}`, target: ref, outcome: 'failed', details: message });
          logger.warn('forward failed', { ref, forwarder: forwarderId, kind: errorKind(error), error: message });
        }
        const latest = await mustGet(ref);
        const next: Incident = { ...latest, forwards: { ...latest.forwards, [forwarderId]: state }, revision: latest.revision + 1 };
        return save(next, latest);
      });
    },
    forwarderIds() {
      return [...deps.forwarders.keys()];
    },
    /** Late sub-events of an already forwarded incident reach the forwarder too. */
    async syncForwarders(incident: Incident, previous: Incident) {
      for (const [id, forwarder] of deps.forwarders) {
        if (incident.forwards?.[id]?.state !== 'done' || !forwarder.update) continue;
        if (incident.subEvents.length === previous.subEvents.length && incident.count === previous.count) continue;
        const ref = incidentRef(incident.source, incident.sourceId);
        await exclusive(`fwd:${id}:${ref}`, async () => {
          try {
            await forwarder.update?.(incident, previous, new AbortController().signal);
            await deps.audit.record({ actor: 'socbot', action: `forward.${id}.update`, target: ref, outcome: 'ok', details: `${incident.subEvents.length - previous.subEvents.length} new sub-events` });
          } catch (error) {
            const message = deps.redact(errorMessage(error)).slice(0, 300);
            logger.error('forward update failed', { ref, forwarder: id, error: message });
            await deps.audit.record({ actor: 'socbot', action: `forward.${id}.update`, target: ref, outcome: 'failed', details: message });
          }
        });
      }
    },
  };
  return service;
}
