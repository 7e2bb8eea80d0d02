import { describe, expect, it } from 'vitest';
import { isExplicitFilter, parseInventoryFilter } from '../../../src/commands/args.js';
import { endpointRow, matchesFilter } from '../../../src/commands/inventory.js';
import { endpointSchema } from '../../../src/sources/sophos/schema.js';

const tenant = { id: 't1', name: 'Tenant One', apiHost: 'https://api-eu01.central.sophos.com' };

describe('/inventory filter', () => {
  it.each([
    ['bad', { kind: 'health', value: 'bad' }],
    ['GOOD', { kind: 'health', value: 'good' }],
    ['health:suspicious', { kind: 'health', value: 'suspicious' }],
    ['host:web-01', { kind: 'host', value: 'web-01' }],
    ['hostname: web', { kind: 'host', value: 'web' }],
    ['os:Linux', { kind: 'os', value: 'Linux' }],
    ['windows server', { kind: 'text', value: 'windows server' }],
  ])('%j → %j', (text, expected) => {
    expect(parseInventoryFilter(text)).toEqual(expected);
  });

  it('refuses an unknown health and empty text', () => {
    expect(parseInventoryFilter('health:great')).toBeUndefined();
    expect(parseInventoryFilter('  ')).toBeUndefined();
    expect(isExplicitFilter('bad')).toBe(true);
    expect(isExplicitFilter('Acme')).toBe(false);
  });

  it('maps an endpoint with every field missing or malformed', () => {
    const bare = endpointSchema.parse({ id: 'e1', health: null, os: {}, ipv4Addresses: null, tamperProtectionEnabled: 'yes', lastSeenAt: null, assignedProducts: 'x' });
    const row = endpointRow(bare, tenant);
    expect(row).toEqual({ tenantId: 't1', tenant: 'Tenant One', id: 'e1', health: 'unknown', ips: [], macs: [], tamper: null, online: null, products: [] });
    expect(matchesFilter(row, { kind: 'health', value: 'unknown' })).toBe(true);
    expect(matchesFilter(row, { kind: 'text', value: 'e1' })).toBe(false);
  });

  it('builds the OS from its parts when there is no name, and matches hostname or OS', () => {
    const e = endpointSchema.parse({ id: 'e2', hostname: 'DB-01', health: { overall: 'Bad' }, os: { platform: 'linux', majorVersion: 5, minorVersion: 15 }, assignedProducts: [{ code: 'endpointProtection', version: '1.2' }, {}] });
    const row = endpointRow(e, tenant);
    expect(row.os).toBe('linux 5.15');
    expect(row.health).toBe('bad');
    expect(row.products).toEqual(['endpointProtection 1.2']);
    expect(matchesFilter(row, { kind: 'text', value: 'db-' })).toBe(true);
    expect(matchesFilter(row, { kind: 'os', value: 'LINUX' })).toBe(true);
    expect(matchesFilter(row, { kind: 'host', value: 'linux' })).toBe(false);
  });
});
