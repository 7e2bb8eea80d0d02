/**
 * Storm benchmark: 300 incidents into one approved group through the whole app, against the fake Bot API
 * enforcing Telegram's real flood limits (20 messages per minute per group, 1 per second per private chat,
 * 30 per second overall). Prints how long until every incident is named in the group and how many 429s the
 * bot caused. Figures only, no assertions. Run: `npx tsx bench/storm.ts` (about a minute).
 */
import { draft } from '../tests/support/memory.js';
import { greetAdmins, startHarness } from '../tests/integration/telegram/harness.js';

export interface StormResult {
  readonly incidents: number;
  readonly seconds: number;
  readonly groupMessages: number;
  /** 429s caused by the storm's deliveries. */
  readonly tooManyRequests: number;
  /** 429s during setup (greetings, the approval), for completeness. */
  readonly tooManyRequestsBefore: number;
}

export async function runStorm(count = 300): Promise<StormResult> {
  const h = await startHarness({
    flood: { perGroup: { limit: 20, windowMs: 60_000 }, perChat: { limit: 1, windowMs: 1000 }, global: { limit: 30, windowMs: 1000 } },
    options: { rateLimits: { groupPerMinute: 20, privatePerSecond: 1, globalPerSecond: 30 } },
  });
  try {
    await greetAdmins(h);
    const { fake, admin } = h;
    const group = fake.group(-1001234567890, 'Storm');
    fake.myChatMember(admin, group, 'left', 'member');
    const prompt = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Storm')), 10_000);
    fake.press(admin, admin.id, prompt.messageId, '✅ Approve');
    await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes('approved this chat')), 10_000);

    const keys = Array.from({ length: count }, (_, i) => `S-${String(i).padStart(4, '0')}`);
    h.source.pageSize = count;
    const started = Date.now();
    await h.inject(...keys.map((key, i) => draft(`storm-${i}`, { key, title: `Storm incident ${i}`, severity: i % 7 === 0 ? 'critical' : 'medium' })));
    await fake.waitFor(
      () => {
        const text = fake.messagesIn(group.id).map((m) => m.visible).join('\n');
        return keys.every((k) => text.includes(k));
      },
      15 * 60_000,
      'every incident named in the group',
    );
    const seconds = (Date.now() - started) / 1000;
    return {
      incidents: count,
      seconds,
      groupMessages: fake.messagesIn(group.id).filter((m) => /S-\d{4}/.test(m.visible)).length,
      tooManyRequests: fake.calls.filter((c) => c.errorCode === 429 && c.at >= started).length,
      tooManyRequestsBefore: fake.calls.filter((c) => c.errorCode === 429 && c.at < started).length,
    };
  } finally {
    await h.stop();
  }
}

const isMain = import.meta.url === `file://${process.argv[1] ?? ''}` || process.argv[1]?.endsWith('storm.ts');
if (isMain) {
  const result = await runStorm();
  console.log(`storm: ${result.incidents} incidents named in one group in ${result.seconds.toFixed(1)} s`);
  console.log(`storm: ${result.groupMessages} group messages (cards and digests), ${result.tooManyRequests} responses 429 (${result.tooManyRequestsBefore} during setup)`);
}
