/**
 * The composition root: the only place that knows every adapter. Everything else receives its
 * dependencies as arguments.
 */
import { createAuditLog } from '../core/audit.js';
import { systemClock, type Clock } from '../core/clock.js';
import { createDeliveryWorker, type DeliveryWorker } from '../core/delivery-worker.js';
import { createHealthTracker, type HealthTracker } from '../core/health.js';
import { createIncidentService, pendingSyncRecord } from '../core/incident-service.js';
import type { Logger } from '../core/logger.js';
import { createKeyedMutex } from '../core/keyed-mutex.js';
import { createOutbox, type Outbox } from '../core/outbox.js';
import { createPipeline, type Pipeline } from '../core/pipeline.js';
import type {
  ActionHandler,
  AdapterDeps,
  AdminNotifier,
  AuditLog,
  ChatNotifier,
  CommandModule,
  Forwarder,
  IncidentService,
  SourceAdapter,
  Store,
} from '../core/ports.js';
import type { Config } from '../config/schema.js';
import { createForwardCommand } from '../commands/forward.js';
import { createTelegramBot, type TelegramExtension, type TelegramPlatform } from '../bot/telegram/index.js';
import { registerCleanlsConversation } from '../bot/telegram/features/cleanls-conversation.js';
import { createForwarders } from '../forwarders/registry.js';
import { createI18n } from '../lib/i18n.js';
import { createLogger } from '../lib/logger.js';
import { redactText } from '../lib/redact.js';
import { createSources, type SourceEntry } from '../sources/registry.js';
import { createSophosCentralClient } from '../sources/sophos/central-client.js';
import { openStore } from '../store/keyv.js';
import { auditRecord, incidentRecord, jsonRecord, ledgerRecord, outboxRecord, stringRecord } from '../store/records.js';
import { createDiagnostics, createErrorRing, withErrorRing } from './diagnostics.js';
import { createScheduler, type Scheduler } from './scheduler.js';
import { createOnDemandCommands } from './on-demand.js';

export interface AppOverrides {
  /** Replace the configured sources (tests drive fakes through the real pipeline). */
  sources?: readonly SourceEntry[];
  forwarders?: readonly Forwarder[];
  clock?: Clock;
  logger?: Logger;
  /** Delivery tuning for tests: spacing between sends, backoff. */
  delivery?: { globalIntervalMs?: number; backoffBaseMs?: number; backoffMaxMs?: number };
  /** Passed to the Telegram platform (e.g. scaled flood limits in tests). */
  telegram?: Record<string, unknown>;
  /** How long start() waits for the Bot API before going on without it (default 15 s). */
  telegramStartWaitMs?: number;
}

export interface App {
  readonly store: Store;
  readonly pipeline: Pipeline;
  readonly incidents: IncidentService;
  readonly outbox: Outbox;
  readonly worker: DeliveryWorker;
  readonly health: HealthTracker;
  readonly audit: AuditLog;
  readonly telegram: TelegramPlatform;
  readonly scheduler: Scheduler;
  readonly sources: ReadonlyMap<string, SourceAdapter>;
  readonly logger: Logger;
  /** Resolves with a reason when the app cannot go on (e.g. the bot token was rejected); never rejects. */
  readonly fatal: Promise<string>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const clock = overrides.clock ?? systemClock;
  const ring = createErrorRing();
  const logger = withErrorRing(overrides.logger ?? createLogger(), ring);
  const store = await openStore(config.store.url, { logger: logger.child({ component: 'store' }) });

  const incidentsCollection = store.collection('incidents', incidentRecord);
  const keys = store.collection('incident-keys', stringRecord);
  const ledger = store.collection('ledger', ledgerRecord);
  const cursors = store.collection('cursors', stringRecord);
  const outbox = createOutbox(store.collection('outbox', outboxRecord), clock);
  const audit = createAuditLog(store.collection('audit', auditRecord), clock);

  const adapterDeps = (kind: 'source' | 'forwarder') => (id: string): AdapterDeps => ({
    logger: logger.child({ [kind]: id }),
    clock,
    state: store.collection(`${kind}-${id}`, jsonRecord),
  });

  const sophosCentral = config.sources.sophos ? createSophosCentralClient(config.sources.sophos, adapterDeps('source')('sophos-central')) : undefined;
  const sourceEntries = overrides.sources ?? createSources(config, adapterDeps('source'), { ...(sophosCentral ? { sophosCentral } : {}) });
  const sources = new Map(sourceEntries.map((e) => [e.adapter.id, e.adapter]));
  const i18n = createI18n(config.locale);
  // Text written into vendor systems (SOAR descriptions) uses the bot's default language.
  const translateDefault = (key: string): string => i18n.t(config.locale, key);
  const forwarderList = overrides.forwarders ?? createForwarders(config, adapterDeps('forwarder'), translateDefault);
  const forwarders = new Map(forwarderList.map((f) => [f.id, f]));

  // The pipeline and the chat platform need each other; these are filled in once both exist.
  const late: { telegram?: TelegramPlatform; service?: ReturnType<typeof createIncidentService> } = {};
  const admins = (): AdminNotifier | undefined => late.telegram?.admins;
  const health = createHealthTracker({ clock, admins, redact: redactText });

  const locks = createKeyedMutex();
  const pipeline = createPipeline({
    sources,
    locks,
    incidents: incidentsCollection,
    keys,
    ledger,
    cursors,
    outbox,
    resolver: () => {
      if (!late.telegram) throw new Error('chat platform not ready');
      return late.telegram.resolver;
    },
    health,
    clock,
    logger: logger.child({ component: 'pipeline' }),
    onUpdated: (incident, previous) => {
      void late.service?.syncForwarders(incident, previous);
    },
  });
  const service = createIncidentService({
    locks,
    incidents: incidentsCollection,
    keys,
    sources,
    forwarders,
    pipeline,
    audit,
    clock,
    logger: logger.child({ component: 'incidents' }),
    redact: redactText,
    pendingSyncs: store.collection('forward-syncs', pendingSyncRecord),
  });
  late.service = service;
  const incidents: IncidentService = service;

  const diagnostics = createDiagnostics({ health, outbox, ring, startedAt: clock.now(), sources });
  const onDemand = createOnDemandCommands(config, { incidents, clock, logger, audit, ...(sophosCentral ? { sophosCentral } : {}), store });
  // /forward is offered only when there is somewhere to forward to.
  const commands: CommandModule[] = [...(forwarders.size > 0 ? [createForwardCommand({ incidents })] : []), ...onDemand.commands];
  const actions: ActionHandler[] = [...onDemand.actions];

  const cleanls = onDemand.cleanls;
  // /cleanls without arguments is a guided conversation on Telegram (tenant, then level, then the dry run).
  const extensions: TelegramExtension[] = cleanls
    ? [(composer, tools) => registerCleanlsConversation(composer, { cleanls, actorOf: tools.actorOf, translate: tools.translate, send: tools.send, store: tools.store, logger: tools.logger })]
    : [];
  let reportFatal: (reason: string) => void = () => undefined;
  const fatal = new Promise<string>((resolve) => {
    reportFatal = resolve;
  });
  const platform = createTelegramBot(config, {
    onFatal: (reason) => reportFatal(reason),
    store,
    logger: logger.child({ component: 'telegram' }),
    clock,
    i18n,
    incidents,
    diagnostics,
    audit,
    commands,
    actions,
    extensions,
    ...(overrides.telegram ? { options: overrides.telegram } : {}),
  });
  late.telegram = platform;

  const notifiers = new Map<string, ChatNotifier>([[platform.notifier.platform, platform.notifier]]);
  const worker = createDeliveryWorker({
    outbox,
    incidents: incidentsCollection,
    notifiers,
    lifecycle: (p) => (p === platform.notifier.platform ? platform.lifecycle : undefined),
    admins,
    clock,
    logger: logger.child({ component: 'delivery' }),
    maxAttempts: config.delivery.maxAttempts,
    maxRetryAfterMs: config.delivery.maxRetryAfter * 1000,
    ...overrides.delivery,
  });

  const scheduler = createScheduler({
    schedules: sourceEntries.map((e) => ({ source: e.adapter.id, intervalSeconds: e.pollInterval })),
    pipeline,
    health,
    logger: logger.child({ component: 'scheduler' }),
    extraJobs: [
      {
        name: 'housekeeping',
        pattern: '0 */10 * * * *',
        run: async () => {
          await platform.housekeeping();
          const retentionMs = config.store.retentionDays * 86_400_000;
          await outbox.prune(retentionMs);
          await pipeline.prune(new Date(clock.now().getTime() - retentionMs));
        },
      },
    ],
  });

  return {
    store,
    pipeline,
    incidents,
    outbox,
    worker,
    health,
    audit,
    telegram: platform,
    scheduler,
    sources,
    logger,
    fatal,
    async start() {
      for (const id of sources.keys()) health.register(id, await cursors.get(id));
      await outbox.load();
      await service.resumeSyncs();
      // Telegram being unreachable must not stop the sources: incidents queue in the outbox meanwhile.
      const telegramUp = platform.start().then(() => true);
      const waitMs = overrides.telegramStartWaitMs ?? 15_000;
      const waiting = new AbortController();
      const up = await Promise.race([telegramUp, clock.sleep(waitMs, waiting.signal).then(() => false)]);
      waiting.abort();
      if (!up) {
        logger.warn('Telegram Bot API not reachable yet; sources are polled and incidents queued until it is', { apiRoot: new URL(config.telegram.apiRoot).host });
      }
      worker.start();
      scheduler.start();
      logger.info('socbot started', { sources: [...sources.keys()], forwarders: [...forwarders.keys()], store: store.kind });
    },
    async stop() {
      // Order: no new polls → no new updates → finish or park deliveries → close the store.
      await scheduler.stop();
      await platform.stop();
      await worker.stop(10_000);
      await service.stop();
      for (const source of sources.values()) await source.close?.().catch(() => undefined);
      await store.close();
      logger.info('socbot stopped');
    },
  };
}
