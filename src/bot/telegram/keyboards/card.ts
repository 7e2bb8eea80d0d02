/**
 * The inline keyboard under an incident card: one button per card action the incident service offers now.
 * Tokens are stable per (chat, incident, action), so re-rendering a card on every edit reuses its records.
 */
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { refOf, type Incident } from '../../../core/incident.js';
import type { CardAction } from '../../../core/ports.js';
import type { Translate } from '../../card.js';
import type { ButtonStore } from '../callback-data.js';

export const CARD_ACTION = 'card';

/** Built-ins first, then source actions, then forwarders, each group on its own row(s). */
function rowsOf(buttons: readonly { action: CardAction; button: InlineKeyboardButton }[]): InlineKeyboardButton[][] {
  const group = (a: CardAction): number => (a.id.startsWith('src:') ? 1 : a.id.startsWith('fwd:') ? 2 : 0);
  const rows: InlineKeyboardButton[][] = [];
  for (const g of [0, 1, 2]) {
    const inGroup = buttons.filter((b) => group(b.action) === g).map((b) => b.button);
    for (let i = 0; i < inGroup.length; i += 3) rows.push(inGroup.slice(i, i + 3));
  }
  return rows;
}

export async function createCardKeyboard(
  incident: Incident,
  chatId: string,
  actions: readonly CardAction[],
  t: Translate,
  buttons: ButtonStore,
): Promise<InlineKeyboardMarkup> {
  const ref = refOf(incident);
  const made: { action: CardAction; button: InlineKeyboardButton }[] = [];
  for (const action of actions) {
    const data = await buttons.issueStable(`card|${ref}|${action.id}`, { action: CARD_ACTION, payload: { ref, id: action.id }, chatId, requires: action.requires });
    made.push({ action, button: { text: t(action.labelKey), callback_data: data } });
  }
  return { inline_keyboard: rowsOf(made) };
}
