/**
 * The Telegram platform: a grammY bot (long polling against `telegram.apiRoot`) plus the delivery-side ports the
 * core needs (notifier, destination resolver, chat lifecycle, admin notices). The composition root builds it
 * with `createTelegramBot(config, deps)` and calls `start()`/`stop()`/`housekeeping()`.
 *
 * Middleware order (each step may end the update):
 *   1. update_id dedupe          — a re-delivered batch is handled once
 *   2. request state             — sender and chat records re-read, role and language resolved; banned → silence
 *   3. error boundary around the features:
 *      membership (my_chat_member, migrations) → commands → buttons
 */
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { autoRetry } from '@grammyjs/auto-retry';
import type { I18n } from '@grammyjs/i18n';
import { Api, Bot, Composer, GrammyError, type Context } from 'grammy';
import type { BotCommand, BotCommandScope, UserFromGetMe } from 'grammy/types';
import { z } from 'zod';
import type { Actor, Requirement, Role } from '../../core/access.js';
import { createApprovalService, type ApprovalService } from '../../core/approval.js';
import type { Clock } from '../../core/clock.js';
import { incidentDestinations, type ChatRecord, type Directory } from '../../core/directory.js';
import type { Logger } from '../../core/logger.js';
import {
  destination,
  splitDestination,
  type ActionHandler,
  type AdminNotifier,
  type AuditLog,
  type ChatLifecycle,
  type ChatNotifier,
  type CommandModule,
  type DestinationResolver,
  type Diagnostics,
  type IncidentService,
  type Store,
} from '../../core/ports.js';
import type { Reply } from '../../core/reply.js';
import { LOCALES, type Config } from '../../config/schema.js';
import { pickLocale, type Vars } from '../../lib/i18n.js';
import { redactText } from '../../lib/redact.js';
import { createDebugCommand } from '../../commands/debug.js';
import { createHelpCommand } from '../../commands/help.js';
import { createPingCommand } from '../../commands/ping.js';
import { createStartCommand } from '../../commands/start.js';
import { createUsersCommand } from '../../commands/users.js';
import { createApprovalStore, createDirectoryStore } from '../../store/directory-store.js';
import { formatTime } from '../card.js';
import { createSendBudget } from './budget.js';
import { createButtonStore } from './callback-data.js';
import { PLATFORM, resolveRequest, type BotContext } from './context.js';
import { createApprovalEffects } from './effects.js';
import { telegramErrorMeta } from './errors.js';
import { buttonsFeature } from './features/buttons.js';
import { commandsFeature, COMMAND_NAME, createPoliteGate } from './features/commands.js';
import { membershipFeature } from './features/membership.js';
import { createTelegramNotifier, type RateLimits } from './notifier.js';
import type { Runtime } from './runtime.js';
import { createReplySender } from './send.js';

/** What a Telegram-only feature of another issue (a guided conversation, …) gets from the platform. */
export interface TelegramTools {
  /** The sender with the role re-read from the store; undefined for strangers without a role, bots and channels. */
  actorOf(ctx: Context): Promise<Actor | undefined>;
  translate(locale: string, key: string, vars?: Vars): string;
  /** Sends a platform-neutral Reply (HTML, buttons behind stored tokens, documents, sticker). */
  send(chatId: string, reply: Reply): Promise<void>;
  readonly store: Store;
  readonly logger: Logger;
}

/**
 * Installs middleware of another feature. It runs after the access checks (banned senders and chats never reach
 * it) and before the built-in features; whatever it does not handle it must pass on with `next()`.
 */
export type TelegramExtension = (composer: Composer<BotContext>, tools: TelegramTools) => void;

export interface TelegramDeps {
  readonly store: Store;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly i18n: I18n<Context>;
  readonly incidents: IncidentService;
  readonly diagnostics: Diagnostics;
  readonly audit: AuditLog;
  /** Commands of other features (/forward, /alerts, …), registered like the built-ins. */
  readonly commands?: readonly CommandModule[];
  /** Handlers of those features' buttons. */
  readonly actions?: readonly ActionHandler[];
  /** Telegram-only middleware of other features (e.g. the /cleanls conversation). */
  readonly extensions?: readonly TelegramExtension[];
  /** Test and tuning knobs, see `optionsSchema`. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Called when the platform cannot work at all (the token was rejected), so the process can exit loudly. */
  readonly onFatal?: (reason: string) => void;
}

export interface TelegramPlatform {
  readonly notifier: ChatNotifier;
  readonly resolver: DestinationResolver;
  readonly lifecycle: ChatLifecycle;
  readonly admins: AdminNotifier;
  readonly approvals: ApprovalService;
  readonly directory: Directory;
  /** Starts long polling (and registers the command menus); resolves once polling runs or first failed. */
  start(): Promise<void>;
  /** Stops polling (confirming the offset) and waits for background work. */
  stop(): Promise<void>;
  /** Periodic: expires overdue approval requests (and tells everyone). Schedule every few minutes. */
  housekeeping(): Promise<void>;
  /** Feeds one update through the middleware without polling (tests, webhooks later). */
  handleUpdate(update: Parameters<Bot<BotContext>['handleUpdate']>[0]): Promise<void>;
}

const optionsSchema = z
  .object({
    /** Overrides `telegram.rateLimits` (tests scale Telegram's limits down to milliseconds). */
    rateLimits: z.object({ groupPerMinute: z.number().positive(), privatePerSecond: z.number().positive(), globalPerSecond: z.number().positive() }).partial().optional(),
    /** getUpdates long-poll timeout, seconds. */
    pollTimeoutSeconds: z.number().int().min(0).max(50).optional(),
    /** A press is answered with its result if the work finishes within this, else with "working…". */
    quickAnswerMs: z.number().int().min(0).max(10_000).optional(),
    /** Wait before polling again after 409 (another poller) or a failed start. */
    restartDelayMs: z.number().int().min(0).optional(),
    /** Skip getMe (tests). */
    botInfo: z.custom<UserFromGetMe>((v) => typeof v === 'object' && v !== null && 'username' in v).optional(),
    /**
     * Longest a Bot API call may take before it counts as failed (grammY's default is 500 s, so one stalled
     * connection would hold a chat's deliveries or the command loop for minutes). Long polls get their own
     * timeout on top.
     */
    requestTimeoutSeconds: z.number().positive().max(600).optional(),
    /** Retries of interactive calls by auto-retry. */
    interactiveRetries: z.number().int().min(0).max(10).optional(),
  })
  .passthrough();

type Scope = BotCommandScope;

export function createTelegramBot(config: Config, deps: TelegramDeps): TelegramPlatform {
  const tg = config.telegram;
  const options = optionsSchema.parse(deps.options ?? {});
  const logger = deps.logger;
  const rateLimits: RateLimits = { ...tg.rateLimits, ...options.rateLimits };
  const translate = (locale: string, key: string, vars?: Vars): string => {
    try {
      return deps.i18n.t(pickLocale(locale, config.locale), key, vars as Record<string, string | number> | undefined);
    } catch (error) {
      // Fluent throws on a variable the caller did not pass; a notice with the bare id beats a lost message.
      logger.warn('translation failed', { key, error: error instanceof Error ? error.message : String(error) });
      return key;
    }
  };
  const adminIds = new Set(tg.admins);
  const groupMemberRole: Role | undefined = tg.groupMemberRole === 'none' ? undefined : tg.groupMemberRole;

  // ---------------------------------------------------------------- state
  const baseDirectory = createDirectoryStore(deps.store);
  // Destinations are resolved per incident; cache the chat list, dropped on every write through this instance.
  // A read that overlaps a write must not cache what it read: the generation tells.
  let chatCache: { at: number; chats: readonly ChatRecord[] } | undefined;
  let generation = 0;
  const directory: Directory = {
    ...baseDirectory,
    putChat: async (chat) => {
      generation++;
      chatCache = undefined;
      try {
        await baseDirectory.putChat(chat);
      } finally {
        generation++;
        chatCache = undefined;
      }
    },
    listChats: async (platform) => {
      const now = Date.now();
      let chats = chatCache && now - chatCache.at <= 30_000 ? chatCache.chats : undefined;
      if (!chats) {
        const before = generation;
        chats = await baseDirectory.listChats();
        if (before === generation) chatCache = { at: now, chats };
      }
      return chats.filter((c) => platform === undefined || c.platform === platform);
    },
  };
  const buttons = createButtonStore(deps.store, deps.clock);
  const settings = deps.store.collection('telegram', z.string());

  // ---------------------------------------------------------------- bot and APIs
  const requestTimeoutSeconds = options.requestTimeoutSeconds ?? 30;
  const bot = new Bot<BotContext>(tg.token, {
    client: { apiRoot: tg.apiRoot, timeoutSeconds: (options.pollTimeoutSeconds ?? 30) + requestTimeoutSeconds },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  // Every send, interactive or outbox, takes a slot of the same per-chat and global budget (installed first, so
  // it sits next to the network and a retried call waits for a slot again).
  const budget = createSendBudget(rateLimits, deps.clock);
  bot.api.config.use(budget.transformer);
  // Interactive calls (replies, prompts, edits after a press): paced per chat and retried on 429 in place.
  // Spacing gets a few percent of slack, as in the notifier: launch times are not arrival times.
  const spaced = (ms: number): number => Math.ceil(ms * 1.03) + 2;
  bot.api.config.use(
    apiThrottler({
      global: { reservoir: Math.ceil(rateLimits.globalPerSecond), reservoirRefreshAmount: Math.ceil(rateLimits.globalPerSecond), reservoirRefreshInterval: 1000 },
      group: {
        maxConcurrent: 1,
        minTime: spaced(60_000 / rateLimits.groupPerMinute),
        reservoir: Math.ceil(rateLimits.groupPerMinute),
        reservoirRefreshAmount: Math.ceil(rateLimits.groupPerMinute),
        reservoirRefreshInterval: 60_000,
      },
      out: { maxConcurrent: 1, minTime: spaced(1000 / rateLimits.privatePerSecond) },
    }),
  );
  // getUpdates is left to grammY's own polling loop: auto-retry's 5xx backoff (3 + 6 + 12 s) would keep commands
  // unanswered for half a minute after Telegram is back.
  const retried = autoRetry({ maxRetryAttempts: options.interactiveRetries ?? 3, maxDelaySeconds: 60, rethrowHttpErrors: true });
  bot.api.config.use((prev, method, payload, signal) => (method === 'getUpdates' ? prev(method, payload, signal) : retried(prev, method, payload, signal)));
  // Outbox deliveries: no throttler, no auto-retry — the outbox paces them and must see every 429.
  // A timeout here may follow a send Telegram accepted: the notifier marks the resend as a possible repeat.
  const deliveryApi = new Api(tg.token, { apiRoot: tg.apiRoot, timeoutSeconds: requestTimeoutSeconds });
  deliveryApi.config.use(budget.transformer);

  const effects = createApprovalEffects({
    api: bot.api,
    directory,
    buttons,
    adminIds: tg.admins,
    translate,
    defaultLocale: config.locale,
    timezone: config.timezone,
    approvalTtlSeconds: tg.approvalTtl,
    logger,
  });
  const approvals = createApprovalService({
    directory,
    approvals: createApprovalStore(deps.store),
    audit: deps.audit,
    clock: deps.clock,
    logger,
    ttlSeconds: tg.approvalTtl,
    effects,
    isConfigAdmin: (platform, id) => platform === PLATFORM && adminIds.has(id),
  });

  // ---------------------------------------------------------------- commands and actions
  const fmt = (iso: string): string => formatTime(iso, config.timezone);
  const users = createUsersCommand({ directory, approvals, platform: PLATFORM, configAdmins: tg.admins, formatTime: fmt });
  const commandList: CommandModule[] = [];
  commandList.push(
    createStartCommand({ approvals, localeOf: (code) => pickLocale(code, config.locale) }),
    createHelpCommand({ commands: () => commandList }),
    createPingCommand({ diagnostics: deps.diagnostics, clock: deps.clock, formatTime: fmt, ...(tg.pingSticker ? { sticker: tg.pingSticker } : {}) }),
    createDebugCommand({
      diagnostics: deps.diagnostics,
      directory,
      approvals,
      clock: deps.clock,
      formatTime: fmt,
      redact: redactText,
      storeKind: deps.store.kind,
      platform: PLATFORM,
    }),
    users.command,
  );
  for (const extra of deps.commands ?? []) {
    if (commandList.some((c) => c.name === extra.name)) logger.warn('duplicate command ignored', { command: extra.name });
    else commandList.push(extra);
  }
  const actions = new Map<string, ActionHandler>();
  for (const handler of [users.action, ...(deps.actions ?? [])]) {
    if (handler.action === 'card' || handler.action === 'approval' || actions.has(handler.action)) logger.warn('duplicate action handler ignored', { action: handler.action });
    else actions.set(handler.action, handler);
  }
  const requirementOf = (action: string): Requirement => actions.get(action)?.requires ?? 'admin';

  const tasks = new Set<Promise<void>>();
  const runtime: Runtime = {
    api: bot.api,
    directory,
    approvals,
    buttons,
    incidents: deps.incidents,
    audit: deps.audit,
    logger,
    clock: deps.clock,
    sender: createReplySender({ api: bot.api, buttons, requirementOf, logger }),
    translate,
    defaultLocale: config.locale,
    timezone: config.timezone,
    adminIds,
    groupMemberRole,
    commands: () => commandList,
    actions,
    quickAnswerMs: options.quickAnswerMs ?? 2500,
    requirementOf,
    background(name, task) {
      const run = task()
        .catch((error: unknown) => logger.warn('background task failed', { task: name, ...telegramErrorMeta(error) }))
        .finally(() => tasks.delete(run));
      tasks.add(run);
    },
  };

  // ---------------------------------------------------------------- middleware
  const resolveDeps = { directory, adminIds, groupMemberRole, defaultLocale: config.locale, translate };
  let lastUpdateId: number | undefined;
  bot.use(async (ctx, next) => {
    const id = ctx.update.update_id;
    // Telegram restarts update ids at a random value after a week without updates: only a recent id is a repeat.
    if (lastUpdateId !== undefined && id <= lastUpdateId && lastUpdateId - id < 10_000) {
      logger.debug('update already handled, skipped', { update_id: id });
      return;
    }
    try {
      await next();
    } finally {
      lastUpdateId = Math.max(lastUpdateId ?? id, id);
      await settings.set('last-update-id', String(lastUpdateId)).catch((error: unknown) => logger.warn('update offset not stored', { error }));
    }
  });

  const leftBanned = new Set<string>();
  bot.use(async (ctx, next) => {
    ctx.socbot = await resolveRequest(resolveDeps, ctx.from, ctx.chat);
    if (ctx.myChatMember) return next(); // membership changes are judged by the membership feature
    const { user, chat } = ctx.socbot;
    // A person writing to the bot proves their private chat works again (after "chat not found", say).
    if (chat?.kind === 'private' && !chat.active && chat.migratedTo === undefined && ctx.chat?.type === 'private' && ctx.message) {
      await approvals.markActive(PLATFORM, chat.id).catch((error: unknown) => logger.warn('chat not reactivated', telegramErrorMeta(error)));
    }
    // Someone who switched their app's language gets cards in it too, not only command replies.
    if (chat?.kind === 'private' && ctx.chat?.type === 'private' && ctx.from?.language_code && chat.locale !== ctx.socbot.locale) {
      await approvals.setChatLocale(PLATFORM, chat.id, ctx.socbot.locale).catch((error: unknown) => logger.warn('chat language not stored', telegramErrorMeta(error)));
    }
    const bannedUser = user?.status === 'banned' && !(ctx.from && adminIds.has(String(ctx.from.id)));
    const bannedChat = chat?.status === 'banned' && chat.kind === 'group';
    if (bannedChat && ctx.chat && !leftBanned.has(String(ctx.chat.id))) {
      leftBanned.add(String(ctx.chat.id));
      await bot.api.leaveChat(ctx.chat.id).catch((error: unknown) => logger.warn('could not leave a banned chat', telegramErrorMeta(error)));
    }
    if (bannedUser || bannedChat) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      return;
    }
    return next();
  });

  const tools: TelegramTools = {
    async actorOf(ctx) {
      const actor = (await resolveRequest(resolveDeps, ctx.from, ctx.chat)).actor;
      return actor?.role === undefined ? undefined : actor;
    },
    translate,
    send: async (chatId, reply) => {
      await runtime.sender.send(chatId, reply);
    },
    store: deps.store,
    logger,
  };
  if (deps.extensions && deps.extensions.length > 0) {
    const extensions = new Composer<BotContext>();
    for (const install of deps.extensions) install(extensions, tools);
    bot.errorBoundary((err) => logger.error('telegram extension failed', { update_id: err.ctx.update.update_id, ...telegramErrorMeta(err.error) })).use(extensions);
  }

  const features = bot.errorBoundary(
    (err) => logger.error('telegram feature failed', { update_id: err.ctx.update.update_id, ...telegramErrorMeta(err.error) }),
  );
  features.use(membershipFeature(runtime));
  features.use(commandsFeature(runtime, createPoliteGate(deps.clock)));
  features.use(buttonsFeature(runtime));

  bot.catch((err) => logger.error('telegram update failed', { update_id: err.ctx.update.update_id, ...telegramErrorMeta(err.error) }));

  // ---------------------------------------------------------------- command menus
  async function registerCommands(): Promise<void> {
    const valid = commandList.filter((c) => COMMAND_NAME.test(c.name));
    const menu = (locale: string, admin: boolean): BotCommand[] =>
      valid
        .filter((c) => (admin ? true : c.requires !== 'admin'))
        .map((c) => ({ command: c.name, description: translate(locale, c.descriptionKey).slice(0, 256) || c.name }));
    const scopes: { scope: Scope; admin: boolean }[] = [
      { scope: { type: 'default' }, admin: false },
      { scope: { type: 'all_group_chats' }, admin: false },
      ...tg.admins.map((id) => ({ scope: { type: 'chat' as const, chat_id: Number(id) }, admin: true })),
    ];
    for (const { scope, admin } of scopes) {
      for (const language of [undefined, ...LOCALES]) {
        try {
          await bot.api.setMyCommands(menu(language ?? config.locale, admin), { scope, ...(language ? { language_code: language } : {}) });
        } catch (error) {
          // An admin who never opened the bot has no chat yet: their menu follows on a later start.
          logger.debug('command menu not set', { scope: scope.type, language, ...telegramErrorMeta(error) });
        }
      }
    }
  }

  // ---------------------------------------------------------------- lifecycle
  let stopping = false;
  let stopSignal = new AbortController();
  let loop: Promise<void> | undefined;
  const restartDelayMs = options.restartDelayMs ?? 30_000;

  async function poll(onFirst: () => void): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        // grammY retries getMe on network errors for as long as it takes; the signal lets stop() end that wait.
        await bot.init(stopSignal.signal as Parameters<typeof bot.init>[0]);
        await registerCommands();
        await bot.start({
          timeout: options.pollTimeoutSeconds ?? 30,
          allowed_updates: ['message', 'edited_message', 'callback_query', 'my_chat_member'],
          onStart: (info) => {
            failures = 0;
            logger.info('telegram polling started', { bot: info.username });
            onFirst();
          },
        });
        if (stopping) return;
      } catch (error) {
        onFirst();
        if (stopping) return;
        if (error instanceof GrammyError && error.error_code === 401) {
          logger.error('telegram rejected the bot token; polling stopped', telegramErrorMeta(error));
          deps.onFatal?.('Telegram rejected the bot token (401): check telegram.token');
          return;
        }
        failures++;
        const conflict = error instanceof GrammyError && error.error_code === 409;
        // A second instance polling the same token must wait its turn, not crash-loop.
        logger[conflict ? 'warn' : 'error'](conflict ? 'another poller holds this bot token; retrying later' : 'telegram polling failed; retrying', {
          attempt: failures,
          ...telegramErrorMeta(error),
        });
        await deps.clock.sleep(conflict ? restartDelayMs : Math.min(restartDelayMs, 1000 * 2 ** Math.min(failures, 5)), stopSignal.signal);
      }
    }
  }

  // ---------------------------------------------------------------- delivery ports
  const notifier = createTelegramNotifier({
    api: deliveryApi,
    directory,
    buttons,
    incidents: deps.incidents,
    translate,
    defaultLocale: config.locale,
    timezone: config.timezone,
    rateLimits,
    digestThreshold: tg.digestThreshold,
    digestMax: tg.digestMax,
    logger,
    audit: deps.audit,
  });

  const resolver: DestinationResolver = {
    async destinationsFor(incident) {
      const chats = await directory.listChats(PLATFORM);
      return incidentDestinations(chats, config.routes, incident).map((c) => destination(PLATFORM, c.id));
    },
  };

  const lifecycle: ChatLifecycle = {
    async markInactive(dest, reason) {
      const { platform, chatId } = splitDestination(dest);
      if (platform === PLATFORM) await approvals.markInactive(PLATFORM, chatId, reason, { notify: false });
    },
    async migrate(from, to) {
      const a = splitDestination(from);
      const b = splitDestination(to);
      if (a.platform === PLATFORM && b.platform === PLATFORM) await approvals.migrate(PLATFORM, a.chatId, b.chatId);
    },
  };

  return {
    notifier,
    resolver,
    lifecycle,
    admins: { notifyAdmins: (key, vars) => effects.notifyAdmins(key, vars) },
    approvals,
    directory,
    async start() {
      const stored = await settings.get('last-update-id');
      if (stored !== undefined && /^\d+$/.test(stored)) lastUpdateId = Number(stored);
      stopping = false;
      stopSignal = new AbortController();
      await new Promise<void>((resolve) => {
        loop = poll(resolve);
      });
    },
    async stop() {
      stopping = true;
      stopSignal.abort();
      if (bot.isRunning()) await bot.stop().catch((error: unknown) => logger.warn('telegram stop failed', telegramErrorMeta(error)));
      await loop;
      await Promise.race([Promise.allSettled([...tasks]), deps.clock.sleep(10_000)]);
    },
    async housekeeping() {
      const expired = await approvals.expire();
      if (expired > 0) logger.info('approval requests expired', { count: expired });
    },
    handleUpdate: (update) => bot.handleUpdate(update),
  };
}
