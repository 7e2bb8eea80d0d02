import { describe, expect, it } from 'vitest';
import { matchLeadingTenant, matchTenant } from '../../../src/commands/tenants.js';

const host = 'https://api-eu01.central.sophos.com';
const directory = {
  tenants: [
    { id: '11f104c5-cc4a-4a9f-bb9c-632c936dfb9f', name: 'Qnasters', apiHost: host },
    { id: '79067fa3-e4d0-4769-a5f7-8d6550b3b68b', name: 'Acme Corp', apiHost: host },
    { id: 'aaaa', name: 'Acme Labs', showAs: 'Labs of Acme', apiHost: host },
    { id: 'bbbb', name: 'Acme', apiHost: host },
  ],
  skipped: [{ id: 'pppp', name: 'Pending Trial Customer', reason: 'no-api-host' as const }],
};

describe('tenant matching', () => {
  it('matches an id exactly (any case), a name or show-as name exactly, else a unique prefix', () => {
    expect(matchTenant(directory, '11F104C5-CC4A-4A9F-BB9C-632C936DFB9F')).toMatchObject({ kind: 'ok', tenant: { name: 'Qnasters' } });
    expect(matchTenant(directory, 'acme')).toMatchObject({ kind: 'ok', tenant: { id: 'bbbb' } });
    expect(matchTenant(directory, 'labs of acme')).toMatchObject({ kind: 'ok', tenant: { id: 'aaaa' } });
    expect(matchTenant(directory, 'qna')).toMatchObject({ kind: 'ok', tenant: { name: 'Qnasters' } });
    expect(matchTenant(directory, 'acme ')).toMatchObject({ kind: 'ok', tenant: { id: 'bbbb' } });
  });

  it('reports ambiguity, skipped tenants and unknown names with a few candidates', () => {
    expect(matchTenant(directory, 'acme c')).toMatchObject({ kind: 'ok', tenant: { name: 'Acme Corp' } });
    const ambiguous = matchTenant({ ...directory, tenants: directory.tenants.filter((t) => t.id !== 'bbbb') }, 'acm');
    expect(ambiguous.kind).toBe('ambiguous');
    expect(matchTenant(directory, 'pending')).toMatchObject({ kind: 'skipped', skipped: { id: 'pppp' } });
    const unknown = matchTenant(directory, 'globex');
    expect(unknown.kind).toBe('unknown');
    expect(unknown.kind === 'unknown' ? unknown.candidates.length : 0).toBeGreaterThan(0);
    expect(unknown.kind === 'unknown' ? unknown.candidates.length : 99).toBeLessThanOrEqual(5);
  });

  it('takes the longest leading words that name a tenant and leaves the rest as a filter', () => {
    expect(matchLeadingTenant(directory, ['Acme', 'Corp', 'bad'])).toMatchObject({ match: { kind: 'ok', tenant: { name: 'Acme Corp' } }, rest: 'bad' });
    expect(matchLeadingTenant(directory, ['Qnasters', 'os:linux'])).toMatchObject({ match: { kind: 'ok', tenant: { name: 'Qnasters' } }, rest: 'os:linux' });
    expect(matchLeadingTenant(directory, ['Globex', 'bad']).match.kind).toBe('unknown');
  });
});

describe('tenant notes', () => {
  it('caps long lists of failed and skipped tenants', async () => {
    const { tenantNotes } = await import('../../../src/commands/tenants.js');
    const t = (key: string, vars?: Readonly<Record<string, string | number>>): string => `${key}${vars ? JSON.stringify(vars) : ''}`;
    const failures = Array.from({ length: 14 }, (_, i) => ({ name: `T${i}`, reasonKey: 'sophos-tenant-forbidden' }));
    const lines = tenantNotes(failures, [{ name: 'P', reasonKey: 'sophos-tenant-no-api-host' }], t);
    expect(lines).toHaveLength(12);
    expect(lines[10]).toBe('⚠️ ondemand-more-tenants{"count":4}');
    expect(lines[11]).toBe('ℹ️ ondemand-tenant-failed{"tenant":"P","reason":"sophos-tenant-no-api-host"}');
  });
});
