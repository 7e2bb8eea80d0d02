import { describe, expect, it } from 'vitest';
import type { IncidentDraft } from '../../../src/core/incident.js';
import { createElasticSource } from '../../../src/sources/elastic/index.js';
import { parseCursor } from '../../../src/sources/elastic/query.js';
import type { FakeHit } from '../../support/fakes/elasticsearch.js';
import { C2_ID, deriveAlert, deriveGroup, singleAlerts } from '../../unit/elastic/fixtures.js';
import { config, controller, deps, elasticLifecycle, incidentBook, memoryState, testClock } from './support.js';

const { start, track } = elasticLifecycle();

const BASE = Date.parse('2025-06-02T10:00:00.000Z');

/** 250 matching alerts one second apart, except #45–#54 which share one millisecond across the 50-hit page boundary. */
function stream(count = 250): FakeHit[] {
  const c2 = singleAlerts().find((a) => a._id === C2_ID);
  if (!c2) throw new Error('fixture');
  const out: FakeHit[] = [];
  for (let i = 0; i < count; i++) {
    const ms = i >= 45 && i <= 54 ? BASE + 45_000 : BASE + i * 1000;
    out.push(deriveAlert(c2, `stream-${i}`, new Date(ms).toISOString(), { 'kibana.alert.rule.name': `TRI_stream ${i}` }));
  }
  // Stored in random order: the order of the answer must come from the sort, not from insertion.
  return out.sort((a, b) => (a._id < b._id ? -1 : 1));
}

function ids(drafts: readonly IncidentDraft[]): string[] {
  return drafts.map((d) => d.sourceId);
}

describe('elastic source: paging', () => {
  it('reads 250 alerts in pages of 50 with search_after, each once, across a page boundary inside one millisecond', async () => {
    const docs = stream();
    const fake = await start(docs);
    const clock = testClock('2025-06-02T10:30:00.000Z');
    const source = track(createElasticSource(config(fake.url), deps(clock)));
    const result = await source.poll(undefined, controller());

    expect(result.drafts).toHaveLength(250);
    expect(new Set(ids(result.drafts)).size).toBe(250);
    expect(new Set(ids(result.drafts))).toEqual(new Set(docs.map((d) => d._id)));
    // Ascending by time, as the sort asks.
    const times = result.drafts.map((d) => d.updatedAt ?? '');
    expect([...times].sort()).toEqual(times);
    expect(result.more).toBeUndefined();

    const searches = fake.searches();
    expect(searches).toHaveLength(6); // 5 full pages, then an empty one ends the loop
    expect(searches[0]?.body).not.toHaveProperty('search_after');
    for (const s of searches.slice(1)) {
      const after = (s.body as { search_after?: unknown[] }).search_after;
      expect(after).toHaveLength(2);
      expect(typeof after?.[0]).toBe('number');
      expect(typeof after?.[1]).toBe('string');
    }
    // Page 2 starts inside the shared millisecond: the tiebreaker carries it.
    expect((searches[1]?.body as { search_after: unknown[] }).search_after[0]).toBe(BASE + 45_000);
    expect(parseCursor(result.nextCursor)?.t).toBe(new Date(BASE + 249_000).toISOString());
  });

  it('stops at the page cap with more=true, and a restart continues from the saved cursor: nothing missed, nothing twice', async () => {
    const fake = await start(stream());
    const clock = testClock('2025-06-02T10:30:00.000Z');
    const state = memoryState();
    const cfg = config(fake.url, { maxPagesPerPoll: 2 });
    const book = incidentBook();

    const first = await track(createElasticSource(cfg, deps(clock, state))).poll(undefined, controller());
    expect(first.drafts).toHaveLength(100);
    expect(first.more).toBe(true);
    const saved = parseCursor(first.nextCursor);
    expect(saved?.resume?.from).toBe('2025-06-02T09:30:00.000Z');
    book.apply(first.drafts);

    // Process restart: a new adapter and client, the same state store, the saved cursor.
    clock.advance(5_000);
    const second = await track(createElasticSource(cfg, deps(clock, state))).poll(first.nextCursor, controller());
    expect(second.drafts).toHaveLength(100);
    expect(second.more).toBe(true);
    expect(ids(second.drafts).filter((id) => ids(first.drafts).includes(id))).toEqual([]);

    // A crash after fetching but before the cursor was saved: the same cursor is polled again (at-least-once).
    const replay = await track(createElasticSource(cfg, deps(clock, state))).poll(first.nextCursor, controller());
    expect(ids(replay.drafts)).toEqual(ids(second.drafts));
    book.apply(replay.drafts);
    book.apply(second.drafts);

    clock.advance(5_000);
    const third = await track(createElasticSource(cfg, deps(clock, state))).poll(second.nextCursor, controller());
    expect(third.drafts).toHaveLength(50);
    expect(third.more).toBeUndefined();
    expect(parseCursor(third.nextCursor)?.resume).toBeUndefined();
    book.apply(third.drafts);

    expect(book.created).toBe(250);
    expect(book.updated).toBe(0);
    expect(new Set([...ids(first.drafts), ...ids(second.drafts), ...ids(third.drafts)]).size).toBe(250);
  });

  it('assembles a group whose building blocks straddle a page boundary into one incident', async () => {
    const group = deriveGroup('big', '2025-06-02T10:10:00.000Z', 60);
    const fake = await start(group);
    const clock = testClock('2025-06-02T10:30:00.000Z');
    const source = track(createElasticSource(config(fake.url, { pageSize: 25 }), deps(clock)));
    const { drafts } = await source.poll(undefined, controller());
    expect(drafts).toHaveLength(1);
    expect(drafts[0]?.sourceId).toBe(group[0]?._id);
    expect(drafts[0]?.subEvents).toHaveLength(60);
  });

  it('never moves the cursor backwards when the newest alerts disappear from the window', async () => {
    const fake = await start(stream(10));
    const clock = testClock('2025-06-02T10:30:00.000Z');
    const source = track(createElasticSource(config(fake.url), deps(clock)));
    const first = await source.poll(undefined, controller());
    const t = parseCursor(first.nextCursor)?.t;
    fake.docs = [];
    clock.advance(60_000);
    const second = await source.poll(first.nextCursor, controller());
    expect(second.drafts).toEqual([]);
    expect(parseCursor(second.nextCursor)?.t).toBe(t);
  });
});
