/**
 * The Telegram conversation for `/cleanls` without arguments, driven through a real grammY bot polling the fake
 * Bot API, with the real /cleanls service behind it (fake Sophos Central and Intelix).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, type Context } from 'grammy';
import type { Chat, User } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { registerCleanlsConversation } from '../../../src/bot/telegram/features/cleanls-conversation.js';
import type { Reply } from '../../../src/core/reply.js';
import { createI18n } from '../../../src/lib/i18n.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { openStore } from '../../../src/store/keyv.js';
import { FakeTelegram } from '../../support/fake-telegram.js';
import { actor, startRig, text, type Rig } from './support.js';

const ADMIN = 9001;
const ADMIN2 = 9002;
const ANALYST = 9003;
const i18n = createI18n('en');

interface World {
  readonly fake: FakeTelegram;
  readonly bot: Bot;
  readonly rig: Rig;
  readonly sent: { chatId: string; reply: Reply }[];
  readonly passedOn: string[];
  stop(): Promise<void>;
}

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function start(options: { waitSeconds?: number; sqlite?: boolean } = {}): Promise<World> {
  const fake = await new FakeTelegram().start();
  const rig = await startRig();
  const dir = options.sqlite ? mkdtempSync(join(tmpdir(), 'socbot-clc-')) : undefined;
  const store = dir ? await openStore(`sqlite://${join(dir, 'state.sqlite')}`, { logger: silentLogger }) : rig.store;
  const cleanls = rig.onDemand.cleanls;
  if (!cleanls) throw new Error('cleanls not offered');
  const bot = new Bot(fake.token, { client: { apiRoot: fake.url }, botInfo: fake.botInfo });
  const sent: { chatId: string; reply: Reply }[] = [];
  const passedOn: string[] = [];
  registerCleanlsConversation(bot, {
    cleanls,
    actorOf: (ctx: Context) => {
      const from = ctx.from;
      if (!from) return Promise.resolve(undefined);
      const role = from.id === ADMIN || from.id === ADMIN2 ? 'admin' : 'analyst';
      return Promise.resolve(actor(role, { userId: String(from.id), name: from.first_name, chat: { id: String(ctx.chatId), type: ctx.chat?.type === 'private' ? 'private' : 'group' } }));
    },
    translate: (locale, key, vars) => i18n.t(locale, key, vars as Record<string, string | number> | undefined),
    send: (chatId, reply) => {
      sent.push({ chatId, reply });
      return Promise.resolve();
    },
    store,
    ...(options.waitSeconds !== undefined ? { waitSeconds: options.waitSeconds } : {}),
  });
  // What the rest of the bot (the commands and buttons features) would get.
  bot.on('message:text', (ctx) => {
    passedOn.push(`message:${ctx.msg.text}`);
  });
  bot.on('callback_query:data', async (ctx) => {
    passedOn.push(`press:${ctx.callbackQuery.data}`);
    await ctx.answerCallbackQuery();
  });
  bot.catch(() => undefined);
  const running = bot.start({ timeout: 0, drop_pending_updates: false });
  const w: World = {
    fake,
    bot,
    rig,
    sent,
    passedOn,
    async stop() {
      await bot.stop();
      await running.catch(() => undefined);
      await fake.close();
      await rig.close();
      if (dir) {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  world = w;
  return w;
}

function lastWithKeyboard(fake: FakeTelegram, chatId: number) {
  return [...fake.messagesIn(chatId)].reverse().find((m) => m.replyMarkup);
}

function buttonTexts(fake: FakeTelegram, chatId: number, messageId: number): string[] {
  return (fake.findMessage(String(chatId), messageId)?.replyMarkup?.inline_keyboard ?? []).flat().map((b) => b.text);
}

describe('/cleanls conversation on Telegram', () => {
  it.each([
    ['in memory', false],
    ['in SQLite', true],
  ])('asks for the tenant, then the level, then sends the same dry run; nothing is deleted (state %s)', async (_label, sqlite) => {
    const w = await start({ sqlite });
    const admin: User = w.fake.user(ADMIN, 'Anna', { language_code: 'en' });
    const chat = w.fake.privateChat(admin);
    w.fake.message(admin, chat, '/cleanls');
    const prompt = await w.fake.waitFor(() => lastWithKeyboard(w.fake, ADMIN), 5000, 'tenant keyboard');
    expect(prompt.visible).toContain('Choose the tenant:');
    expect(buttonTexts(w.fake, ADMIN, prompt.messageId)).toEqual(['Acme Corp', 'NinjaRMM LLC', 'Qnasters', 'TriCore Solutions', '🌐 All tenants', '✖ Cancel']);
    const data = (prompt.replyMarkup?.inline_keyboard ?? []).flat().map((b) => ('callback_data' in b ? b.callback_data : ''));
    expect(data.every((d) => /^clc:[0-9a-z]{6}:(t:(\d+|\*)|x)$/.test(d) && Buffer.byteLength(d) <= 64)).toBe(true);

    const q1 = w.fake.press(admin, ADMIN, prompt.messageId, 'Qnasters');
    await w.fake.waitFor(() => w.fake.findMessage(String(ADMIN), prompt.messageId)?.visible.includes('Choose the clean level'), 5000, 'level keyboard');
    expect(w.fake.answerOf(q1)).toBeDefined();
    expect(buttonTexts(w.fake, ADMIN, prompt.messageId)).toEqual([
      'HIGH — high risk only',
      'HIGH_MEDIUM — high and medium risk',
      'MEDIUM — medium risk only',
      'LOW — low risk only',
      'ALL — high, medium, low and trusted',
      '✖ Cancel',
    ]);

    w.fake.press(admin, ADMIN, prompt.messageId, /^HIGH_MEDIUM/);
    await w.fake.waitFor(() => w.sent.length === 1, 5000, 'dry run sent');
    const sent = w.sent[0];
    expect(sent?.chatId).toBe(String(ADMIN));
    expect(text(sent?.reply)).toContain('Would delete: 5 sites');
    expect(sent?.reply.documents?.map((d) => d.filename)).toEqual(['cleanls-dry-run-HIGH_MEDIUM-20201125-1500.csv', 'cleanls-dry-run-HIGH_MEDIUM-20201125-1500.json']);
    expect((sent?.reply.buttons ?? []).flat().map((b) => b.text)).toEqual(['🗑 Delete 5 sites', '✖ Cancel']);
    expect(w.fake.findMessage(String(ADMIN), prompt.messageId)?.visible).toBe('Dry run for Qnasters at level HIGH_MEDIUM: see below.');
    expect(w.rig.central.requests.filter((q) => q.route === 'local-site-delete')).toHaveLength(0);
    // None of the conversation's updates reached the rest of the bot.
    expect(w.passedOn).toEqual([]);
    // The Confirm button of that report is the normal, platform-neutral one: it still deletes only on a press.
    const confirm = (sent?.reply.buttons ?? []).flat().find((b) => b.text.startsWith('🗑'));
    if (!confirm || !('action' in confirm)) throw new Error('no confirm button');
    const result = await w.rig.handler('cleanls').handle(JSON.parse(JSON.stringify(confirm.payload)), {
      actor: actor('admin', { chat: { id: String(ADMIN), type: 'private' } }),
      args: '',
      t: (k, v) => i18n.t('en', k, v as Record<string, string | number> | undefined),
      signal: AbortSignal.timeout(5000),
    });
    expect(result.toast).toBe('Deleted: 5');
  });

  it('lets other messages and buttons through while waiting, and cancel ends it', async () => {
    const w = await start();
    const admin = w.fake.user(ADMIN, 'Anna', { language_code: 'en' });
    const chat = w.fake.privateChat(admin);
    w.fake.message(admin, chat, '/cleanls');
    const prompt = await w.fake.waitFor(() => lastWithKeyboard(w.fake, ADMIN), 5000, 'tenant keyboard');
    const firstButton = (prompt.replyMarkup?.inline_keyboard[0]?.[0] as { callback_data: string }).callback_data;
    w.fake.message(admin, chat, '/ping');
    w.fake.pressData(admin, ADMIN, prompt.messageId, 'v1:AAAAAAAAAAAAAAAA');
    await w.fake.waitFor(() => w.passedOn.length === 2, 5000, 'pass-through');
    expect(w.passedOn).toEqual(['message:/ping', 'press:v1:AAAAAAAAAAAAAAAA']);
    w.fake.press(admin, ADMIN, prompt.messageId, '✖ Cancel');
    await w.fake.waitFor(() => w.fake.findMessage(String(ADMIN), prompt.messageId)?.visible === 'Cancelled; nothing was deleted.', 5000, 'cancelled');
    expect(w.sent).toEqual([]);
    // The keyboard of the finished conversation is answered, not silently ignored.
    const late = w.fake.pressData(admin, ADMIN, prompt.messageId, firstButton);
    await w.fake.waitFor(() => w.fake.answerOf(late), 5000, 'late answer');
    expect(w.fake.answerOf(late)).toMatchObject({ text: 'This list has expired. Run /cleanls again.', show_alert: true });
    expect(w.rig.central.count('local-sites')).toBe(0);
  });

  it('is not entered for non-admins or with arguments: those go to the normal command', async () => {
    const w = await start();
    const analyst = w.fake.user(ANALYST, 'Oleg', { language_code: 'en' });
    const admin = w.fake.user(ADMIN, 'Anna', { language_code: 'en' });
    w.fake.message(analyst, w.fake.privateChat(analyst), '/cleanls');
    w.fake.message(admin, w.fake.privateChat(admin), '/cleanls Qnasters HIGH');
    await w.fake.waitFor(() => w.passedOn.length === 2, 5000, 'pass-through');
    expect(w.passedOn.sort()).toEqual(['message:/cleanls', 'message:/cleanls Qnasters HIGH']);
    expect(w.fake.messagesIn(ANALYST)).toEqual([]);
  });

  it('in a group, only the admin who started it can answer; another admin pressing gets an alert', async () => {
    const w = await start();
    const admin = w.fake.user(ADMIN, 'Anna', { language_code: 'en' });
    const other = w.fake.user(ADMIN2, 'Bela', { language_code: 'en' });
    const group = w.fake.group(-1001234567890, 'SOC') as Chat;
    w.fake.message(admin, group, '/cleanls@socbot_test_bot');
    const prompt = await w.fake.waitFor(() => lastWithKeyboard(w.fake, -1001234567890), 5000, 'tenant keyboard');
    const foreign = w.fake.press(other, -1001234567890, prompt.messageId, 'Qnasters');
    await w.fake.waitFor(() => w.fake.answerOf(foreign), 5000, 'foreign answer');
    expect(w.fake.answerOf(foreign)?.show_alert).toBe(true);
    expect(w.fake.findMessage('-1001234567890', prompt.messageId)?.visible).toContain('Choose the tenant:');
    w.fake.press(admin, -1001234567890, prompt.messageId, 'Qnasters');
    await w.fake.waitFor(() => w.fake.findMessage('-1001234567890', prompt.messageId)?.visible.includes('Choose the clean level'), 5000, 'level keyboard');
    w.fake.press(admin, -1001234567890, prompt.messageId, /^HIGH —/);
    await w.fake.waitFor(() => w.sent.length === 1, 5000, 'dry run');
    expect(w.sent[0]?.chatId).toBe('-1001234567890');
    expect(text(w.sent[0]?.reply)).toContain('Would delete: 3 sites');
  });
});
