import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tenantIssueKey } from '../../../src/sources/sophos/central-client.js';
import { INTELIX_RISKS, riskLabelKey } from '../../../src/sources/sophos/intelix.js';

function ids(locale: string): Set<string> {
  const text = readFileSync(new URL(`../../../locales/${locale}.ftl`, import.meta.url), 'utf8');
  return new Set([...text.matchAll(/^(sophos-[a-z0-9-]+)\s*=/gm)].map((m) => m[1] as string));
}

/** Fact ids are built as `sophos-fact-${label}` in map.ts: collect the labels passed to fact(). */
function usedIds(): string[] {
  const dir = new URL('../../../src/sources/sophos/', import.meta.url);
  const source = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(new URL(f, dir), 'utf8'))
    .join('\n');
  const facts = [...source.matchAll(/\bfact\('([a-z-]+)'/g)].map((m) => `sophos-fact-${m[1] as string}`);
  const reasons = (['no-api-host', 'invalid-api-host', 'forbidden'] as const).map(tenantIssueKey);
  return [...new Set([...facts, ...INTELIX_RISKS.map(riskLabelKey), ...reasons])];
}
const USED = usedIds();

describe('sophos strings', () => {
  it('finds the ids the source uses', () => {
    expect(USED).toEqual(expect.arrayContaining(['sophos-fact-tenant', 'sophos-fact-allowed-actions', 'sophos-risk-unclassified', 'sophos-tenant-forbidden']));
    expect(USED).toHaveLength(18);
  });

  it.each(['en', 'ru', 'hu'])('%s has every id', (locale) => {
    const present = ids(locale);
    for (const id of USED) expect(present, id).toContain(id);
  });

  it('the three locales define the same sophos-* ids', () => {
    expect(ids('ru')).toEqual(ids('en'));
    expect(ids('hu')).toEqual(ids('en'));
  });
});
