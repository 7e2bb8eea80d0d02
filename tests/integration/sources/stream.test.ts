/**
 * A stream through every source and the real pipeline (reliability.md 13, 14 and the restart cases): 250 new
 * items in pages of 50 with ten sharing one millisecond across a page boundary, a process that dies
 * mid-stream and a new one that carries on from the stored cursor, and an item indexed late inside the
 * look-back. Every item is stored exactly once, in time order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentDraft } from '../../../src/core/incident.js';
import type { SourceAdapter, Store } from '../../../src/core/ports.js';
import { createHarness } from '../../support/pipeline-harness.js';
import { SOURCES, startDriver, type Driver } from './drivers.js';

const NOW = '2026-03-02T08:00:00.000Z';
const START = Date.parse('2026-03-02T07:00:00.000Z');

let driver: Driver | undefined;
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  await driver?.close();
  driver = undefined;
});

/** Items 0…249 one second apart, except 45…54, which share one millisecond across the 50-item page boundary. */
function addStream(d: Driver): string[] {
  const ids: string[] = [];
  for (let i = 0; i < 250; i++) {
    const ms = i >= 45 && i <= 54 ? START + 45_000 : START + i * 1000;
    ids.push(d.addItem({ time: new Date(ms).toISOString(), title: `Stream item ${i}` }));
  }
  return ids;
}

/** The adapter with every draft it hands out recorded; `crashAfter` polls, the next one throws (the process died). */
function recorded(source: SourceAdapter, seen: IncidentDraft[], crashAfter = Number.POSITIVE_INFINITY): SourceAdapter {
  let polls = 0;
  return {
    id: source.id,
    async poll(cursor, signal) {
      if (++polls > crashAfter) throw new Error('process killed');
      const result = await source.poll(cursor, signal);
      seen.push(...result.drafts);
      return result;
    },
  };
}

function expectOnceInOrder(drafts: readonly IncidentDraft[], ids: readonly string[]): void {
  const first = new Map<string, IncidentDraft>();
  for (const d of drafts) if (!first.has(d.sourceId)) first.set(d.sourceId, d);
  expect([...first.keys()].sort()).toEqual([...ids].sort());
  const times = [...first.values()].map((d) => Date.parse(d.createdAt));
  expect(times).toEqual([...times].sort((a, b) => a - b));
}

describe.each(SOURCES)('%s: a stream', (name) => {
  it('delivers 250 items in pages of 50, ten of them sharing a millisecond across a page boundary, each once and in order', async () => {
    driver = await startDriver(name, { now: NOW, pageSize: 50 });
    const ids = addStream(driver);
    const seen: IncidentDraft[] = [];
    const h = await createHarness({ source: recorded(driver.source, seen) });
    stores.push(h.store);
    const totals = await h.pipeline.pollOnce(name, new AbortController().signal);
    expect(totals.created).toBe(250);
    expectOnceInOrder(seen, ids);
    // A later poll adds nothing.
    driver.clock.advance(60_000);
    expect((await h.pipeline.pollOnce(name, new AbortController().signal)).created).toBe(0);
  });

  it('a process killed mid-stream: a new one continues from the stored cursor, nothing lost, nothing stored twice', async () => {
    driver = await startDriver(name, { now: NOW, pageSize: 50 });
    const ids = addStream(driver);
    const seen: IncidentDraft[] = [];
    const before = await createHarness({ source: recorded(driver.source, seen, 2) });
    const signal = new AbortController().signal;
    await expect(before.pipeline.pollOnce(name, signal)).rejects.toThrow('process killed');
    const stored = new Set<string>();
    for await (const [ref] of before.incidents.entries()) stored.add(ref);
    expect(stored.size).toBeGreaterThan(0);
    expect(stored.size).toBeLessThan(250);

    driver.clock.advance(30_000);
    const after = await createHarness({ store: before.store, source: recorded(driver.rebuild(), seen) });
    stores.push(after.store);
    const totals = await after.pipeline.pollOnce(name, signal);
    expect(totals.created).toBe(250 - stored.size);
    expectOnceInOrder(seen, ids);
  });

  it('delivers an item indexed late but inside the look-back, once', async () => {
    driver = await startDriver(name, { now: NOW });
    const h = await createHarness({ source: driver.source });
    stores.push(h.store);
    const signal = new AbortController().signal;
    driver.addItem({ time: '2026-03-02T07:59:00.000Z' });
    expect((await h.pipeline.pollOnce(name, signal)).created).toBe(1);
    driver.clock.advance(60_000);
    // Written now, stamped two minutes ago: behind the cursor, inside the five-minute look-back.
    driver.addItem({ time: '2026-03-02T07:58:00.000Z' });
    expect((await h.pipeline.pollOnce(name, signal)).created).toBe(1);
    driver.clock.advance(60_000);
    expect((await h.pipeline.pollOnce(name, signal)).created).toBe(0);
  });
});
