import { describe, expect, it } from 'vitest';
import { compareInstants, formatMpTime, isoOf, parseMpTime } from '../../../src/sources/maxpatrol/time.js';

describe('maxpatrol time parsing', () => {
  it.each([
    ['2024-11-28T06:52:17.0000001Z', '2024-11-28T06:52:17.000Z', 100],
    ['2024-11-28T06:41:03.1234567Z', '2024-11-28T06:41:03.123Z', 456_700],
    ['2024-11-28T05:59:59.999999Z', '2024-11-28T05:59:59.999Z', 999_000],
    ['2024-11-28T06:35:10.507Z', '2024-11-28T06:35:10.507Z', 0],
    ['2024-11-27T21:00:00.1Z', '2024-11-27T21:00:00.100Z', 0],
    ['2024-11-28T04:10:00Z', '2024-11-28T04:10:00.000Z', 0],
    ['2024-11-28T04:10:00', '2024-11-28T04:10:00.000Z', 0],
    ['2024-11-28T04:10:00.5', '2024-11-28T04:10:00.500Z', 0],
    ['2024-11-28 04:10:00', '2024-11-28T04:10:00.000Z', 0],
    ['2024-11-28T07:10:00.25+03:00', '2024-11-28T04:10:00.250Z', 0],
    ['2024-11-28T01:40:00-0230', '2024-11-28T04:10:00.000Z', 0],
    ['2024-11-28T04:10:00.123456789012z', '2024-11-28T04:10:00.123Z', 456_789],
  ])('%s → %s', (input, iso, subMsNs) => {
    const t = parseMpTime(input);
    expect(t && formatMpTime(t.ms)).toBe(iso);
    expect(t?.subMsNs).toBe(subMsNs);
    expect(isoOf(input)).toBe(iso);
  });

  it.each(['', 'yesterday', '2024-13-01T00:00:00Z', '2024-02-30T00:00:00Z', '2024-11-28T24:00:00Z', '2024-11-28T06:41:03.123Z garbage', '1732776063'])(
    'rejects %j',
    (input) => {
      expect(parseMpTime(input)).toBeUndefined();
    },
  );

  it('treats null and undefined as no time', () => {
    expect(parseMpTime(null)).toBeUndefined();
    expect(isoOf(undefined)).toBeUndefined();
  });

  it('orders times within one millisecond by their sub-millisecond digits', () => {
    const a = parseMpTime('2024-11-28T06:52:17.0000001Z')!;
    const b = parseMpTime('2024-11-28T06:52:17.0000002Z')!;
    const c = parseMpTime('2024-11-28T06:52:17Z')!;
    expect(compareInstants(a, b)).toBeLessThan(0);
    expect(compareInstants(c, a)).toBeLessThan(0);
    expect(compareInstants(a, a)).toBe(0);
  });
});
