import { describe, expect, it } from 'vitest';
import { CLEAN_LEVELS, cleanLevelRisks, deletableRisks, parseCleanLevel, trustedNeedsConfirmation } from '../../../src/commands/clean-levels.js';

describe('/cleanls deletion rules', () => {
  it.each([
    ['HIGH', false, ['HIGH']],
    ['HIGH_MEDIUM', false, ['HIGH', 'MEDIUM']],
    ['MEDIUM', false, ['MEDIUM']],
    ['LOW', false, ['LOW']],
    ['ALL', false, ['HIGH', 'MEDIUM', 'LOW']],
    ['ALL', true, ['HIGH', 'MEDIUM', 'LOW', 'TRUSTED']],
    ['HIGH', true, ['HIGH']],
  ] as const)('%s (trusted confirmed: %s) deletes %j', (level, trusted, risks) => {
    expect([...deletableRisks(level, trusted)].sort()).toEqual([...risks].sort());
  });

  it.each(CLEAN_LEVELS)('%s never deletes UNCLASSIFIED or UNKNOWN', (level) => {
    expect(cleanLevelRisks(level)).not.toContain('UNCLASSIFIED');
    for (const trusted of [false, true]) {
      expect(deletableRisks(level, trusted)).not.toContain('UNCLASSIFIED');
      expect(deletableRisks(level, trusted)).not.toContain('UNKNOWN');
    }
  });

  it('only ALL reaches trusted sites, which need their own confirmation', () => {
    expect(CLEAN_LEVELS.filter(trustedNeedsConfirmation)).toEqual(['ALL']);
  });

  it.each([
    ['high', 'HIGH'],
    ['High-Medium', 'HIGH_MEDIUM'],
    ['HIGH+MEDIUM', 'HIGH_MEDIUM'],
    ['all', 'ALL'],
    ['HIGHEST', undefined],
    ['', undefined],
    [undefined, undefined],
  ] as const)('level word %j is %s', (word, level) => {
    expect(parseCleanLevel(word)).toBe(level);
  });
});

describe('clean levels map to risks as the original connector did, TRUSTED only in ALL', () => {
  it('has the exact table', () => {
    expect(Object.fromEntries(CLEAN_LEVELS.map((l) => [l, cleanLevelRisks(l)]))).toEqual({
      HIGH: ['HIGH'],
      HIGH_MEDIUM: ['HIGH', 'MEDIUM'],
      MEDIUM: ['MEDIUM'],
      LOW: ['LOW'],
      ALL: ['HIGH', 'MEDIUM', 'LOW', 'TRUSTED'],
    });
  });
});
