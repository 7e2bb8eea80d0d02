/**
 * Every CommandModule (built-in and from other features) as a Telegram command, `/cmd` and `/cmd@botname`.
 * The role is checked here for each use; refusals of admin commands are audited. Strangers get one polite
 * answer a minute at most, never data; banned senders were already dropped by the access middleware.
 */
import { Composer } from 'grammy';
import { accessVerdict, receivesIncidents } from '../../../core/directory.js';
import { actorLabel } from '../../../core/access.js';
import type { RequesterContext } from '../../../core/approval.js';
import type { CommandModule } from '../../../core/ports.js';
import type { Reply } from '../../../core/reply.js';
import { chatTitle, type BotContext } from '../context.js';
import { telegramErrorMeta } from '../errors.js';
import { within, type Runtime } from '../runtime.js';

export const COMMAND_NAME = /^[a-z0-9_]{1,32}$/;
const POLITE_INTERVAL_MS = 60_000;

export function createPoliteGate(clock: { now(): Date }): (key: string) => boolean {
  const last = new Map<string, number>();
  return (key) => {
    const now = clock.now().getTime();
    const previous = last.get(key);
    if (previous !== undefined && now - previous < POLITE_INTERVAL_MS) return false;
    if (last.size > 10_000) last.clear();
    last.set(key, now);
    return true;
  };
}

/** The answer for someone without a role, chosen from the stored state of the user and chat. */
export function noAccessKey(ctx: BotContext): string {
  const { chat, user } = ctx.socbot;
  if (ctx.chat?.type === 'private') {
    if (user?.status === 'pending') return 'access-pending';
    if (user?.status === 'denied') return 'access-denied';
    return 'access-none';
  }
  if (chat?.status === 'pending') return 'access-group-pending';
  if (chat?.status === 'approved') return 'access-no-role';
  return 'access-group-none';
}

export function commandsFeature(rt: Runtime, polite: (key: string) => boolean): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  async function answerNoAccess(ctx: BotContext): Promise<void> {
    if (!ctx.chat || !ctx.from) return;
    if (!polite(`${ctx.chat.id}:${ctx.from.id}`)) return;
    await rt.sender.send(String(ctx.chat.id), { lines: [ctx.socbot.t(noAccessKey(ctx))] }, ctx.chat.type === 'private' ? undefined : ctx.msg?.message_id);
  }

  async function run(ctx: BotContext, module: CommandModule): Promise<void> {
    const { actor, t } = ctx.socbot;
    if (!actor || !ctx.chat || ctx.chat.type === 'channel') return;
    const chatId = String(ctx.chat.id);
    const replyTo = ctx.chat.type === 'private' ? undefined : ctx.msg?.message_id;
    // In a group that is not (or no longer) approved only /start runs, whoever asks: nothing else may show data there.
    const groupOpen = ctx.chat.type === 'private' || (ctx.socbot.chat !== undefined && receivesIncidents(ctx.socbot.chat));
    if (!groupOpen && module.name !== 'start') return answerNoAccess(ctx);
    const verdict = accessVerdict(actor.role, module.requires);
    if (verdict === 'unapproved') {
      if (module.requires === 'admin') await rt.audit.record({ actor: actorLabel(actor), action: `command.${module.name}`, target: `chat:telegram:${chatId}`, outcome: 'refused', details: 'no role' });
      return answerNoAccess(ctx);
    }
    if (verdict === 'forbidden') {
      await rt.audit.record({ actor: actorLabel(actor), action: `command.${module.name}`, target: `chat:telegram:${chatId}`, outcome: 'refused', details: `role ${actor.role ?? 'none'}` });
      await rt.sender.send(chatId, { lines: [t('error-forbidden')] }, replyTo);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 120_000);
    const context: RequesterContext = {
      actor,
      args: typeof ctx.match === 'string' ? ctx.match : '',
      t,
      signal: controller.signal,
      requester: { ...(ctx.socbot.languageCode ? { languageCode: ctx.socbot.languageCode } : {}), chatTitle: chatTitle(ctx.chat) },
    };
    let reply: Reply;
    try {
      reply = await module.run(context);
    } catch (error) {
      rt.logger.error('command failed', { command: module.name, ...telegramErrorMeta(error) });
      reply = { lines: [t('error-command-failed')] };
    } finally {
      clearTimeout(timer);
    }
    await rt.sender.send(chatId, reply, replyTo);
  }

  // Updates are handled one at a time. A command that takes long (a 90-day /alerts over many tenants) must not
  // hold up everyone else's commands and button presses — a press left waiting ~15 s can no longer be answered.
  // So a command still running after `quickAnswerMs` finishes in the background; commands of one chat keep their
  // order by queueing behind that chat's running command.
  const running = new Map<string, Promise<void>>();
  async function dispatch(ctx: BotContext, module: CommandModule): Promise<void> {
    const chatId = String(ctx.chat?.id ?? '');
    const busy = running.get(chatId);
    const task = busy ? busy.then(() => run(ctx, module)) : run(ctx, module);
    const tail: Promise<void> = task
      .catch(() => undefined)
      .finally(() => {
        if (running.get(chatId) === tail) running.delete(chatId);
      });
    running.set(chatId, tail);
    const quick = busy ? { done: false as const } : await within(task, rt.quickAnswerMs);
    if (!quick.done) rt.background(`command ${module.name}`, () => task);
  }

  for (const module of rt.commands()) {
    if (!COMMAND_NAME.test(module.name)) {
      rt.logger.warn('command name not valid for Telegram, skipped', { command: module.name });
      continue;
    }
    composer.command(module.name, (ctx) => dispatch(ctx, module));
  }

  // Anything else a stranger writes in private gets the polite answer; approved users' chatter is ignored.
  composer.chatType('private').on('message', async (ctx) => {
    if (ctx.socbot.actor && ctx.socbot.actor.role === undefined) await answerNoAccess(ctx);
  });
  return composer;
}
