/**
 * The approval flow end to end: the real app and grammY bot, long polling a fake Bot API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { draft } from '../../support/memory.js';
import { greetAdmins, startHarness, type Harness } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

const STRANGER = 123456789;

describe('approval of a person', () => {
  it('asks every admin once, stores and audits the first decision before answering, tells everyone', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin, admin2 } = h;
    const ivan = fake.user(STRANGER, 'Иван', { username: 'soc_duty', language_code: 'ru' });
    const chat = fake.privateChat(ivan);

    fake.message(ivan, chat, '/start');
    const prompt = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Access request')), 5000, 'prompt');
    expect(prompt.visible).toContain('Иван');
    expect(prompt.visible).toContain('@soc_duty');
    expect(prompt.visible).toContain(String(STRANGER));
    expect(prompt.visible).toMatch(/Language: ru/);
    const labels = (prompt.replyMarkup?.inline_keyboard ?? []).flat().map((b) => b.text);
    expect(labels).toEqual(['✅ Approve', '❌ Deny', '⛔ Ban']);
    const prompt2 = await fake.waitFor(() => fake.messagesIn(admin2.id).find((m) => m.visible.includes('Access request')));
    // The requester is answered in their language.
    await fake.waitFor(() => fake.messagesIn(STRANGER).find((m) => m.visible.includes('запрос доступа отправлен')));

    // Sending /start again does not create another request.
    fake.message(ivan, chat, '/start');
    fake.message(ivan, chat, '/start');
    await fake.drained();
    expect(fake.messagesIn(admin.id).filter((m) => m.visible.includes('Access request'))).toHaveLength(1);
    expect(fake.messagesIn(admin2.id).filter((m) => m.visible.includes('Access request'))).toHaveLength(1);
    expect(fake.messagesIn(STRANGER).filter((m) => m.visible.includes('ждёт решения'))).toHaveLength(2);
    // No role yet: no data.
    fake.message(ivan, chat, '/ping');
    await fake.drained();
    expect(fake.messagesIn(STRANGER).some((m) => m.visible.includes('Работаю'))).toBe(false);

    // When the press is answered, the decision and its audit entry are already stored.
    const seenAtAnswer: { status?: string; audited?: boolean } = {};
    const users = h.app.store.collection('users', z.object({ status: z.string() }).passthrough());
    fake.beforeCall = async (method) => {
      if (method !== 'answerCallbackQuery' || seenAtAnswer.status !== undefined) return;
      seenAtAnswer.status = (await users.get(`telegram:${STRANGER}`))?.status;
      seenAtAnswer.audited = (await h.audit()).some((e) => e.action === 'approval.approve' && e.target === `user:telegram:${STRANGER}`);
    };
    const staleDeny = (prompt2.replyMarkup?.inline_keyboard ?? []).flat().find((b) => b.text.includes('Deny'));
    const query = fake.press(admin, admin.id, prompt.messageId, '✅ Approve');
    await fake.waitFor(() => fake.answerOf(query));
    expect(seenAtAnswer).toEqual({ status: 'approved', audited: true });

    await fake.waitFor(() => fake.messagesIn(STRANGER).find((m) => m.visible.includes('Администратор открыл вам доступ')));
    // Both prompts now say who decided, without buttons.
    await fake.waitFor(() => fake.findMessage(String(admin2.id), prompt2.messageId)?.visible.includes('Approved by Admin'));
    expect(fake.findMessage(String(admin.id), prompt.messageId)?.visible).toContain('Approved by Admin');
    expect(fake.findMessage(String(admin2.id), prompt2.messageId)?.replyMarkup).toBeUndefined();

    // A late press on the other admin's old keyboard changes nothing and says who decided.
    const late = fake.pressData(admin2, admin2.id, prompt2.messageId, staleDeny && 'callback_data' in staleDeny ? staleDeny.callback_data : '');
    const answer = await fake.waitFor(() => fake.answerOf(late));
    expect(answer.show_alert).toBe(true);
    expect(answer.text).toMatch(/^Already approved by Admin .*at \d{4}-\d\d-\d\d/);
    expect((await users.get(`telegram:${STRANGER}`))?.status).toBe('approved');

    // Now an analyst: /ping works, /debug is refused and audited.
    fake.message(ivan, chat, '/ping');
    await fake.waitFor(() => fake.messagesIn(STRANGER).find((m) => m.visible.includes('Работаю')));
    fake.message(ivan, chat, '/debug');
    await fake.waitFor(() => fake.messagesIn(STRANGER).find((m) => m.visible.includes('не позволяет')));
    expect((await h.audit()).some((e) => e.action === 'command.debug' && e.outcome === 'refused')).toBe(true);

    // And incidents reach their chat.
    await h.inject(draft('a1', { title: 'Brute force' }));
    await fake.waitFor(() => fake.messagesIn(STRANGER).find((m) => m.visible.includes('Brute force')));
  });

  it('deny: the requester is told once and cannot ask again; their chat gets no incidents', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    const maria = fake.user(222333444, 'Мария', { language_code: 'en' });
    fake.message(maria, fake.privateChat(maria), '/start');
    const prompt = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Мария')));
    const q = fake.press(admin, admin.id, prompt.messageId, '❌ Deny');
    await fake.waitFor(() => fake.answerOf(q));
    await fake.waitFor(() => fake.messagesIn(maria.id).find((m) => m.visible.includes('declined')));
    fake.message(maria, fake.privateChat(maria), '/start');
    await fake.waitFor(() => fake.messagesIn(maria.id).filter((m) => m.visible.includes('declined')).length === 2);
    expect(fake.messagesIn(admin.id).filter((m) => m.visible.includes('Мария'))).toHaveLength(1);
    await h.inject(draft('d1', { title: 'Should not leak' }));
    await fake.waitFor(() => fake.messagesIn(admin.id).some((m) => m.visible.includes('Should not leak')));
    expect(fake.messagesIn(maria.id).some((m) => m.visible.includes('Should not leak'))).toBe(false);
    expect((await h.audit()).some((e) => e.action === 'approval.deny')).toBe(true);
  });

  it('ban: a banned person is ignored entirely', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    const spammer = fake.user(9090909090, 'Spam'); // above 2^31: ids stay exact
    fake.message(spammer, fake.privateChat(spammer), '/start');
    const prompt = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Spam')));
    expect(prompt.visible).toContain('ID: 9090909090');
    const q = fake.press(admin, admin.id, prompt.messageId, '⛔ Ban');
    await fake.waitFor(() => fake.answerOf(q));
    await fake.waitFor(() => fake.findMessage(String(admin.id), prompt.messageId)?.visible.includes('Banned by Admin'));
    const before = fake.messagesIn(spammer.id).length;
    fake.message(spammer, fake.privateChat(spammer), '/start');
    fake.message(spammer, fake.privateChat(spammer), 'hello?');
    await fake.drained();
    expect(fake.messagesIn(spammer.id)).toHaveLength(before);
    expect(fake.messagesIn(admin.id).filter((m) => m.visible.includes('Spam'))).toHaveLength(1);
    expect(await h.app.telegram.directory.getUser('telegram', '9090909090')).toMatchObject({ id: '9090909090', status: 'banned' });
  });
});
