/**
 * The Elastic source inside the real core pipeline (store, ledger, cursor, outbox): late building blocks update
 * the stored incident instead of creating one, and an outage leaves the stored cursor where it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/core/incident.js';
import type { SourceAdapter } from '../../../src/core/ports.js';
import { createElasticSource } from '../../../src/sources/elastic/index.js';
import { parseCursor } from '../../../src/sources/elastic/query.js';
import { startFakeElasticsearch, type FakeElasticsearch } from '../../support/fakes/elasticsearch.js';
import { createHarness, type FakeSource } from '../../support/pipeline-harness.js';
import { C2_ID, SHELL_ID, eqlGroup, singleAlerts } from '../../unit/elastic/fixtures.js';
import { API_KEY, config, deps, memoryState, testClock } from './support.js';

let fake: FakeElasticsearch | undefined;
let adapter: SourceAdapter | undefined;

afterEach(async () => {
  await adapter?.close?.();
  await fake?.close();
  fake = undefined;
  adapter = undefined;
});

describe('elastic source in the pipeline', () => {
  it('stores the group once, attaches late blocks to it, and keeps the cursor through an outage', async () => {
    const [shell, b0, b1, b2, b3, b4] = eqlGroup();
    const c2 = singleAlerts().find((a) => a._id === C2_ID);
    if (!shell || !b0 || !b1 || !b2 || !b3 || !b4 || !c2) throw new Error('fixture');
    fake = await startFakeElasticsearch({ apiKey: API_KEY, docs: [shell, b0, b1, b2, c2] });
    const clock = testClock('2025-06-02T10:10:00.000Z');
    adapter = createElasticSource(config(fake.url, { initialLookback: 3 * 3600 }), deps(clock, memoryState()));
    const h = await createHarness({ source: adapter as unknown as FakeSource });
    const signal = new AbortController().signal;

    expect(await h.pipeline.pollOnce('elastic', signal)).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const cursors = h.store.collection<string>('cursors', { parse: (v) => String(v) });
    const afterFirst = await cursors.get('elastic');
    expect(parseCursor(afterFirst)?.t).toBe('2025-06-02T10:05:30.118Z');

    // Two building blocks are written late, after the shell left the look-back window.
    for (const b of [b3, b4]) fake.docs.push({ ...b, _source: { ...b._source, '@timestamp': '2025-06-02T10:20:00.000Z' } });
    clock.set('2025-06-02T10:25:00.000Z');
    expect(await h.pipeline.pollOnce('elastic', signal)).toEqual({ created: 0, updated: 1, unchanged: 1 });
    const stored = await h.incidents.get(`elastic:${SHELL_ID}`) as Incident;
    expect(stored.subEvents.map((e) => e.id)).toEqual([b0, b1, b2, b3, b4].map((b) => b._id));
    expect(stored.revision).toBe(2);
    const afterSecond = await cursors.get('elastic');
    expect(parseCursor(afterSecond)?.t).toBe('2025-06-02T10:20:00.000Z');

    // An outage: the poll fails and the stored cursor does not move.
    fake.fault({ type: 'status', status: 500 });
    clock.set('2025-06-02T10:30:00.000Z');
    await expect(h.pipeline.pollOnce('elastic', signal)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(await cursors.get('elastic')).toBe(afterSecond);
    // Recovery re-reads the late blocks (window 10:15–10:30): known rows, nothing new.
    expect(await h.pipeline.pollOnce('elastic', signal)).toEqual({ created: 0, updated: 0, unchanged: 1 });
    await h.store.close();
  });
});
