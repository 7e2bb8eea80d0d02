import { describe, expect, it } from 'vitest';
import { deletableRisks } from '../../../src/commands/cleanls.js';
import { CLEAN_LEVELS } from '../../../src/sources/sophos/intelix.js';

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
    for (const trusted of [false, true]) {
      expect(deletableRisks(level, trusted)).not.toContain('UNCLASSIFIED');
      expect(deletableRisks(level, trusted)).not.toContain('UNKNOWN');
    }
  });
});
