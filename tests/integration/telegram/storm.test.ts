/**
 * A storm of 300 incidents into one group under Telegram's flood limits, scaled 60× (a minute of Telegram time
 * is a second here): every incident must be named in the group without a single 429, thanks to digests.
 * The real-time figure is printed by `bench/storm.ts`; nothing here asserts a duration.
 */
import { afterEach, expect, it } from 'vitest';
import { draft } from '../../support/memory.js';
import { approveGroup, greetAdmins, SCALED_LIMITS, startHarness, type Harness } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

/** Telegram's limits / 60: 20 per group-minute, about 1 per private-second, 30 per second overall. */
const SCALED_FLOOD = {
  perGroup: { limit: 20, windowMs: 1000 },
  perChat: { limit: 1, windowMs: 1000 / 60 },
  global: { limit: 30, windowMs: 1000 / 60 },
};

it('300 incidents into one group: all named, zero 429s, per-chat order kept', async () => {
  h = await startHarness({ flood: SCALED_FLOOD });
  await greetAdmins(h);
  const { fake, admin } = h;
  const group = fake.group(-1001234567890, 'Storm');
  fake.myChatMember(admin, group, 'left', 'member');
  const prompt = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Storm')));
  fake.press(admin, admin.id, prompt.messageId, '✅ Approve');
  await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes('approved this chat')));

  const keys = Array.from({ length: 300 }, (_, i) => `S-${String(i).padStart(4, '0')}`);
  h.source.pageSize = 1000;
  await h.inject(...keys.map((key, i) => draft(`storm-${i}`, { key, title: `Storm incident ${i} ${'x'.repeat(i % 80)}`, severity: i % 7 === 0 ? 'critical' : 'medium' })));

  const missing = (): string[] => {
    const text = fake.messagesIn(group.id).map((m) => m.visible).join('\n');
    return keys.filter((k) => !text.includes(k));
  };
  await fake.waitFor(() => missing().length === 0, 30_000, 'every incident named in the group');
  expect(fake.totalFloodHits()).toBe(0);
  expect(fake.calls.filter((c) => !c.ok)).toEqual([]);
  const messages = fake.messagesIn(group.id).filter((m) => /S-\d{4}/.test(m.visible));
  // Digests did the work: far fewer messages than incidents, each within the limit.
  expect(messages.length).toBeLessThan(40);
  for (const m of messages) expect(m.visible.length).toBeLessThanOrEqual(4096);
  // Order: the first mention of each key follows the injection order.
  const firstSeen = keys.map((k) => messages.findIndex((m) => m.visible.includes(k)));
  expect([...firstSeen].sort((a, b) => a - b)).toEqual(firstSeen);
  // The admins' private chats got everything too.
  await fake.waitFor(() => {
    const text = fake.messagesIn(admin.id).map((m) => m.visible).join('\n');
    return keys.every((k) => text.includes(k));
  }, 30_000);
  expect(fake.totalFloodHits()).toBe(0);
});

it('people using commands in the group during a storm share its budget with the deliveries: still zero 429s', async () => {
  // The bot is tuned a little below the server's group limit: at a 1 s window, a loaded test machine's request
  // jitter would otherwise exceed the few milliseconds of slack that cover it at Telegram's 60 s window.
  h = await startHarness({ flood: SCALED_FLOOD, options: { rateLimits: { ...SCALED_LIMITS, groupPerMinute: 1000 } } });
  await greetAdmins(h);
  const { fake } = h;
  const { group } = await approveGroup(h, -1001234567891, 'Busy storm');
  const member = fake.user(555000111, 'Member');
  const keys = Array.from({ length: 300 }, (_, i) => `B-${String(i).padStart(4, '0')}`);
  h.source.pageSize = 1000;
  await h.inject(...keys.map((key, i) => draft(`busy-${i}`, { key, title: `Busy ${i}` })));
  for (let i = 0; i < 15; i++) {
    fake.message(member, group, '/ping');
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  await fake.waitFor(() => keys.every((k) => fake.messagesIn(group.id).some((m) => m.visible.includes(k))), 30_000, 'every incident named');
  await fake.waitFor(() => fake.messagesIn(group.id).filter((m) => m.visible.includes('Alive')).length === 15, 30_000, 'every /ping answered');
  expect(fake.totalFloodHits()).toBe(0);
});
