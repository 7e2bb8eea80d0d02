import { describe, expect, it } from 'vitest';
import { parseCursor, serializeCursor } from '../../../src/sources/maxpatrol/cursor.js';

describe('maxpatrol cursor', () => {
  it('round-trips the max creation time and a continuation', () => {
    const created = Date.parse('2024-11-28T06:41:03.123Z');
    const from = Date.parse('2024-11-28T06:00:00.000Z');
    expect(parseCursor(serializeCursor({ createdMs: created }))).toEqual({ createdMs: created });
    expect(serializeCursor({ createdMs: created, fromMs: from, offset: 99 })).toBe(
      '{"created":"2024-11-28T06:41:03.123Z","from":"2024-11-28T06:00:00.000Z","offset":99}',
    );
    expect(parseCursor(serializeCursor({ createdMs: created, fromMs: from, offset: 99 }))).toEqual({ createdMs: created, fromMs: from, offset: 99 });
  });

  it('an absent cursor is undefined, and serialising nothing gives nothing', () => {
    expect(parseCursor(undefined)).toBeUndefined();
    expect(parseCursor('')).toBeUndefined();
    expect(serializeCursor({})).toBeUndefined();
  });

  it.each(['not json', '[]', '{"created": 5}', '{"created": "yesterday"}', '{"from": "2024-11-28T06:00:00Z", "offset": -1}', '"2024-11-28T06:00:00Z"'])(
    'flags %j as invalid',
    (text) => {
      expect(parseCursor(text)).toBe('invalid');
    },
  );
});
