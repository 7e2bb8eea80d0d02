/**
 * The real core (pipeline, outbox, delivery worker, incident service) on a real store, with an in-memory fake
 * source and a recording fake notifier. Used by the foundation tests; the Telegram tests use the whole app.
 */
import { createAuditLog } from '../../src/core/audit.js';
import { systemClock } from '../../src/core/clock.js';
import { DeliveryError, type DeliveryFailure } from '../../src/core/delivery-error.js';
import { createDeliveryWorker } from '../../src/core/delivery-worker.js';
import { createHealthTracker } from '../../src/core/health.js';
import type { Incident, IncidentDraft } from '../../src/core/incident.js';
import { createIncidentService } from '../../src/core/incident-service.js';
import { createKeyedMutex } from '../../src/core/keyed-mutex.js';
import { createOutbox } from '../../src/core/outbox.js';
import { createPipeline } from '../../src/core/pipeline.js';
import type { AdminNotifier, ChatLifecycle, ChatNotifier, DeliveryLimits, PollResult, SourceAdapter, Store } from '../../src/core/ports.js';
import { silentLogger } from '../../src/lib/logger.js';
import { openStore } from '../../src/store/keyv.js';
import { auditRecord, incidentRecord, ledgerRecord, outboxRecord, stringRecord } from '../../src/store/records.js';

/** A source that serves a fixed, growing list of drafts in pages, with a numeric cursor (index of the next item). */
export class FakeSource implements SourceAdapter {
  readonly id: string;
  items: IncidentDraft[] = [];
  pageSize = 50;
  polls = 0;
  failNext: Error | undefined;

  constructor(id = 'fake') {
    this.id = id;
  }

  poll(cursor: string | undefined): Promise<PollResult> {
    this.polls += 1;
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      return Promise.reject(error);
    }
    const from = cursor === undefined ? 0 : Number(cursor);
    const page = this.items.slice(from, from + this.pageSize);
    const next = from + page.length;
    return Promise.resolve({ drafts: page, nextCursor: String(next), more: next < this.items.length });
  }
}

export interface Sent {
  chatId: string;
  kind: 'post' | 'edit' | 'digest' | 'notice';
  keys: string[];
  revision?: number;
}

export class FakeNotifier implements ChatNotifier {
  readonly platform = 'fake';
  sent: Sent[] = [];
  /** Failures returned for the next calls, in order. */
  failures: DeliveryFailure[] = [];
  limitsValue: DeliveryLimits = { minIntervalMs: 0, digestThreshold: 1000, digestMax: 50 };
  private counter = 0;

  limits(): DeliveryLimits {
    return this.limitsValue;
  }
  private maybeFail(): void {
    const failure = this.failures.shift();
    if (failure) throw new DeliveryError(failure);
  }
  post(chatId: string, incident: Incident): Promise<string> {
    this.maybeFail();
    this.sent.push({ chatId, kind: 'post', keys: [incident.key], revision: incident.revision });
    return Promise.resolve(String(++this.counter));
  }
  edit(chatId: string, _ref: string, incident: Incident): Promise<void> {
    this.maybeFail();
    this.sent.push({ chatId, kind: 'edit', keys: [incident.key], revision: incident.revision });
    return Promise.resolve();
  }
  digest(chatId: string, incidents: readonly Incident[]): Promise<string> {
    this.maybeFail();
    this.sent.push({ chatId, kind: 'digest', keys: incidents.map((i) => i.key) });
    return Promise.resolve(String(++this.counter));
  }
  notice(chatId: string, key: string): Promise<void> {
    this.sent.push({ chatId, kind: 'notice', keys: [key] });
    return Promise.resolve();
  }
  postedKeys(chatId?: string): string[] {
    return this.sent.filter((s) => (s.kind === 'post' || s.kind === 'digest') && (!chatId || s.chatId === chatId)).flatMap((s) => s.keys);
  }
}

export async function createHarness<S extends SourceAdapter = FakeSource>(options: { storeUrl?: string; store?: Store; chats?: string[]; source?: S } = {}) {
  const store = options.store ?? (await openStore(options.storeUrl ?? 'memory://', { logger: silentLogger }));
  const clock = systemClock;
  const source = (options.source ?? new FakeSource()) as S;
  const notifier = new FakeNotifier();
  const chats = options.chats ?? ['100'];
  const notices: string[] = [];
  const admins: AdminNotifier = { notifyAdmins: (key) => Promise.resolve(void notices.push(key)) };
  const lifecycleEvents: string[] = [];
  const lifecycle: ChatLifecycle = {
    markInactive: (dest) => Promise.resolve(void lifecycleEvents.push(`inactive ${dest}`)),
    migrate: (from, to) => Promise.resolve(void lifecycleEvents.push(`migrate ${from} ${to}`)),
  };
  const incidents = store.collection('incidents', incidentRecord);
  const keys = store.collection('incident-keys', stringRecord);
  const outbox = createOutbox(store.collection('outbox', outboxRecord), clock);
  await outbox.load();
  const health = createHealthTracker({ clock, admins: () => admins, redact: (s) => s });
  const sources = new Map<string, SourceAdapter>([[source.id, source]]);
  const locks = createKeyedMutex();
  const pipeline = createPipeline({
    sources,
    locks,
    incidents,
    keys,
    ledger: store.collection('ledger', ledgerRecord),
    cursors: store.collection('cursors', stringRecord),
    outbox,
    resolver: () => ({ destinationsFor: () => Promise.resolve(chats.map((c) => `fake:${c}`)) }),
    health,
    clock,
    logger: silentLogger,
  });
  const audit = createAuditLog(store.collection('audit', auditRecord), clock);
  const service = createIncidentService({ locks, incidents, keys, sources, forwarders: new Map(), pipeline, audit, clock, logger: silentLogger, redact: (s) => s, forwardBackoffMs: 1 });
  const worker = createDeliveryWorker({
    outbox,
    incidents,
    notifiers: new Map([['fake', notifier as ChatNotifier]]),
    lifecycle: () => lifecycle,
    admins: () => admins,
    clock,
    logger: silentLogger,
    maxAttempts: 3,
    maxRetryAfterMs: 60_000,
    globalIntervalMs: 0,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
  });
  return { store, source, notifier, outbox, pipeline, worker, health, service, incidents, notices, lifecycleEvents, audit };
}

/** Waits until `check` passes or fails after `ms`. */
export async function eventually(check: () => void | Promise<void>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
