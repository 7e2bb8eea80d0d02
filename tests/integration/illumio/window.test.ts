import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventAt, illumioFixture, incidentLedger, startFakePce, type FakePce, type Json } from '../../support/fakes/illumio.js';
import { drain, harness, ids, MINUTE, SECOND, T0 } from './helpers.js';

const signIn = illumioFixture<Json[]>('events_pretty_cool_events_sample.json')[0] as Json;

let pce: FakePce;
beforeEach(async () => {
  pce = await startFakePce();
});
afterEach(async () => {
  await pce.close();
});

function hrefsOf(events: readonly Json[]): string[] {
  return events.map((e) => String(e.href));
}

describe('full pages narrow the window until nothing is missed', () => {
  it.each(['desc', 'shuffle'] as const)('43 events, max_results 7, bursts sharing a millisecond, PCE order %s', async (order) => {
    pce.order = order;
    const events: Json[] = [];
    for (let i = 0; i < 25; i++) events.push(eventAt(signIn, T0 + i * 37 * SECOND));
    // Two bursts of 9 in one millisecond each: more than max_results at one instant.
    for (let i = 0; i < 9; i++) events.push(eventAt(signIn, T0 + 10 * MINUTE + 123));
    for (let i = 0; i < 9; i++) events.push(eventAt(signIn, T0 + 20 * MINUTE));
    pce.events = events;
    const h = harness(pce, { maxResults: 7, maxRequestsPerPoll: 200 });
    const result = await h.poll(undefined);
    expect(result.more).toBeUndefined();
    expect(ids(result.drafts).sort()).toEqual(hrefsOf(events).sort());
    const requests = pce.eventRequests();
    // Narrowing used an upper bound, and the one-millisecond bursts were re-read at the PCE maximum.
    expect(requests.some((r) => r.query['timestamp[lte]'] !== undefined)).toBe(true);
    expect(requests.some((r) => r.query.max_results === '10000' && r.query['timestamp[gte]'] === '2026-03-02T07:10:00.123Z')).toBe(true);
    expect(requests.every((r) => Number(r.query.max_results) <= 10_000)).toBe(true);
    expect(h.source.diagnostics().lastPoll).toMatchObject({ events: 43, emitted: 43, more: false });
  });

  it('an answer one short of max_results is taken as complete (no extra requests)', async () => {
    pce.events = Array.from({ length: 6 }, (_, i) => eventAt(signIn, T0 + i * SECOND));
    const h = harness(pce, { maxResults: 7 });
    const result = await h.poll(undefined);
    expect(result.drafts).toHaveLength(6);
    expect(pce.eventRequests()).toHaveLength(1);
  });

  it('a busy PCE whose look-back overlap alone fills max_results: the overlap costs one request, the budget goes to new events', async () => {
    // 600 events a second apart; the 300 s overlap holds 300 of them, six times max_results.
    const events = Array.from({ length: 600 }, (_, i) => eventAt(signIn, T0 + i * SECOND));
    pce.events = events;
    const h = harness(pce, { maxResults: 50, maxRequestsPerPoll: 8, lookback: 300 });
    const result = await drain(h, undefined, 40);
    expect(new Set(ids(result.drafts)).size).toBe(600);
    expect(result.drafts).toHaveLength(600);
    // Once the overlap is full, it is read up to the old watermark in one request at the PCE maximum…
    expect(pce.eventRequests().some((r) => r.query.max_results === '10000' && r.query['timestamp[lte]'] !== undefined)).toBe(true);
    // …so each poll moves on by dozens of events, not by the two or three left after re-narrowing the overlap.
    expect(result.polls).toBeLessThan(30);
  });

  it('a request budget ends the poll early with `more`; the next polls finish the job, each event once', async () => {
    const events = Array.from({ length: 60 }, (_, i) => eventAt(signIn, T0 + i * 41 * SECOND));
    pce.events = events;
    const h = harness(pce, { maxResults: 5, maxRequestsPerPoll: 6 });
    const first = await h.poll(undefined);
    expect(first.more).toBe(true);
    expect(first.drafts.length).toBeGreaterThan(0);
    expect(first.drafts.length).toBeLessThan(60);
    const ledger = incidentLedger();
    ledger.apply(first.drafts);
    const rest = await drain(h, first.nextCursor);
    ledger.apply(rest.drafts);
    expect(rest.polls).toBeGreaterThan(1);
    // Every event posted once, and the source itself never emitted one twice.
    expect([...ledger.posts].sort()).toEqual(hrefsOf(events).sort());
    expect(first.drafts.length + rest.drafts.length).toBe(60);
    expect(pce.eventRequests().every((r) => r.query.max_results === '5' || r.query.max_results === '10000')).toBe(true);
  });

  it('a millisecond holding more than the PCE maximum is read as far as possible and reported', async () => {
    const at = new Date(T0 + 5 * MINUTE).toISOString();
    const burst = Array.from({ length: 10_003 }, (_, i) => ({ href: `/orgs/1/events/burst-${i}`, timestamp: at, event_type: 'agent.update', status: null }));
    const before = eventAt(signIn, T0 + MINUTE);
    const after = eventAt(signIn, T0 + 9 * MINUTE);
    pce.events = [before, ...burst, after];
    const h = harness(pce, { maxResults: 1000, maxRequestsPerPoll: 200 });
    const result = await h.poll(undefined);
    const got = new Set(ids(result.drafts));
    // The events around the burst are complete; of the burst, the PCE maximum was read.
    expect(got.has(String(before.href)) && got.has(String(after.href))).toBe(true);
    expect(got.size).toBe(10_002);
    expect(pce.eventRequests().some((r) => r.query.max_results === '10000' && r.query['timestamp[gte]'] === at)).toBe(true);
    expect(h.logger.records.some((r) => r.level === 'error' && r.message.includes('still full at the PCE maximum'))).toBe(true);
    expect((JSON.parse(result.nextCursor ?? '{}') as { truncated: number }).truncated).toBeGreaterThanOrEqual(1);
  });
});
