/**
 * The outbox's view of Telegram: post/edit cards, digests and notices, each mapped to a `DeliveryError` the
 * worker understands. It uses its own `Api` without auto-retry or throttling: the outbox owns pacing and
 * retries, so a 429 must reach it (with `retry_after`) instead of being slept on here.
 */
import type { Api } from 'grammy';
import type { Incident } from '../../core/incident.js';
import type { Logger } from '../../core/logger.js';
import type { Directory } from '../../core/directory.js';
import { refOf } from '../../core/incident.js';
import type { AuditLog, ChatNotifier, DeliveryLimits, IncidentService } from '../../core/ports.js';
import type { Translate } from '../card.js';
import type { ButtonStore } from './callback-data.js';
import { PLATFORM } from './context.js';
import { isAmbiguousFailure, telegramErrorMeta, toDeliveryError } from './errors.js';
import { createCardKeyboard } from './keyboards/card.js';
import { renderCard, renderDigest, renderNotice, withNote } from './render.js';
import { editRendered, sendRendered } from './send.js';

export interface RateLimits {
  readonly groupPerMinute: number;
  readonly privatePerSecond: number;
  readonly globalPerSecond: number;
}

export interface NotifierDeps {
  readonly api: Api;
  readonly directory: Directory;
  readonly buttons: ButtonStore;
  readonly incidents: IncidentService;
  readonly translate: (locale: string, key: string, vars?: Readonly<Record<string, string | number>>) => string;
  readonly defaultLocale: string;
  readonly timezone: string;
  readonly rateLimits: RateLimits;
  readonly digestThreshold: number;
  readonly digestMax: number;
  readonly logger: Logger;
  /** Records resends after an ambiguous failure (a timeout after Telegram may have accepted the card). */
  readonly audit?: AuditLog;
}

/** Cards whose last post may have reached the chat although it failed; kept small, in memory. */
const MAX_UNCERTAIN = 1000;

export function isGroupId(chatId: string): boolean {
  return chatId.startsWith('-');
}

export function createTelegramNotifier(deps: NotifierDeps): ChatNotifier {
  const { api } = deps;

  async function localeOf(chatId: string): Promise<string> {
    const chat = await deps.directory.getChat(PLATFORM, chatId).catch(() => undefined);
    return chat?.locale ?? deps.defaultLocale;
  }

  // A post that timed out may have been delivered: the next attempt says it may repeat an earlier message.
  const uncertain = new Set<string>();
  const postKey = (chatId: string, incident: Incident): string => `${chatId}|${refOf(incident)}`;

  async function cardParts(chatId: string, incident: Incident, resent = false) {
    const locale = await localeOf(chatId);
    const t: Translate = (key, vars) => deps.translate(locale, key, vars);
    const rendered = resent
      ? withNote((limit) => renderCard(incident, { t, timezone: deps.timezone }, limit), t('card-resent-note'))
      : renderCard(incident, { t, timezone: deps.timezone });
    const markup = await createCardKeyboard(incident, chatId, deps.incidents.cardActions(incident), t, deps.buttons);
    return { rendered, markup, t };
  }

  async function guarded<T>(what: string, chatId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const mapped = toDeliveryError(error);
      deps.logger.debug('telegram delivery failed', { what, chatId, failure: mapped.failure.kind, ...telegramErrorMeta(error) });
      throw mapped;
    }
  }

  // A few percent of slack: timers may fire a millisecond early and Telegram's clock is not ours.
  const spaced = (ms: number): number => Math.ceil(ms * 1.03) + 2;
  const limits = (chatId: string): DeliveryLimits => ({
    minIntervalMs: isGroupId(chatId) ? spaced(60_000 / deps.rateLimits.groupPerMinute) : spaced(1000 / deps.rateLimits.privatePerSecond),
    digestThreshold: deps.digestThreshold,
    digestMax: deps.digestMax,
  });

  return {
    platform: PLATFORM,
    limits,
    post: (chatId, incident) =>
      guarded('post', chatId, async () => {
        const key = postKey(chatId, incident);
        const resent = uncertain.has(key);
        const { rendered, markup } = await cardParts(chatId, incident, resent);
        let messageId: number;
        try {
          messageId = await sendRendered(api, chatId, rendered, markup);
        } catch (error) {
          if (isAmbiguousFailure(error)) {
            if (uncertain.size >= MAX_UNCERTAIN) uncertain.clear();
            uncertain.add(key);
          }
          throw error;
        }
        if (resent) {
          uncertain.delete(key);
          deps.logger.warn('card resent after an ambiguous failure; the chat may show it twice', { chatId, key: incident.key });
          await deps.audit
            ?.record({ actor: 'system', action: 'delivery.resent', target: `chat:${PLATFORM}:${chatId}`, outcome: 'ok', details: `${incident.key}: resent after a timeout; may be shown twice` })
            .catch(() => undefined);
        }
        return String(messageId);
      }),
    edit: (chatId, messageRef, incident) =>
      guarded('edit', chatId, async () => {
        const messageId = Number(messageRef);
        if (!Number.isSafeInteger(messageId)) return;
        const { rendered, markup } = await cardParts(chatId, incident);
        // A card someone deleted stays deleted: posting it again on every later edit would spam the chat.
        const outcome = await editRendered(api, chatId, messageId, rendered, markup);
        if (outcome === 'gone') deps.logger.info('card to edit is gone; not reposted', { chatId, key: incident.key });
      }),
    digest: (chatId, incidents) =>
      guarded('digest', chatId, async () => {
        const locale = await localeOf(chatId);
        const rendered = renderDigest(incidents, (key, vars) => deps.translate(locale, key, vars));
        return String(await sendRendered(api, chatId, rendered));
      }),
    notice: (chatId, key, vars) =>
      guarded('notice', chatId, async () => {
        const locale = await localeOf(chatId);
        for (const part of renderNotice(deps.translate(locale, key, vars))) await sendRendered(api, chatId, part);
      }),
  };
}
