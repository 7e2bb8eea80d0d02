/**
 * The whole app (`createApp`) against the fake Telegram Bot API, with an in-memory fake source and scaled
 * Telegram limits, so every flow runs through the real wiring in seconds.
 */
import type { User } from 'grammy/types';
import { createApp, type App } from '../../../src/app/container.js';
import { systemClock, type Clock } from '../../../src/core/clock.js';
import type { Incident, IncidentDraft } from '../../../src/core/incident.js';
import type { AuditEntry, Forwarder } from '../../../src/core/ports.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/lib/logger.js';
import type { Logger } from '../../../src/core/logger.js';
import { FakeSource } from '../../support/pipeline-harness.js';
import { FakeTelegram, type FloodLimits } from '../../support/fake-telegram.js';

export const ADMIN_ID = 111222333;
export const ADMIN2_ID = 444555666;

export interface Harness {
  readonly fake: FakeTelegram;
  readonly app: App;
  readonly config: Config;
  readonly source: FakeSource;
  readonly admin: User;
  readonly admin2: User;
  /** Adds drafts to the fake source and polls it once. */
  inject(...drafts: IncidentDraft[]): Promise<void>;
  audit(): Promise<readonly AuditEntry[]>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly fake?: FakeTelegram;
  readonly flood?: FloodLimits;
  readonly telegram?: Record<string, unknown>;
  readonly config?: Record<string, unknown>;
  readonly options?: Record<string, unknown>;
  readonly forwarders?: readonly Forwarder[];
  readonly clock?: Clock;
  readonly storeUrl?: string;
  readonly source?: FakeSource;
  readonly logger?: Logger;
}

/** Telegram's limits scaled by 60 (a minute becomes a second) for the bot and, when asked, the fake. */
export const SCALED_LIMITS = { groupPerMinute: 1200, privatePerSecond: 60, globalPerSecond: 1800 };

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const fake = opts.fake ?? (await new FakeTelegram({ ...(opts.flood ? { flood: opts.flood } : {}) }).start());
  const config = configSchema.parse({
    locale: 'en',
    timezone: 'Europe/Moscow',
    store: { url: opts.storeUrl ?? 'memory://' },
    telegram: { token: fake.token, apiRoot: fake.url, admins: [ADMIN_ID, ADMIN2_ID], approvalTtl: 3600, ...opts.telegram },
    ...opts.config,
  });
  const source = opts.source ?? new FakeSource('fake');
  const app = await createApp(config, {
    sources: [{ adapter: source, pollInterval: 3600 }],
    ...(opts.forwarders ? { forwarders: opts.forwarders } : { forwarders: [] }),
    clock: opts.clock ?? systemClock,
    logger: opts.logger ?? silentLogger,
    delivery: { globalIntervalMs: 1, backoffBaseMs: 20, backoffMaxMs: 200 },
    telegram: { pollTimeoutSeconds: 1, quickAnswerMs: 1500, restartDelayMs: 200, rateLimits: SCALED_LIMITS, ...opts.options },
  });
  await app.start();
  const admin = fake.user(ADMIN_ID, 'Admin', { username: 'siem_admin', language_code: 'en' });
  const admin2 = fake.user(ADMIN2_ID, 'Second', { username: 'second_admin', language_code: 'en' });
  let stopped = false;
  return {
    fake,
    app,
    config,
    source,
    admin,
    admin2,
    async inject(...drafts) {
      source.items.push(...drafts);
      await app.pipeline.pollOnce(source.id, new AbortController().signal);
    },
    audit: () => app.audit.recent(1000),
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.stop();
      if (!opts.fake) await fake.close();
    },
  };
}

/** Sends `/start` from both config admins so their private chats exist and prompts reach them. */
export async function greetAdmins(h: Harness): Promise<void> {
  for (const admin of [h.admin, h.admin2]) {
    h.fake.message(admin, h.fake.privateChat(admin), '/start');
    await h.fake.waitFor(() => h.fake.messagesIn(admin.id).some((m) => m.visible.includes('administrator')), 5000, 'admin greeting');
  }
}

/** The bot is added to a group and an admin approves it; resolves once the group is told. */
export async function approveGroup(h: Harness, id: number, title: string, type: 'group' | 'supergroup' = 'supergroup') {
  const { fake, admin } = h;
  const group = fake.group(id, title, type);
  fake.myChatMember(admin, group, 'left', 'member');
  await fake.waitFor(() => fake.messagesIn(id).find((m) => m.visible.includes('access request for this chat')), 5000, 'group told');
  const prompt = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Access request for a chat') && m.visible.includes(String(id))), 5000, 'group prompt');
  const q = fake.press(admin, admin.id, prompt.messageId, '✅ Approve');
  await fake.waitFor(() => fake.answerOf(q));
  await fake.waitFor(() => fake.messagesIn(id).find((m) => m.visible.includes('approved this chat')), 5000, 'group approved notice');
  return { group, prompt };
}

/** A person sends /start and the first admin (who must have greeted the bot) approves them. */
export async function approveUser(h: Harness, user: User): Promise<void> {
  const { fake, admin } = h;
  fake.message(user, fake.privateChat(user), '/start');
  const prompt = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Access request') && m.visible.includes(String(user.id))), 5000, 'prompt');
  fake.press(admin, admin.id, prompt.messageId, '✅ Approve');
  await fake.waitFor(() => fake.messagesIn(user.id).find((m) => m.visible.includes('approved your access')), 5000, 'requester told');
}

export function cardsMentioning(h: Harness, chatId: number, incident: Pick<Incident, 'key'> | string): number {
  const key = typeof incident === 'string' ? incident : incident.key;
  return h.fake.messagesIn(chatId).filter((m) => m.visible.includes(key)).length;
}

/** Real time plus an offset the test can move forward; sleeps are real. */
export function offsetClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    sleep: (ms, signal) => systemClock.sleep(ms, signal),
    advance(ms) {
      offset += ms;
    },
  };
}
