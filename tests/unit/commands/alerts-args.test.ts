import { describe, expect, it } from 'vitest';
import { isUnitWord, parseAlertsArgs, parseDays, tokens } from '../../../src/commands/args.js';

describe('/alerts day argument', () => {
  it.each(['1', '2', '9', '10', '45', '89', '90'])('%s is accepted', (value) => {
    expect(parseDays(value)).toBe(Number(value));
  });

  it.each(['0', '91', '500', '-1', '+1', '7.5', '7.0', '1e1', '0x10', '0b1', '٣', '３', '07', '00', '', ' 7', '7 ', 'abc', '99999999999999999999', 'Infinity', 'NaN'])(
    '%j is refused',
    (value) => {
      expect(parseDays(value)).toBeUndefined();
    },
  );
});

describe('/alerts arguments', () => {
  it.each([
    ['', { ok: true, days: 1 }],
    ['   ', { ok: true, days: 1 }],
    ['7', { ok: true, days: 7 }],
    ['7 Acme', { ok: true, days: 7, tenant: 'Acme' }],
    ['30  Acme   Corp', { ok: true, days: 30, tenant: 'Acme Corp' }],
    ['30\u00a0Acme', { ok: true, days: 30, tenant: 'Acme' }],
    ['7 all', { ok: true, days: 7 }],
    ['7 ALL', { ok: true, days: 7 }],
    ['7 *', { ok: true, days: 7 }],
    ['7 all stars', { ok: true, days: 7, tenant: 'all stars' }],
  ])('%j → %j', (args, expected) => {
    expect(parseAlertsArgs(args)).toEqual(expected);
  });

  it.each(['abc', 'Acme', '7 days', '7 day', '7 d', '7 дней', '7 дня', '3 nap', '3 napot', '0', '91', '7.5', '1e1', '0x10', '٣', '-1', '""', '7 ""'])(
    '%j is a usage error',
    (args) => {
      expect(parseAlertsArgs(args)).toEqual({ ok: false });
    },
  );

  it('recognises unit words only as whole words', () => {
    expect(isUnitWord('days')).toBe(true);
    expect(isUnitWord('Dayton')).toBe(false);
    expect(tokens(' a \t b\u3000c ')).toEqual(['a', 'b', 'c']);
  });
});
