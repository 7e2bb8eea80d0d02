import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MP_STATUSES, statusKeyOf } from '../../../src/sources/maxpatrol/map.js';

function ids(locale: string): Set<string> {
  const text = readFileSync(new URL(`../../../locales/${locale}.ftl`, import.meta.url), 'utf8');
  return new Set([...text.matchAll(/^(mp-[a-z0-9-]+)\s*=/gm)].map((m) => m[1] as string));
}

/** Every Fluent id the MaxPatrol source puts into drafts and actions: literals in its files plus status keys. */
function usedIds(): string[] {
  const dir = new URL('../../../src/sources/maxpatrol/', import.meta.url);
  const literals = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...readFileSync(new URL(f, dir), 'utf8').matchAll(/'(mp-(?:fact|value|action|notice)-[a-z0-9-]+)'/g)].map((m) => m[1] as string));
  return [...new Set([...literals, ...MP_STATUSES.map((s) => statusKeyOf(s) as string)])];
}
const USED = usedIds();

describe('maxpatrol strings', () => {
  it('finds the ids the source uses', () => {
    expect(USED).toEqual(expect.arrayContaining(['mp-action-confirm', 'mp-action-close', 'mp-fact-category', 'mp-status-in-progress', 'mp-value-yes']));
    expect(USED.length).toBeGreaterThanOrEqual(19);
  });

  it.each(['en', 'ru', 'hu'])('%s has every id the source uses', (locale) => {
    const present = ids(locale);
    for (const id of USED) expect(present, id).toContain(id);
  });

  it('the three locales define the same mp-* ids', () => {
    expect(ids('ru')).toEqual(ids('en'));
    expect(ids('hu')).toEqual(ids('en'));
  });
});
