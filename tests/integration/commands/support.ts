/**
 * Test rig for the on-demand commands: the fake Sophos Central and Intelix servers (tests/support/fakes/sophos.ts),
 * the real clients pointed at them, a real in-memory Store and audit log, the real Fluent catalogue, and helpers
 * that run a command or press one of its buttons the way a platform does (payload through JSON, role re-read).
 */
import { afterEach } from 'vitest';
import { createOnDemandCommands, type OnDemandCommands, type OnDemandOptions } from '../../../src/app/on-demand.js';
import type { Actor, Role } from '../../../src/core/access.js';
import { createAuditLog } from '../../../src/core/audit.js';
import type { Incident } from '../../../src/core/incident.js';
import type { ActionContext, ActionHandler, ActionResult, AuditLog, CommandContext, CommandModule, IncidentService, Store } from '../../../src/core/ports.js';
import { lineText, type Button, type Reply } from '../../../src/core/reply.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { createI18n } from '../../../src/lib/i18n.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createSophosCentralClient, type SophosCentralClient } from '../../../src/sources/sophos/central-client.js';
import { auditRecord } from '../../../src/store/records.js';
import { openStore } from '../../../src/store/keyv.js';
import {
  startFakeCentral,
  startFakeIntelix,
  steppingClock,
  type FakeCentral,
  type FakeCentralOptions,
  type FakeIntelix,
} from '../../support/fakes/sophos.js';

export const LOOPBACK = '^http://127\\.0\\.0\\.1:\\d+$';
export const NOW = '2020-11-25T12:00:00.000Z';

const i18n = createI18n('en');
export function translator(locale = 'en'): CommandContext['t'] {
  return (key, vars) => i18n.t(locale, key, vars as Record<string, string | number> | undefined);
}

export function actor(role: Role | undefined, overrides: Partial<Actor> = {}): Actor {
  return {
    platform: 'test',
    userId: role === 'admin' ? '1001' : role === 'analyst' ? '1002' : '1003',
    name: role === 'admin' ? 'Anna Admin' : 'Oleg Analyst',
    role,
    locale: 'en',
    chat: { id: '-1001234567890', type: 'group' },
    ...overrides,
  };
}

/** Just enough of the incident service for /alerts: the incidents it was given, newest first. */
export function incidentList(items: readonly Incident[] = []): IncidentService & { calls: Date[] } {
  const calls: Date[] = [];
  const notUsed = (): never => {
    throw new Error('not used by the on-demand commands');
  };
  return {
    calls,
    get: () => Promise.resolve(undefined),
    findByKey: () => Promise.resolve(undefined),
    listSince(since: Date) {
      calls.push(since);
      return Promise.resolve(items.filter((i) => Date.parse(i.createdAt) >= since.getTime()));
    },
    cardActions: () => [],
    acknowledge: notUsed,
    refresh: notUsed,
    runSourceAction: notUsed,
    forward: notUsed,
    forwarderIds: () => [],
  };
}

export interface Rig {
  readonly central: FakeCentral;
  readonly intelix: FakeIntelix;
  readonly client: SophosCentralClient;
  readonly clock: ReturnType<typeof steppingClock>;
  readonly store: Store;
  readonly audit: AuditLog;
  readonly config: Config;
  readonly onDemand: OnDemandCommands;
  readonly incidents: ReturnType<typeof incidentList>;
  command(name: string): CommandModule;
  handler(action: string): ActionHandler;
  run(name: string, args: string, who?: Actor): Promise<Reply>;
  /** Presses the button whose text matches, as the platform would (payload through JSON). */
  press(reply: Reply, text: string | RegExp, who?: Actor): Promise<ActionResult>;
  /** Requests the fakes have seen (Central + Intelix). */
  requestCount(): number;
  close(): Promise<void>;
}

export interface RigOptions {
  readonly central?: FakeCentralOptions;
  readonly options?: OnDemandOptions;
  readonly incidents?: readonly Incident[];
  /** Extra source blocks (e.g. another source configured). */
  readonly sources?: Record<string, unknown>;
  readonly intelix?: boolean;
}

export async function startRig(opts: RigOptions = {}): Promise<Rig> {
  const central = await startFakeCentral({ idType: 'partner', ...opts.central });
  const intelix = await startFakeIntelix();
  const config = configSchema.parse({
    locale: 'en',
    timezone: 'Europe/Moscow',
    store: { url: 'memory://' },
    telegram: { token: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij', admins: [1001] },
    sources: {
      sophos: { clientId: 'central-client-id', clientSecret: 'central-secret&value=1%', authUrl: central.url, apiUrl: central.url, apiHostPattern: LOOPBACK },
      ...(opts.intelix === false ? {} : { intelix: { clientId: 'intelix-client', clientSecret: 'intelix-secret:with+chars', authUrl: intelix.url, apiUrl: intelix.url } }),
      ...opts.sources,
    },
  });
  const clock = steppingClock(NOW);
  const store = await openStore('memory://', { logger: silentLogger });
  const audit = createAuditLog(store.collection('audit', auditRecord), clock);
  const sophos = config.sources.sophos;
  if (!sophos) throw new Error('sophos config missing');
  const client = createSophosCentralClient(sophos, { logger: silentLogger, clock });
  const incidents = incidentList(opts.incidents);
  const onDemand = createOnDemandCommands(config, {
    incidents,
    clock,
    logger: silentLogger,
    audit,
    store,
    sophosCentral: client,
    ...(opts.options ? { options: opts.options } : {}),
  });
  const t = translator();

  function command(name: string): CommandModule {
    const c = onDemand.commands.find((x) => x.name === name);
    if (!c) throw new Error(`no command ${name}`);
    return c;
  }
  function handler(name: string): ActionHandler {
    const h = onDemand.actions.find((x) => x.action === name);
    if (!h) throw new Error(`no action ${name}`);
    return h;
  }
  const context = (who: Actor, args: string): ActionContext => ({ actor: who, args, t, signal: AbortSignal.timeout(20_000) });

  return {
    central,
    intelix,
    client,
    clock,
    store,
    audit,
    config,
    onDemand,
    incidents,
    command,
    handler,
    run: (name, args, who = actor('analyst')) => command(name).run(context(who, args)),
    async press(reply, text, who = actor('analyst')) {
      const button = findButton(reply, text);
      if (!('action' in button)) throw new Error('url button');
      const payload: unknown = JSON.parse(JSON.stringify(button.payload ?? null));
      return handler(button.action).handle(payload, context(who, ''));
    },
    requestCount: () => central.requests.length + intelix.requests.length,
    async close() {
      await central.close();
      await intelix.close();
      await store.close();
    },
  };
}

/** A `setup(options)` for the tests of this file: one rig per test, closed after it. */
export function rigPerTest(): (options?: RigOptions) => Promise<Rig> {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });
  return async (options = {}) => {
    rig = await startRig(options);
    return rig;
  };
}

export function buttons(reply: Reply | undefined): Button[] {
  return (reply?.buttons ?? []).flat();
}

export function findButton(reply: Reply, text: string | RegExp): Button {
  const all = buttons(reply);
  const found = all.find((b) => (typeof text === 'string' ? b.text === text : text.test(b.text)));
  if (!found) throw new Error(`no button ${String(text)} among: ${all.map((b) => b.text).join(' | ')}`);
  return found;
}

export function text(reply: Reply | undefined): string {
  return (reply?.lines ?? []).map(lineText).join('\n');
}

export function documentText(reply: Reply | undefined, suffix: string): string {
  const doc = reply?.documents?.find((d) => d.filename.endsWith(suffix));
  if (!doc) throw new Error(`no document *${suffix} among ${(reply?.documents ?? []).map((d) => d.filename).join(', ')}`);
  return typeof doc.content === 'string' ? doc.content : Buffer.from(doc.content).toString('utf8');
}
