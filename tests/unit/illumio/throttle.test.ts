import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { admit, collapseSourceId, emptyBook, MAX_COLLAPSED_SUB_EVENTS, parseThrottle, pruneWindows, throttleKey } from '../../../src/sources/illumio/throttle.js';

const T0 = Date.parse('2026-03-02T07:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('parseThrottle', () => {
  it('reads N/1h and N/24h, 0 mutes, none means unlimited', () => {
    expect(parseThrottle('5/1h')).toEqual({ limit: 5, windowMs: HOUR, text: '5/1h' });
    expect(parseThrottle('10/24h')).toEqual({ limit: 10, windowMs: 24 * HOUR, text: '10/24h' });
    expect(parseThrottle('0/1h')).toEqual({ limit: 0, windowMs: HOUR, text: '0/1h' });
    expect(parseThrottle(undefined)).toBeUndefined();
  });

  it('refuses an invalid spec instead of treating it as unlimited', () => {
    expect(() => parseThrottle('5/2h')).toThrow(AppError);
    expect(() => parseThrottle('five/1h')).toThrow(AppError);
  });
});

describe('admit', () => {
  it('lets the first N through, then collapses repeats with a growing count', () => {
    const book = emptyBook();
    const spec = parseThrottle('2/1h');
    const decisions = [0, 1, 2, 3, 4].map((i) => admit(book, 'user.*', 'user.sign_in', spec, T0 + i * MIN, 'info'));
    expect(decisions.map((d) => d.kind)).toEqual(['emit', 'emit', 'collapse', 'collapse', 'collapse']);
    const last = decisions[4];
    expect(last?.kind === 'collapse' && last.window).toMatchObject({ emitted: 2, suppressed: 3, attached: 3, start: '2026-03-02T07:00:00.000Z', firstSuppressed: '2026-03-02T07:02:00.000Z' });
    // One collapse incident per window: the id does not change as the count grows.
    const ids = decisions.filter((d) => d.kind === 'collapse').map((d) => (d.kind === 'collapse' ? collapseSourceId(d.key, d.window) : ''));
    expect(new Set(ids).size).toBe(1);
    expect(book.totals).toEqual({ total: 3, byKey: { 'user.*>user.sign_in': 3 } });
  });

  it('keeps event types and watchers apart', () => {
    const book = emptyBook();
    const spec = parseThrottle('1/1h');
    expect(admit(book, 'user.*', 'user.sign_in', spec, T0, 'info').kind).toBe('emit');
    expect(admit(book, 'user.*', 'user.sign_out', spec, T0, 'info').kind).toBe('emit');
    expect(admit(book, 'other', 'user.sign_in', spec, T0, 'info').kind).toBe('emit');
    expect(admit(book, 'user.*', 'user.sign_in', spec, T0 + 1, 'info').kind).toBe('collapse');
  });

  it('opens a new window (and a new collapse incident) after the window has passed', () => {
    const book = emptyBook();
    const spec = parseThrottle('1/1h');
    admit(book, 'w', 't', spec, T0, 'info');
    const first = admit(book, 'w', 't', spec, T0 + 59 * MIN, 'info');
    expect(first.kind).toBe('collapse');
    expect(admit(book, 'w', 't', spec, T0 + HOUR, 'info').kind).toBe('emit');
    const second = admit(book, 'w', 't', spec, T0 + HOUR + 1, 'info');
    expect(second.kind === 'collapse' && first.kind === 'collapse' && collapseSourceId(second.key, second.window) !== collapseSourceId(first.key, first.window)).toBe(true);
  });

  it('24h windows hold across hours', () => {
    const book = emptyBook();
    const spec = parseThrottle('1/24h');
    admit(book, 'w', 't', spec, T0, 'info');
    expect(admit(book, 'w', 't', spec, T0 + 23 * HOUR, 'info').kind).toBe('collapse');
    expect(admit(book, 'w', 't', spec, T0 + 24 * HOUR, 'info').kind).toBe('emit');
  });

  it('0/1h mutes: nothing emitted, every event counted', () => {
    const book = emptyBook();
    const spec = parseThrottle('0/1h');
    const kinds = [0, 1, 2].map((i) => admit(book, 'w', 'agent.tampering', spec, T0 + i, 'high').kind);
    expect(kinds).toEqual(['mute', 'mute', 'mute']);
    expect(book.totals.total).toBe(3);
    expect(book.windows[throttleKey('w', 'agent.tampering')]).toMatchObject({ limit: 0, emitted: 0, suppressed: 3 });
  });

  it('no throttle: always emit, nothing recorded', () => {
    const book = emptyBook();
    expect(admit(book, 'w', 't', undefined, T0, 'info').kind).toBe('emit');
    expect(book).toEqual(emptyBook());
  });

  it('attaches at most a fixed number of repeats as sub-events, the count goes on', () => {
    const book = emptyBook();
    const spec = parseThrottle('1/1h');
    const decisions = Array.from({ length: MAX_COLLAPSED_SUB_EVENTS + 6 }, (_, i) => admit(book, 'w', 't', spec, T0 + i, 'info'));
    const attached = decisions.filter((d) => d.kind === 'collapse' && d.attach).length;
    expect(attached).toBe(MAX_COLLAPSED_SUB_EVENTS);
    expect(book.windows['w>t']?.suppressed).toBe(MAX_COLLAPSED_SUB_EVENTS + 5);
  });

  it('remembers the highest severity among repeats so the collapse card never downgrades', () => {
    const book = emptyBook();
    const s2 = parseThrottle('1/1h');
    admit(book, 'w', 't', s2, T0, 'info');
    admit(book, 'w', 't', s2, T0 + 1, 'high');
    admit(book, 'w', 't', s2, T0 + 2, 'low');
    expect(book.windows['w>t']?.severity).toBe('high');
  });

  it('prunes windows that ended before the next read starts', () => {
    const book = emptyBook();
    admit(book, 'w', 'old', parseThrottle('1/1h'), T0, 'info');
    admit(book, 'w', 'new', parseThrottle('1/1h'), T0 + 2 * HOUR, 'info');
    pruneWindows(book, T0 + 2 * HOUR);
    expect(Object.keys(book.windows)).toEqual(['w>new']);
  });
});
