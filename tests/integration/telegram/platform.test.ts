/**
 * The Telegram platform on its own (`createTelegramBot`) with small in-memory fakes of the incident service and
 * diagnostics: the notifier's error mapping and fallbacks, other features' commands and buttons, menus per
 * language, stickers, and the polite answer for strangers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTelegramBot, type TelegramExtension, type TelegramPlatform } from '../../../src/bot/telegram/index.js';
import { systemClock } from '../../../src/core/clock.js';
import { DeliveryError } from '../../../src/core/delivery-error.js';
import { emptyAssets, refOf, type Incident } from '../../../src/core/incident.js';
import type { ActionHandler, AuditEntry, AuditLog, CardAction, CommandModule, Diagnostics, IncidentService, Store } from '../../../src/core/ports.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { createI18n } from '../../../src/lib/i18n.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { openStore } from '../../../src/store/keyv.js';
import { FakeTelegram } from '../../support/fake-telegram.js';
import { ADMIN_ID, SCALED_LIMITS } from './harness.js';

function incident(id: string, overrides: Partial<Incident> = {}): Incident {
  return { source: 'fake', sourceId: id, key: `K-${id}`, title: `Title ${id}`, severity: 'high', createdAt: '2026-11-23T06:00:00Z', assets: emptyAssets(), subEvents: [], facts: [], raw: {}, firstSeenAt: '2026-11-23T06:00:01Z', revision: 1, ...overrides };
}

class MemoryIncidents implements IncidentService {
  readonly map = new Map<string, Incident>();
  get(ref: string) {
    return Promise.resolve(this.map.get(ref));
  }
  findByKey(key: string) {
    return Promise.resolve([...this.map.values()].find((i) => i.key === key));
  }
  listSince() {
    return Promise.resolve([...this.map.values()]);
  }
  cardActions(): readonly CardAction[] {
    return [{ id: 'details', labelKey: 'card-button-details', requires: 'approved' }];
  }
  acknowledge(): Promise<Incident> {
    return Promise.reject(new Error('not used'));
  }
  refresh(): Promise<Incident> {
    return Promise.reject(new Error('not used'));
  }
  runSourceAction(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
  forward(): Promise<Incident> {
    return Promise.reject(new Error('not used'));
  }
  forwarderIds() {
    return [];
  }
}

const diagnostics: Diagnostics = {
  version: 'test',
  startedAt: new Date(),
  health: () => Promise.resolve([]),
  outbox: () => Promise.resolve({ pending: 0, dead: 0, byDestination: {} }),
  deadLetters: () => Promise.resolve([]),
  recentErrors: () => [],
};

let fake: FakeTelegram;
let store: Store;
let platform: TelegramPlatform;
let audit: AuditEntry[];
const incidents = new MemoryIncidents();

async function start(
  telegram: Record<string, unknown> = {},
  extra: { commands?: CommandModule[]; actions?: ActionHandler[]; options?: Record<string, unknown>; extensions?: TelegramExtension[] } = {},
): Promise<Config> {
  fake = await new FakeTelegram().start();
  store = await openStore('memory://', { logger: silentLogger });
  audit = [];
  const log: AuditLog = { record: (e) => Promise.resolve(void audit.push({ ...e, at: new Date().toISOString() })), recent: () => Promise.resolve(audit) };
  const config = configSchema.parse({ locale: 'en', timezone: 'UTC', store: { url: 'memory://' }, telegram: { token: fake.token, apiRoot: fake.url, admins: [ADMIN_ID], ...telegram } });
  platform = createTelegramBot(config, {
    store,
    logger: silentLogger,
    clock: systemClock,
    i18n: createI18n(config.locale),
    incidents,
    diagnostics,
    audit: log,
    commands: extra.commands ?? [],
    actions: extra.actions ?? [],
    extensions: extra.extensions ?? [],
    options: { pollTimeoutSeconds: 1, restartDelayMs: 100, rateLimits: SCALED_LIMITS, ...extra.options },
  });
  await platform.start();
  return config;
}

beforeEach(() => {
  incidents.map.clear();
});
afterEach(async () => {
  await platform.stop();
  await store.close();
  await fake.close();
});

const admin = () => fake.user(ADMIN_ID, 'Admin', { language_code: 'en' });

async function failureOf(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error instanceof DeliveryError ? error.failure : error;
  }
  return 'no error';
}

describe('notifier', () => {
  it('maps what the Bot API says into delivery failures, without retrying a 429 itself', async () => {
    await start();
    const n = platform.notifier;
    const i = incident('1');
    incidents.map.set(refOf(i), i);
    fake.failNext('sendMessage', 429, 'Too Many Requests: retry after 7', { retry_after: 7 });
    expect(await failureOf(n.post('500', i))).toEqual({ kind: 'retry-after', retryAfterMs: 7000 });
    expect(fake.callsOf('sendMessage')).toHaveLength(1); // no hidden retry
    fake.failChat('501', 'blocked');
    expect(await failureOf(n.post('501', i))).toMatchObject({ kind: 'inactive' });
    fake.failChat('-502', 'not-found');
    expect(await failureOf(n.post('-502', i))).toMatchObject({ kind: 'inactive', reason: 'Bad Request: chat not found' });
    fake.failChat('-503', { migrateTo: '-1005030000' });
    expect(await failureOf(n.digest('-503', [i]))).toEqual({ kind: 'migrated', newChatId: '-1005030000' });
    fake.failNext('sendMessage', 500, 'Internal Server Error');
    expect(await failureOf(n.notice('504', 'error-forbidden'))).toMatchObject({ kind: 'transient' });
    expect(n.limits('-1001')).toMatchObject({ digestThreshold: 10, digestMax: 25 });
    expect(n.limits('-1001').minIntervalMs).toBeGreaterThanOrEqual(50);
    expect(n.limits('42').minIntervalMs).toBeGreaterThanOrEqual(16);
  });

  it('falls back to plain text when HTML is refused, treats "not modified" as done, and leaves deleted cards alone', async () => {
    await start();
    const n = platform.notifier;
    const i = incident('2', { title: 'Plain <fallback> & co' });
    fake.failNext('sendMessage', 400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0");
    const ref = await n.post('600', i);
    const card = fake.findMessage('600', Number(ref));
    expect(card?.parseMode).toBeUndefined();
    expect(card?.visible).toContain('Plain <fallback> & co');
    await n.edit('600', ref, i); // now as HTML
    await n.edit('600', ref, i); // same content again: Telegram says "not modified", which is success
    expect(fake.callsOf('editMessageText').at(-1)?.description).toMatch(/not modified/);
    await n.edit('600', ref, { ...i, title: 'Changed', revision: 2 });
    expect(fake.findMessage('600', Number(ref))?.visible).toContain('Changed');
    await n.edit('600', '999999', i); // gone
    expect(fake.messagesIn('600')).toHaveLength(1);
  });

  it('the resolver follows approvals and routes; the lifecycle moves and parks chats', async () => {
    await start({}, {});
    await platform.approvals.requestAccess({ kind: 'chat', platform: 'telegram', id: '-1001', chatId: '-1001', name: 'A' });
    const pending = await platform.approvals.pending();
    const actor = { platform: 'telegram', userId: String(ADMIN_ID), name: 'Admin', role: 'admin' as const, locale: 'en', chat: { id: String(ADMIN_ID), type: 'private' as const } };
    await platform.approvals.decide(pending[0]?.id ?? '', 'approve', actor);
    expect(await platform.resolver.destinationsFor(incident('3'))).toEqual(['telegram:-1001']);
    await platform.lifecycle.migrate('telegram:-1001', 'telegram:-1001001');
    expect(await platform.resolver.destinationsFor(incident('3'))).toEqual(['telegram:-1001001']);
    await platform.lifecycle.markInactive('telegram:-1001001', 'Forbidden: bot was kicked');
    expect(await platform.resolver.destinationsFor(incident('3'))).toEqual([]);
    // No second notice from the lifecycle: the delivery worker tells the admins itself.
    expect(fake.messagesIn(ADMIN_ID).some((m) => m.visible.includes('no longer accepts'))).toBe(false);
  });
});

describe('commands and buttons of other features', () => {
  const paging: ActionHandler = {
    action: 'page',
    requires: 'analyst',
    async handle(payload, ctx) {
      const page = z.object({ n: z.number() }).parse(payload).n;
      if (page === 99) await new Promise((r) => setTimeout(r, 300));
      return { toast: ctx.t('card-acked'), edit: { lines: [`page ${page}`], buttons: [[{ text: 'next', action: 'page', payload: { n: page + 1 } }]] } };
    },
  };
  const report: CommandModule = {
    name: 'report',
    descriptionKey: 'cmd-ping-description',
    requires: 'analyst',
    run: (ctx) =>
      Promise.resolve({
        lines: [[{ b: `Report <${ctx.args}>` }], ...Array.from({ length: 400 }, (_, i) => `row ${i} ${'·'.repeat(20)}`)],
        buttons: [[{ text: 'next', action: 'page', payload: { n: 2 } }, { text: 'slow', action: 'page', payload: { n: 99 } }], [{ text: 'site', url: 'https://example.org' }]],
        documents: [{ filename: 'report.csv', mime: 'text/csv', content: 'a,b\n1,2\n', caption: 'CSV' }],
      }),
  };

  it('are registered with their role, rendered (parts, buttons on the last part, documents) and their buttons dispatched', async () => {
    await start({}, { commands: [report], actions: [paging], options: { quickAnswerMs: 100 } });
    const a = admin();
    fake.message(a, fake.privateChat(a), '/report Q3 <all>');
    const doc = await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.kind === 'document'));
    expect(doc.document?.filename).toBe('report.csv');
    expect(doc.document?.content.toString()).toBe('a,b\n1,2\n');
    const parts = fake.messagesIn(ADMIN_ID).filter((m) => m.kind === 'text');
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]?.visible.startsWith('Report <Q3 <all>>')).toBe(true);
    expect(parts.slice(0, -1).every((p) => p.replyMarkup === undefined)).toBe(true);
    const last = parts[parts.length - 1];
    if (!last) throw new Error('no part');
    expect(last.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['next', 'slow', 'site']);

    const q = fake.press(a, ADMIN_ID, last.messageId, 'next');
    expect(await fake.waitFor(() => fake.answerOf(q))).toEqual({ text: 'Acknowledged.' });
    await fake.waitFor(() => fake.findMessage(String(ADMIN_ID), last.messageId)?.visible === 'page 2');
    const slow = await fake.waitFor(() => {
      const m = fake.findMessage(String(ADMIN_ID), last.messageId);
      return m?.replyMarkup ? m : undefined;
    });
    expect(slow.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['next']);
  });

  it('a slow action is answered first and finished afterwards; a viewer is refused', async () => {
    await start({}, { commands: [report], actions: [paging], options: { quickAnswerMs: 100 } });
    const a = admin();
    fake.message(a, fake.privateChat(a), '/report x');
    await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.kind === 'document'));
    const last = fake.messagesIn(ADMIN_ID).filter((m) => m.replyMarkup).at(-1);
    if (!last) throw new Error('no keyboard');
    const q = fake.press(a, ADMIN_ID, last.messageId, 'slow');
    expect(await fake.waitFor(() => fake.answerOf(q))).toEqual({ text: 'Working on it…' });
    await fake.waitFor(() => fake.findMessage(String(ADMIN_ID), last.messageId)?.visible === 'page 99', 5000, 'slow edit');

    const created = await platform.approvals.requestAccess({ kind: 'user', platform: 'telegram', id: '777', chatId: '777', name: 'Viewer' });
    if (created.kind !== 'created') throw new Error('no request');
    const actor = { platform: 'telegram', userId: String(ADMIN_ID), name: 'Admin', role: 'admin' as const, locale: 'en', chat: { id: String(ADMIN_ID), type: 'private' as const } };
    await platform.approvals.decide(created.request.id, 'approve', actor);
    await platform.approvals.setRole('telegram', '777', 'viewer', actor);
    const viewer = fake.user(777, 'Viewer');
    fake.message(viewer, fake.privateChat(viewer), '/report x');
    await fake.waitFor(() => fake.messagesIn(777).find((m) => m.visible === 'Your role does not allow this command.'));
    expect(fake.messagesIn(777).some((m) => m.visible.startsWith('Report'))).toBe(false);
    expect(audit.some((e) => e.action === 'command.report' && e.outcome === 'refused')).toBe(true);
  });

  it('a slow command does not hold up other chats’ commands and presses; one chat’s commands keep their order', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: CommandModule = {
      name: 'slowreport',
      descriptionKey: 'cmd-ping-description',
      requires: 'analyst',
      run: async (ctx) => {
        await gate;
        return { lines: [`slow done ${ctx.args}`] };
      },
    };
    await start({}, { commands: [slow, report], actions: [paging], options: { quickAnswerMs: 100 } });
    const a = admin();
    fake.message(a, fake.privateChat(a), '/report x');
    const last = await fake.waitFor(() => fake.messagesIn(ADMIN_ID).filter((m) => m.replyMarkup).at(-1));
    const created = await platform.approvals.requestAccess({ kind: 'user', platform: 'telegram', id: '778', chatId: '778', name: 'Other' });
    if (created.kind !== 'created') throw new Error('no request');
    await platform.approvals.decide(created.request.id, 'approve', { platform: 'telegram', userId: String(ADMIN_ID), name: 'Admin', role: 'admin', locale: 'en', chat: { id: String(ADMIN_ID), type: 'private' } });
    const other = fake.user(778, 'Other', { language_code: 'en' });

    fake.message(a, fake.privateChat(a), '/slowreport 1');
    fake.message(a, fake.privateChat(a), '/ping'); // same chat: waits for the slow one, answers after it
    fake.message(other, fake.privateChat(other), '/ping'); // another chat: answered meanwhile
    const q = fake.press(a, ADMIN_ID, last.messageId, 'next'); // a press: answered meanwhile
    await fake.waitFor(() => fake.messagesIn(778).find((m) => m.visible.includes('Alive')), 5000, 'the other chat answered');
    expect(await fake.waitFor(() => fake.answerOf(q))).toEqual({ text: 'Acknowledged.' });
    expect(fake.messagesIn(ADMIN_ID).some((m) => m.visible.includes('slow done') || m.visible.includes('Alive'))).toBe(false);

    release();
    await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.visible.includes('Alive')), 5000, 'the queued /ping');
    const texts = fake.messagesIn(ADMIN_ID).map((m) => m.visible);
    expect(texts.findIndex((t) => t === 'slow done 1')).toBeGreaterThanOrEqual(0);
    expect(texts.findIndex((t) => t === 'slow done 1')).toBeLessThan(texts.findIndex((t) => t.includes('Alive')));
  });

  it('registers menus per language and scope, sends the ping sticker by value, answers strangers politely once a minute', async () => {
    await start({ pingSticker: 'CAACAgIAAxkBAAEstickerFileId' }, { commands: [report] });
    const scopes = fake.commands.map((c) => `${(c.scope as { type: string }).type}/${c.language_code ?? '-'}`);
    expect(scopes).toEqual(expect.arrayContaining(['default/-', 'default/ru', 'default/hu', 'all_group_chats/en', 'chat/ru']));
    const ru = fake.commands.find((c) => c.language_code === 'ru' && (c.scope as { type: string }).type === 'default');
    expect(ru?.commands).toEqual([
      { command: 'start', description: 'Приветствие или запрос доступа' },
      { command: 'help', description: 'Доступные вам команды' },
      { command: 'ping', description: 'Бот работает? Состояние источников' },
      { command: 'report', description: 'Бот работает? Состояние источников' },
    ]);
    const adminMenu = fake.commands.find((c) => (c.scope as { type: string }).type === 'chat' && !c.language_code);
    expect((adminMenu?.commands as { command: string }[]).map((c) => c.command)).toEqual(['start', 'help', 'ping', 'debug', 'users', 'report']);

    const a = admin();
    fake.message(a, fake.privateChat(a), '/ping');
    const sticker = await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.kind === 'sticker'));
    expect(sticker.file).toBe('CAACAgIAAxkBAAEstickerFileId');

    const stranger = fake.user(31337, 'Stranger', { language_code: 'hu' });
    for (const text of ['hello', 'anyone?', '/ping']) fake.message(stranger, fake.privateChat(stranger), text);
    await fake.drained();
    expect(fake.messagesIn(31337).map((m) => m.visible)).toEqual(['Ez egy zárt bot. Küldd el a /start parancsot, hogy hozzáférést kérj egy adminisztrátortól.']);
  });

  it('sends an animation URL from pingSticker with sendAnimation', async () => {
    await start({ pingSticker: 'https://media.example.org/ping.gif' });
    const a = admin();
    fake.message(a, fake.privateChat(a), '/ping');
    const anim = await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.kind === 'animation'));
    expect(anim.file).toBe('https://media.example.org/ping.gif');
    expect(fake.callsOf('sendSticker')).toHaveLength(0);
  });

  it('extensions of other features run after the access checks, before the built-ins, with the platform\'s tools', async () => {
    const seen: string[] = [];
    const echo: TelegramExtension = (composer, tools) => {
      composer.command('ping', async (ctx, next) => {
        const actor = await tools.actorOf(ctx);
        seen.push(`${ctx.from?.id ?? '?'}:${actor?.role ?? 'none'}`);
        if (ctx.match === 'mine' && actor) return tools.send(String(ctx.chat.id), { lines: [[{ b: tools.translate('ru', 'help-title') }]] });
        return next();
      });
    };
    await start({}, { extensions: [echo] });
    const a = admin();
    fake.message(a, fake.privateChat(a), '/ping mine');
    await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.visible === 'Команды'));
    fake.message(a, fake.privateChat(a), '/ping');
    await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.visible.startsWith('🏓')));
    const stranger = fake.user(8080, 'S');
    fake.message(stranger, fake.privateChat(stranger), '/ping mine');
    await fake.drained();
    expect(seen).toEqual([`${ADMIN_ID}:admin`, `${ADMIN_ID}:admin`, '8080:none']);
    expect(fake.messagesIn(8080).map((m) => m.visible)).toEqual(['This bot is private. Send /start to ask an administrator for access.']);
  });
});
