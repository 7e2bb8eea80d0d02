import { describe, expect, it } from 'vitest';
import { TENANT_IDS } from '../../support/fakes/sophos.js';
import { buttons, documentText, rigPerTest, text } from './support.js';

const setup = rigPerTest();

function itemLines(out: string): string[] {
  // Endpoint lines start with the health mark; the summary line (`🔴 bad 1 · … · 🟢 good 3`) does too.
  return out.split('\n').filter((l) => /^[🔴🟠⚪🟢] /u.test(l) && !/🟢 good \d+$/u.test(l));
}

describe('/inventory', () => {
  it('lists every tenant with a health summary, tamper protection, last seen in the configured zone, OS, IPs and products', async () => {
    const r = await setup();
    const out = text(await r.run('inventory', ''));
    expect(out).toContain('💻 Endpoints — all tenants');
    expect(out).toContain('Endpoints: 6');
    expect(out).toContain('🔴 bad 1 · 🟠 suspicious 1 · ⚪ unknown 1 · 🟢 good 3');
    expect(out).toContain('Tamper protection off: 4 · not reported: 1');
    expect(out).toContain('Qnasters: 2 — 🔴 0 🟠 1 ⚪ 0 🟢 1');
    expect(out).toContain('NinjaRMM LLC: 3 — 🔴 1 🟠 0 ⚪ 0 🟢 2');
    expect(out).toContain('TriCore Solutions: 0');
    expect(out).toContain('Pending Trial Customer: no API host (pending or trial tenant), skipped');
    // Thunderbox: 2020-11-15T13:14:39Z is 16:14 in Moscow.
    const lines = out.split('\n');
    const thunder = lines.findIndex((l) => l.includes('Thunderbox'));
    expect(lines[thunder]).toBe('🟠 Thunderbox · Windows 10 Pro · 10.100.102.12, 172.16.100.1, 172.16.16.1 …');
    expect(lines[thunder + 1]).toBe('   tamper protection OFF · last seen 2020-11-15 16:14 · endpointProtection 10.8.9.2, deviceEncryption 2.0.81, interceptX 2.0.18, coreAg…');
  });

  it('reads every endpoint page with view=full (the connector sent it only from page 2)', async () => {
    const r = await setup();
    await r.run('inventory', 'NinjaRMM');
    const calls = r.central.requests.filter((q) => q.route === 'endpoints');
    expect(calls.length).toBe(2);
    expect(calls.every((c) => c.query.view === 'full')).toBe(true);
    expect(calls[1]?.query.pageFromKey).toBeDefined();
  });

  it('tolerates missing, empty and null fields', async () => {
    const r = await setup();
    r.central.tenant(TENANT_IDS.TRICORE).endpoints = [
      { id: 'bare-endpoint-1' },
      { id: 'odd-endpoint-2', hostname: null, health: {}, os: null, ipv4Addresses: 'nope', tamperProtectionEnabled: 'True', assignedProducts: [{}], lastSeenAt: 'yesterday', associatedPerson: {} },
    ];
    const out = text(await r.run('inventory', 'TriCore'));
    expect(out).toContain('Endpoints: 2');
    expect(out).toContain('🔴 bad 0');
    expect(out).toContain('⚪ unknown 2');
    const lines = out.split('\n');
    const bare = lines.findIndex((l) => l.includes('bare-endpoint-1'));
    expect(lines[bare]).toBe('⚪ bare-endpoint-1 · — · —');
    expect(lines[bare + 1]).toBe('   tamper protection not reported · last seen — · —');
    expect(out).toContain('odd-endpoint-2');
    // The minimal macOS endpoint of the fixture (null tamper protection and last seen) renders too.
    const ninja = text(await r.run('inventory', 'ninja os:macos'));
    expect(ninja).toContain('🟢 test-minimal-01 · macOS 14 · —');
    expect(ninja).toContain('tamper protection not reported · last seen — · —');
  });

  it.each([
    ['bad', ['test-computer-01']],
    ['health:suspicious', ['Thunderbox']],
    ['os:linux', ['test-server-01']],
    ['all windows server', ['WIN-CEAESQ7V08E']],
    ['* host:acme', ['ACME-LAPTOP-07']],
    ['NinjaRMM LLC good', ['test-minimal-01', 'test-server-01']],
    ['Qnasters thunder', ['Thunderbox']],
    ['acme', ['ACME-LAPTOP-07']],
  ])('`/inventory %s` narrows the list', async (args, hosts) => {
    const r = await setup();
    const out = text(await r.run('inventory', args));
    expect(itemLines(out).map((l) => /^\S+ (\S+)/u.exec(l)?.[1]).sort()).toEqual(hosts);
  });

  it('an unknown tenant with plain text is a clear error naming candidates, and no endpoints are read', async () => {
    const r = await setup();
    const out = text(await r.run('inventory', 'Globex bad'));
    expect(out).toContain('No tenant matches “Globex bad”');
    expect(out).toContain('Tenants:');
    expect(out).toContain('Usage: /inventory');
    expect(r.central.count('endpoints')).toBe(0);
  });

  it('a tenant that refuses (403) is reported and the others are listed', async () => {
    const r = await setup();
    r.central.tenant(TENANT_IDS.QNASTERS).forbidden.add('endpoints');
    const out = text(await r.run('inventory', ''));
    expect(out).toContain('Qnasters: access denied (403), skipped');
    expect(out).toContain('Endpoints: 4');
    expect(out).not.toContain('Thunderbox');
  });

  it('pages with buttons from the stored list and exports CSV and JSON with every field', async () => {
    const r = await setup({ options: { inventoryPageSize: 2 } });
    const first = await r.run('inventory', '');
    expect(text(first)).toContain('Page 1 of 3');
    const before = r.requestCount();
    const second = await r.press(first, 'Next ▶');
    const third = await r.press(second.edit ?? first, 'Next ▶');
    expect(text(third.edit)).toContain('Page 3 of 3');
    expect(buttons(third.edit).map((b) => b.text)).toEqual(['◀ Previous', '📄 Full list as CSV + JSON']);
    const hosts = [first, second.edit, third.edit].flatMap((p) => itemLines(text(p)));
    expect(hosts).toHaveLength(6);
    // Worst health first within a tenant.
    expect(itemLines(text(first))[0]).toMatch(/^🟠 Thunderbox/u);

    const exported = await r.press(first, /Full list/);
    expect(r.requestCount()).toBe(before);
    const csv = documentText(exported.reply, '.csv').replace(/^\ufeff/, '');
    const [header = '', ...rows] = csv.trim().split('\r\n');
    expect(header.split(',')).toContain('tamperProtectionEnabled');
    expect(rows).toHaveLength(6);
    const minimal = rows.find((row) => row.includes('test-minimal-01')) ?? '';
    const cells = minimal.split(',');
    const col = (name: string): string | undefined => cells[header.split(',').indexOf(name)];
    expect(col('tamperProtectionEnabled')).toBe('');
    expect(col('lastSeenAt')).toBe('');
    expect(col('health')).toBe('good');
    const json = JSON.parse(documentText(exported.reply, '.json')) as { endpoints: { hostname?: string; ips: string[]; tamper: boolean | null }[] };
    expect(json.endpoints).toHaveLength(6);
    // IPv4 and IPv6 addresses, as the fixture lists them (7 + 6).
    expect(json.endpoints.find((e) => e.hostname === 'Thunderbox')?.ips).toHaveLength(13);
    expect(json.endpoints.find((e) => e.hostname === 'test-minimal-01')?.tamper).toBeNull();
  });
});
