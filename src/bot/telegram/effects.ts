/**
 * What the approval service asks of Telegram: prompts in every admin's private chat (approve / deny / ban),
 * edits of those prompts once someone decided, a word to the requester, leaving a banned group, and notices to
 * admins. Admins are the config admins plus users an admin gave the admin role.
 */
import type { Api } from 'grammy';
import type { ApprovalEffects, ApprovalRequest, Decision, PromptRef } from '../../core/approval.js';
import type { Directory } from '../../core/directory.js';
import type { Logger } from '../../core/logger.js';
import type { AdminNotifier } from '../../core/ports.js';
import type { Line } from '../../core/reply.js';
import type { Locale } from '../../config/schema.js';
import { pickLocale, type Vars } from '../../lib/i18n.js';
import { kindText } from '../../commands/ping.js';
import { formatTime } from '../card.js';
import { cleanLine } from '../../core/text.js';
import type { ButtonStore } from './callback-data.js';
import { PLATFORM } from './context.js';
import { telegramErrorMeta } from './errors.js';
import { renderLines, renderNotice } from './render.js';
import { editRendered, sendRendered } from './send.js';

export const APPROVAL_ACTION = 'approval';

export interface EffectsDeps {
  readonly api: Api;
  readonly directory: Directory;
  readonly buttons: ButtonStore;
  readonly adminIds: readonly string[];
  readonly translate: (locale: string, key: string, vars?: Vars) => string;
  readonly defaultLocale: Locale;
  readonly timezone: string;
  /** Prompt buttons outlive the request, so a late press is told "expired" rather than "unknown button". */
  readonly approvalTtlSeconds: number;
  readonly logger: Logger;
}

export interface AdminContact {
  readonly id: string;
  readonly chatId: string;
  readonly locale: Locale;
}

export function promptLines(request: ApprovalRequest, t: (key: string, vars?: Vars) => string, timezone: string): Line[] {
  const s = request.subject;
  const lines: Line[] = [[{ b: t(s.kind === 'user' ? 'approval-prompt-user' : 'approval-prompt-group') }]];
  lines.push([`${t('approval-field-name')}: `, s.name]);
  if (s.username) lines.push([`${t('approval-field-username')}: `, `@${s.username}`]);
  lines.push([`${t('approval-field-id')}: `, { code: s.id }]);
  if (s.kind === 'user') lines.push([`${t('approval-field-language')}: `, s.languageCode ?? t('approval-language-unknown')]);
  if (s.addedBy) lines.push([`${t('approval-field-added-by')}: `, `${s.addedBy.name}${s.addedBy.username ? ` @${s.addedBy.username}` : ''} `, { code: s.addedBy.id }]);
  lines.push(`${t('approval-field-requested')}: ${formatTime(request.requestedAt, timezone)}`);
  if (request.state === 'pending') {
    lines.push(`${t('approval-field-expires')}: ${formatTime(request.expiresAt, timezone)}`);
  } else {
    lines.push('', [{ b: t(`approval-outcome-${request.state}`, { by: request.decidedBy ?? '?', at: formatTime(request.decidedAt, timezone) }) }]);
  }
  return lines;
}

export function createApprovalEffects(deps: EffectsDeps): ApprovalEffects & AdminNotifier & { admins(): Promise<readonly AdminContact[]> } {
  const { api, logger } = deps;

  async function admins(): Promise<readonly AdminContact[]> {
    const users = await deps.directory.listUsers(PLATFORM);
    const chats = new Map((await deps.directory.listChats(PLATFORM)).map((c) => [c.id, c]));
    const byId = new Map(users.map((u) => [u.id, u]));
    const ids = new Set([...deps.adminIds, ...users.filter((u) => u.status === 'approved' && u.role === 'admin').map((u) => u.id)]);
    return [...ids].map((id) => {
      const user = byId.get(id);
      const chatId = user?.privateChatId ?? id;
      // The private chat's locale follows the language the admin uses now; the stored code is the first guess.
      const locale = pickLocale(chats.get(chatId)?.locale ?? user?.languageCode, deps.defaultLocale);
      return { id, chatId, locale };
    });
  }

  async function keyboard(request: ApprovalRequest, chatId: string, t: (key: string) => string) {
    const button = async (decision: Decision, label: string) => ({
      text: t(label),
      callback_data: await deps.buttons.issue({
        action: APPROVAL_ACTION,
        payload: { request: request.id, decision },
        chatId,
        requires: 'admin',
        ttlSeconds: deps.approvalTtlSeconds + 30 * 24 * 3600,
      }),
    });
    return { inline_keyboard: [[await button('approve', 'approval-button-approve'), await button('deny', 'approval-button-deny')], [await button('ban', 'approval-button-ban')]] };
  }

  /**
   * Notices from the core name a chat as `telegram:-100…`; admins recognise it by its title, so the title goes in
   * front of the id (which stays for grep and /users).
   */
  async function withChatNames(vars: Vars | undefined): Promise<Vars | undefined> {
    const destination = vars?.destination;
    const match = typeof destination === 'string' ? /^telegram:(-?\d+)$/.exec(destination) : null;
    if (!vars || !match?.[1]) return vars;
    const chat = await deps.directory.getChat(PLATFORM, match[1]).catch(() => undefined);
    const title = chat?.title ? cleanLine(chat.title) : '';
    return title ? { ...vars, destination: `${title} (${match[1]})` } : vars;
  }

  async function tellChat(chatId: string, locale: string, key: string, vars?: Vars): Promise<void> {
    for (const part of renderNotice(deps.translate(locale, key, vars))) await sendRendered(api, chatId, part);
  }

  return {
    admins,

    async promptAdmins(request) {
      const refs: PromptRef[] = [];
      for (const admin of await admins()) {
        const t = (key: string, vars?: Vars): string => deps.translate(admin.locale, key, vars);
        try {
          const [message] = renderLines(promptLines(request, t, deps.timezone));
          if (!message) continue;
          const messageId = await sendRendered(api, admin.chatId, message, await keyboard(request, admin.chatId, t));
          refs.push({ chatId: admin.chatId, messageRef: String(messageId), locale: admin.locale });
        } catch (error) {
          // An admin who never opened a chat with the bot cannot be messaged (403); the others still are.
          logger.warn('approval prompt not delivered to an admin', { admin: admin.id, ...telegramErrorMeta(error) });
        }
      }
      return refs;
    },

    async updatePrompts(request) {
      for (const prompt of request.prompts) {
        const t = (key: string, vars?: Vars): string => deps.translate(prompt.locale, key, vars);
        const [message] = renderLines(promptLines(request, t, deps.timezone));
        if (!message) continue;
        try {
          await editRendered(api, prompt.chatId, Number(prompt.messageRef), message);
        } catch (error) {
          logger.warn('approval prompt not updated', { chatId: prompt.chatId, ...telegramErrorMeta(error) });
        }
      }
    },

    async tellRequester(request) {
      const s = request.subject;
      const key =
        request.state === 'approved'
          ? s.kind === 'user'
            ? 'approval-granted-user'
            : 'approval-granted-group'
          : request.state === 'denied'
            ? s.kind === 'user'
              ? 'approval-denied-user'
              : 'approval-denied-group'
            : request.state === 'expired'
              ? 'approval-expired-requester'
              : undefined;
      if (!key) return;
      await tellChat(s.chatId, s.locale ?? deps.defaultLocale, key);
    },

    async leaveChat(_platform, chatId) {
      await api.leaveChat(chatId);
    },

    async notifyAdmins(key, rawVars) {
      const vars = await withChatNames(rawVars);
      for (const admin of await admins()) {
        try {
          // A failure kind ("auth") reads as what it means, in the admin's language.
          const kind = vars?.kind;
          const localVars = typeof kind === 'string' ? { ...vars, kind: kindText(kind, (k) => deps.translate(admin.locale, k)) } : vars;
          await tellChat(admin.chatId, admin.locale, key, localVars);
        } catch (error) {
          logger.warn('admin notice not delivered', { admin: admin.id, key, ...telegramErrorMeta(error) });
        }
      }
    },
  };
}
