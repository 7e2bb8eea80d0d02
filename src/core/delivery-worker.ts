/**
 * Drains the outbox: one ordered lane per destination, spaced by the platform's per-chat limit and a global
 * limit, folding a backlog into digests, and reacting to what the platform says (DeliveryError).
 * Nothing is dropped: transient failures retry with capped backoff; only permanent failures, inactive chats
 * and items that fail while their chat otherwise works become dead letters, and admins hear about those.
 */
import { errorMessage } from './errors.js';
import { isDeliveryError } from './delivery-error.js';
import type { Incident } from './incident.js';
import type { Logger } from './logger.js';
import type { OutboxEntry, Outbox } from './outbox.js';
import {
  splitDestination,
  type AdminNotifier,
  type ChatLifecycle,
  type ChatNotifier,
  type Clock,
  type Collection,
  type Destination,
} from './ports.js';

export interface DeliveryWorkerOptions {
  outbox: Outbox;
  incidents: Collection<Incident>;
  notifiers: ReadonlyMap<string, ChatNotifier>;
  lifecycle: (platform: string) => ChatLifecycle | undefined;
  admins: () => AdminNotifier | undefined;
  clock: Clock;
  logger: Logger;
  /** Transient attempts after which an item fails as a dead letter, if its chat works otherwise. */
  maxAttempts: number;
  /** A retry_after above this still waits, but is reported. */
  maxRetryAfterMs: number;
  /** Spacing between any two sends, all chats together (Telegram: about 30/s). */
  globalIntervalMs?: number;
  /** Backoff base for transient failures. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

export interface DeliveryWorker {
  start(): void;
  /** Wake up now (new entries). */
  kick(): void;
  /** Stops taking new work and waits for in-flight sends (bounded by graceMs). */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when no entry is pending or everything pending is waiting on a timer (tests, shutdown). */
  idle(): Promise<void>;
}

interface Lane {
  nextAt: number;
  busy: boolean;
  lastSuccessAt: number;
  failures: number;
  /** Admins were told this chat is degraded; they hear once more when it recovers. */
  degraded: boolean;
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { outbox, clock, logger } = options;
  const lanes = new Map<Destination, Lane>();
  const globalInterval = options.globalIntervalMs ?? 34;
  const backoffBase = options.backoffBaseMs ?? 1000;
  const backoffMax = options.backoffMaxMs ?? 5 * 60_000;
  let globalNextAt = 0;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();
  const notices = new Set<Promise<unknown>>();
  const degradedLanes = new Set<Destination>();
  const idleWaiters: Array<() => void> = [];

  const laneOf = (dest: Destination): Lane => {
    let lane = lanes.get(dest);
    if (!lane) {
      lane = { nextAt: 0, busy: false, lastSuccessAt: 0, failures: 0, degraded: false };
      lanes.set(dest, lane);
    }
    return lane;
  };

  function schedule(delayMs: number): void {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, Math.max(0, delayMs));
  }

  function settleIdle(): void {
    if (inFlight.size > 0) return;
    const now = clock.now().getTime();
    const readyNow = outbox.destinations().some((d) => laneOf(d).nextAt <= now);
    if (readyNow && running) return;
    while (idleWaiters.length) idleWaiters.shift()?.();
  }

  function tick(): void {
    timer = undefined;
    if (!running) return;
    const now = clock.now().getTime();
    let soonest = Number.POSITIVE_INFINITY;
    for (const dest of outbox.destinations()) {
      const lane = laneOf(dest);
      if (lane.busy) continue;
      const readyAt = Math.max(lane.nextAt, globalNextAt);
      if (readyAt > now) {
        soonest = Math.min(soonest, readyAt);
        continue;
      }
      globalNextAt = now + globalInterval;
      lane.busy = true;
      const work = runLane(dest, lane)
        .catch((error: unknown) => logger.error('delivery lane failed', { destination: dest, error }))
        .finally(() => {
          lane.busy = false;
          inFlight.delete(work);
          schedule(0);
          settleIdle();
        });
      inFlight.add(work);
    }
    if (Number.isFinite(soonest)) schedule(soonest - now);
    settleIdle();
  }

  async function loadIncidents(entries: readonly OutboxEntry[]): Promise<Map<string, Incident>> {
    const map = new Map<string, Incident>();
    for (const e of entries) {
      if (map.has(e.ref)) continue;
      const incident = await options.incidents.get(e.ref);
      if (incident) map.set(e.ref, incident);
    }
    return map;
  }

  async function changedSince(rendered: Incident): Promise<boolean> {
    const latest = await options.incidents.get(`${rendered.source}:${rendered.sourceId}`);
    return latest !== undefined && latest.revision !== rendered.revision;
  }

  async function runLane(dest: Destination, lane: Lane): Promise<void> {
    const pending = outbox.pendingFor(dest);
    const head = pending[0];
    if (!head) return;
    const { platform, chatId } = splitDestination(dest);
    const notifier = options.notifiers.get(platform);
    if (!notifier) {
      await outbox.update({ ...head, state: 'dead', reason: `no notifier for platform ${platform}` });
      return;
    }
    const limits = notifier.limits(chatId);
    const posts = pending.filter((e) => e.op === 'post');
    const nowIso = clock.now().toISOString();
    try {
      if (head.op === 'post' && posts.length > limits.digestThreshold) {
        const batch = posts.slice(0, limits.digestMax);
        const incidents = await loadIncidents(batch);
        const present = batch.filter((e) => incidents.has(e.ref));
        for (const e of batch) if (!incidents.has(e.ref)) await outbox.update({ ...e, state: 'dead', reason: 'incident record missing' });
        if (present.length > 0) {
          const messageRef = await notifier.digest(chatId, present.map((e) => incidents.get(e.ref) as Incident));
          for (const e of present) await outbox.update({ ...e, state: 'sent', sentAt: nowIso, messageRef, viaDigest: true });
          logger.info('digest delivered', { destination: dest, incidents: present.length });
        }
      } else {
        const incident = await options.incidents.get(head.ref);
        if (!incident) {
          await outbox.update({ ...head, state: 'dead', reason: 'incident record missing' });
          return;
        }
        if (head.op === 'post') {
          const messageRef = await notifier.post(chatId, incident);
          await outbox.update({ ...head, state: 'sent', sentAt: nowIso, messageRef });
          logger.info('incident delivered', { destination: dest, ref: head.ref, key: incident.key });
          // A change stored while the card was on its way would otherwise never reach this card.
          if (await changedSince(incident)) await outbox.enqueueEdits(head.ref);
        } else {
          const card = outbox.sentPost(dest, head.ref);
          if (card?.messageRef && !card.viaDigest) await notifier.edit(chatId, card.messageRef, incident);
          // Edits coalesce into one entry per card; if the incident changed during this edit, edit again.
          if (await changedSince(incident)) await outbox.update({ ...head, attempts: 0 });
          else await outbox.update({ ...head, state: 'sent', sentAt: nowIso, messageRef: card?.messageRef });
        }
      }
      lane.lastSuccessAt = clock.now().getTime();
      lane.failures = 0;
      if (lane.degraded) {
        lane.degraded = false;
        degradedLanes.delete(dest);
        logger.info('deliveries recovered', { destination: dest });
        // One notice for the whole outage: when the last degraded chat works again.
        if (degradedLanes.size === 0) tellAdmins('delivery-recovered', { destination: dest });
      }
      lane.nextAt = clock.now().getTime() + limits.minIntervalMs;
    } catch (error) {
      await onFailure(dest, lane, head, error);
    }
  }

  async function onFailure(dest: Destination, lane: Lane, head: OutboxEntry, error: unknown): Promise<void> {
    const now = clock.now().getTime();
    const { platform } = splitDestination(dest);
    if (!isDeliveryError(error)) {
      return transient(dest, lane, head, errorMessage(error));
    }
    const failure = error.failure;
    switch (failure.kind) {
      case 'retry-after': {
        if (failure.retryAfterMs > options.maxRetryAfterMs) {
          logger.warn('retry_after above the maximum; the item stays pending', { destination: dest, retryAfterMs: failure.retryAfterMs });
        }
        lane.nextAt = now + failure.retryAfterMs;
        logger.warn('rate limited by the chat platform', { destination: dest, retryAfterMs: failure.retryAfterMs });
        return;
      }
      case 'transient':
        return transient(dest, lane, head, failure.reason);
      case 'permanent':
        await outbox.update({ ...head, state: 'dead', reason: failure.reason, sentAt: new Date(now).toISOString() });
        logger.error('delivery failed permanently', { destination: dest, ref: head.ref, reason: failure.reason });
        tellAdmins('delivery-dead-letter', { destination: dest, key: head.ref, reason: failure.reason });
        return;
      case 'inactive': {
        for (const e of outbox.pendingFor(dest)) await outbox.update({ ...e, state: 'dead', reason: `chat inactive: ${failure.reason}`, sentAt: new Date(now).toISOString() });
        await options.lifecycle(platform)?.markInactive(dest, failure.reason);
        logger.warn('chat inactive, its pending items parked as dead letters', { destination: dest, reason: failure.reason });
        tellAdmins('delivery-chat-inactive', { destination: dest, reason: failure.reason });
        return;
      }
      case 'migrated': {
        const to = `${platform}:${failure.newChatId}`;
        await options.lifecycle(platform)?.migrate(dest, to);
        await outbox.move(dest, to);
        logger.info('chat migrated, pending items moved', { from: dest, to });
        return;
      }
    }
  }

  async function transient(dest: Destination, lane: Lane, head: OutboxEntry, reason: string): Promise<void> {
    const now = clock.now();
    const attempts = head.attempts + 1;
    const firstFailedAt = head.firstFailedAt ?? now.toISOString();
    // A chat that has worked since this item first failed means the item itself is the problem.
    const chatWorksOtherwise = lane.lastSuccessAt > Date.parse(firstFailedAt);
    if (attempts >= options.maxAttempts && chatWorksOtherwise) {
      await outbox.update({ ...head, attempts, firstFailedAt, state: 'dead', reason, sentAt: now.toISOString() });
      logger.error('delivery gave up on one item', { destination: dest, ref: head.ref, attempts, reason });
      tellAdmins('delivery-dead-letter', { destination: dest, key: head.ref, reason });
      return;
    }
    await outbox.update({ ...head, attempts, firstFailedAt });
    lane.failures += 1;
    lane.nextAt = now.getTime() + Math.min(backoffMax, backoffBase * 2 ** Math.min(lane.failures - 1, 16));
    logger.warn('delivery failed, will retry', { destination: dest, ref: head.ref, attempts, reason });
    if (attempts >= options.maxAttempts && !lane.degraded) {
      lane.degraded = true;
      // A platform-wide outage degrades every chat at once; admins hear about the first one only.
      if (degradedLanes.size === 0) tellAdmins('delivery-degraded', { destination: dest, reason });
      degradedLanes.add(dest);
    }
  }

  /**
   * Not awaited: notices travel through the same platform, possibly the one that is failing, and must never
   * hold a chat's deliveries.
   */
  function tellAdmins(key: string, vars: Record<string, string | number>): void {
    const admins = options.admins();
    if (!admins) return;
    const sent = admins.notifyAdmins(key, vars).catch((error: unknown) => logger.warn('admin notice failed', { key, error: errorMessage(error) }));
    notices.add(sent);
    void sent.finally(() => notices.delete(sent));
  }

  outbox.onChange(() => {
    if (running) schedule(0);
  });

  return {
    start() {
      running = true;
      schedule(0);
    },
    kick() {
      schedule(0);
    },
    async stop(graceMs = 10_000) {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const all = Promise.allSettled([...inFlight, ...notices]);
      await Promise.race([all, clock.sleep(graceMs)]);
      while (idleWaiters.length) idleWaiters.shift()?.();
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
  };
}
