import { afterEach, describe, expect, it } from 'vitest';
import { intelixConfigSchema } from '../../../src/sources/sophos/config.js';
import { createIntelixClient, type IntelixClient } from '../../../src/sources/sophos/intelix.js';
import { recordingLogger, sophosFixture, startFakeIntelix, steppingClock, type FakeIntelix } from '../../support/fakes/sophos.js';

let fake: FakeIntelix | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(extra: Record<string, unknown> = {}) {
  fake = await startFakeIntelix();
  const config = intelixConfigSchema.parse({
    clientId: 'intelix-client',
    clientSecret: 'intelix-secret:with+chars',
    authUrl: fake.url,
    apiUrl: fake.url,
    ...extra,
  });
  const clock = steppingClock('2026-11-23T09:00:00.000Z');
  const logger = recordingLogger();
  const client: IntelixClient = createIntelixClient(config, { logger, clock });
  return { fake, client, clock, logger };
}

interface Site {
  id: string;
  url: string;
}
const sites = [...sophosFixture<{ items: Site[] }>('local-sites-page1.json').items, ...sophosFixture<{ items: Site[] }>('local-sites-page2.json').items];

describe('Intelix client', () => {
  it('logs in with HTTP Basic client credentials and sends the bare token on lookups', async () => {
    const { fake, client } = await setup();
    const result = await client.lookupUrl('malware-repo.example.net');
    const token = fake.requests.find((r) => r.route === 'token');
    expect(token?.authorization).toBe(`Basic ${Buffer.from('intelix-client:intelix-secret:with+chars').toString('base64')}`);
    expect(token?.form).toEqual({ grant_type: 'client_credentials' });
    expect(fake.requests.find((r) => r.route === 'url')?.authorization).toBe(fake.issuedTokens[0]);
    expect(result).toMatchObject({
      value: 'malware-repo.example.net',
      lookupType: 'url',
      risk: 'HIGH',
      productivityCategory: 'PROD_SPYWARE_AND_MALWARE',
      securityCategory: 'SEC_MALWARE_REPOSITORY',
      requestId: '5a7c0001-1d2e-4f30-8a41-5b6c7d8e9f01,4047615701',
    });
  });

  it('maps IP categories to the highest risk; no or unknown categories are unclassified', async () => {
    const { client } = await setup();
    expect(await client.lookupIp('203.0.113.50')).toMatchObject({ risk: 'HIGH', ipCategory: ['malware', 'botnet'] });
    expect((await client.lookupIp('198.51.100.23')).risk).toBe('MEDIUM');
    expect((await client.lookupIp('192.0.2.77')).risk).toBe('LOW');
    expect((await client.lookupIp('198.51.100.200')).risk).toBe('TRUSTED');
    expect(await client.lookupIp('10.20.30.40')).toMatchObject({ risk: 'UNCLASSIFIED', ipCategory: [] });
    fake!.ips.set('192.0.2.99', { requestId: 'r', category: ['some_future_category'] });
    expect((await client.lookupIp('192.0.2.99')).risk).toBe('UNCLASSIFIED');
  });

  it('URL answers without a risk are UNKNOWN, UNCLASSIFIED stays UNCLASSIFIED', async () => {
    const { client } = await setup();
    expect((await client.lookupUrl('legacy-app.internal.example')).risk).toBe('UNKNOWN');
    expect((await client.lookupUrl('intranet.corp.example')).risk).toBe('UNCLASSIFIED');
    expect((await client.lookupUrl('update.microsoft.com')).risk).toBe('TRUSTED');
  });

  it('lookupMany looks each distinct value up once (normalised URLs, IP vs URL by shape)', async () => {
    const { fake, client } = await setup();
    const values = [...sites.map((s) => s.url), 'HTTPS://Malware-Repo.example.net/', 'http://update.microsoft.com', ' 203.0.113.50 '];
    const batch = await client.lookupMany(values);
    expect(batch.distinct).toBe(11);
    expect(batch.lookups).toBe(11);
    expect(fake.lookups('url').sort()).toEqual(
      ['adware-cdn.example.com', 'intranet.corp.example', 'legacy-app.internal.example', 'malware-repo.example.net', 'newly-registered.example.io', 'update.microsoft.com'].sort(),
    );
    expect(fake.lookups('ip').sort()).toEqual(['10.20.30.40', '192.0.2.77', '198.51.100.200', '198.51.100.23', '203.0.113.50'].sort());
    // Every input value gets its result, duplicates share one.
    expect(batch.results.size).toBe(values.length - 1);
    expect(batch.results.get('HTTPS://Malware-Repo.example.net/')?.risk).toBe('HIGH');
    expect(batch.results.get(' 203.0.113.50 ')?.risk).toBe('HIGH');
    const byId = new Map(sites.map((s) => [s.id, batch.results.get(s.url)?.risk]));
    expect(byId.get('3c1f9a52-8e4b-4d6a-b0c2-1a2b3c4d5e12')).toBe('HIGH');
    expect(byId.get('3c1f9a52-8e4b-4d6a-b0c2-1a2b3c4d5e06')).toBe('UNKNOWN');

    // A second batch within the ttl is answered from the cache.
    const again = await client.lookupMany(['malware-repo.example.net', '198.51.100.23']);
    expect(again.lookups).toBe(0);
    expect(fake.lookups('url')).toHaveLength(6);
  });

  it('sends CIDR ranges to the URL lookup, never the IP lookup', async () => {
    const { fake, client } = await setup();
    const batch = await client.lookupMany(['10.0.0.0/8']);
    expect(fake.lookups('ip')).toEqual([]);
    expect(fake.lookups('url')).toEqual(['10.0.0.0/8']);
    // Unknown to the fake (404): a failed lookup is UNKNOWN with the reason, never a deletion candidate.
    expect(batch.results.get('10.0.0.0/8')).toMatchObject({ risk: 'UNKNOWN', lookupType: 'url' });
    expect(batch.results.get('10.0.0.0/8')?.error).toContain('404');
  });

  it('logs in again once when the token has expired', async () => {
    const { fake, client } = await setup();
    await client.lookupUrl('adware-cdn.example.com');
    fake.expireTokens();
    const result = await client.lookupUrl('newly-registered.example.io');
    expect(result.risk).toBe('LOW');
    expect(fake.issuedTokens).toHaveLength(2);
    const lookups = fake.requests.filter((r) => r.route === 'url');
    expect(lookups.map((r) => r.authorization)).toEqual([fake.issuedTokens[0], fake.issuedTokens[0], fake.issuedTokens[1]]);
  });

  it('gives up after one new login and fails the batch as auth', async () => {
    const { fake, client } = await setup();
    fake.fail('url', { status: 401, body: JSON.stringify(sophosFixture('intelix-error-expired-token.json')) }, 2);
    await expect(client.lookupMany(['adware-cdn.example.com'])).rejects.toMatchObject({ kind: 'auth' });
    expect(fake.issuedTokens).toHaveLength(2);
  });

  it('refreshes the token before it expires', async () => {
    const { fake, client, clock } = await setup();
    await client.lookupUrl('adware-cdn.example.com');
    clock.advance(3500_000);
    await client.lookupIp('192.0.2.77');
    expect(fake.issuedTokens).toHaveLength(1);
    // 3600 s lifetime − 60 s margin: past 3540 s a new login happens before the old token is refused.
    clock.advance(100_000);
    await client.lookupIp('198.51.100.23');
    expect(fake.issuedTokens).toHaveLength(2);
    expect(fake.requests.filter((r) => r.route === 'ip').at(-1)?.authorization).toBe(fake.issuedTokens[1]);
  });

  it('a rate-limited or failing value is UNKNOWN, the others are still looked up', async () => {
    const { fake, client, clock } = await setup({ concurrency: 1 });
    fake.fail('ip', { status: 429, headers: { 'retry-after': '1' } });
    fake.fail('url', { status: 500 }, 2);
    const batch = await client.lookupMany(['adware-cdn.example.com', '203.0.113.50', 'update.microsoft.com']);
    expect(clock.sleeps).toContain(1000);
    expect(batch.results.get('203.0.113.50')?.risk).toBe('HIGH');
    expect(batch.results.get('adware-cdn.example.com')).toMatchObject({ risk: 'UNKNOWN' });
    expect(batch.results.get('update.microsoft.com')?.risk).toBe('TRUSTED');
  });
});
