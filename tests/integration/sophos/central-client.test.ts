import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { createSophosCentralClient, type SophosCentralClient } from '../../../src/sources/sophos/central-client.js';
import { DEFAULT_API_HOST_PATTERN } from '../../../src/sources/sophos/config.js';
import {
  centralConfig,
  recordingLogger,
  sophosFixture,
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

async function setup(options: FakeCentralOptions = {}, extra: Record<string, unknown> = {}) {
  fake = await startFakeCentral(options);
  const config = centralConfig(fake, extra);
  const clock = steppingClock('2020-11-25T12:00:00.000Z');
  const logger = recordingLogger();
  const client: SophosCentralClient = createSophosCentralClient(config, { logger, clock });
  return { fake, client, clock, logger, config };
}

describe('Sophos Central client: auth and tenancy', () => {
  it('fetches a token with a properly encoded client-credentials form and sends it as Bearer', async () => {
    const { fake, client } = await setup({ idType: 'tenant' });
    await client.whoami();
    const token = fake.requests.find((r) => r.route === 'token');
    expect(token?.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    // The secret holds & = %: it only survives if the body is form-encoded (connector bug 1).
    expect(token?.form).toEqual({ grant_type: 'client_credentials', client_id: 'central-client-id', client_secret: 'central-secret&value=1%', scope: 'token' });
    expect(fake.requests.find((r) => r.route === 'whoami')?.authorization).toBe(`Bearer ${fake.issuedTokens[0]}`);
  });

  it('reports a refused credential as auth with the error code and without the secret', async () => {
    const { client } = await setup({ idType: 'tenant', clientSecret: 'another-secret' });
    const error = await client.whoami().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('auth');
    expect((error as AppError).message).toContain('oauth.invalid_client_secret');
    expect((error as AppError).message).not.toContain('central-secret');
  });

  it('whoami tenant: the only tenant, called on its dataRegion with X-Tenant-ID', async () => {
    const { fake, client } = await setup({ idType: 'tenant' });
    const dir = await client.tenants();
    expect(dir.idType).toBe('tenant');
    expect(dir.tenants).toEqual([{ id: TENANT_IDS.QNASTERS, name: TENANT_IDS.QNASTERS, apiHost: fake.hostOf('eu02') }]);
    expect(fake.count('tenants')).toBe(0);
    const page = await client.alerts(dir.tenants[0]!, { from: '2020-11-01T00:00:00.000Z' });
    expect(page.items.map((a) => a.id)).toHaveLength(6);
    const call = fake.requests.find((r) => r.route === 'alerts');
    expect(call?.server).toBe('eu02');
    expect(call?.tenantId).toBe(TENANT_IDS.QNASTERS);
  });

  it('whoami partner: lists tenants page by page with X-Partner-ID; a tenant without apiHost is skipped', async () => {
    const { fake, client } = await setup({ idType: 'partner' });
    const dir = await client.tenants();
    expect(dir.idType).toBe('partner');
    expect(dir.callerId).toBe('5AC55058-622D-4929-8E5D-8FF554F312FE');
    expect(dir.tenants.map((t) => t.name)).toEqual(['Qnasters', 'Acme Corp', 'TriCore Solutions', 'NinjaRMM LLC']);
    expect(dir.tenants.map((t) => t.apiHost)).toEqual([fake.hostOf('eu02'), fake.hostOf('us01'), fake.hostOf('us03'), fake.hostOf('us01')]);
    expect(dir.tenants[1]).toMatchObject({ dataRegion: 'us01', billingType: 'usage', status: 'active' });
    expect(dir.skipped).toEqual([{ id: TENANT_IDS.PENDING, name: 'Pending Trial Customer', reason: 'no-api-host' }]);
    const listCalls = fake.requests.filter((r) => r.route === 'tenants');
    expect(listCalls.map((r) => r.query.page)).toEqual(['1', '2']);
    expect(listCalls.every((r) => r.path === '/partner/v1/tenants' && r.partnerId === dir.callerId && r.query.pageTotal === 'true')).toBe(true);
  });

  it('whoami organization: uses the organization tenant list with X-Organization-ID', async () => {
    const { fake, client } = await setup({ idType: 'organization' });
    const dir = await client.tenants();
    expect(dir.idType).toBe('organization');
    expect(dir.tenants).toHaveLength(4);
    const listCalls = fake.requests.filter((r) => r.route === 'tenants');
    expect(listCalls.every((r) => r.path === '/organization/v1/tenants' && r.organizationId === 'C37A4BC7-715A-48FD-AE03-D184A391B136')).toBe(true);
    expect(listCalls.every((r) => r.partnerId === undefined)).toBe(true);
  });

  it('never calls an apiHost that is not an allowed Sophos host', async () => {
    const { fake } = await setup({ idType: 'partner' });
    fake.tenant(TENANT_IDS.ACME).apiHostOverride = 'http://169.254.169.254';
    // Default pattern: only https://api-<region>.central.sophos.com, so the loopback hosts are refused as well.
    const strict = createSophosCentralClient(
      centralConfig(fake, { apiHostPattern: DEFAULT_API_HOST_PATTERN }),
      { logger: recordingLogger(), clock: steppingClock('2020-11-25T12:00:00.000Z') },
    );
    const dir = await strict.tenants();
    expect(dir.tenants).toEqual([]);
    expect(dir.skipped.find((s) => s.id === TENANT_IDS.ACME)?.reason).toBe('invalid-api-host');
    await expect(strict.alerts({ id: TENANT_IDS.ACME, apiHost: 'http://169.254.169.254' })).rejects.toMatchObject({ kind: 'bad-request' });
    expect(fake.count('alerts')).toBe(0);
  });

  it('caches the tenant directory for tenantCacheTtl and reads it again afterwards', async () => {
    const { fake, client, clock } = await setup({ idType: 'partner' }, { tenantCacheTtl: 300 });
    await client.tenants();
    await client.tenants();
    expect(fake.count('whoami')).toBe(1);
    clock.advance(301_000);
    await client.tenants();
    expect(fake.count('whoami')).toBe(2);
    await client.tenants({ refresh: true });
    expect(fake.count('whoami')).toBe(3);
  });

  it('refreshes the token before it expires and again after a 401', async () => {
    const { fake, client, clock } = await setup({ idType: 'tenant', expiresIn: 3600 });
    await client.whoami();
    clock.advance(3400_000);
    await client.whoami();
    expect(fake.issuedTokens).toHaveLength(1);
    // 3600 − 120 s margin: past 3480 s a new token is fetched although the old one is still valid.
    clock.advance(100_000);
    await client.whoami();
    expect(fake.issuedTokens).toHaveLength(2);
    expect(fake.requests.filter((r) => r.route === 'whoami').at(-1)?.authorization).toBe(`Bearer ${fake.issuedTokens[1]}`);
    fake.revokeTokens();
    await client.whoami();
    expect(fake.issuedTokens).toHaveLength(3);
  });

  it('matchTenants finds by id, by exact name, then by substring', async () => {
    const { client } = await setup({ idType: 'partner' });
    expect((await client.matchTenants(TENANT_IDS.TRICORE.toUpperCase())).map((t) => t.name)).toEqual(['TriCore Solutions']);
    expect((await client.matchTenants('acme corp')).map((t) => t.name)).toEqual(['Acme Corp']);
    expect((await client.matchTenants('co')).map((t) => t.name)).toEqual(['Acme Corp', 'TriCore Solutions']);
    expect(await client.matchTenants('pending')).toEqual([]);
  });
});

describe('Sophos Central client: alerts', () => {
  it('follows pageFromKey/nextKey until the last page and validates each item', async () => {
    const { fake, client } = await setup({ idType: 'tenant', alertPageCap: 3 });
    const tenant = (await client.tenants()).tenants[0]!;
    const page = await client.alerts(tenant, { from: new Date('2020-11-01T00:00:00Z') });
    const expected = [...sophosFixture<{ items: { id: string }[] }>('common-alerts-qnasters-page1.json').items, ...sophosFixture<{ items: { id: string }[] }>('common-alerts-qnasters-page2.json').items].map((a) => a.id);
    expect(page.items.map((a) => a.id)).toEqual(expected);
    expect(page.nextKey).toBeUndefined();
    expect(page.pagesRead).toBe(2);
    const calls = fake.requests.filter((r) => r.route === 'alerts');
    expect(calls[0]?.query).toMatchObject({ from: '2020-11-01T00:00:00.000Z', sort: 'raisedAt:asc', pageSize: '100' });
    expect(calls[0]?.query.pageFromKey).toBeUndefined();
    expect(calls[1]?.query.pageFromKey).toMatch(/^\d+$/);
  });

  it('stops at maxPages and hands back the key to continue from', async () => {
    const { client } = await setup({ idType: 'tenant', alertPageCap: 2 });
    const tenant = (await client.tenants()).tenants[0]!;
    const first = await client.alerts(tenant, { from: '2020-11-01T00:00:00Z', maxPages: 1 });
    expect(first.items).toHaveLength(2);
    expect(first.nextKey).toBeDefined();
    const rest = await client.alerts(tenant, { from: '2020-11-01T00:00:00Z', pageFromKey: first.nextKey! });
    expect([...first.items, ...rest.items].map((a) => a.id)).toHaveLength(6);
    expect(new Set([...first.items, ...rest.items].map((a) => a.id)).size).toBe(6);
  });

  it('delivers the valid items of a page and reports the malformed ones', async () => {
    const { fake, client } = await setup({ idType: 'tenant' });
    const t = fake.tenant(TENANT_IDS.QNASTERS);
    t.alerts = [
      ...t.alerts.slice(0, 2),
      { ...t.alerts[2], id: 'bad-time', raisedAt: 'yesterday' },
      { ...t.alerts[3], id: undefined },
      { ...t.alerts[4], managedAgent: 'not-an-object', severity: 7, allowedActions: ['acknowledge', 3] },
    ];
    const tenant = (await client.tenants()).tenants[0]!;
    const page = await client.alerts(tenant, { from: '2020-11-01T00:00:00Z' });
    expect(page.items.map((a) => a.id)).toEqual([t.alerts[0]!.id, t.alerts[1]!.id, t.alerts[4]!.id]);
    expect(page.invalid.map((i) => i.index)).toEqual([2, 4]);
    // Tolerated: wrong optional fields become undefined rather than dropping the alert.
    expect(page.items[2]).toMatchObject({ managedAgent: undefined, severity: undefined, allowedActions: ['acknowledge'] });
    expect(page.invalid).toHaveLength(2);
    expect(page.invalid[1]).toMatchObject({ id: 'bad-time', page: 1 });
    expect(page.invalid[1]?.issues).toContain('raisedAt');
    expect(page.invalid[0]?.id).toBeUndefined();
    expect(page.invalid[0]?.issues).toContain('id');
  });

  it.each([
    ['HTML with 200', '<html><body>maintenance</body></html>'],
    ['items is not an array', '{"items": {"id": "x"}, "pages": {}}'],
    ['truncated JSON', '{"items": [{"id": "a"'],
  ])('fails the call as invalid-response on a malformed answer (%s)', async (_label, body) => {
    const { fake, client } = await setup({ idType: 'tenant' });
    const tenant = (await client.tenants()).tenants[0]!;
    fake.fail('alerts', { status: 200, body });
    await expect(client.alerts(tenant, { from: '2020-11-01T00:00:00Z' })).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('honours a short Retry-After once in place', async () => {
    const { fake, client, clock } = await setup({ idType: 'tenant' });
    const tenant = (await client.tenants()).tenants[0]!;
    fake.fail('alerts', { status: 429, headers: { 'retry-after': '3' } });
    const page = await client.alerts(tenant, { from: '2020-11-01T00:00:00Z' });
    expect(page.items).toHaveLength(6);
    expect(clock.sleeps).toEqual([3000]);
    expect(fake.count('alerts')).toBe(2);
  });

  it('fails as rate-limited with the wait when Retry-After is long or 429 repeats', async () => {
    const { fake, client, clock } = await setup({ idType: 'tenant' }, { maxRetryWait: 10 });
    const tenant = (await client.tenants()).tenants[0]!;
    fake.fail('alerts', { status: 429, headers: { 'retry-after': '120' } });
    await expect(client.alerts(tenant, { from: '2020-11-01T00:00:00Z' })).rejects.toMatchObject({ kind: 'rate-limited', retryAfterMs: 120_000 });
    expect(clock.sleeps).toEqual([]);
    fake.fail('alerts', { status: 429, headers: { 'retry-after': '2' } }, 2);
    await expect(client.alerts(tenant, { from: '2020-11-01T00:00:00Z' })).rejects.toMatchObject({ kind: 'rate-limited', retryAfterMs: 2000 });
    expect(clock.sleeps).toEqual([2000]);
  });

  it('retries a 503 once, and a 403 never', async () => {
    const { fake, client } = await setup({ idType: 'tenant' });
    const tenant = (await client.tenants()).tenants[0]!;
    fake.fail('alerts', { status: 503 });
    expect((await client.alerts(tenant, { from: '2020-11-01T00:00:00Z' })).items).toHaveLength(6);
    fake.tenant(TENANT_IDS.QNASTERS).forbidden.add('alerts');
    const before = fake.count('alerts');
    await expect(client.alerts(tenant, { from: '2020-11-01T00:00:00Z' })).rejects.toMatchObject({ kind: 'auth', status: 403 });
    expect(fake.count('alerts')).toBe(before + 1);
  });

  it('reads one alert by id', async () => {
    const { client } = await setup({ idType: 'tenant' });
    const tenant = (await client.tenants()).tenants[0]!;
    const single = sophosFixture<{ id: string; description: string }>('common-alert-get.json');
    const alert = await client.alert(tenant, single.id);
    expect(alert.description).toBe(single.description);
    await expect(client.alert(tenant, 'no-such-alert')).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('Sophos Central client: several tenants', () => {
  it('forEachTenant reports a 403 tenant and carries on with the others', async () => {
    const { fake, client } = await setup({ idType: 'partner' });
    fake.tenant(TENANT_IDS.ACME).forbidden.add('*');
    const sweep = await client.forEachTenant((tenant, signal) => client.alerts(tenant, { from: '2020-01-01T00:00:00Z', ...(signal ? { signal } : {}) }));
    expect(sweep.ok.map((o) => o.tenant.name)).toEqual(['Qnasters', 'TriCore Solutions', 'NinjaRMM LLC']);
    expect(sweep.failed).toHaveLength(1);
    expect(sweep.failed[0]).toMatchObject({ tenant: { name: 'Acme Corp' }, forbidden: true });
    expect(sweep.skipped.map((s) => s.reason)).toEqual(['no-api-host']);
    // Each tenant went to its own regional host.
    for (const r of fake.requests.filter((x) => x.route === 'alerts')) {
      expect(r.server).toBe(fake.tenant(r.tenantId!).region);
    }
  });
});

describe('Sophos Central client: endpoints and local sites', () => {
  it('pages endpoints with view=full on every page and tolerates missing fields', async () => {
    const { fake, client } = await setup({ idType: 'partner', endpointPageCap: 2 });
    const ninja = (await client.matchTenants(TENANT_IDS.NINJA))[0]!;
    const page = await client.endpoints(ninja);
    expect(page.items.map((e) => e.hostname)).toEqual(['test-computer-01', 'test-server-01', 'test-minimal-01']);
    expect(page.invalid).toEqual([]);
    const calls = fake.requests.filter((r) => r.route === 'endpoints');
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.query.view)).toEqual(['full', 'full']);
    expect(calls[1]?.query.pageFromKey).toBeDefined();
    const minimal = page.items[2]!;
    expect(minimal).toMatchObject({ tamperProtectionEnabled: undefined, lastSeenAt: undefined, health: { overall: 'good' } });
    expect(page.items[0]).toMatchObject({ health: { overall: 'bad' }, tamperProtectionEnabled: true, isolation: { status: 'notIsolated' } });
  });

  it('reads one endpoint with its IPs', async () => {
    const { client } = await setup({ idType: 'tenant' });
    const tenant = (await client.tenants()).tenants[0]!;
    const endpoint = await client.endpoint(tenant, '6e9567ea-bb50-40c5-9f12-42eb308e4c9b');
    expect(endpoint.hostname).toBe('Thunderbox');
    expect(endpoint.ipv4Addresses).toContain('10.100.102.12');
  });

  it('pages local sites by page number and deletes with the tenant headers', async () => {
    const { fake, client } = await setup({ idType: 'partner', localSitePageCap: 8 });
    const qnasters = (await client.matchTenants('Qnasters'))[0]!;
    const sites = await client.localSites(qnasters);
    expect(sites.items).toHaveLength(12);
    expect(sites.total).toBe(12);
    expect(sites.nextPage).toBeUndefined();
    const tagOnly = sites.items.find((s) => s.id.endsWith('e06'));
    expect(tagOnly).toMatchObject({ url: 'legacy-app.internal.example', tags: ['internal', 'legacy'] });
    expect(tagOnly?.categoryId).toBeUndefined();
    expect(fake.requests.filter((r) => r.route === 'local-sites').map((r) => r.query.page)).toEqual(['1', '2']);

    const first = await client.localSites(qnasters, { maxPages: 1 });
    expect(first.items).toHaveLength(8);
    expect(first.nextPage).toBe(2);

    const result = await client.deleteLocalSite(qnasters, '3c1f9a52-8e4b-4d6a-b0c2-1a2b3c4d5e01');
    expect(result.deleted).toBe(true);
    expect(result.date).toMatch(/GMT$/);
    const del = fake.requests.find((r) => r.route === 'local-site-delete');
    expect(del).toMatchObject({ method: 'DELETE', tenantId: TENANT_IDS.QNASTERS, server: 'eu02' });
    expect(fake.tenant(TENANT_IDS.QNASTERS).localSites).toHaveLength(11);
  });

  it('accepts the string "True" some answers carry for deleted', async () => {
    const { fake, client } = await setup({ idType: 'tenant' });
    const tenant = (await client.tenants()).tenants[0]!;
    fake.fail('local-site-delete', { status: 200, body: '{"deleted": "True"}' });
    expect((await client.deleteLocalSite(tenant, 'x')).deleted).toBe(true);
    fake.fail('local-site-delete', { status: 200, body: '{"deleted": false}' });
    expect((await client.deleteLocalSite(tenant, 'y')).deleted).toBe(false);
  });

  it('reads web-control categories by id from the bare array', async () => {
    const { client } = await setup({ idType: 'tenant' });
    const tenant = (await client.tenants()).tenants[0]!;
    const categories = await client.webCategories(tenant);
    expect(new Map(categories.map((c) => [c.id, c.name])).get(48)).toBe('Spyware and Malware');
  });
});
