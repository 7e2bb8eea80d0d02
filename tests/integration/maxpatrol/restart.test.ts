import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeMaxpatrol, type FakeMaxpatrol } from '../../support/fakes/maxpatrol.js';
import { PipelineSim, makeItems, testClock, sourceFor } from './helpers.js';

const NOW = '2024-11-28T07:00:00.000Z';
const OPTIONS = { pageSize: 10, maxPagesPerPoll: 2, lookback: 300 };

function repeats(deliveries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of deliveries) (seen.has(id) ? twice : seen).add(id);
  return twice;
}

describe('maxpatrol restart mid-stream', () => {
  let fake: FakeMaxpatrol;

  beforeEach(async () => {
    fake = await startFakeMaxpatrol();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('a fresh instance given the last saved cursor misses nothing; only ids seen before the restart repeat', async () => {
    const backlog = makeItems(120, '2024-11-28T06:00:00.000Z', 1000, 'a');
    fake.add(...backlog);
    const clock = testClock(NOW);
    const pipeline = new PipelineSim();
    const before = sourceFor(fake, clock, OPTIONS);
    expect((await pipeline.pollOnce(before)).more).toBe(true);
    expect((await pipeline.pollOnce(before)).more).toBe(true);
    const seenBeforeRestart = new Set(pipeline.deliveries);
    // Two capped polls of 2×10, the second continuing one item back.
    expect(seenBeforeRestart.size).toBe(39);

    // While the bot is down, more incidents arrive, some in the same second as the backlog's end.
    const arrived = [...makeItems(5, '2024-11-28T06:01:59.000Z', 0, 'b'), ...makeItems(15, '2024-11-28T06:30:00.000Z', 1000, 'c')];
    fake.add(...arrived);
    clock.advance(10 * 60_000);

    const after = sourceFor(fake, clock, OPTIONS);
    await pipeline.drain(after);
    const all = [...backlog, ...arrived].map((i) => i.id);
    expect(new Set(pipeline.deliveries)).toEqual(new Set(all));
    for (const id of repeats(pipeline.deliveries)) expect(seenBeforeRestart).toContain(id);
  });

  it('a crash after enqueue but before the cursor write re-reads that poll, and nothing is missed', async () => {
    const backlog = makeItems(60, '2024-11-28T06:00:00.000Z', 1000, 'a');
    fake.add(...backlog);
    const clock = testClock(NOW);
    const pipeline = new PipelineSim();
    const before = sourceFor(fake, clock, OPTIONS);
    await pipeline.pollOnce(before);
    const savedCursor = pipeline.cursor;
    // The second poll's drafts were stored, then the process died before its cursor was written.
    await pipeline.pollOnce(before);
    const seenBeforeRestart = new Set(pipeline.deliveries);
    pipeline.cursor = savedCursor;

    const after = sourceFor(fake, clock, OPTIONS);
    await pipeline.drain(after);
    expect(new Set(pipeline.deliveries)).toEqual(new Set(backlog.map((i) => i.id)));
    const repeated = repeats(pipeline.deliveries);
    expect(repeated.size).toBeGreaterThan(0);
    for (const id of repeated) expect(seenBeforeRestart).toContain(id);
  });

  it('after a completed stream, a restart re-reads only the look-back overlap and delivers what arrived while down', async () => {
    const early = makeItems(30, '2024-11-28T06:40:00.000Z', 20_000, 'a');
    fake.add(...early);
    const clock = testClock(NOW);
    const pipeline = new PipelineSim();
    await pipeline.drain(sourceFor(fake, clock, OPTIONS));
    const seenBeforeRestart = new Set(pipeline.deliveries);
    const cursor = JSON.parse(pipeline.cursor ?? '') as { created: string };
    expect(cursor).toEqual({ created: '2024-11-28T06:49:40.000Z' });

    const arrived = makeItems(7, '2024-11-28T06:55:00.000Z', 1000, 'b');
    fake.add(...arrived);
    const deliveredBefore = pipeline.deliveries.length;
    await pipeline.drain(sourceFor(fake, clock, OPTIONS));
    const afterRestart = pipeline.deliveries.slice(deliveredBefore);

    const overlapStart = Date.parse(cursor.created) - 300_000;
    const inOverlap = early.filter((i) => Date.parse(i.created) >= overlapStart).map((i) => i.id);
    expect(new Set(afterRestart)).toEqual(new Set([...inOverlap, ...arrived.map((i) => i.id)]));
    for (const id of repeats(pipeline.deliveries)) expect(seenBeforeRestart).toContain(id);
  });
});
