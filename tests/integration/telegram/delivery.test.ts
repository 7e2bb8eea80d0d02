/**
 * Deliveries through the whole app when Telegram misbehaves (reliability catalogue 5–11), scaled
 * down: an outage of 500s and connection resets, a 429 on one chat, a timeout after Telegram accepted a card,
 * a chat that no longer exists, a group upgraded while cards were queued for it, and HTML the server refuses to parse.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logger.js';
import { draft } from '../../support/memory.js';
import type { StoredMessage } from '../../support/fake-telegram.js';
import { approveGroup, approveUser, greetAdmins, startHarness, type Harness } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

/** Cards naming each title, in the order they arrived; fails the test on a title that is missing. */
function cardsIn(h: Harness, chatId: number, titles: readonly string[]): StoredMessage[][] {
  return titles.map((title) => h.fake.messagesIn(chatId).filter((m) => m.visible.includes(title)));
}

function arrivalOrder(h: Harness, chatId: number, titles: readonly string[]): number[] {
  const messages = h.fake.messagesIn(chatId);
  return titles.map((title) => messages.findIndex((m) => m.visible.includes(title)));
}

function captureLogs(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ stream, level: 'debug' }) };
}

function expectNoToken(lines: readonly string[], token: string): void {
  const text = lines.join('');
  expect(text).not.toContain(token);
  expect(text).not.toMatch(/\d{6,}:[A-Za-z0-9_-]{30,}/);
}

describe('Telegram unavailable, then back (catalogue 5)', () => {
  it('every card arrives once per chat, in order; commands sent meanwhile are answered once it is back', async () => {
    const { lines, logger } = captureLogs();
    h = await startHarness({ logger });
    await greetAdmins(h);
    const { fake, admin, admin2 } = h;
    const { group } = await approveGroup(h, -1001234567890, 'Duty');
    const titles = ['Outage one', 'Outage two', 'Outage three', 'Outage four'];

    fake.outage('500');
    await h.inject(draft('o1', { title: titles[0] }));
    await h.inject(draft('o2', { title: titles[1] }));
    await fake.waitFor(() => fake.calls.filter((c) => c.description === 'outage 500' && c.method === 'sendMessage').length >= 6, 5000, 'retries during the 500s');
    fake.outage('reset');
    await h.inject(draft('o3', { title: titles[2] }));
    // Sent once no long poll from before the outage is still open: it can only be fetched after the outage.
    await fake.waitFor(() => fake.calls.some((c) => c.method === 'getUpdates' && c.description === 'outage reset'), 8000, 'a failed poll');
    fake.message(admin, fake.privateChat(admin), '/ping');
    await fake.waitFor(() => fake.calls.filter((c) => c.description === 'outage reset' && c.method === 'sendMessage').length >= 6, 5000, 'retries during the resets');
    await h.inject(draft('o4', { title: titles[3] }));
    expect(titles.some((t) => fake.messagesIn(group.id).some((m) => m.visible.includes(t)))).toBe(false);

    fake.outage(undefined);
    for (const chat of [admin.id, admin2.id, group.id]) {
      await fake.waitFor(() => cardsIn(h, chat, titles).every((c) => c.length > 0), 10_000, `every card in ${chat}`);
    }
    // The /ping sent during the outage is answered once polling works again (grammY waits 3 s between failed polls).
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Alive')), 10_000, 'the /ping answer');
    await h.app.worker.idle();
    for (const chat of [admin.id, admin2.id, group.id]) {
      // Once each: the 500s and the resets before an answer delivered nothing, and nothing is repeated.
      expect(cardsIn(h, chat, titles).map((c) => c.length)).toEqual([1, 1, 1, 1]);
      const order = arrivalOrder(h, chat, titles);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    }
    expect(fake.messagesIn(admin.id).filter((m) => m.visible.includes('Alive'))).toHaveLength(1);
    // Network errors carry the request URL inside; none of it reaches the log (catalogue 31).
    expect(lines.some((l) => l.includes('delivery failed'))).toBe(true);
    expectNoToken(lines, fake.token);
  });
});

describe('429 on one chat (catalogue 6)', () => {
  it('that chat waits retry_after before its next try while the other chats keep receiving', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin, admin2 } = h;
    const { group } = await approveGroup(h, -1002222222222, 'Limited');
    fake.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', { retry_after: 1 }, group.id);
    await h.inject(draft('r1', { title: 'Rate one' }));
    const limited = await fake.waitFor(() => fake.calls.find((c) => c.errorCode === 429));
    // Meanwhile another incident reaches the admins' chats without waiting for the limited group.
    await h.inject(draft('r2', { title: 'Rate two' }));
    await fake.waitFor(() => [admin.id, admin2.id].every((id) => fake.messagesIn(id).some((m) => m.visible.includes('Rate two'))), 5000, 'admins served');
    const groupSends = (): typeof fake.calls => fake.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === String(group.id) && c.at >= limited.at);
    const adminsServedAt = Math.max(
      ...[admin.id, admin2.id].map((id) => fake.callsOf('sendMessage').find((c) => c.ok && String(c.payload.chat_id) === String(id) && String(c.payload.text).includes('Rate two'))?.at ?? Infinity),
    );
    await fake.waitFor(() => cardsIn(h, group.id, ['Rate one', 'Rate two']).every((c) => c.length === 1), 5000, 'the group served after the wait');
    const retry = groupSends().find((c) => c.ok);
    expect(retry).toBeDefined();
    // Not a timing figure: the API told the bot not to send before then.
    expect((retry?.at ?? 0) - limited.at).toBeGreaterThanOrEqual(1000);
    expect(adminsServedAt).toBeLessThan(retry?.at ?? 0);
    expect(groupSends().filter((c) => !c.ok)).toHaveLength(1);
    expect(arrivalOrder(h, group.id, ['Rate one', 'Rate two'])).toEqual([...arrivalOrder(h, group.id, ['Rate one', 'Rate two'])].sort((a, b) => a - b));
  });

  it('a retry_after above delivery.maxRetryAfter keeps the card pending with a warning; it is delivered later, not dropped', async () => {
    const { lines, logger } = captureLogs();
    h = await startHarness({ logger, config: { delivery: { maxRetryAfter: 1 } } });
    await greetAdmins(h);
    const { fake, admin } = h;
    fake.failNext('sendMessage', 429, 'Too Many Requests: retry after 2', { retry_after: 2 }, admin.id);
    await h.inject(draft('long', { title: 'Long wait' }));
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Long wait')), 6000, 'delivered after the long wait');
    expect(lines.some((l) => l.includes('retry_after above the maximum'))).toBe(true);
    expect(fake.messagesIn(admin.id).filter((m) => m.visible.includes('Long wait'))).toHaveLength(1);
  });
});

describe('timeout after Telegram accepted the card (catalogue 7)', () => {
  it('the card arrives at least once and at most twice; the repeat says so and is audited; the chat keeps flowing', async () => {
    const { lines, logger } = captureLogs();
    h = await startHarness({ logger, options: { requestTimeoutSeconds: 0.5 } });
    await greetAdmins(h);
    const { fake, admin } = h;
    fake.stallNext('sendMessage', 1500, admin.id);
    await h.inject(draft('slow', { title: 'Stalled card' }));
    await fake.waitFor(() => fake.messagesIn(admin.id).filter((m) => m.visible.includes('Stalled card')).length === 2, 5000, 'the resend');
    await h.inject(draft('next', { title: 'After the stall' }));
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('After the stall')));
    await h.app.worker.idle();
    const copies = fake.messagesIn(admin.id).filter((m) => m.visible.includes('Stalled card'));
    expect(copies).toHaveLength(2);
    expect(copies[0]?.visible).not.toContain('may repeat');
    expect(copies[1]?.visible).toContain('Sent again after a network failure: this incident may repeat a message above.');
    expect(copies[1]?.replyMarkup?.inline_keyboard.flat().length).toBeGreaterThan(0);
    expect(fake.messagesIn(admin.id).filter((m) => m.visible.includes('After the stall'))).toHaveLength(1);
    expect(fake.messagesIn(admin.id).find((m) => m.visible.includes('After the stall'))?.visible).not.toContain('may repeat');
    // The other admin's chat never stalled: one plain copy.
    expect(fake.messagesIn(h.admin2.id).filter((m) => m.visible.includes('Stalled card'))).toHaveLength(1);
    const resent = (await h.audit()).filter((e) => e.action === 'delivery.resent');
    expect(resent).toHaveLength(1);
    expect(resent[0]?.target).toBe(`chat:telegram:${admin.id}`);
    expect(lines.some((l) => l.includes('may show it twice'))).toBe(true);
    expectNoToken(lines, fake.token);
  });
});

describe('400 chat not found (catalogue 9)', () => {
  it('is terminal for the chat: one attempt, reason recorded, admins told once; a person who writes again is back', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    const { group: gone } = await approveGroup(h, -1009090909090, 'Deleted group');
    fake.failChat(gone.id, 'not-found');
    await h.inject(draft('nf1', { title: 'Lost one' }));
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('no longer accepts messages')), 5000, 'admin notice');
    await h.inject(draft('nf2', { title: 'Lost two' }));
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Lost two')));
    await h.app.worker.idle();
    expect(fake.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === String(gone.id) && !c.ok)).toHaveLength(1);
    const notices = fake.messagesIn(admin.id).filter((m) => m.visible.includes('no longer accepts messages'));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.visible).toContain('Deleted group (-1009090909090) no longer accepts messages (Bad Request: chat not found)');
    expect(h.app.outbox.deadLetters(10).map((d) => d.reason)).toContain('chat inactive: Bad Request: chat not found');
    fake.message(admin, fake.privateChat(admin), '/debug');
    const debug = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Diagnostics')));
    expect(debug.visible).toContain('chat inactive: Bad Request: chat not found');

    // A person's chat: "chat not found" parks it, and their next message shows it works again.
    const person = fake.user(818181818, 'Returning');
    await approveUser(h, person);
    fake.failChat(person.id, 'not-found');
    await h.inject(draft('nf3', { title: 'While unreachable' }));
    await fake.waitFor(() => fake.messagesIn(admin.id).filter((m) => m.visible.includes('no longer accepts messages')).length === 2, 5000, 'parked');
    expect(await h.app.telegram.directory.getChat('telegram', String(person.id))).toMatchObject({ active: false });
    fake.failChat(person.id, undefined);
    fake.message(person, fake.privateChat(person), '/ping');
    await fake.waitFor(() => fake.messagesIn(person.id).find((m) => m.visible.includes('Alive')));
    await h.inject(draft('nf4', { title: 'Reachable again' }));
    await fake.waitFor(() => fake.messagesIn(person.id).find((m) => m.visible.includes('Reachable again')), 5000, 'delivered again');
  });
});

describe('group upgraded to a supergroup while cards were queued (catalogue 10)', () => {
  it('every queued card is resent once to the new id, in order; the old id is tried once', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake } = h;
    const { group: old } = await approveGroup(h, -424242, 'Small group', 'group');
    fake.failChat(old.id, { migrateTo: '-1004242424242' });
    const titles = ['Queued one', 'Queued two', 'Queued three'];
    await h.inject(...titles.map((title, i) => draft(`q${i}`, { title })));
    await fake.waitFor(() => cardsIn(h, -1004242424242, titles).every((c) => c.length > 0), 5000, 'all cards at the new id');
    await h.app.worker.idle();
    expect(cardsIn(h, -1004242424242, titles).map((c) => c.length)).toEqual([1, 1, 1]);
    const order = arrivalOrder(h, -1004242424242, titles);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const oldTries = fake.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === String(old.id) && titles.some((t) => String(c.payload.text).includes(t)));
    expect(oldTries).toHaveLength(1);
    expect(await h.app.telegram.directory.getChat('telegram', '-1004242424242')).toMatchObject({ status: 'approved', active: true });
    // Buttons pressed on the new id work: the card tokens were issued to it.
    const card = fake.messagesIn(-1004242424242).find((m) => m.visible.includes('Queued one'));
    const q = fake.press(h.admin, -1004242424242, card?.messageId ?? 0, /Acknowledge/);
    expect((await fake.waitFor(() => fake.answerOf(q))).show_alert).toBeUndefined();
  });
});

describe('HTML the server cannot parse (catalogue 11)', () => {
  it('the card is delivered once as plain text, with its buttons', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    fake.failNext('sendMessage', 400, 'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 12', undefined, admin.id);
    await h.inject(draft('p1', { title: 'Parse <trouble> & more', link: 'https://siem.example.org/incidents/1?a=1&b=2' }));
    const card = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Parse <trouble> & more')));
    expect(card.parseMode).toBeUndefined();
    expect(card.visible).toContain('https://siem.example.org/incidents/1?a=1&b=2');
    expect(card.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toContain('✅ Acknowledge');
    await h.app.worker.idle();
    expect(fake.messagesIn(admin.id).filter((m) => m.visible.includes('Parse <trouble>'))).toHaveLength(1);
    // The other admin's copy was fine as HTML.
    expect(fake.messagesIn(h.admin2.id).find((m) => m.visible.includes('Parse <trouble>'))?.parseMode).toBe('HTML');
  });
});
