/**
 * Restarts mid-stream: the original notifier kept its watermark in memory and started at "now", so whatever
 * happened while it was down (or restarting) was lost. Here the cursor is what the pipeline saved; the adapter is
 * rebuilt from scratch with it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentDraft } from '../../../src/core/incident.js';
import { eventAt, illumioFixture, incidentLedger, startFakePce, type FakePce, type Json } from '../../support/fakes/illumio.js';
import { memoryState, testClock } from '../../support/state.js';
import { harness, ids, MINUTE, SECOND, T0 } from './helpers.js';

const sample = illumioFixture<Json[]>('events_pretty_cool_events_sample.json');
const edge = illumioFixture<Json[]>('events_composed_edge_cases.json');
const templates = [sample[0], sample[1], sample[2], sample[3], edge[0], edge[1], edge[3], edge[4], edge[5]] as Json[];

let pce: FakePce;
beforeEach(async () => {
  pce = await startFakePce();
});
afterEach(async () => {
  await pce.close();
});

/** Events arriving over time: template i at `start + ⌊i/2⌋·step`, so pairs share a millisecond. */
function batch(start: number, count: number, step: number): Json[] {
  return Array.from({ length: count }, (_, i) => {
    const template = templates[i % templates.length] as Json;
    const e = eventAt(template, start + Math.floor(i / 2) * step);
    // System events keep their own href shape.
    return String(template.href).startsWith('/system_events/') ? { ...e, href: String(e.href).replace(/^\/orgs\/1\/events\//, '/system_events/') } : e;
  });
}

function watermark(cursor: string | undefined): number {
  return Date.parse((JSON.parse(cursor ?? '{}') as { ts: string }).ts);
}

describe('restart mid-stream', () => {
  it('nothing lost, nothing twice: polls, a restart with the saved cursor, events during downtime, a full page on the way', async () => {
    const clock = testClock(new Date(T0).toISOString());
    const state = memoryState(clock);
    const ledger = incidentLedger();
    const emitted: IncidentDraft[] = [];
    const options = { maxResults: 8, lookback: 120, initialLookback: 600 };
    let cursor: string | undefined;

    const all: Json[] = [];
    const arrive = (events: Json[]): void => {
      all.push(...events);
      pce.events.push(...events);
    };

    // Before the first poll, some history inside the initial look-back.
    arrive(batch(T0 - 5 * MINUTE, 6, 20 * SECOND));
    let h = harness(pce, options, { clock, state });
    for (let round = 0; round < 3; round++) {
      arrive(batch(clock.now().getTime() - 30 * SECOND, 5, 7 * SECOND));
      const r = await h.poll(cursor);
      emitted.push(...r.drafts);
      ledger.apply(r.drafts);
      cursor = r.nextCursor ?? cursor;
      clock.advance(MINUTE);
    }

    // Down for 20 minutes (the adapter is gone), with a burst larger than max_results meanwhile, and one event
    // that the PCE indexed late: stamped before the last watermark but inside the look-back.
    const lateOne = eventAt(templates[0] as Json, watermark(cursor) - 30 * SECOND);
    clock.advance(20 * MINUTE);
    arrive(batch(clock.now().getTime() - 15 * MINUTE, 23, 3 * SECOND));
    arrive([lateOne]);

    h = harness(pce, options, { clock, state });
    for (let round = 0; round < 3; round++) {
      const r = await h.poll(cursor);
      emitted.push(...r.drafts);
      ledger.apply(r.drafts);
      cursor = r.nextCursor ?? cursor;
      if (round === 0) arrive(batch(clock.now().getTime(), 4, SECOND));
      clock.advance(MINUTE);
    }

    const expected = all.map((e) => String(e.href)).sort();
    expect([...ledger.posts].sort()).toEqual(expected);
    // The adapter itself emitted every event exactly once; the overlap re-reads were absorbed by the cursor.
    expect(ids(emitted).sort()).toEqual(expected);
    expect(ledger.posts).toContain(String(lateOne.href));
    expect(ledger.posts.some((href) => href.startsWith('/system_events/'))).toBe(true);
    // The downtime burst was larger than max_results: it was read by narrowing the window.
    expect(pce.eventRequests().some((r) => r.query['timestamp[lte]'] !== undefined)).toBe(true);
  });

  it('a crash before the cursor was saved re-emits the same drafts; the pipeline posts each once', async () => {
    const clock = testClock(new Date(T0).toISOString());
    const ledger = incidentLedger();
    pce.events = batch(T0 - 2 * MINUTE, 9, 10 * SECOND);
    const h = harness(pce, {}, { clock });
    const first = await h.poll(undefined);
    ledger.apply(first.drafts);
    // The process died after the drafts were enqueued but before nextCursor was written: the old cursor stays.
    const rebuilt = harness(pce, {}, { clock });
    const again = await rebuilt.poll(undefined);
    expect(ids(again.drafts)).toEqual(ids(first.drafts));
    ledger.apply(again.drafts);
    expect(ledger.posts).toHaveLength(9);
    expect(ledger.edits).toEqual([]);
  });

  it('a chat failure cannot advance the watermark: the cursor is only a return value, saved by the pipeline', async () => {
    const clock = testClock(new Date(T0).toISOString());
    pce.events = batch(T0 - MINUTE, 3, SECOND);
    const h = harness(pce, {}, { clock });
    const r = await h.poll(undefined);
    expect(r.drafts).toHaveLength(3);
    // Nothing was persisted by the adapter itself: its state namespace holds no cursor and no watermark.
    expect([...h.state.data.keys()].filter((k) => !k.startsWith('wl:') && !k.startsWith('lb:'))).toEqual([]);
    // Polling again with the old cursor (delivery failed, pipeline kept it) yields the same incidents.
    expect(ids((await h.poll(undefined)).drafts)).toEqual(ids(r.drafts));
  });
});
