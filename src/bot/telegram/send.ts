/**
 * Sending and editing rendered messages and `Reply`s, with the fallbacks every caller needs: HTML the server
 * cannot parse is resent as plain text, "message is not modified" is success, a message that is gone is logged.
 */
import { InputFile, type Api } from 'grammy';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Requirement } from '../../core/access.js';
import type { Logger } from '../../core/logger.js';
import type { Reply } from '../../core/reply.js';
import { isWebUrl } from '../card.js';
import { cleanLine, truncateUnits } from '../../core/text.js';
import type { ButtonStore } from './callback-data.js';
import { isMessageGone, isNotModified, isParseError, telegramErrorMeta } from './errors.js';
import { CAPTION_LIMIT, renderLines, type Rendered } from './render.js';

const NO_PREVIEW = { is_disabled: true } as const;
const EMPTY_KEYBOARD: InlineKeyboardMarkup = { inline_keyboard: [] };

export async function sendRendered(api: Api, chatId: string, message: Rendered, markup?: InlineKeyboardMarkup, replyTo?: number): Promise<number> {
  const extra = {
    ...(markup ? { reply_markup: markup } : {}),
    ...(replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
    link_preview_options: NO_PREVIEW,
  };
  try {
    const sent = await api.sendMessage(chatId, message.html, { ...extra, parse_mode: 'HTML' });
    return sent.message_id;
  } catch (error) {
    if (!isParseError(error)) throw error;
    const sent = await api.sendMessage(chatId, message.text, extra);
    return sent.message_id;
  }
}

export type EditOutcome = 'edited' | 'unchanged' | 'gone';

export async function editRendered(api: Api, chatId: string, messageId: number, message: Rendered, markup?: InlineKeyboardMarkup): Promise<EditOutcome> {
  const extra = { reply_markup: markup ?? EMPTY_KEYBOARD, link_preview_options: NO_PREVIEW };
  try {
    await api.editMessageText(chatId, messageId, message.html, { ...extra, parse_mode: 'HTML' });
    return 'edited';
  } catch (error) {
    if (isNotModified(error)) return 'unchanged';
    if (isMessageGone(error)) return 'gone';
    if (!isParseError(error)) throw error;
  }
  try {
    await api.editMessageText(chatId, messageId, message.text, extra);
    return 'edited';
  } catch (error) {
    if (isNotModified(error)) return 'unchanged';
    if (isMessageGone(error)) return 'gone';
    throw error;
  }
}

/** `pingSticker` may be a sticker file_id, an animation file_id or an animation URL (GIF/MP4). */
export async function sendStickerOrAnimation(api: Api, chatId: string, value: string): Promise<void> {
  const looksAnimated = isWebUrl(value) || value.startsWith('CgAC');
  const first = looksAnimated ? 'animation' : 'sticker';
  try {
    if (first === 'animation') await api.sendAnimation(chatId, value);
    else await api.sendSticker(chatId, value);
  } catch (error) {
    // A file_id of the other kind is refused with a 400: try the other method once.
    if (isWebUrl(value)) throw error;
    if (first === 'animation') await api.sendSticker(chatId, value);
    else await api.sendAnimation(chatId, value);
  }
}

export interface ReplySenderDeps {
  readonly api: Api;
  readonly buttons: ButtonStore;
  /** The requirement stored with an action button: the handler's own, or admin for an unknown action. */
  readonly requirementOf: (action: string) => Requirement;
  readonly logger: Logger;
}

export interface ReplySender {
  /** Sends a Reply (text parts, buttons on the last part, documents, sticker); returns the last text message id. */
  send(chatId: string, reply: Reply, replyTo?: number): Promise<number | undefined>;
  /** Replaces a message with a Reply's first part (and keyboard); further parts are sent as new messages. */
  edit(chatId: string, messageId: number, reply: Reply): Promise<void>;
  keyboard(chatId: string, reply: Reply): Promise<InlineKeyboardMarkup | undefined>;
}

const hasText = (reply: Reply): boolean => reply.lines.some((l) => (typeof l === 'string' ? l.trim() !== '' : l.length > 0));

export function createReplySender(deps: ReplySenderDeps): ReplySender {
  const { api, buttons } = deps;

  async function keyboard(chatId: string, reply: Reply): Promise<InlineKeyboardMarkup | undefined> {
    if (!reply.buttons || reply.buttons.length === 0) return undefined;
    const rows: InlineKeyboardButton[][] = [];
    for (const row of reply.buttons) {
      const out: InlineKeyboardButton[] = [];
      for (const button of row) {
        const text = truncateUnits(cleanLine(button.text), 64) || '·';
        if ('url' in button) {
          if (isWebUrl(button.url)) out.push({ text, url: button.url });
          continue;
        }
        const data = await buttons.issue({
          action: button.action,
          payload: button.payload ?? null,
          chatId,
          requires: deps.requirementOf(button.action),
          ttlSeconds: button.ttlSeconds ?? 24 * 3600,
        });
        out.push({ text, callback_data: data });
      }
      if (out.length > 0) rows.push(out);
    }
    return rows.length > 0 ? { inline_keyboard: rows } : undefined;
  }

  async function sendExtras(chatId: string, reply: Reply): Promise<void> {
    for (const doc of reply.documents ?? []) {
      const content = typeof doc.content === 'string' ? Buffer.from(doc.content, 'utf8') : Buffer.from(doc.content);
      await api.sendDocument(chatId, new InputFile(content, doc.filename), doc.caption ? { caption: truncateUnits(doc.caption, CAPTION_LIMIT) } : {});
    }
    if (reply.sticker) {
      try {
        await sendStickerOrAnimation(api, chatId, reply.sticker);
      } catch (error) {
        deps.logger.warn('sticker could not be sent', telegramErrorMeta(error));
      }
    }
  }

  return {
    keyboard,
    async send(chatId, reply, replyTo) {
      let last: number | undefined;
      if (hasText(reply)) {
        const parts = renderLines(reply.lines);
        const markup = await keyboard(chatId, reply);
        for (const [index, part] of parts.entries()) {
          const isLast = index === parts.length - 1;
          last = await sendRendered(api, chatId, part, isLast ? markup : undefined, index === 0 ? replyTo : undefined);
        }
      } else if (reply.buttons?.length) {
        deps.logger.warn('reply with buttons but no text was not sent', {});
      }
      await sendExtras(chatId, reply);
      return last;
    },
    async edit(chatId, messageId, reply) {
      const parts = renderLines(reply.lines);
      const markup = await keyboard(chatId, reply);
      const [first, ...rest] = parts;
      if (!first) return;
      // Keep the keyboard with the message that carries the buttons' context: the last one.
      const outcome = await editRendered(api, chatId, messageId, first, rest.length === 0 ? markup : undefined);
      if (outcome === 'gone') deps.logger.info('message to edit is gone', { chatId });
      for (const [index, part] of rest.entries()) await sendRendered(api, chatId, part, index === rest.length - 1 ? markup : undefined);
      await sendExtras(chatId, reply);
    },
  };
}
