/**
 * Presses nobody should be able to make count, markup in names and titles, repeated updates, expiry and
 * restarts (reliability catalogue 23, 27–29, 39, 42, 44, 48).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { User } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../../src/lib/logger.js';
import { draft } from '../../support/memory.js';
import { FakeTelegram, type StoredMessage } from '../../support/fake-telegram.js';
import { greetAdmins, offsetClock, startHarness, type Harness } from './harness.js';

let h: Harness;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await h.stop();
  await cleanup?.();
  cleanup = undefined;
});

async function requestFrom(h: Harness, user: User): Promise<StoredMessage> {
  h.fake.message(user, h.fake.privateChat(user), '/start');
  return h.fake.waitFor(() => h.fake.messagesIn(h.admin.id).find((m) => m.visible.includes(String(user.id)) && m.visible.includes('Access request')), 5000, 'prompt');
}

function dataOf(message: StoredMessage, label: string): string {
  const button = (message.replyMarkup?.inline_keyboard ?? []).flat().find((b) => b.text === label);
  if (!button || !('callback_data' in button) || !button.callback_data) throw new Error(`no ${label}`);
  return button.callback_data;
}

async function userStatus(h: Harness, id: number): Promise<string | undefined> {
  return (await h.app.store.collection('users', z.object({ status: z.string() }).passthrough()).get(`telegram:${id}`))?.status;
}

describe('forged, foreign and stale presses', () => {
  it('are refused with a short alert, change nothing, and are audited', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin, admin2 } = h;
    const target = fake.user(246813579, 'Target');
    const prompt = await requestFrom(h, target);
    const approve = dataOf(prompt, '✅ Approve');
    const flipped = `${approve.slice(0, -1)}${approve.endsWith('A') ? 'B' : 'A'}`;
    const forgeries: [User, number, string][] = [
      [admin, admin.id, 'v1:AAAAAAAAAAAAAAAA'], // unknown token
      [admin, admin.id, flipped], // altered bytes
      [admin2, admin2.id, approve], // another chat's token, pressed by another admin in their own chat
      [admin, admin.id, 'x'.repeat(65)], // too long to be ours
      [admin, admin.id, 'accept246813579'], // the old bot's format
      [admin, admin.id, 'v2:AAAAAAAAAAAAAAAA'], // another version
      [admin, admin.id, ''],
    ];
    const ids = forgeries.map(([user, chat, data]) => fake.pressData(user, chat, prompt.messageId, data));
    for (const id of ids) {
      const answer = await fake.waitFor(() => fake.answerOf(id));
      expect(answer).toEqual({ text: 'This button is not valid here.', show_alert: true });
    }
    await fake.drained();
    expect(await userStatus(h, target.id)).toBe('pending');
    expect(fake.messagesIn(target.id).some((m) => m.visible.includes('approved'))).toBe(false);
    expect(fake.findMessage(String(admin.id), prompt.messageId)?.edits).toBe(0);
    expect((await h.audit()).filter((e) => e.outcome === 'refused' && e.action.startsWith('button.'))).toHaveLength(forgeries.length);
    // Every press was answered exactly once (the fake rejects a second answer).
    expect(fake.callsOf('answerCallbackQuery').filter((c) => !c.ok)).toHaveLength(0);
  });

  it('two admins deciding at once: exactly one decision wins; the other is told who decided', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin, admin2 } = h;
    const target = fake.user(135792468, 'Contested');
    const prompt1 = await requestFrom(h, target);
    const prompt2 = await fake.waitFor(() => fake.messagesIn(admin2.id).find((m) => m.visible.includes('Contested')));
    const q1 = fake.press(admin, admin.id, prompt1.messageId, '✅ Approve');
    const q2 = fake.press(admin2, admin2.id, prompt2.messageId, '❌ Deny');
    const [a1, a2] = [await fake.waitFor(() => fake.answerOf(q1)), await fake.waitFor(() => fake.answerOf(q2))];
    expect(a1.text).toBe('Done: approved.');
    expect(a2).toMatchObject({ show_alert: true });
    expect(a2.text).toMatch(/^Already approved by Admin/);
    expect(await userStatus(h, target.id)).toBe('approved');
    expect((await h.audit()).filter((e) => e.action.startsWith('approval.') && e.action !== 'approval.requested')).toHaveLength(1);
  });

  it('the same admin pressing twice at once, or approve after deny, changes nothing more and says who decided', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    const target = fake.user(135792469, 'Twice');
    const prompt = await requestFrom(h, target);
    const deny = dataOf(prompt, '❌ Deny');
    const approve = dataOf(prompt, '✅ Approve');
    const first = fake.pressData(admin, admin.id, prompt.messageId, deny);
    const second = fake.pressData(admin, admin.id, prompt.messageId, deny);
    const answers = [await fake.waitFor(() => fake.answerOf(first)), await fake.waitFor(() => fake.answerOf(second))];
    expect(answers.filter((a) => a.text === 'Done: denied.')).toHaveLength(1);
    expect(answers.find((a) => a.text !== 'Done: denied.')?.text).toMatch(/^Already denied by Admin \(@siem_admin\) \[telegram:111222333\] at \d{4}-/);
    const late = fake.pressData(admin, admin.id, prompt.messageId, approve);
    expect((await fake.waitFor(() => fake.answerOf(late))).text).toMatch(/^Already denied by Admin/);
    expect(await userStatus(h, target.id)).toBe('denied');
    expect((await h.audit()).filter((e) => e.action.startsWith('approval.') && e.action !== 'approval.requested')).toHaveLength(1);
    await fake.waitFor(() => fake.messagesIn(target.id).some((m) => m.visible.includes('declined')));
    await fake.drained();
    expect(fake.messagesIn(target.id).filter((m) => m.visible.includes('declined'))).toHaveLength(1);
  });

  it('a re-delivered batch of updates is handled once', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    const sent = fake.message(admin, fake.privateChat(admin), '/ping');
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Alive')));
    await fake.drained();
    fake.redeliver([{ update_id: sent.update_id, message: sent.message }]);
    await fake.drained();
    fake.message(admin, fake.privateChat(admin), '/help');
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Commands')));
    expect(fake.messagesIn(admin.id).filter((m) => m.visible.includes('Alive'))).toHaveLength(1);
  });
});

describe('untrusted text', () => {
  it('markup and invisible characters in names, titles and incidents are shown literally, and the prompt arrives', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    const evil = '</b><a href="tg://x">x</a> & <script>';
    const user = fake.user(112233445, evil, { last_name: 'Ad\u202Emin\u200B\r\nX\u0000Y', username: 'evil_user' });
    const prompt = await requestFrom(h, user);
    expect(prompt.parseMode).toBe('HTML');
    expect(prompt.visible).toContain(`${evil} Admin XY`);
    for (const hidden of ['\u202e', '\u200b', '\r', '\u0000']) expect(prompt.visible).not.toContain(hidden);

    const group = fake.group(-1009999999999, '_*[');
    fake.myChatMember(admin, group, 'left', 'member');
    const groupPrompt = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Name: _*[')));
    fake.press(admin, admin.id, groupPrompt.messageId, '✅ Approve');
    await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes('approved this chat')));
    await h.inject(draft('x1', { title: evil, description: '<i>not italic</i> &amp; "quoted"', assets: { hosts: ['<b>host</b>'], ips: [], users: [], urls: [], hashes: [] } }));
    const card = await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes(evil)));
    expect(card.parseMode).toBe('HTML');
    expect(card.visible).toContain('<i>not italic</i> &amp; "quoted"');
    expect(card.visible).toContain('<b>host</b>');
    expect(fake.calls.filter((c) => !c.ok && c.method === 'sendMessage')).toHaveLength(0);
  });
});

describe('emoji at every cut', () => {
  it('a name cut for a /users button and a title cut on /debug still reach the chat', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    const emojiName = `${'Z'.repeat(23)}😀😀 Smith`; // a UTF-16 cut at 24 would split the first emoji
    await requestFrom(h, fake.user(556677889, emojiName));
    fake.message(admin, fake.privateChat(admin), '/users');
    const list = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Users and chats')), 5000, '/users list');
    const labels = (list.replyMarkup?.inline_keyboard ?? []).flat().map((b) => b.text);
    expect(labels).toContain(`⚙ ${'Z'.repeat(23)}😀`);

    const title = `${'G'.repeat(58)}😀😀😀`;
    const group = fake.group(-1007777777777, title);
    fake.myChatMember(admin, group, 'left', 'member');
    const prompt = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('-1007777777777')));
    fake.press(admin, admin.id, prompt.messageId, '✅ Approve');
    await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes('approved this chat')));
    fake.message(admin, fake.privateChat(admin), '/debug');
    const debug = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('(-1007777777777)')), 5000, '/debug reply');
    expect(debug.visible).toContain(`${'G'.repeat(58)}😀…`);
    expect(fake.calls.filter((c) => !c.ok)).toEqual([]);
  });
});

describe('expiry and restarts', () => {
  it('pending requests expire with the housekeeping job; a late press is refused clearly; /start then asks anew', async () => {
    const clock = offsetClock();
    h = await startHarness({ clock });
    await greetAdmins(h);
    const { fake, admin } = h;
    const slow = fake.user(192837465, 'Slow');
    const prompt = await requestFrom(h, slow);
    const approve = dataOf(prompt, '✅ Approve'); // the stored message loses its keyboard when edited
    clock.advance(3601_000);
    await h.app.telegram.housekeeping();
    await fake.waitFor(() => fake.findMessage(String(admin.id), prompt.messageId)?.visible.includes('Expired at'));
    await fake.waitFor(() => fake.messagesIn(slow.id).find((m) => m.visible.includes('expired without a decision')));
    const late = fake.pressData(admin, admin.id, prompt.messageId, approve);
    expect(await fake.waitFor(() => fake.answerOf(late))).toEqual({ text: 'This request has expired. The requester can send /start again.', show_alert: true });
    expect(await userStatus(h, slow.id)).toBe('none');

    // A press after the deadline but before housekeeping ran is refused the same way.
    fake.message(slow, fake.privateChat(slow), '/start');
    const second = await fake.waitFor(() => fake.messagesIn(admin.id).filter((m) => m.visible.includes('Slow') && m.visible.includes('Access request'))[1]);
    clock.advance(3601_000);
    const q = fake.press(admin, admin.id, second.messageId, '✅ Approve');
    expect((await fake.waitFor(() => fake.answerOf(q))).text).toBe('This request has expired. The requester can send /start again.');
    await fake.waitFor(() => fake.findMessage(String(admin.id), second.messageId)?.visible.includes('Expired at'));
    expect(await userStatus(h, slow.id)).toBe('none');
  });

  it('a pending approval survives a restart, and old incidents are not announced again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socbot-tg-'));
    const fake = await new FakeTelegram().start();
    cleanup = async () => {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    };
    const storeUrl = `sqlite://${join(dir, 'state.sqlite')}`;
    h = await startHarness({ fake, storeUrl });
    await greetAdmins(h);
    const patient = fake.user(246802468, 'Patient');
    const prompt = await requestFrom(h, patient);
    const late = fake.user(246802469, 'Late');
    const latePrompt = await requestFrom(h, late);
    await h.inject(draft('r1', { title: 'Before the restart' }));
    await fake.waitFor(() => fake.messagesIn(h.admin.id).find((m) => m.visible.includes('Before the restart')));
    await h.stop();

    const clock = offsetClock();
    h = await startHarness({ fake, storeUrl, source: h.source, clock });
    const q = fake.press(h.admin, h.admin.id, prompt.messageId, '✅ Approve');
    expect((await fake.waitFor(() => fake.answerOf(q))).text).toBe('Done: approved.');
    // The other request outlived its time while nobody looked: a press now is refused clearly and changes nothing.
    clock.advance(3601_000);
    const q2 = fake.press(h.admin, h.admin.id, latePrompt.messageId, '✅ Approve');
    expect(await fake.waitFor(() => fake.answerOf(q2))).toEqual({ text: 'This request has expired. The requester can send /start again.', show_alert: true });
    expect(await userStatus(h, late.id)).toBe('none');
    await fake.waitFor(() => fake.messagesIn(late.id).find((m) => m.visible.includes('expired without a decision')), 5000, 'requester told');
    await fake.waitFor(() => fake.messagesIn(patient.id).find((m) => m.visible.includes('approved your access')));
    await h.inject(draft('r2', { title: 'After the restart' }));
    await fake.waitFor(() => fake.messagesIn(patient.id).find((m) => m.visible.includes('After the restart')));
    expect(fake.messagesIn(h.admin.id).filter((m) => m.visible.includes('Before the restart'))).toHaveLength(1);
    expect(fake.messagesIn(patient.id).some((m) => m.visible.includes('Before the restart'))).toBe(false);
  });
});

describe('secrets', () => {
  it('the bot token never reaches logs, the state file or chats, even when errors echo the request URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socbot-tg-'));
    const fake = await new FakeTelegram().start();
    cleanup = async () => {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    };
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const file = join(dir, 'state.sqlite');
    h = await startHarness({ fake, storeUrl: `sqlite://${file}`, logger: createLogger({ stream, level: 'debug' }) });
    await greetAdmins(h);
    const url = `${fake.url}/bot${fake.token}/sendMessage`;
    fake.failNext('sendMessage', 500, `Internal Server Error while calling ${url}`);
    fake.failNext('sendMessage', 400, `Bad Request: message text is empty (${url})`);
    await h.inject(draft('t1', { title: 'Token test' }));
    await fake.waitFor(() => lines.some((l) => l.includes('delivery failed')), 5000, 'a logged delivery failure');
    // One admin gets the card after a retry; the other's copy is a dead letter (refused as empty), which admins hear about.
    await fake.waitFor(() => [h.admin.id, h.admin2.id].some((id) => fake.messagesIn(id).some((m) => m.visible.includes('Token test'))), 5000, 'delivered after a retry');
    await fake.waitFor(() => [h.admin.id, h.admin2.id].every((id) => fake.messagesIn(id).some((m) => m.visible.includes('failed for good'))), 5000, 'dead-letter notices');
    // An interactive reply refused with the token in the description.
    fake.failNext('sendMessage', 400, `Bad Request: wrong chat for bot${fake.token}`);
    fake.message(h.admin, fake.privateChat(h.admin), '/ping');
    await fake.waitFor(() => lines.some((l) => l.includes('telegram feature failed')), 5000, 'the failed reply logged');
    await h.stop();
    const haystacks = [lines.join(''), readFileSync(file).toString('latin1'), JSON.stringify(fake.calls.map((c) => c.payload))];
    for (const text of haystacks) {
      expect(text).not.toContain(fake.token);
      expect(text).not.toMatch(/\d{6,}:[A-Za-z0-9_-]{30,}/);
    }
    expect(lines.join('')).toContain('[REDACTED]');
  });
});
