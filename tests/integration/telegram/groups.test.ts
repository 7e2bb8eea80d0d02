/**
 * Groups: approval via my_chat_member, ban (the bot leaves), commands with @botname, refusals of admin buttons
 * pressed by ordinary members, migration to a supergroup, and a chat that blocks or removes the bot.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { draft } from '../../support/memory.js';
import { approveGroup, greetAdmins, startHarness, type Harness } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

describe('groups', () => {
  it('an unapproved group gets nothing; an approved one gets incidents; a banned one is left', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    const pending = fake.group(-1001000000001, 'Pending group');
    fake.myChatMember(admin, pending, 'left', 'member');
    const prompt = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Pending group')));
    expect(prompt.visible).toContain('Added by: Admin @siem_admin');
    await h.inject(draft('g1', { title: 'Only for approved' }));
    await fake.waitFor(() => fake.messagesIn(admin.id).some((m) => m.visible.includes('Only for approved')));
    expect(fake.messagesIn(pending.id).some((m) => m.visible.includes('Only for approved'))).toBe(false);

    const { group } = await approveGroup(h, -1001987654321, 'SOC Дежурная смена');
    await h.inject(draft('g2', { title: 'For the SOC group' }));
    await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes('For the SOC group')));

    // Ban the pending group: the bot leaves, and re-adding it makes it leave again without a new prompt.
    const q = fake.press(admin, admin.id, prompt.messageId, '⛔ Ban');
    await fake.waitFor(() => fake.answerOf(q));
    await fake.waitFor(() => fake.left.has(String(pending.id)), 5000, 'leaveChat');
    fake.left.clear();
    fake.myChatMember(h.admin2, pending, 'left', 'member');
    await fake.waitFor(() => fake.left.has(String(pending.id)), 5000, 'leaveChat again');
    expect(fake.messagesIn(admin.id).filter((m) => m.visible.includes('Pending group'))).toHaveLength(1);
    expect(fake.messagesIn(pending.id).some((m) => m.visible.includes('For the SOC group'))).toBe(false);
  });

  it('commands work as /cmd@botname in groups, and commands for other bots are ignored', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake } = h;
    const { group } = await approveGroup(h, -1002000000002, 'Analysts');
    const member = fake.user(555000111, 'Member');
    fake.message(member, group, '/ping@socbot_test_bot');
    await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes('Alive')));
    const count = fake.messagesIn(group.id).length;
    fake.message(member, group, '/ping@some_other_bot');
    fake.message(member, group, '/users');
    await fake.drained();
    // Not ours, and /users is for admins: a refusal, never the list.
    const after = fake.messagesIn(group.id).slice(count);
    expect(after.some((m) => m.visible.includes('Alive'))).toBe(false);
    expect(after.some((m) => m.visible.includes('Users and chats'))).toBe(false);
    expect(after.some((m) => m.visible.includes('does not allow'))).toBe(true);
  });

  it('a member pressing an admin button in a group is refused with an alert, nothing changes, and it is audited', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    const stranger = fake.user(777000111, 'Stranger');
    fake.message(stranger, fake.privateChat(stranger), '/start');
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Stranger')));
    const { group } = await approveGroup(h, -1003000000003, 'Mixed');
    fake.message(admin, group, '/users@socbot_test_bot');
    const list = await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes('Users and chats')));
    expect(list.visible).toContain('Stranger');
    const member = fake.user(888000111, 'Curious');
    const q = fake.press(member, group.id, list.messageId, /Stranger/);
    const answer = await fake.waitFor(() => fake.answerOf(q));
    expect(answer).toEqual({ text: 'Your role does not allow this.', show_alert: true });
    await fake.drained();
    expect(fake.findMessage(String(group.id), list.messageId)?.edits).toBe(0);
    const refused = (await h.audit()).filter((e) => e.outcome === 'refused' && e.action === 'button.users');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.actor).toContain('888000111');

    // The admin may: the list turns into the entry with approve/deny/ban.
    const q2 = fake.press(admin, group.id, list.messageId, /Stranger/);
    await fake.waitFor(() => fake.answerOf(q2));
    await fake.waitFor(() => fake.findMessage(String(group.id), list.messageId)?.replyMarkup?.inline_keyboard.flat().some((b) => b.text === '✅ Approve'));
    const q3 = fake.press(admin, group.id, list.messageId, '✅ Approve');
    expect((await fake.waitFor(() => fake.answerOf(q3))).text).toBe('Done.');
    await fake.waitFor(() => fake.messagesIn(stranger.id).find((m) => m.visible.includes('approved your access')));
  });

  it('a group upgraded to a supergroup keeps its approval; a send to the old id is resent once to the new one', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    const { group } = await approveGroup(h, -555000, 'Old group', 'group');
    // The server already upgraded it; socbot learns it from the 400 on the next send.
    fake.failChat(group.id, { migrateTo: '-1005550000' });
    await h.inject(draft('m1', { title: 'After the upgrade' }));
    await fake.waitFor(() => fake.messagesIn(-1005550000).find((m) => m.visible.includes('After the upgrade')), 5000, 'resent to the new id');
    expect(fake.messagesIn(-1005550000).filter((m) => m.visible.includes('After the upgrade'))).toHaveLength(1);
    expect(h.app.telegram.directory).toBeDefined();
    const moved = await h.app.telegram.directory.getChat('telegram', '-1005550000');
    expect(moved).toMatchObject({ status: 'approved', active: true, migratedFrom: ['-555000'] });
    expect((await h.app.telegram.directory.getChat('telegram', '-555000'))?.migratedTo).toBe('-1005550000');
    await h.inject(draft('m2', { title: 'Next one' }));
    await fake.waitFor(() => fake.messagesIn(-1005550000).find((m) => m.visible.includes('Next one')));
    expect((await h.audit()).some((e) => e.action === 'chat.migrated')).toBe(true);

    // The service messages of an upgrade do the same for another group, before any send fails.
    const { group: other } = await approveGroup(h, -666000, 'Other old group', 'group');
    fake.migrate(admin, other as never, fake.group(-1006660000, 'Other old group') as never);
    await fake.drained();
    expect(await h.app.telegram.directory.getChat('telegram', '-1006660000')).toMatchObject({ status: 'approved', migratedFrom: ['-666000'] });
    await h.inject(draft('m3', { title: 'Straight to the supergroup' }));
    await fake.waitFor(() => fake.messagesIn(-1006660000).find((m) => m.visible.includes('Straight to the supergroup')));
    expect(fake.callsOf('sendMessage').some((c) => String(c.payload.chat_id) === '-666000' && String(c.payload.text).includes('Straight'))).toBe(false);
  });

  it('403: a chat that blocked the bot becomes inactive after one attempt; others keep receiving; admins told once', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    const user = fake.user(313131313, 'Leaver');
    fake.message(user, fake.privateChat(user), '/start');
    const prompt = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Leaver')));
    fake.press(admin, admin.id, prompt.messageId, '✅ Approve');
    await fake.waitFor(() => fake.messagesIn(user.id).find((m) => m.visible.includes('approved')));
    fake.failChat(user.id, 'blocked');
    await h.inject(draft('b1', { title: 'First after block' }));
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('no longer accepts messages')), 5000, 'admin notice');
    await h.inject(draft('b2', { title: 'Second after block' }), draft('b3', { title: 'Third after block' }));
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Third after block')));
    const attempts = fake.calls.filter((c) => c.method === 'sendMessage' && String(c.payload.chat_id) === String(user.id) && !c.ok);
    expect(attempts).toHaveLength(1);
    expect(fake.messagesIn(admin.id).filter((m) => m.visible.includes('no longer accepts messages'))).toHaveLength(1);
    // Admins recognise the chat by its name; the id stays for /users.
    expect(fake.messagesIn(admin.id).find((m) => m.visible.includes('no longer accepts messages'))?.visible).toContain('Leaver (313131313) no longer accepts messages');
    expect(await h.app.telegram.directory.getChat('telegram', String(user.id))).toMatchObject({ active: false });

    // The same via my_chat_member for a group that removed the bot.
    const { group } = await approveGroup(h, -1004000000004, 'Soon gone');
    fake.myChatMember(admin, group, 'member', 'kicked');
    await fake.waitFor(() => fake.messagesIn(admin.id).filter((m) => m.visible.includes('no longer accepts messages')).length === 2);
    await h.inject(draft('b4', { title: 'Not for the gone group' }));
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Not for the gone group')));
    expect(fake.calls.filter((c) => String(c.payload.chat_id) === String(group.id) && String(c.payload.text).includes('Not for the gone'))).toHaveLength(0);
  });

  it('routes restrict the chats they name (sources, minimum severity); other approved chats get everything', async () => {
    h = await startHarness({ config: { routes: [{ chat: -1008000000008, sources: ['fake'], minSeverity: 'high' }, { chat: -1008000000009, sources: ['elsewhere'] }] } });
    await greetAdmins(h);
    const { fake, admin } = h;
    const { group: routed } = await approveGroup(h, -1008000000008, 'High only');
    const { group: other } = await approveGroup(h, -1008000000009, 'Other source only');
    await h.inject(draft('low', { title: 'Low one', severity: 'low' }), draft('crit', { title: 'Critical one', severity: 'critical' }));
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Critical one')));
    await fake.waitFor(() => fake.messagesIn(routed.id).find((m) => m.visible.includes('Critical one')));
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Low one')));
    expect(fake.messagesIn(routed.id).some((m) => m.visible.includes('Low one'))).toBe(false);
    expect(fake.messagesIn(other.id).some((m) => /Low one|Critical one/.test(m.visible))).toBe(false);
  });

  it('in a group that is not approved only /start works, even for admins; /start there asks for the group', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    const group = fake.group(-1001100000011, 'Unknown group');
    fake.message(admin, group, '/ping@socbot_test_bot');
    fake.message(admin, group, '/users');
    await fake.drained();
    expect(fake.messagesIn(group.id).some((m) => /Alive|Users and chats/.test(m.visible))).toBe(false);
    expect(fake.messagesIn(group.id).map((m) => m.visible)).toEqual(['This chat is not approved. Send /start to ask the bot\'s administrators for access.']);
    fake.message(admin, group, '/start@socbot_test_bot');
    await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Unknown group') && m.visible.includes('Access request for a chat')));
    await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes('access request for this chat has been sent')));
  });

  it('a group asks once however often it is added or sends /start, and sees no incident data meanwhile', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin, admin2 } = h;
    const group = fake.group(-1001200000012, 'Noisy group');
    const stranger = fake.user(900000012, 'Noisy');
    fake.myChatMember(stranger, group, 'left', 'member');
    for (let i = 0; i < 3; i++) fake.message(stranger, group, i % 2 ? '/start@socbot_test_bot' : '/start');
    fake.myChatMember(stranger, group, 'member', 'administrator'); // promoted: not a new arrival
    await fake.drained();
    await fake.waitFor(() => fake.messagesIn(admin2.id).some((m) => m.visible.includes('Noisy group')));
    for (const id of [admin.id, admin2.id]) expect(fake.messagesIn(id).filter((m) => m.visible.includes('Noisy group'))).toHaveLength(1);
    expect((await h.audit()).filter((e) => e.action === 'approval.requested' && e.target === `chat:telegram:${group.id}`)).toHaveLength(1);
    await h.inject(draft('n1', { title: 'Secret incident' }));
    await fake.waitFor(() => fake.messagesIn(admin.id).some((m) => m.visible.includes('Secret incident')));
    fake.message(stranger, group, '/ping');
    await fake.drained();
    const seen = fake.messagesIn(group.id).map((m) => m.visible);
    expect(seen.some((v) => /Secret incident|Alive/.test(v))).toBe(false);
    expect(seen.filter((v) => v.includes('still waiting'))).toHaveLength(3);
  });
});
