import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeIllumioDiagnostics, freshCursor, illumioDiagnostics, MAX_SEEN, pruneSeen, readCursor, writeCursor } from '../../../src/sources/illumio/cursor.js';
import { admit, emptyBook, parseThrottle } from '../../../src/sources/illumio/throttle.js';
import { recordingLogger } from '../../support/state.js';

const T0 = Date.parse('2026-03-02T07:00:00.000Z');

function stateWithThrottles(): string {
  const book = emptyBook();
  const limited = parseThrottle('1/1h');
  const muted = parseThrottle('0/24h');
  for (let i = 0; i < 4; i++) admit(book, 'user.*', 'user.sign_in', limited, T0 + i * 1000, 'info');
  for (let i = 0; i < 7; i++) admit(book, 'noise', 'agent.update', muted, T0 + i * 1000, 'info');
  return writeCursor({ ts: new Date(T0 + 10_000).toISOString(), seen: { '/orgs/1/events/a': T0 }, throttle: book, truncated: 0 });
}

describe('cursor', () => {
  it('round-trips', () => {
    const text = stateWithThrottles();
    const state = readCursor(text);
    expect(writeCursor(state)).toBe(text);
  });

  it('starts fresh (first-run look-back) on a missing, non-JSON or foreign cursor, and says so', () => {
    const logger = recordingLogger();
    expect(readCursor(undefined)).toEqual(freshCursor());
    expect(readCursor('not json', logger)).toEqual(freshCursor());
    expect(readCursor('{"v":2,"ts":"2026-01-01T00:00:00Z"}', logger)).toEqual(freshCursor());
    expect(readCursor('{"v":1,"ts":"garbage"}', logger)).toEqual(freshCursor());
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(3);
  });

  it('keeps only overlap entries at or after the next start, newest first within the cap', () => {
    expect(pruneSeen({ a: 1, b: 5, c: 10 }, 5)).toEqual({ seen: { c: 10, b: 5 }, dropped: 0 });
    const many = Object.fromEntries(Array.from({ length: MAX_SEEN + 3 }, (_, i) => [`h${i}`, i]));
    const pruned = pruneSeen(many, 0);
    expect(pruned.dropped).toBe(3);
    expect(pruned.seen.h0).toBeUndefined();
    expect(pruned.seen[`h${MAX_SEEN + 2}`]).toBe(MAX_SEEN + 2);
  });
});

describe('illumioDiagnostics (for /debug)', () => {
  it('reports suppressed totals by key and the open windows', () => {
    const d = illumioDiagnostics(stateWithThrottles());
    expect(d).toMatchObject({ watermark: '2026-03-02T07:00:10.000Z', tracked: 1, suppressedTotal: 10, truncatedWindows: 0 });
    expect(d?.suppressedByKey).toEqual([
      { key: 'noise>agent.update', count: 7 },
      { key: 'user.*>user.sign_in', count: 3 },
    ]);
    expect(d?.windows).toEqual([
      { key: 'noise>agent.update', watcher: 'noise', eventType: 'agent.update', start: '2026-03-02T07:00:00.000Z', end: '2026-03-03T07:00:00.000Z', limit: 0, emitted: 0, suppressed: 7, muted: true },
      { key: 'user.*>user.sign_in', watcher: 'user.*', eventType: 'user.sign_in', start: '2026-03-02T07:00:00.000Z', end: '2026-03-02T08:00:00.000Z', limit: 1, emitted: 1, suppressed: 3, muted: false },
    ]);
  });

  it('drops windows that have ended at the given time; totals stay', () => {
    const d = illumioDiagnostics(stateWithThrottles(), new Date(T0 + 2 * 3_600_000));
    expect(d?.windows.map((w) => w.key)).toEqual(['noise>agent.update']);
    expect(d?.suppressedTotal).toBe(10);
  });

  it('is undefined before the first poll', () => {
    expect(illumioDiagnostics(undefined)).toBeUndefined();
  });

  it('describes itself in localisable lines whose ids exist in every locale', () => {
    const lines = describeIllumioDiagnostics(illumioDiagnostics(stateWithThrottles()));
    expect(lines[0]).toEqual({ key: 'illumio-debug-watermark', vars: { time: '2026-03-02T07:00:10.000Z', tracked: 1 } });
    expect(lines).toContainEqual({ key: 'illumio-debug-suppressed-total', vars: { count: 10 } });
    expect(lines).toContainEqual({ key: 'illumio-debug-window-muted', vars: { key: 'noise>agent.update', limit: 0, emitted: 0, suppressed: 7, until: '2026-03-03T07:00:00.000Z' } });
    const keys = new Set([...lines.map((l) => l.key), ...describeIllumioDiagnostics(undefined).map((l) => l.key), 'illumio-debug-truncated']);
    for (const lang of ['en', 'ru', 'hu']) {
      const text = readFileSync(new URL(`../../../locales/${lang}.ftl`, import.meta.url), 'utf8');
      for (const key of keys) expect(text.includes(`\n${key} =`), `${lang}: ${key}`).toBe(true);
    }
  });
});
