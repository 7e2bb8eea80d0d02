/**
 * The bot's own membership: added to a group → the approval flow for that group (a banned group is left at
 * once, an approved one simply resumes); removed or blocked → the chat becomes inactive; a group upgraded to a
 * supergroup keeps its approval under the new id.
 */
import { Composer } from 'grammy';
import type { ChatMember } from 'grammy/types';
import { chatTitle, displayName, PLATFORM, type BotContext } from '../context.js';
import { telegramErrorMeta } from '../errors.js';
import type { Runtime } from '../runtime.js';

function isPresent(member: ChatMember): boolean {
  switch (member.status) {
    case 'creator':
    case 'administrator':
    case 'member':
      return true;
    case 'restricted':
      return member.is_member;
    case 'left':
    case 'kicked':
      return false;
  }
}

export function membershipFeature(rt: Runtime): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.on('my_chat_member', async (ctx) => {
    const update = ctx.myChatMember;
    const chat = update.chat;
    const chatId = String(chat.id);
    const present = isPresent(update.new_chat_member);
    if (chat.type === 'private') {
      if (present) await rt.approvals.markActive(PLATFORM, chatId);
      else await rt.approvals.markInactive(PLATFORM, chatId, 'blocked by the user');
      return;
    }
    if (!present) {
      await rt.approvals.markInactive(PLATFORM, chatId, update.new_chat_member.status === 'kicked' ? 'removed from the chat' : 'left the chat');
      return;
    }
    const record = await rt.directory.getChat(PLATFORM, chatId);
    if (record?.status === 'banned') {
      await rt.api.leaveChat(chatId).catch((error: unknown) => rt.logger.warn('could not leave a banned chat', telegramErrorMeta(error)));
      return;
    }
    if (record?.status === 'approved') {
      await rt.approvals.markActive(PLATFORM, chatId);
      return;
    }
    if (record?.status === 'denied') return;
    if (isPresent(update.old_chat_member) && record) return; // a promotion, not an arrival
    const from = update.from;
    const outcome = await rt.approvals.requestAccess({
      kind: 'chat',
      platform: PLATFORM,
      id: chatId,
      chatId,
      name: chatTitle(chat),
      addedBy: { id: String(from.id), name: displayName(from), ...(from.username ? { username: from.username } : {}) },
    });
    if (outcome.kind === 'created' && chat.type !== 'channel') {
      await rt.sender.send(chatId, { lines: [ctx.socbot.t('start-requested-group')] });
    }
  });

  // Service messages of a group → supergroup upgrade, seen from either side.
  composer.on('message:migrate_to_chat_id', async (ctx) => {
    await rt.approvals.migrate(PLATFORM, String(ctx.chat.id), String(ctx.msg.migrate_to_chat_id));
  });
  composer.on('message:migrate_from_chat_id', async (ctx) => {
    await rt.approvals.migrate(PLATFORM, String(ctx.msg.migrate_from_chat_id), String(ctx.chat.id));
  });
  return composer;
}
