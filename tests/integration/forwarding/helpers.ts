/**
 * Whole-app forwarding tests: the real app (`startHarness`: fake Telegram Bot API, real pipeline, service and
 * bot) with the real SOAR and IDMEFv2 forwarders built by their factories, pointed at the fake vendor servers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../../src/core/clock.js';
import type { IncidentDraft, SubEvent } from '../../../src/core/incident.js';
import { createIncidentService, type IncidentServiceDeps } from '../../../src/core/incident-service.js';
import type { Collection, Forwarder } from '../../../src/core/ports.js';
import type { JsonValue } from '../../../src/core/reply.js';
import { idmefv2ConfigSchema } from '../../../src/forwarders/idmefv2/config.js';
import { createIdmefv2Forwarder } from '../../../src/forwarders/idmefv2/index.js';
import { soarConfigSchema } from '../../../src/forwarders/soar/config.js';
import { createSoarForwarder } from '../../../src/forwarders/soar/index.js';
import { silentLogger } from '../../../src/lib/logger.js';
import type { FakeTelegram, StoredMessage } from '../../support/fake-telegram.js';
import { largeGroupIncident, memoryState, type FakeSoar } from '../../support/fakes/soar.js';
import type { FakeIdmefv2Receiver } from '../../support/fakes/idmefv2.js';
import { FakeSource, type createHarness } from '../../support/pipeline-harness.js';
import { stringRecord } from '../../../src/store/records.js';
import { startHarness, greetAdmins, type Harness, type HarnessOptions } from '../telegram/harness.js';

export const KEY = 'INC-7001';
export const CREATE = /^\/rest\/orgs\/\d+\/incidents$/;
export const ROWS = /\/table_data\/event_information\/row_data$/;

/** The Elastic SSH brute-force group as the Elastic source hands it over, with `count` building blocks. */
export function sshDraft(count: number): IncidentDraft {
  const { source: _s, firstSeenAt: _f, revision: _r, ...draft } = largeGroupIncident(12);
  const subEvents: SubEvent[] = draft.subEvents.slice(0, count);
  return { ...draft, key: KEY, subEvents };
}

export interface ForwardingOptions {
  readonly soar?: FakeSoar;
  /** Extra `forwarders.soar` keys (dryRun, attempts, …). */
  readonly soarConfig?: Record<string, unknown>;
  /** The SOAR forwarder's own state, shared across a restart like the store it lives in. */
  readonly soarState?: Collection<JsonValue>;
  readonly idmefv2?: FakeIdmefv2Receiver;
  readonly fake?: FakeTelegram;
  readonly storeUrl?: string;
  readonly clock?: Clock;
  readonly options?: HarnessOptions['options'];
}

export function forwardersFor(opts: ForwardingOptions, clock: Clock): Forwarder[] {
  const out: Forwarder[] = [];
  if (opts.soar) {
    const config = soarConfigSchema.parse({
      url: opts.soar.url,
      org: 201,
      apiKeyId: opts.soar.apiKeyId,
      apiKeySecret: opts.soar.apiKeySecret,
      incidentTypes: ['System Intrusion'],
      timeout: 2,
      retryDelay: 0,
      ...opts.soarConfig,
    });
    out.push(createSoarForwarder(config, { logger: silentLogger, clock, state: opts.soarState ?? memoryState() }));
  }
  if (opts.idmefv2) {
    const config = idmefv2ConfigSchema.parse({ url: opts.idmefv2.url, analyzerIp: '10.0.0.5', timeout: 2 });
    out.push(createIdmefv2Forwarder(config, { logger: silentLogger, clock, state: memoryState() }));
  }
  return out;
}

/** The app with the given forwarders, both config admins greeted, and an Elastic source. */
export async function startForwarding(opts: ForwardingOptions): Promise<Harness> {
  const clock = opts.clock ?? systemClock;
  const h = await startHarness({
    source: new FakeSource('elastic'),
    forwarders: forwardersFor(opts, clock),
    clock,
    ...(opts.fake ? { fake: opts.fake } : {}),
    ...(opts.storeUrl ? { storeUrl: opts.storeUrl } : {}),
    ...(opts.options ? { options: opts.options } : {}),
  });
  if (!opts.fake) await greetAdmins(h);
  return h;
}

/** The incident card in a chat. */
export function cardIn(h: Harness, chatId: number): Promise<StoredMessage> {
  return h.fake.waitFor(() => h.fake.messagesIn(chatId).find((m) => m.visible.includes(KEY) && m.replyMarkup !== undefined), 5000, `card in ${chatId}`);
}

/** The card's current version once `check` holds for it. */
export function cardWhen(h: Harness, chatId: number, messageId: number, check: (m: StoredMessage) => boolean, what: string): Promise<StoredMessage> {
  return h.fake.waitFor(
    () => {
      const m = h.fake.findMessage(String(chatId), messageId);
      return m && check(m) ? m : undefined;
    },
    5000,
    what,
  );
}

export function buttons(m: StoredMessage): string[] {
  return (m.replyMarkup?.inline_keyboard ?? []).flat().map((b) => b.text);
}

/** A temporary SQLite file, so an app can be stopped and started again on the same state. */
export function tempStore(): { url: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'socbot-fwd-'));
  return { url: `sqlite://${join(dir, 'state.sqlite')}`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The real incident service on a pipeline harness (no chat platform), retrying without waiting. */
export function serviceOn(harness: Awaited<ReturnType<typeof createHarness>>, forwarders: readonly Forwarder[], extra: Partial<IncidentServiceDeps> = {}) {
  return createIncidentService({
    incidents: harness.incidents,
    keys: harness.store.collection('incident-keys', stringRecord),
    sources: new Map([[harness.source.id, harness.source]]),
    forwarders: new Map(forwarders.map((f) => [f.id, f])),
    pipeline: harness.pipeline,
    audit: harness.audit,
    clock: systemClock,
    logger: silentLogger,
    redact: (s) => s,
    forwardBackoffMs: 1,
    ...extra,
  });
}
