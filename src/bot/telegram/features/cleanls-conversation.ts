/**
 * `/cleanls` without arguments on Telegram, as a guided conversation (@grammyjs/conversations v2): the admin picks
 * the tenant, then the clean level, from inline keyboards, and the same dry run as the platform-neutral command
 * (`CleanlsService.dryRun`) is sent. Deletion still happens only through the dry-run report's Confirm button,
 * which the normal button machinery handles.
 *
 * - Only `/cleanls` with no arguments from an admin enters the conversation; everything else (other users,
 *   `/cleanls Acme HIGH`, other commands, other buttons) passes through to the rest of the bot untouched.
 * - State is kept per chat AND user, so in a group only the admin who started it can answer, and each of several
 *   admins can run their own. The role is re-read on every step.
 * - Callback data is `clc:<tag>:<choice>` (≤ 64 bytes): an index into the tenant list held by this very
 *   conversation plus a random tag per run, so a keyboard of an earlier run or a forged press matches nothing.
 * - Side effects (reading tenants, the dry run, sending the report) run in `conversation.external`, because the
 *   builder is replayed on every update. Waits time out after `waitSeconds`; a later press is told to start again.
 */
import { conversations, createConversation, type Conversation, type ConversationData, type ConversationFlavor, type VersionedState } from '@grammyjs/conversations';
import { Composer, InlineKeyboard, type Context, type Middleware } from 'grammy';
import { z } from 'zod';
import { satisfies, type Actor } from '../../../core/access.js';
import { errorMessage, isAppError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { Store } from '../../../core/ports.js';
import type { Reply } from '../../../core/reply.js';
import { CLEAN_LEVELS, levelLabelKey, type CleanLevel } from '../../../commands/clean-levels.js';
import type { CleanlsService } from '../../../commands/cleanls.js';

export const CLEANLS_CONVERSATION_ID = 'cleanls';
/** Callback data prefix of the conversation's own keyboards. */
export const CLEANLS_CALLBACK_PREFIX = 'clc';

type Vars = Readonly<Record<string, string | number>>;

export interface CleanlsConversationDeps {
  /** The dry run and the tenant list (`createOnDemandCommands(...).cleanls`). */
  readonly cleanls: Pick<CleanlsService, 'tenantChoices' | 'dryRun'>;
  /** The person behind an update with the role read fresh from the store; undefined for strangers and bots. */
  actorOf(ctx: Context): Promise<Actor | undefined>;
  translate(locale: string, key: string, vars?: Vars): string;
  /** Sends a platform-neutral Reply to a chat (buttons behind stored tokens, documents uploaded). */
  send(chatId: string, reply: Reply): Promise<void>;
  /** How long each question waits for a press (seconds, default 300). */
  readonly waitSeconds?: number;
  /** Keeps conversation state in the store (survives a restart); in memory when absent. */
  readonly store?: Store;
  /**
   * Middleware for the contexts created inside the conversation, which do not pass the bot's middleware: e.g.
   * `(ctx, next) => { ctx.api.config.use(throttler); return next(); }` so the prompts are paced like other replies.
   */
  readonly plugins?: readonly Middleware<Context>[];
  /** false when the bot installs `conversations()` itself (it must be installed exactly once). */
  readonly installPlugin?: boolean;
  readonly logger?: Logger;
}

const MAX_TENANT_BUTTONS = 24;
const DEFAULT_WAIT_S = 300;

const storedState = z.custom<VersionedState<ConversationData>>(
  (v) => typeof v === 'object' && v !== null && Array.isArray((v as { version?: unknown }).version) && typeof (v as { state?: unknown }).state === 'object',
);

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Per chat and user: in a group, each admin has their own conversation and nobody else can answer it. */
function storageKey(ctx: Context): string {
  return `${ctx.chatId ?? 'none'}:${ctx.from?.id ?? 'none'}`;
}

/**
 * Registers the conversation on `bot`. Install it BEFORE the feature that handles commands, so that `/cleanls`
 * without arguments is taken here; everything else falls through.
 */
export function registerCleanlsConversation<C extends Context>(bot: Composer<C>, deps: CleanlsConversationDeps): void {
  const waitMs = (deps.waitSeconds ?? DEFAULT_WAIT_S) * 1000;
  const prefix = CLEANLS_CALLBACK_PREFIX;

  async function fresh(ctx: Context): Promise<Actor | undefined> {
    const actor = await deps.actorOf(ctx);
    return actor && satisfies(actor.role, 'admin') ? actor : undefined;
  }

  async function builder(conversation: Conversation<C, Context>, ctx: Context): Promise<void> {
    const start = await conversation.external(() => fresh(ctx));
    if (!start) return;
    const t = (key: string, vars?: Vars): string => deps.translate(start.locale, key, vars);
    const chatId = String(ctx.chatId ?? start.chat.id);
    const tag = Math.floor((await conversation.random()) * 36 ** 6)
      .toString(36)
      .padStart(6, '0');

    const tenants = await conversation.external(async (): Promise<{ ok: true; list: { id: string; name: string }[] } | { ok: false; reason: string }> => {
      try {
        return { ok: true, list: (await deps.cleanls.tenantChoices()).map((x) => ({ id: x.id, name: x.name })) };
      } catch (error) {
        deps.logger?.warn('cleanls conversation: tenants not read', { error: errorMessage(error) });
        const kind = isAppError(error) ? error.kind : 'other';
        const key = kind === 'auth' ? 'ondemand-error-auth' : kind === 'rate-limited' ? 'ondemand-error-rate-limited' : kind === 'unavailable' ? 'ondemand-error-unavailable' : 'ondemand-error-other';
        return { ok: false, reason: key };
      }
    });
    if (!tenants.ok) {
      await ctx.reply(`⚠️ ${t('cleanls-sophos-failed', { reason: t(tenants.reason) })}`);
      return;
    }
    if (tenants.list.length === 0) {
      await ctx.reply(t('cleanls-no-tenants'));
      return;
    }

    const shown = tenants.list.slice(0, MAX_TENANT_BUTTONS);
    const tenantKeyboard = new InlineKeyboard();
    shown.forEach((tenant, i) => {
      tenantKeyboard.text(clip(tenant.name, 30) || tenant.id, `${prefix}:${tag}:t:${i}`);
      if (i % 2 === 1) tenantKeyboard.row();
    });
    tenantKeyboard.row();
    if (tenants.list.length > 1) tenantKeyboard.text(t('cleanls-button-all-tenants'), `${prefix}:${tag}:t:*`).row();
    tenantKeyboard.text(t('cleanls-button-cancel'), `${prefix}:${tag}:x`);
    const more = tenants.list.length > shown.length ? `\n${t('cleanls-usage', { levels: CLEAN_LEVELS.join(' | ') })}` : '';
    await ctx.reply(`${t('cleanls-title')}\n${t('cleanls-pick-tenant')}${more}`, { reply_markup: tenantKeyboard });

    // Anything else this admin sends meanwhile (other commands, other buttons) goes on to the rest of the bot.
    const tenantPress = await conversation.waitForCallbackQuery(new RegExp(`^${prefix}:${tag}:(?:t:(?:\\d+|\\*)|x)$`), { next: true });
    await tenantPress.answerCallbackQuery();
    const tenantChoice = tenantPress.callbackQuery.data.slice(`${prefix}:${tag}:`.length);
    if (tenantChoice === 'x') {
      await tenantPress.editMessageText(t('cleanls-cancelled-toast'));
      return;
    }
    const index = tenantChoice === 't:*' ? -1 : Number(tenantChoice.slice(2));
    const picked = index === -1 ? undefined : shown[index];
    if (index !== -1 && !picked) return;
    if (!(await conversation.external(() => fresh(tenantPress)))) {
      await tenantPress.editMessageText(t('cleanls-admin-only'));
      return;
    }
    const tenantLabel = picked ? picked.name : t('cleanls-all-tenants');

    const levelKeyboard = new InlineKeyboard();
    for (const level of CLEAN_LEVELS) levelKeyboard.text(t(levelLabelKey(level)), `${prefix}:${tag}:l:${level}`).row();
    levelKeyboard.text(t('cleanls-button-cancel'), `${prefix}:${tag}:x`);
    await tenantPress.editMessageText(`${t('cleanls-title')}\n${t('cleanls-pick-level', { tenant: clip(tenantLabel, 60) })}\n${t('cleanls-never')}`, {
      reply_markup: levelKeyboard,
    });

    const levelPress = await conversation.waitForCallbackQuery(new RegExp(`^${prefix}:${tag}:(?:l:(?:${CLEAN_LEVELS.join('|')})|x)$`), { next: true });
    await levelPress.answerCallbackQuery();
    const levelChoice = levelPress.callbackQuery.data.slice(`${prefix}:${tag}:`.length);
    if (levelChoice === 'x') {
      await levelPress.editMessageText(t('cleanls-cancelled-toast'));
      return;
    }
    const level = levelChoice.slice(2) as CleanLevel;
    const actor = await conversation.external(() => fresh(levelPress));
    if (!actor) {
      await levelPress.editMessageText(t('cleanls-admin-only'));
      return;
    }
    await levelPress.editMessageText(t('cleanls-picked', { tenant: clip(tenantLabel, 60), level }));
    await conversation.external(async () => {
      const report = await deps.cleanls.dryRun({ actor, tenants: picked ? [picked.id] : '*', level, t });
      await deps.send(chatId, report);
    });
  }

  const inner = new Composer<ConversationFlavor<C>>();
  if (deps.installPlugin !== false) {
    const collection = deps.store?.collection('conversations-cleanls', storedState);
    inner.use(
      conversations<C, Context>({
        storage: {
          type: 'key',
          getStorageKey: storageKey,
          adapter: collection
            ? {
                read: (key) => collection.get(key),
                // Abandoned conversations are cleaned up by the store TTL.
                write: (key, state) => collection.set(key, state, waitMs * 4),
                delete: async (key) => {
                  await collection.delete(key);
                },
              }
            : memoryAdapter(),
        },
      }),
    );
  }
  inner.use(
    createConversation<C, Context>(builder, {
      id: CLEANLS_CONVERSATION_ID,
      maxMillisecondsToWait: waitMs,
      ...(deps.plugins ? { plugins: [...deps.plugins] } : {}),
    }),
  );
  inner.command('cleanls', async (ctx, next) => {
    if (ctx.match.trim() !== '' || !(await fresh(ctx))) return next();
    // A second `/cleanls` starts over instead of failing on the conversation that is still waiting.
    await ctx.conversation.exit(CLEANLS_CONVERSATION_ID);
    await ctx.conversation.enter(CLEANLS_CONVERSATION_ID);
  });
  // A press on the keyboard of a conversation that ended (timeout, restart, finished) gets an answer, not silence.
  inner.callbackQuery(new RegExp(`^${prefix}:`), async (ctx) => {
    const actor = await deps.actorOf(ctx);
    await ctx.answerCallbackQuery({ text: deps.translate(actor?.locale ?? 'en', 'ondemand-view-expired', { command: '/cleanls' }), show_alert: true });
  });
  // The plugin adds the conversation flavour to every context it sees before any handler here runs, so this
  // composer is safe to mount on the bot's own context type.
  bot.use(inner as unknown as Composer<C>);
}

function memoryAdapter(): { read(key: string): VersionedState<ConversationData> | undefined; write(key: string, state: VersionedState<ConversationData>): void; delete(key: string): void } {
  const map = new Map<string, VersionedState<ConversationData>>();
  return {
    read: (key) => map.get(key),
    write: (key, state) => {
      map.set(key, state);
    },
    delete: (key) => {
      map.delete(key);
    },
  };
}
