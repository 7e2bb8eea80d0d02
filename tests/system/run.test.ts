/**
 * The real `socbot run` process against the fake Telegram Bot API and a fake MaxPatrol SIEM on loopback:
 * start, deliver, SIGTERM, restart without re-announcing, SIGKILL mid-stream without losing anything,
 * and no secret anywhere in the output or the state file.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/cli.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { startFakeMaxpatrol, type FakeItem, type FakeMaxpatrol } from '../support/fakes/maxpatrol.js';

const ADMIN = 424242;
const MP_PASSWORD = 'S3cr3t&p@ss=word+%';
const MP_CLIENT_SECRET = 'client-secret-value';

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(configFile: string, env: NodeJS.ProcessEnv): Running {
  const child = spawnCli(['run', '--config', configFile], env);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

function incident(n: number, created: string): FakeItem {
  return { id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, key: `INC-${n}`, name: `Brute force <b>${n}</b> на хосте`, category: 'Attack', type: 'Attack', status: 'New', severity: 'High', created, assigned: null };
}

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('socbot run as a process', () => {
  let fake: FakeTelegram | undefined;
  let mp: FakeMaxpatrol | undefined;
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await fake?.close();
    await mp?.close();
  });

  async function setup(): Promise<{ configFile: string; dataDir: string; env: NodeJS.ProcessEnv }> {
    fake = await new FakeTelegram().start();
    mp = await startFakeMaxpatrol({ password: MP_PASSWORD, clientSecret: MP_CLIENT_SECRET });
    const dataDir = mkdtempSync(join(tmpdir(), 'socbot-sys-'));
    const configFile = join(dataDir, 'config.yaml');
    writeFileSync(
      configFile,
      `locale: en
timezone: Europe/Moscow
store:
  url: sqlite://${join(dataDir, 'state', 'socbot.sqlite')}
telegram:
  token: \${TG_TOKEN}
  apiRoot: ${fake.url}
  admins: [${ADMIN}]
sources:
  maxpatrol:
    url: ${mp.url}
    authUrl: ${mp.url}
    username: socbot
    password: \${MP_PASSWORD}
    clientId: mpx
    clientSecret: \${MP_CLIENT_SECRET}
    pollInterval: 1
    initialLookback: 86400
`,
    );
    return { configFile, dataDir, env: { TG_TOKEN: fake.token, MP_PASSWORD, MP_CLIENT_SECRET, LOG_LEVEL: 'debug' } };
  }

  function cardsFor(key: string): number {
    return (fake as FakeTelegram).messagesIn(ADMIN).filter((m) => new RegExp(`\\b${key}\\b`).test(m.visible)).length;
  }

  it('delivers, stops cleanly on SIGTERM, restarts without re-announcing, and leaks no secret', async () => {
    const { configFile, dataDir, env } = await setup();
    const now = Date.now();
    for (let i = 1; i <= 5; i++) mp?.add(incident(i, new Date(now - 60_000 + i * 1000).toISOString()));
    const first = start(configFile, env);
    children.push(first.child);
    const admin = fake!.user(ADMIN, 'Admin', { language_code: 'en' });
    fake!.message(admin, fake!.privateChat(admin), '/start');
    await waitFor(() => [1, 2, 3, 4, 5].every((n) => cardsFor(`INC-${n}`) >= 1), 30_000, 'five cards');
    // Markup in incident names arrives as text, not as markup.
    expect(fake!.messagesIn(ADMIN).some((m) => m.visible.includes('Brute force <b>1</b> на хосте'))).toBe(true);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    mp?.add(incident(6, new Date().toISOString()));
    const second = start(configFile, env);
    children.push(second.child);
    await waitFor(() => cardsFor('INC-6') === 1, 30_000, 'the incident created while down');
    // Give the restarted poller a few cycles to (wrongly) re-announce anything.
    await new Promise((r) => setTimeout(r, 2500));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    for (const n of [1, 2, 3, 4, 5, 6]) expect(cardsFor(`INC-${n}`)).toBe(1);

    const output = first.output() + second.output();
    const state = readFileSync(join(dataDir, 'state', 'socbot.sqlite')).toString('latin1');
    for (const secret of [fake!.token, MP_PASSWORD, MP_CLIENT_SECRET, ...(mp?.issuedTokens ?? [])]) {
      expect(output).not.toContain(secret);
      expect(state).not.toContain(secret);
    }
    expect(output).not.toMatch(/\d{6,}:[A-Za-z0-9_-]{30,}/);
  }, 90_000);

  it('loses nothing when killed mid-stream, and repeats at most the in-flight messages', async () => {
    const { configFile, env } = await setup();
    const base = Date.now() - 120_000;
    for (let i = 1; i <= 60; i++) mp?.add(incident(i, new Date(base + i * 100).toISOString()));
    const first = start(configFile, env);
    children.push(first.child);
    const admin = fake!.user(ADMIN, 'Admin', { language_code: 'en' });
    fake!.message(admin, fake!.privateChat(admin), '/start');
    // Kill as soon as some, but not all, incidents are visible.
    await waitFor(() => Array.from({ length: 60 }, (_, i) => cardsFor(`INC-${i + 1}`)).some((c) => c > 0), 30_000, 'the first delivery');
    first.child.kill('SIGKILL');
    await first.exited;

    const second = start(configFile, env);
    children.push(second.child);
    await waitFor(() => Array.from({ length: 60 }, (_, i) => cardsFor(`INC-${i + 1}`)).every((c) => c >= 1), 60_000, 'all 60 incidents');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const counts = Array.from({ length: 60 }, (_, i) => cardsFor(`INC-${i + 1}`));
    const repeats = counts.reduce((sum, c) => sum + (c - 1), 0);
    // A SIGKILL can only repeat what Telegram accepted before the outbox recorded it: one message in flight.
    expect(repeats).toBeLessThanOrEqual(1);
  }, 120_000);
  it('exits 1 with a clear message when Telegram rejects the token, without printing it', async () => {
    const { configFile, env } = await setup();
    const wrong = '999999999:AAwrong-token-that-the-fake-refuses-123456';
    const run = start(configFile, { ...env, TG_TOKEN: wrong });
    children.push(run.child);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('Telegram rejected the bot token (401)');
    expect(run.output()).not.toContain(wrong);
  }, 60_000);
});
