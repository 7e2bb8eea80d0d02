import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import type { Incident } from '../../../src/core/incident.js';
import { createSophosSource } from '../../../src/sources/sophos/index.js';
import {
  centralConfig,
  memoryState,
  recordingLogger,
  startFakeCentral,
  steppingClock,
  TENANT_IDS,
  type FakeCentral,
  type FakeCentralOptions,
} from '../../support/fakes/sophos.js';

let fake: FakeCentral | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const DAY = 24 * 3600;

async function setup(options: FakeCentralOptions, now: string, extra: Record<string, unknown> = {}) {
  fake = await startFakeCentral(options);
  const config = centralConfig(fake, { initialLookback: 30 * DAY, lookback: 300, ...extra });
  const clock = steppingClock(now);
  const logger = recordingLogger();
  const deps = { logger, clock, state: memoryState() };
  const make = () => createSophosSource(config, deps);
  return { fake, source: make(), make, clock, logger };
}

const signal = new AbortController().signal;

type CursorJson = { v: 1; tenants: Record<string, { at?: string; since?: string; resume?: { from: string; key: string } }> };
const parse = (cursor: string | undefined): CursorJson => JSON.parse(cursor ?? '{}') as CursorJson;

describe('Sophos source: partner with several tenants', () => {
  it('polls every callable tenant; a 403 tenant and one without apiHost are skipped with one warning each', async () => {
    const { fake, source, logger } = await setup({ idType: 'partner' }, '2021-05-02T07:00:00.000Z', { initialLookback: 88 * DAY });
    fake.tenant(TENANT_IDS.QNASTERS).forbidden.add('alerts');
    const result = await source.poll(undefined, signal);

    expect(result.drafts.map((d) => d.sourceId)).toEqual([
      'a5ded91c-6575-435c-a6b4-64b94f9048ff',
      'f9415c5f-e0e9-41d7-8126-1956223a66f1',
      'fa17b218-6c9b-40bf-a72c-bdc4ed917fa5',
    ]);
    expect(result.drafts.map((d) => d.correlation?.tenantId)).toEqual([TENANT_IDS.ACME, TENANT_IDS.ACME, TENANT_IDS.TRICORE]);
    expect(result.drafts[2]?.facts.find((f) => f.label === 'sophos-fact-tenant')?.value).toBe('TriCore Solutions');
    // Each tenant on its own host with its own X-Tenant-ID; the pending tenant was never called.
    const alertCalls = fake.requests.filter((r) => r.route === 'alerts');
    expect(alertCalls.map((r) => r.tenantId).sort()).toEqual([TENANT_IDS.QNASTERS, TENANT_IDS.ACME, TENANT_IDS.TRICORE, TENANT_IDS.NINJA].sort());
    expect(alertCalls.every((r) => r.server === fake.tenant(r.tenantId!).region)).toBe(true);

    const cursor = parse(result.nextCursor);
    expect(cursor.tenants[TENANT_IDS.ACME]?.at).toBe('2021-02-12T15:04:53.780Z');
    expect(cursor.tenants[TENANT_IDS.TRICORE]?.at).toBe('2021-05-02T06:00:25.454Z');
    expect(cursor.tenants[TENANT_IDS.NINJA]).toEqual({ since: '2021-02-03T07:00:00.000Z' });
    expect(cursor.tenants[TENANT_IDS.QNASTERS]).toBeUndefined();

    const warnings = () => logger.records.filter((r) => r.level === 'warn');
    expect(warnings().map((w) => [w.message, w.meta.tenantId, w.meta.reason])).toEqual([
      ['sophos tenant skipped', TENANT_IDS.PENDING, 'no-api-host'],
      ['sophos tenant failing; other tenants continue', TENANT_IDS.QNASTERS, 'forbidden'],
    ]);
    expect(source.tenantStatus().map((s) => [s.name, s.state, s.reason])).toEqual([
      ['Pending Trial Customer', 'skipped', 'no-api-host'],
      ['Qnasters', 'failing', 'forbidden'],
      ['Acme Corp', 'ok', undefined],
      ['TriCore Solutions', 'ok', undefined],
      ['NinjaRMM LLC', 'ok', undefined],
    ]);

    // Next poll: no repeated warnings; the tenant that recovers is logged once at info.
    await source.poll(result.nextCursor, signal);
    expect(warnings()).toHaveLength(2);
    fake.tenant(TENANT_IDS.QNASTERS).forbidden.clear();
    const recovered = await source.poll(result.nextCursor, signal);
    expect(logger.records.some((r) => r.level === 'info' && r.message === 'sophos tenant recovered' && r.meta.tenantId === TENANT_IDS.QNASTERS)).toBe(true);
    // Qnasters' alerts are older than 88 days: nothing from it, but it now has a cursor.
    expect(parse(recovered.nextCursor).tenants[TENANT_IDS.QNASTERS]).toBeDefined();
  });

  it('a failing tenant keeps its own cursor while the others move on', async () => {
    const { fake, source } = await setup({ idType: 'partner' }, '2021-05-02T07:00:00.000Z', { initialLookback: 88 * DAY });
    const saved: CursorJson = {
      v: 1,
      tenants: {
        [TENANT_IDS.ACME]: { at: '2021-02-12T15:00:00.000Z' },
        [TENANT_IDS.TRICORE]: { at: '2021-05-01T00:00:00.000Z' },
      },
    };
    fake.fail('alerts', { status: 503, tenantId: TENANT_IDS.ACME }, 2);
    const result = await source.poll(JSON.stringify(saved), signal);
    const next = parse(result.nextCursor);
    expect(next.tenants[TENANT_IDS.ACME]).toEqual(saved.tenants[TENANT_IDS.ACME]);
    expect(next.tenants[TENANT_IDS.TRICORE]?.at).toBe('2021-05-02T06:00:25.454Z');
    expect(result.drafts.map((d) => d.sourceId)).toEqual(['fa17b218-6c9b-40bf-a72c-bdc4ed917fa5']);
    // TriCore asked from its own cursor minus the 300 s overlap.
    expect(fake.requests.find((r) => r.route === 'alerts' && r.tenantId === TENANT_IDS.TRICORE)?.query.from).toBe('2021-04-30T23:55:00.000Z');
    expect(source.tenantStatus().find((s) => s.tenantId === TENANT_IDS.ACME)).toMatchObject({ state: 'failing', reason: 'unavailable', at: '2021-02-12T15:00:00.000Z' });
  });

  it('throws when every callable tenant fails, and the cursor is not replaced', async () => {
    const { fake, source } = await setup({ idType: 'partner' }, '2021-05-02T07:00:00.000Z');
    for (const t of fake.tenants) t.forbidden.add('alerts');
    const error = await source.poll(undefined, signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ kind: 'auth' });
    expect((error as AppError).message).toMatch(/^sophos: all 4 tenants failed \(forbidden\): sophos GET 127\.0\.0\.1:\d+\/common\/v1\/alerts: HTTP 403$/);
  });

  it('a tenant rate-limited for long fails alone; mixed failures of all tenants throw as unavailable', async () => {
    const { fake, source, clock } = await setup({ idType: 'partner' }, '2021-05-02T07:00:00.000Z', { initialLookback: 88 * DAY, maxRetryWait: 5 });
    fake.fail('alerts', { status: 429, headers: { 'retry-after': '600' }, tenantId: TENANT_IDS.TRICORE });
    const result = await source.poll(undefined, signal);
    expect(result.drafts.map((d) => d.correlation?.tenantId)).toEqual([TENANT_IDS.ACME, TENANT_IDS.ACME]);
    expect(source.tenantStatus().find((s) => s.tenantId === TENANT_IDS.TRICORE)).toMatchObject({ state: 'failing', reason: 'rate-limited' });
    expect(clock.sleeps).toEqual([]);

    fake.tenant(TENANT_IDS.QNASTERS).forbidden.add('alerts');
    fake.tenant(TENANT_IDS.ACME).forbidden.add('alerts');
    fake.fail('alerts', { status: 200, body: '<html>oops</html>', tenantId: TENANT_IDS.TRICORE });
    fake.fail('alerts', { status: 500, tenantId: TENANT_IDS.NINJA }, 2);
    await expect(source.poll(result.nextCursor, signal)).rejects.toMatchObject({ kind: 'unavailable' });
  });
});

describe('Sophos source: secrets', () => {
  it('never writes the client secret or a token to logs, errors or the cursor', async () => {
    const { fake, source, logger } = await setup({ idType: 'partner' }, '2021-05-02T07:00:00.000Z', { initialLookback: 88 * DAY });
    fake.tenant(TENANT_IDS.QNASTERS).forbidden.add('*');
    fake.fail('alerts', { status: 500, tenantId: TENANT_IDS.ACME }, 2);
    fake.fail('alerts', { status: 429, headers: { 'retry-after': '900' }, tenantId: TENANT_IDS.TRICORE });
    const first = await source.poll(undefined, signal);
    fake.revokeTokens();
    for (const t of fake.tenants) t.forbidden.add('alerts');
    const error = await source.poll(first.nextCursor, signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const text = [JSON.stringify(logger.records), first.nextCursor, String((error as Error).message), JSON.stringify(source.tenantStatus())].join('\n');
    expect(fake.issuedTokens.length).toBeGreaterThan(1);
    for (const secret of ['central-secret', ...fake.issuedTokens]) expect(text).not.toContain(secret);
  });
});

describe('Sophos source: tenant credential', () => {
  const NOW = '2020-11-25T12:00:00.000Z';

  it('reads incrementally with overlap and never moves the cursor backwards', async () => {
    const { fake, source } = await setup({ idType: 'tenant' }, NOW);
    const first = await source.poll(undefined, signal);
    expect(first.drafts).toHaveLength(6);
    expect(fake.requests.find((r) => r.route === 'alerts')?.query.from).toBe('2020-10-26T12:00:00.000Z');
    const at = parse(first.nextCursor).tenants[TENANT_IDS.QNASTERS]?.at;
    expect(at).toBe('2020-11-25T10:42:09.083Z');

    // Only the overlap (raisedAt ≥ cursor − 300 s) comes back.
    const second = await source.poll(first.nextCursor, signal);
    expect(fake.requests.filter((r) => r.route === 'alerts').at(-1)?.query.from).toBe('2020-11-25T10:37:09.083Z');
    expect(second.drafts.map((d) => d.sourceId)).toEqual(['ee527ca8-cb54-4e11-b59f-2197910176f3']);
    expect(parse(second.nextCursor).tenants[TENANT_IDS.QNASTERS]?.at).toBe(at);

    // A late alert raised inside the overlap is still found; one from the future does not push the cursor past now.
    const t = fake.tenant(TENANT_IDS.QNASTERS);
    const template = t.alerts[0]!;
    t.alerts.push({ ...template, id: 'late-1', raisedAt: '2020-11-25T10:40:00.000Z' });
    t.alerts.push({ ...template, id: 'future-1', raisedAt: '2020-11-25T12:10:00.000Z' });
    const third = await source.poll(second.nextCursor, signal);
    expect(third.drafts.map((d) => d.sourceId)).toEqual(['late-1', 'ee527ca8-cb54-4e11-b59f-2197910176f3', 'future-1']);
    expect(parse(third.nextCursor).tenants[TENANT_IDS.QNASTERS]?.at).toBe(NOW);
  });

  it('a tenant with no alerts yet keeps its first window, so an outage loses nothing', async () => {
    const { fake, source, clock } = await setup({ idType: 'tenant' }, NOW, { initialLookback: 3600 });
    const first = await source.poll(undefined, signal);
    expect(first.drafts).toEqual([]);
    expect(parse(first.nextCursor).tenants[TENANT_IDS.QNASTERS]).toEqual({ since: '2020-11-25T11:00:00.000Z' });
    clock.advance(3 * 3600_000);
    fake.tenant(TENANT_IDS.QNASTERS).alerts.push({ ...fake.tenant(TENANT_IDS.QNASTERS).alerts[0]!, id: 'during-outage', raisedAt: '2020-11-25T12:30:00.000Z' });
    const second = await source.poll(first.nextCursor, signal);
    expect(second.drafts.map((d) => d.sourceId)).toEqual(['during-outage']);
  });

  it('restart mid-stream: resumes with the saved page key, nothing lost, repeats only the overlap', async () => {
    const { fake, make } = await setup({ idType: 'tenant', alertPageCap: 2 }, NOW, { maxPages: 1 });
    const seen: string[] = [];
    let cursor: string | undefined;
    let source = make();
    const r1 = await source.poll(cursor, signal);
    expect(r1.more).toBe(true);
    expect(parse(r1.nextCursor).tenants[TENANT_IDS.QNASTERS]?.resume).toBeDefined();
    seen.push(...r1.drafts.map((d) => d.sourceId));
    cursor = r1.nextCursor;

    // "Restart": a new source and client, only the saved cursor survives.
    source = make();
    for (let i = 0; i < 5; i++) {
      const r = await source.poll(cursor, signal);
      seen.push(...r.drafts.map((d) => d.sourceId));
      cursor = r.nextCursor;
      if (!r.more) break;
    }
    const all = fake.tenant(TENANT_IDS.QNASTERS).alerts.map((a) => String(a.id));
    expect(new Set(seen)).toEqual(new Set(all));
    expect(seen).toHaveLength(all.length);
    const pagedCalls = fake.requests.filter((r) => r.route === 'alerts');
    expect(pagedCalls.slice(1).every((r) => r.query.pageFromKey !== undefined && r.query.from === '2020-10-26T12:00:00.000Z')).toBe(true);
    expect(parse(cursor).tenants[TENANT_IDS.QNASTERS]?.resume).toBeUndefined();
  });

  it('restart with an expired page key: falls back to time with overlap, nothing lost', async () => {
    const { fake, make } = await setup({ idType: 'tenant', alertPageCap: 2 }, NOW, { maxPages: 1 });
    const all = fake.tenant(TENANT_IDS.QNASTERS).alerts;
    // Two alerts 1.9 s apart sit on both sides of the first page boundary.
    const r1 = await make().poll(undefined, signal);
    const firstIds = r1.drafts.map((d) => d.sourceId);
    const at = Date.parse(parse(r1.nextCursor).tenants[TENANT_IDS.QNASTERS]!.at!);
    fake.expirePageKeys();
    const source = make();
    const seen = [...firstIds];
    let cursor = r1.nextCursor;
    for (let i = 0; i < 6; i++) {
      const r = await source.poll(cursor, signal);
      seen.push(...r.drafts.map((d) => d.sourceId));
      cursor = r.nextCursor;
      if (!r.more) break;
    }
    expect(new Set(seen)).toEqual(new Set(all.map((a) => String(a.id))));
    // Repeats are only alerts inside the overlap window of the first cursor.
    const repeats = seen.filter((id, i) => seen.indexOf(id) !== i);
    const overlap = all.filter((a) => Date.parse(String(a.raisedAt)) >= at - 300_000).map((a) => String(a.id));
    expect(repeats.length).toBeGreaterThan(0);
    expect(repeats.every((id) => overlap.includes(id))).toBe(true);
    const fallback = fake.requests.filter((r) => r.route === 'alerts')[2];
    expect(fallback?.query.pageFromKey).toBeUndefined();
    expect(fallback?.query.from).toBe(new Date(at - 300_000).toISOString());
  });

  it('quarantines malformed alerts, delivers the rest, and counts each bad alert once', async () => {
    const { fake, source, logger } = await setup({ idType: 'tenant' }, NOW);
    const t = fake.tenant(TENANT_IDS.QNASTERS);
    t.alerts[1] = { ...t.alerts[1], raisedAt: 'not a time' };
    const r1 = await source.poll(undefined, signal);
    expect(r1.drafts).toHaveLength(5);
    expect(r1.quarantined).toBe(1);
    expect(logger.records.filter((r) => r.message === 'sophos alert quarantined: unexpected shape')).toHaveLength(1);
    const r2 = await source.poll(undefined, signal);
    expect(r2.quarantined).toBeUndefined();
  });

  it('a malformed whole answer fails the poll as invalid-response', async () => {
    const { fake, source } = await setup({ idType: 'tenant' }, NOW);
    fake.fail('alerts', { status: 200, body: '{"items": "nope"}' });
    await expect(source.poll(undefined, signal)).rejects.toMatchObject({ kind: 'invalid-response' });
    fake.fail('whoami', { status: 200, body: '{"id": "x", "idType": "reseller"}' });
    await expect(source.probe!(signal)).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('adds the endpoint hostname and IPs, looked up once per endpoint; a 403 on endpoints does not fail the poll', async () => {
    const { fake, source, make } = await setup({ idType: 'tenant' }, NOW);
    const r = await source.poll(undefined, signal);
    expect(r.drafts.every((d) => d.assets.hosts.includes('Thunderbox'))).toBe(true);
    expect(r.drafts[0]?.assets.ips).toContain('192.168.56.1');
    expect(fake.count('endpoint')).toBe(1);
    await source.poll(r.nextCursor, signal);
    expect(fake.count('endpoint')).toBe(1);

    fake.tenant(TENANT_IDS.QNASTERS).forbidden.add('endpoint');
    const other = make();
    const denied = await other.poll(undefined, signal);
    expect(denied.drafts).toHaveLength(6);
    expect(denied.drafts[0]?.assets.hosts).toEqual([]);
    expect(fake.count('endpoint')).toBe(2);
  });

  it('refresh re-reads one alert from its tenant', async () => {
    const { source } = await setup({ idType: 'tenant' }, NOW);
    const { drafts } = await source.poll(undefined, signal);
    const d = drafts[0]!;
    const incident: Incident = { ...d, source: 'sophos', key: d.sourceId, firstSeenAt: NOW, revision: 1 };
    const fresh = await source.refresh!(incident, signal);
    expect(fresh.sourceId).toBe(d.sourceId);
    expect(fresh.title).toBe(d.title);
    await expect(source.refresh!({ ...incident, correlation: { tenantId: 'other' } }, signal)).rejects.toMatchObject({ kind: 'not-found' });
  });
});
