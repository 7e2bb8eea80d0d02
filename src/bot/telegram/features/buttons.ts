/**
 * Every button press: the token is resolved server-side (forged, foreign, expired → short alert, nothing
 * changes), the presser's role is re-read and checked against both the button and its handler (refusals are
 * audited), and every press is answered exactly once — quickly, with slow work finished afterwards.
 */
import { Composer, InputFile } from 'grammy';
import { actorLabel, satisfies, type Actor } from '../../../core/access.js';
import type { Decision } from '../../../core/approval.js';
import { isAppError } from '../../../core/errors.js';
import { refOf, type Incident } from '../../../core/incident.js';
import type { ActionContext, ActionHandler, ActionResult, CardAction } from '../../../core/ports.js';
import type { JsonValue } from '../../../core/reply.js';
import { displayActor, formatTime, type Translate } from '../../card.js';
import { truncateUnits } from '../../../core/text.js';
import type { ButtonRecord } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { APPROVAL_ACTION } from '../effects.js';
import { isQueryTooOld, telegramErrorMeta } from '../errors.js';
import { CARD_ACTION, createCardKeyboard } from '../keyboards/card.js';
import { renderCard, renderDetails, detailsDocument } from '../render.js';
import { editRendered, sendRendered } from '../send.js';
import { within, type Runtime } from '../runtime.js';

const TOAST_LIMIT = 200;
const DETAILS_MAX_MESSAGES = 3;

interface Press {
  readonly ctx: BotContext;
  readonly actor: Actor;
  readonly chatId: string;
  readonly messageId: number | undefined;
  /** Translations in the presser's language (toasts). */
  readonly t: Translate;
  answer(text?: string, alert?: boolean): Promise<void>;
}

function asRecord(value: JsonValue): Record<string, JsonValue> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, JsonValue>) : undefined;
}

export function buttonsFeature(rt: Runtime): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  async function refuse(press: Press, reason: string, key: string, record?: ButtonRecord): Promise<void> {
    await rt.audit.record({
      actor: actorLabel(press.actor),
      action: `button.${record?.action ?? 'unknown'}`,
      target: `chat:telegram:${press.chatId}`,
      outcome: 'refused',
      details: reason,
    });
    await press.answer(press.t(key), true);
  }

  async function chatLocale(chatId: string): Promise<string> {
    return (await rt.directory.getChat('telegram', chatId))?.locale ?? rt.defaultLocale;
  }

  // ------------------------------------------------------------ approvals

  async function onApproval(press: Press, record: ButtonRecord): Promise<void> {
    const payload = asRecord(record.payload);
    const requestId = typeof payload?.request === 'string' ? payload.request : undefined;
    const decision = payload?.decision;
    if (!requestId || (decision !== 'approve' && decision !== 'deny' && decision !== 'ban')) return refuse(press, 'malformed approval payload', 'button-invalid', record);
    const outcome = await rt.approvals.decide(requestId, decision satisfies Decision, press.actor);
    switch (outcome.kind) {
      case 'unknown':
        return press.answer(press.t('button-invalid'), true);
      case 'already': {
        const r = outcome.request;
        if (r.state === 'expired') return press.answer(press.t('approval-expired-alert'), true);
        return press.answer(
          press.t('approval-already', { state: press.t(`approval-state-${r.state}`), by: r.decidedBy ?? '?', at: formatTime(r.decidedAt, rt.timezone) }),
          true,
        );
      }
      case 'expired':
        await press.answer(press.t('approval-expired-alert'), true);
        rt.background('approval announce', () => rt.approvals.announce(outcome.request));
        return;
      case 'decided':
        // Stored and audited by `decide`; only now is the press acknowledged.
        await press.answer(press.t('approval-decided-toast', { state: press.t(`approval-state-${outcome.request.state}`) }));
        rt.background('approval announce', () => rt.approvals.announce(outcome.request));
        return;
    }
  }

  // ------------------------------------------------------------ incident cards

  async function editCard(chatId: string, messageId: number | undefined, incident: Incident): Promise<void> {
    if (messageId === undefined) return;
    const locale = await chatLocale(chatId);
    const t: Translate = (key, vars) => rt.translate(locale, key, vars);
    const rendered = renderCard(incident, { t, timezone: rt.timezone });
    const markup = await createCardKeyboard(incident, chatId, rt.incidents.cardActions(incident), t, rt.buttons);
    await editRendered(rt.api, chatId, messageId, rendered, markup);
  }

  async function sendDetails(chatId: string, incident: Incident, replyTo: number | undefined): Promise<void> {
    const locale = await chatLocale(chatId);
    const t: Translate = (key, vars) => rt.translate(locale, key, vars);
    const parts = renderDetails(incident, { t, timezone: rt.timezone });
    if (parts.length <= DETAILS_MAX_MESSAGES) {
      for (const [i, part] of parts.entries()) await sendRendered(rt.api, chatId, part, undefined, i === 0 ? replyTo : undefined);
      return;
    }
    const name = `${incident.key.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'incident'}.txt`;
    await rt.api.sendDocument(chatId, new InputFile(Buffer.from(detailsDocument(incident, { t, timezone: rt.timezone }), 'utf8'), name), {
      caption: truncateUnits(t('card-details-caption', { key: incident.key }), 1024),
      ...(replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
    });
  }

  /** Runs the service call; answers with its toast if quick, otherwise "working…" first and the rest later. */
  async function runCardAction(press: Press, action: CardAction, incident: Incident): Promise<void> {
    const ref = refOf(incident);
    const signal = AbortSignal.timeout(120_000);
    const work = (async (): Promise<{ incident: Incident; toast: string; alert: boolean }> => {
      if (action.id === 'ack') {
        const updated = await rt.incidents.acknowledge(ref, press.actor);
        return { incident: updated, toast: press.t('card-acked'), alert: false };
      }
      if (action.id === 'refresh') {
        const updated = await rt.incidents.refresh(ref, press.actor, signal);
        return { incident: updated, toast: press.t('card-refreshed'), alert: false };
      }
      if (action.id.startsWith('src:')) {
        const { incident: updated, outcome } = await rt.incidents.runSourceAction(ref, action.id.slice(4), press.actor, signal);
        return { incident: updated, toast: press.t(outcome.noticeKey, outcome.vars), alert: false };
      }
      const forwarderId = action.id.slice(4);
      const updated = await rt.incidents.forward(ref, forwarderId, press.actor, signal);
      const state = updated.forwards?.[forwarderId];
      return state?.state === 'failed'
        ? { incident: updated, toast: press.t('card-forward-failed-toast'), alert: true }
        : { incident: updated, toast: press.t(state?.state === 'done' && state.dryRun ? 'card-forward-dry-run-toast' : 'card-forwarded-toast'), alert: false };
    })();
    const failure = (error: unknown): { toast: string; alert: boolean } => {
      if (isAppError(error) && error.kind === 'auth') return { toast: press.t('button-forbidden'), alert: true };
      if (isAppError(error) && error.kind === 'not-found') return { toast: press.t('card-gone'), alert: true };
      rt.logger.warn('card action failed', { action: action.id, ref, ...telegramErrorMeta(error) });
      return { toast: press.t('card-action-failed'), alert: true };
    };
    let quick: { done: true; value: Awaited<typeof work> } | { done: false };
    try {
      quick = await within(work, rt.quickAnswerMs);
    } catch (error) {
      const f = failure(error);
      return press.answer(f.toast, f.alert);
    }
    if (quick.done) {
      await press.answer(quick.value.toast, quick.value.alert);
      rt.background('card edit', () => editCard(press.chatId, press.messageId, quick.value.incident));
      return;
    }
    await press.answer(press.t('button-working'));
    rt.background('card action', async () => {
      try {
        const result = await work;
        await editCard(press.chatId, press.messageId, result.incident);
      } catch (error) {
        const f = failure(error);
        await rt.sender.send(press.chatId, { lines: [f.toast] }, press.messageId);
      }
    });
  }

  async function onCard(press: Press, record: ButtonRecord): Promise<void> {
    const payload = asRecord(record.payload);
    const ref = typeof payload?.ref === 'string' ? payload.ref : undefined;
    const id = typeof payload?.id === 'string' ? payload.id : undefined;
    if (!ref || !id) return refuse(press, 'malformed card payload', 'button-invalid', record);
    const incident = await rt.incidents.get(ref);
    if (!incident) return press.answer(press.t('card-gone'), true);
    // The current state decides, not the keyboard the presser happens to see.
    const action = rt.incidents.cardActions(incident).find((a) => a.id === id);
    if (!action) {
      if (id === 'ack' && incident.ack) {
        await press.answer(press.t('card-already-acked', { by: displayActor(incident.ack.by), at: formatTime(incident.ack.at, rt.timezone) }), true);
      } else {
        await press.answer(press.t('button-stale'), true);
      }
      rt.background('card refresh', () => editCard(press.chatId, press.messageId, incident));
      return;
    }
    if (!satisfies(press.actor.role, action.requires)) return refuse(press, `needs ${action.requires}`, 'button-forbidden', record);
    if (id === 'details') {
      await press.answer();
      rt.background('card details', () => sendDetails(press.chatId, incident, press.messageId));
      return;
    }
    return runCardAction(press, action, incident);
  }

  // ------------------------------------------------------------ actions of other features

  async function applyResult(press: Press, result: ActionResult): Promise<void> {
    if (result.edit && press.messageId !== undefined) await rt.sender.edit(press.chatId, press.messageId, result.edit);
    if (result.reply) await rt.sender.send(press.chatId, result.reply);
  }

  async function onAction(press: Press, handler: ActionHandler, record: ButtonRecord): Promise<void> {
    const context: ActionContext = {
      actor: press.actor,
      args: '',
      t: press.t,
      signal: AbortSignal.timeout(120_000),
      ...(press.messageId !== undefined ? { messageRef: String(press.messageId) } : {}),
    };
    const work = handler.handle(record.payload, context);
    let quick: { done: true; value: ActionResult } | { done: false };
    try {
      quick = await within(work, rt.quickAnswerMs);
    } catch (error) {
      rt.logger.warn('button action failed', { action: handler.action, ...telegramErrorMeta(error) });
      return press.answer(press.t('card-action-failed'), true);
    }
    if (quick.done) {
      await press.answer(quick.value.toast, quick.value.alert);
      await applyResult(press, quick.value);
      return;
    }
    await press.answer(press.t('button-working'));
    rt.background(`action ${handler.action}`, async () => {
      try {
        const result = await work;
        await applyResult(press, result);
        if (result.toast && !result.edit && !result.reply) await rt.sender.send(press.chatId, { lines: [result.toast] }, press.messageId);
      } catch (error) {
        rt.logger.warn('button action failed', { action: handler.action, ...telegramErrorMeta(error) });
        await rt.sender.send(press.chatId, { lines: [press.t('card-action-failed')] }, press.messageId);
      }
    });
  }

  // ------------------------------------------------------------ dispatch

  composer.on('callback_query', async (ctx) => {
    const query = ctx.callbackQuery;
    let answered = false;
    const answer = async (text?: string, alert?: boolean): Promise<void> => {
      if (answered) return;
      answered = true;
      try {
        await ctx.answerCallbackQuery({ ...(text ? { text: truncateUnits(text, TOAST_LIMIT) } : {}), ...(alert ? { show_alert: true } : {}) });
      } catch (error) {
        if (!isQueryTooOld(error)) rt.logger.warn('callback answer failed', telegramErrorMeta(error));
      }
    };
    try {
      const { actor, t, chat } = ctx.socbot;
      const message = query.message;
      if (!actor || !message) return await answer(t('button-invalid'), true);
      const chatId = String(message.chat.id);
      const press: Press = { ctx, actor, chatId, messageId: message.message_id, t, answer };
      const resolution = await rt.buttons.resolve(query.data, [chatId, ...(chat?.migratedFrom ?? [])]);
      switch (resolution.kind) {
        case 'invalid':
          return await refuse(press, 'unknown or malformed callback data', 'button-invalid');
        case 'wrong-chat':
          return await refuse(press, 'token of another chat', 'button-invalid');
        case 'expired':
          return await refuse(press, 'expired button', 'button-expired', resolution.record);
        case 'ok':
          break;
      }
      const record = resolution.record;
      const handler = record.action === APPROVAL_ACTION || record.action === CARD_ACTION ? undefined : rt.actions.get(record.action);
      if (record.action !== APPROVAL_ACTION && record.action !== CARD_ACTION && !handler) return await refuse(press, 'no handler', 'button-invalid', record);
      if (!satisfies(actor.role, record.requires) || (handler && !satisfies(actor.role, handler.requires))) {
        return await refuse(press, `role ${actor.role ?? 'none'} below ${handler?.requires ?? record.requires}`, 'button-forbidden', record);
      }
      if (record.action === APPROVAL_ACTION) return await onApproval(press, record);
      if (record.action === CARD_ACTION) return await onCard(press, record);
      if (handler) return await onAction(press, handler, record);
    } catch (error) {
      rt.logger.error('button press failed', telegramErrorMeta(error));
      await answer(ctx.socbot.t('card-action-failed'), true);
    } finally {
      await answer();
    }
  });
  return composer;
}
