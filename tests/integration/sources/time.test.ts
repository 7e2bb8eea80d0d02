/**
 * Time handling for every source (reliability.md 47), through the real pipeline: vendor times without an offset
 * (UTC, never the host's zone: this file runs with the process in UTC+5), with `+03:00`, across both DST
 * switches, stamped in the future, and a local clock stepped back an hour. Nothing is skipped, nothing is
 * announced twice, and the stored cursor never moves backwards.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { incidentRef } from '../../../src/core/incident.js';
import { stringRecord } from '../../../src/store/records.js';
import { createHarness } from '../../support/pipeline-harness.js';
import { SOURCES, startDriver, type Driver, type SourceName } from './drivers.js';

const savedTz = process.env.TZ;
beforeAll(() => {
  // A zone far from UTC: a time without an offset read as local would be five hours off.
  process.env.TZ = 'Asia/Yekaterinburg';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

let driver: Driver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function rig(name: SourceName, now: string) {
  driver = await startDriver(name, { now });
  const d = driver;
  const h = await createHarness({ source: d.source });
  const cursors = h.store.collection('cursors', stringRecord);
  const signal = new AbortController().signal;
  const times: number[] = [];
  return {
    d,
    h,
    /** One pipeline poll; checks the cursor never moved backwards and returns how many incidents were new. */
    async poll(): Promise<number> {
      const { created } = await h.pipeline.pollOnce(name, signal);
      const t = d.cursorTime(await cursors.get(name));
      if (t !== undefined) {
        if (times.length > 0) expect(t).toBeGreaterThanOrEqual(times.at(-1) as number);
        times.push(t);
      }
      return created;
    },
    createdAt: async (id: string): Promise<string | undefined> => (await h.incidents.get(incidentRef(name, id)))?.createdAt,
    cursorTime: async (): Promise<number | undefined> => d.cursorTime(await cursors.get(name)),
  };
}

describe.each(SOURCES)('%s: time', (name) => {
  it('reads a time without an offset as UTC and honours +03:00', async () => {
    const r = await rig(name, '2026-03-02T08:00:00.000Z');
    const plain = r.d.addItem({ time: '2026-03-02T07:58:00' });
    const offset = r.d.addItem({ time: '2026-03-02T10:58:30+03:00' });
    expect(await r.poll()).toBe(2);
    expect(await r.createdAt(plain)).toBe('2026-03-02T07:58:00.000Z');
    expect(await r.createdAt(offset)).toBe('2026-03-02T07:58:30.000Z');
    // Read again after a minute: the overlap brings both back, the pipeline stores nothing new.
    r.d.clock.advance(60_000);
    expect(await r.poll()).toBe(0);
  });

  it('keeps order and loses nothing across the spring and autumn DST switches written with local offsets', async () => {
    const r = await rig(name, '2026-03-29T01:05:00.000Z');
    // 02:00 CET does not exist: the wall clock jumps to 03:00 CEST. These two are one minute apart.
    const before = r.d.addItem({ time: '2026-03-29T01:59:30+01:00' });
    const after = r.d.addItem({ time: '2026-03-29T03:00:30+02:00' });
    expect(await r.poll()).toBe(2);
    expect(await r.createdAt(before)).toBe('2026-03-29T00:59:30.000Z');
    expect(await r.createdAt(after)).toBe('2026-03-29T01:00:30.000Z');

    // In October the wall clock repeats 02:00–03:00: a later event may show an earlier local time.
    r.d.clock.set('2026-10-25T01:15:00.000Z');
    const summer = r.d.addItem({ time: '2026-10-25T02:30:00+02:00' });
    const winter = r.d.addItem({ time: '2026-10-25T02:10:00+01:00' });
    expect(await r.poll()).toBe(2);
    expect(await r.createdAt(summer)).toBe('2026-10-25T00:30:00.000Z');
    expect(await r.createdAt(winter)).toBe('2026-10-25T01:10:00.000Z');
    expect(await r.cursorTime()).toBe(Date.parse('2026-10-25T01:10:00.000Z'));
  });

  it('delivers an item stamped 10 minutes in the future once, and still sees items written after it', async () => {
    const r = await rig(name, '2026-03-02T08:00:00.000Z');
    r.d.addItem({ time: '2026-03-02T07:59:00.000Z' });
    const future = r.d.addItem({ time: '2026-03-02T08:10:00.000Z' });
    expect(await r.poll()).toBe(2);
    expect(await r.createdAt(future)).toBe('2026-03-02T08:10:00.000Z');
    // The cursor went no further than our clock, so the next window still starts before "now".
    expect(await r.cursorTime()).toBeLessThanOrEqual(Date.parse('2026-03-02T08:00:00.000Z'));

    r.d.clock.set('2026-03-02T08:02:00.000Z');
    const between = r.d.addItem({ time: '2026-03-02T08:01:00.000Z' });
    expect(await r.poll()).toBe(1);
    expect(await r.createdAt(between)).toBe('2026-03-02T08:01:00.000Z');

    r.d.clock.set('2026-03-02T08:12:00.000Z');
    expect(await r.poll()).toBe(0);
  });

  it('with the local clock stepped back an hour: new items arrive on time, old ones do not repeat, the cursor stays', async () => {
    const r = await rig(name, '2026-03-02T08:00:00.000Z');
    r.d.addItem({ time: '2026-03-02T07:59:00.000Z' });
    expect(await r.poll()).toBe(1);
    const reached = await r.cursorTime();

    r.d.clock.set('2026-03-02T07:00:00.000Z');
    const b = r.d.addItem({ time: '2026-03-02T08:00:30.000Z' });
    expect(await r.poll()).toBe(1);
    expect(await r.createdAt(b)).toBe('2026-03-02T08:00:30.000Z');
    expect(await r.cursorTime()).toBeGreaterThanOrEqual(reached ?? 0);

    r.d.clock.advance(60_000);
    r.d.addItem({ time: '2026-03-02T08:01:30.000Z' });
    expect(await r.poll()).toBe(1);

    // The clock is put right again: nothing is announced a second time.
    r.d.clock.set('2026-03-02T08:05:00.000Z');
    expect(await r.poll()).toBe(0);
  });
});
