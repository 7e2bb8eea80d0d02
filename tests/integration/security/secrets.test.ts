/**
 * Security sweep of the whole app (reliability catalogue 31–34, 39; contract: "the bot never writes the Telegram
 * token, a password, a client secret or an API key to its output, logs, messages or state file").
 * Every source (MaxPatrol, Elastic, Sophos Central + Intelix, Illumio) and both forwarders (SOAR, IDMEFv2) run
 * from config against their fakes, each behind a proxy that turns hostile on demand: 401/403, 500 echoing the
 * URL, the Authorization header and the body, redirects, stalls and refused connections, Telegram included.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app/container.js';
import { configSchema } from '../../../src/config/schema.js';
import { createLogger } from '../../../src/lib/logger.js';
import { FakeTelegram, type StoredMessage } from '../../support/fake-telegram.js';
import { startFakeElasticsearch } from '../../support/fakes/elasticsearch.js';
import { startFakeIdmefv2Receiver } from '../../support/fakes/idmefv2.js';
import { startFakePce } from '../../support/fakes/illumio.js';
import { startFakeMaxpatrol } from '../../support/fakes/maxpatrol.js';
import { startFakeSoar } from '../../support/fakes/soar.js';
import { startFakeCentral, startFakeIntelix } from '../../support/fakes/sophos.js';
import { SCALED_LIMITS } from '../telegram/harness.js';
import { startHostileProxy, startTrap, type Behaviour, type HostileProxy } from './hostile-proxy.js';

const TOKEN = '987654321:AAH-tg-Secret_token-value-0123456789abcdef';
const ADMIN = 111222333;
const SECRETS = {
  mpPassword: 'mp-Pa$$word-7e1f&x=1%',
  mpClientSecret: 'mp-client-secret-4b9c0d',
  esPassword: 'es-Passw0rd-91af3c!',
  centralSecret: 'central-secret-5d2e&value=1%',
  intelixSecret: 'intelix-secret:7a0c+with/chars',
  pceSecret: 'pce-api-secret-0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  soarSecret: 'soar-key-secret-6c5b4a39281706f5',
  idmefPassword: 'idmef-pass-3e2d1c!',
} as const;
const USERS = { mp: 'socbot', es: 'socbot-es', centralId: 'central-client-id', intelixId: 'intelix-client', pce: 'api_1a2b3c4d5e6f7a8b9', soarId: 'soar-key-id-0a1b2c', idmef: 'concerto' };
const basic = (user: string, secret: string): string => Buffer.from(`${user}:${secret}`).toString('base64');
const BASICS = [
  basic(USERS.es, SECRETS.esPassword),
  basic(USERS.centralId, SECRETS.centralSecret),
  basic(USERS.intelixId, SECRETS.intelixSecret),
  basic(USERS.pce, SECRETS.pceSecret),
  basic(USERS.soarId, SECRETS.soarSecret),
  basic(USERS.idmef, SECRETS.idmefPassword),
];

interface World {
  readonly app: App;
  readonly fake: FakeTelegram;
  readonly lines: string[];
  readonly dir: string;
  readonly proxies: Record<'telegram' | 'maxpatrol' | 'elastic' | 'central' | 'intelix' | 'illumio' | 'soar' | 'idmefv2', HostileProxy>;
  readonly issued: () => string[];
  /** Stops the app once (the afterEach hook calls it again). */
  readonly stop: () => Promise<void>;
}

const closers: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers.length = 0;
});

async function startWorld(): Promise<World> {
  const fake = await new FakeTelegram({ token: TOKEN }).start();
  const mp = await startFakeMaxpatrol({ username: USERS.mp, password: SECRETS.mpPassword, clientSecret: SECRETS.mpClientSecret, expiresIn: 3600 });
  const es = await startFakeElasticsearch({ username: USERS.es, password: SECRETS.esPassword, docs: [] });
  const central = await startFakeCentral({ idType: 'partner', clientId: USERS.centralId, clientSecret: SECRETS.centralSecret });
  const intelix = await startFakeIntelix({ clientId: USERS.intelixId, clientSecret: SECRETS.intelixSecret });
  const pce = await startFakePce({ user: USERS.pce, secret: SECRETS.pceSecret });
  const soar = await startFakeSoar({ apiKeyId: USERS.soarId, apiKeySecret: SECRETS.soarSecret });
  const idmef = await startFakeIdmefv2Receiver({ requireAuth: { username: USERS.idmef, password: SECRETS.idmefPassword } });
  for (const s of [fake, mp, es, central, intelix, pce, soar, idmef]) closers.push(() => s.close());
  const proxies = {
    telegram: await startHostileProxy(fake.url),
    maxpatrol: await startHostileProxy(mp.url),
    elastic: await startHostileProxy(es.url),
    central: await startHostileProxy(central.url),
    intelix: await startHostileProxy(intelix.url),
    illumio: await startHostileProxy(pce.url),
    soar: await startHostileProxy(soar.url),
    idmefv2: await startHostileProxy(idmef.url),
  };
  for (const p of Object.values(proxies)) closers.push(() => p.close());
  const dir = mkdtempSync(join(tmpdir(), 'socbot-sec-'));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));

  const config = configSchema.parse({
    locale: 'en',
    timezone: 'UTC',
    store: { url: `sqlite://${join(dir, 'state.sqlite')}` },
    telegram: { token: TOKEN, apiRoot: proxies.telegram.url, admins: [ADMIN] },
    sources: {
      maxpatrol: { url: proxies.maxpatrol.url, authUrl: proxies.maxpatrol.url, username: USERS.mp, password: SECRETS.mpPassword, clientSecret: SECRETS.mpClientSecret, pollInterval: 3600, requestTimeout: 2 },
      elastic: { url: proxies.elastic.url, username: USERS.es, password: SECRETS.esPassword, rulePrefixes: ['TRI_'], pollInterval: 3600, timeoutSeconds: 2 },
      sophos: { clientId: USERS.centralId, clientSecret: SECRETS.centralSecret, authUrl: proxies.central.url, apiUrl: proxies.central.url, apiHostPattern: '^http://127\\.0\\.0\\.1:\\d+$', pollInterval: 3600 },
      intelix: { clientId: USERS.intelixId, clientSecret: SECRETS.intelixSecret, authUrl: proxies.intelix.url, apiUrl: proxies.intelix.url },
      illumio: { url: proxies.illumio.url, org: 1, apiUser: USERS.pce, apiSecret: SECRETS.pceSecret, pollInterval: 3600, watchers: [{ eventType: '*' }] },
    },
    forwarders: {
      soar: { url: proxies.soar.url, org: 201, apiKeyId: USERS.soarId, apiKeySecret: SECRETS.soarSecret, incidentTypes: ['System Intrusion'], timeout: 2, retryDelay: 0 },
      idmefv2: { url: `${proxies.idmefv2.url}/`, username: USERS.idmef, password: SECRETS.idmefPassword, analyzerIp: '10.0.0.5', timeout: 2 },
    },
  });
  const app = await createApp(config, {
    logger: createLogger({ stream, level: 'debug' }),
    delivery: { globalIntervalMs: 1, backoffBaseMs: 20, backoffMaxMs: 200 },
    telegram: { pollTimeoutSeconds: 1, requestTimeoutSeconds: 1, quickAnswerMs: 1500, restartDelayMs: 200, rateLimits: SCALED_LIMITS },
  });
  await app.start();
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await app.stop();
  };
  closers.push(stop);
  const issued = (): string[] => [...mp.issuedTokens, ...central.issuedTokens, ...Object.values(proxies).flatMap((p) => p.credentials())];
  // A fresh MaxPatrol incident, so there is a card to forward.
  mp.add({ id: '00000001-0000-4000-8000-000000000001', key: 'INC-4242', name: 'Lateral movement', category: 'Attack', type: 'Test', status: 'New', severity: 'High', created: new Date(Date.now() - 60_000).toISOString(), assigned: null, isConfirmed: false });
  return { app, fake, lines, dir, proxies, issued, stop };
}

const poll = (w: World, id: string) => w.app.pipeline.pollOnce(id, new AbortController().signal).catch(() => undefined);

/** Sends a command as the admin and waits for the reply that contains `expect`. */
async function command(w: World, text: string, expectText: string | RegExp): Promise<StoredMessage> {
  const admin = w.fake.user(ADMIN, 'Admin', { language_code: 'en' });
  const before = w.fake.messagesIn(ADMIN).length;
  w.fake.message(admin, w.fake.privateChat(admin), text);
  return w.fake.waitFor(() => w.fake.messagesIn(ADMIN).slice(before).find((m) => (typeof expectText === 'string' ? m.visible.includes(expectText) : expectText.test(m.visible))), 8000, text);
}

function haystacks(w: World): Record<string, string> {
  const chat = w.fake.calls.map((c) => JSON.stringify(c.payload)).join('\n');
  const docs = [ADMIN].flatMap((id) => w.fake.messagesIn(id)).map((m) => `${m.visible}\n${m.document?.content.toString('utf8') ?? ''}`).join('\n');
  const files = readdirSync(w.dir).filter((f) => f.startsWith('state.sqlite')).map((f) => readFileSync(join(w.dir, f)).toString('latin1'));
  return { logs: w.lines.join(''), chat: `${chat}\n${docs}`, store: files.join('\n') };
}

function expectNoSecrets(w: World): void {
  const secrets = [TOKEN, ...Object.values(SECRETS), ...BASICS, ...w.issued()].filter((s) => s.length >= 8);
  for (const [where, text] of Object.entries(haystacks(w))) {
    expect(text.length, where).toBeGreaterThan(0);
    for (const secret of secrets) expect(text.includes(secret), `${where} contains ${secret.slice(0, 6)}…`).toBe(false);
    expect(text, where).not.toMatch(/\d{6,}:[A-Za-z0-9_-]{30,}/);
  }
}

const ALL: RegExp = /.*/;
const DATA = (p: HostileProxy, b: Behaviour): void => p.when(/^\/(?!connect\/token|api\/v2\/oauth2\/token|oauth2\/token)/, b);

describe('secrets under hostile answers', () => {
  it('no token, password, client secret, API key, Basic blob or issued access token reaches logs, chats or the SQLite file', { timeout: 40_000 }, async () => {
    const w = await startWorld();
    const { fake, proxies } = w;
    await command(w, '/start', 'administrator');
    // Healthy first: tokens are issued and the MaxPatrol card arrives.
    for (const id of ['maxpatrol', 'elastic', 'sophos', 'illumio']) await poll(w, id);
    const card = await fake.waitFor(() => fake.messagesIn(ADMIN).find((m) => m.visible.includes('Lateral movement') && m.replyMarkup), 8000, 'card');

    // 401, 403 and a 500 echoing URL, Authorization and body, from every source (token services included).
    const sources = [proxies.maxpatrol, proxies.elastic, proxies.central, proxies.illumio];
    for (const behaviour of [{ kind: 'status', status: 401 }, { kind: 'status', status: 403 }] as const) {
      for (const p of sources) p.when(ALL, behaviour);
      for (const id of ['maxpatrol', 'elastic', 'sophos', 'illumio']) await poll(w, id);
    }
    for (const p of sources) p.reset();
    for (const p of sources) DATA(p, { kind: 'echo' });
    for (const id of ['maxpatrol', 'elastic', 'sophos', 'illumio']) await poll(w, id);
    for (const p of sources) p.when(ALL, { kind: 'echo' });
    for (const id of ['maxpatrol', 'elastic', 'sophos', 'illumio']) await poll(w, id);

    // The admin asks how things are while every source fails.
    await command(w, '/ping', 'Alive');
    await command(w, '/debug', /maxpatrol/i);

    // Intelix through /cleanls: its data calls echo, then its token service refuses.
    DATA(proxies.intelix, { kind: 'echo' });
    await command(w, '/cleanls Qnasters HIGH', /Would delete|Intelix|intelix|failed|unavailable/);
    proxies.intelix.when(ALL, { kind: 'status', status: 401 });
    await command(w, '/cleanls Qnasters HIGH', /Would delete|Intelix|intelix|failed|unavailable/);

    // Forwarding refused (401), then a 500 that echoes everything.
    for (const behaviour of [{ kind: 'status', status: 401 }, { kind: 'echo' }] as const) {
      for (const p of [proxies.soar, proxies.idmefv2]) p.when(ALL, behaviour);
      for (const target of [/SOAR/, /IDMEF/]) {
        const q = fake.press(fake.user(ADMIN, 'Admin', { language_code: 'en' }), ADMIN, card.messageId, target);
        await fake.waitFor(() => fake.answerOf(q), 8000, 'forward answered');
      }
      await fake.drained();
    }
    expect(proxies.soar.seen.length).toBeGreaterThan(0);
    expect(proxies.idmefv2.seen.length).toBeGreaterThan(0);

    // Telegram: a 500 echoing the token URL, a stall beyond the request timeout, then connection refused.
    const sendsSeen = (): number => proxies.telegram.seen.filter((r) => r.url.endsWith('/sendMessage')).length;
    const admin = fake.user(ADMIN, 'Admin', { language_code: 'en' });
    for (const behaviour of [{ kind: 'echo' }, { kind: 'stall', ms: 1300 }] as const) {
      proxies.telegram.when(/sendMessage$/, behaviour);
      const before = sendsSeen();
      fake.message(admin, fake.privateChat(admin), '/ping');
      await fake.waitFor(() => sendsSeen() > before, 5000, 'a send through the failing proxy');
      await new Promise((resolve) => setTimeout(resolve, behaviour.kind === 'stall' ? 1400 : 200));
      proxies.telegram.reset();
    }
    await proxies.telegram.down();
    await new Promise((resolve) => setTimeout(resolve, 700));
    await proxies.telegram.up();
    await command(w, '/ping', 'Alive');

    await w.stop();
    // The faults were really logged, and masked.
    const logs = w.lines.join('');
    for (const word of ['maxpatrol', 'elastic', 'sophos', 'illumio', 'soar', 'idmefv2', 'intelix']) expect(logs.toLowerCase()).toContain(word);
    expect(logs).toMatch(/HTTP 401/);
    expect(logs).toMatch(/HTTP 500/);
    for (const p of sources) expect(p.seen.length, 'every source was asked through its hostile proxy').toBeGreaterThan(3);
    expect(w.issued().length).toBeGreaterThan(3);
    expectNoSecrets(w);
  });
});

describe('redirects and unapproved chats', () => {
  it('no source or forwarder follows a redirect to another local port or to the metadata address; Elastic neither', { timeout: 20_000 }, async () => {
    const w = await startWorld();
    const trap = await startTrap();
    closers.push(() => trap.close());
    const { proxies, fake } = w;
    await command(w, '/start', 'administrator');
    const card = await (async () => {
      await poll(w, 'maxpatrol');
      return fake.waitFor(() => fake.messagesIn(ADMIN).find((m) => m.visible.includes('Lateral movement') && m.replyMarkup), 8000, 'card');
    })();
    for (const location of [`${trap.url}/steal`, 'http://169.254.169.254/latest/meta-data/iam/security-credentials/']) {
      for (const p of Object.values(proxies)) if (p !== proxies.telegram) p.when(ALL, { kind: 'redirect', location });
      const failed = await Promise.all(['maxpatrol', 'elastic', 'sophos', 'illumio'].map((id) => w.app.pipeline.pollOnce(id, new AbortController().signal).then(() => false, () => true)));
      // Sophos keeps its tenant list and reads per-tenant hosts directly, so its poll may still succeed.
      expect(failed).toEqual([true, true, expect.any(Boolean), true]);
      // A followed redirect shows as a hit on the trap; the metadata address only as a hang, so one round of the rest.
      if (!location.startsWith(trap.url)) continue;
      await command(w, '/cleanls Qnasters HIGH', /Would delete|Intelix|intelix|failed|unavailable|Sophos/);
      for (const target of [/SOAR/, /IDMEF/]) {
        const q = fake.press(fake.user(ADMIN, 'Admin', { language_code: 'en' }), ADMIN, card.messageId, target);
        await fake.waitFor(() => fake.answerOf(q), 8000, 'forward answered');
      }
    }
    await fake.drained();
    for (const p of [proxies.maxpatrol, proxies.elastic, proxies.central, proxies.intelix, proxies.illumio, proxies.soar, proxies.idmefv2]) expect(p.seen.length).toBeGreaterThan(0);
    expect(trap.hits).toEqual([]);
  });

  it('an unapproved chat sending /start again and again yields one approval request and no incident data', { timeout: 20_000 }, async () => {
    const w = await startWorld();
    const { fake } = w;
    await command(w, '/start', 'administrator');
    const stranger = fake.user(555000111, 'Stranger', { language_code: 'en' });
    for (let i = 0; i < 8; i++) fake.message(stranger, fake.privateChat(stranger), '/start');
    await fake.waitFor(() => fake.messagesIn(ADMIN).find((m) => m.visible.includes('Access request') && m.visible.includes('555000111')), 8000, 'approval request');
    await poll(w, 'maxpatrol');
    await fake.waitFor(() => fake.messagesIn(ADMIN).find((m) => m.visible.includes('Lateral movement')), 8000, 'card to the admin');
    for (const text of ['/alerts 1', '/debug', '/forward INC-4242 soar', '/start']) fake.message(stranger, fake.privateChat(stranger), text);
    await fake.drained();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await fake.drained();
    expect(fake.messagesIn(ADMIN).filter((m) => m.visible.includes('Access request') && m.visible.includes('555000111'))).toHaveLength(1);
    const seen = fake.messagesIn(stranger.id).map((m) => `${m.visible}${m.document?.content.toString('utf8') ?? ''}`).join('\n');
    expect(fake.messagesIn(stranger.id).length).toBeGreaterThan(0);
    for (const leak of ['Lateral movement', 'INC-4242', 'maxpatrol', 'Qnasters']) expect(seen).not.toContain(leak);
    expect(w.proxies.soar.seen).toHaveLength(0);
  });
});
