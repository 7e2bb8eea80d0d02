import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { redactText } from '../../../src/lib/redact.js';
import { eventAt, illumioFixture, PCE_SECRET, startFakePce, type FakePce, type Json } from '../../support/fakes/illumio.js';
import { harness, HOUR, ids, MINUTE, T0 } from './helpers.js';

const sample = illumioFixture<Json[]>('events_pretty_cool_events_sample.json');
const edge = illumioFixture<Json[]>('events_composed_edge_cases.json');
const signIn = sample[0] as Json;
const tampering = edge[1] as Json;

let pce: FakePce;
beforeEach(async () => {
  pce = await startFakePce();
});
afterEach(async () => {
  await pce.close();
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the poll to fail');
}

describe('events query', () => {
  it('first poll: Basic auth, timestamp[gte] = now − initialLookback, explicit max_results, no upper bound', async () => {
    pce.events = [eventAt(signIn, T0 + 30 * MINUTE)];
    const h = harness(pce, { initialLookback: 1800, maxResults: 250 });
    const result = await h.poll(undefined);
    expect(result.drafts).toHaveLength(1);
    const [req] = pce.eventRequests();
    expect(req?.authorization).toBe(`Basic ${Buffer.from(`api_1a2b3c4d5e6f7a8b9:${PCE_SECRET}`).toString('base64')}`);
    expect(req?.query).toEqual({ 'timestamp[gte]': '2026-03-02T07:30:00.000Z', max_results: '250' });
  });

  it('next poll: from the watermark minus the look-back; the overlap is not emitted again', async () => {
    const first = eventAt(signIn, T0 + 40 * MINUTE);
    pce.events = [first];
    const h = harness(pce, { lookback: 300 });
    const one = await h.poll(undefined);
    expect(ids(one.drafts)).toEqual([first.href]);
    const second = eventAt(signIn, T0 + 50 * MINUTE);
    pce.events.push(second);
    h.clock.advance(MINUTE);
    const two = await h.poll(one.nextCursor);
    expect(pce.eventRequests()[1]?.query['timestamp[gte]']).toBe('2026-03-02T07:35:00.000Z');
    expect(ids(two.drafts)).toEqual([second.href]);
    const cursor = JSON.parse(two.nextCursor ?? '{}') as { ts: string; seen: Record<string, number> };
    expect(cursor.ts).toBe('2026-03-02T07:50:00.000Z');
    // The first event is now older than the next query's start: forgotten, the overlap memory stays small.
    expect(Object.keys(cursor.seen)).toEqual([second.href]);
  });

  it('a quiet PCE keeps the watermark where it was and never moves it backwards', async () => {
    const h = harness(pce, { initialLookback: 600 });
    const one = await h.poll(undefined);
    expect(JSON.parse(one.nextCursor ?? '{}')).toMatchObject({ ts: '2026-03-02T07:50:00.000Z' });
    h.clock.advance(-3 * HOUR); // the host clock is stepped back
    const two = await h.poll(one.nextCursor);
    expect(JSON.parse(two.nextCursor ?? '{}')).toMatchObject({ ts: '2026-03-02T07:50:00.000Z' });
  });
});

describe('watchers through the source', () => {
  it('status `*` includes null and missing status; a status filter does not', async () => {
    const withNull = eventAt(signIn, T0 + 10 * MINUTE, { status: null });
    const missing = eventAt(signIn, T0 + 11 * MINUTE);
    delete missing.status;
    const failed = eventAt(signIn, T0 + 12 * MINUTE, { status: 'failure' });
    const ok = eventAt(signIn, T0 + 13 * MINUTE);
    pce.events = [withNull, missing, failed, ok];
    const any = await harness(pce, { watchers: [{ eventType: 'user.*' }] }).poll(undefined);
    expect(new Set(ids(any.drafts))).toEqual(new Set([withNull.href, missing.href, failed.href, ok.href]));
    const onlyFailures = await harness(pce, { watchers: [{ eventType: 'user.*', status: 'failure' }] }).poll(undefined);
    expect(ids(onlyFailures.drafts)).toEqual([failed.href]);
  });

  it('wildcards and field matchers select, severity comes from the winning watcher', async () => {
    const a = eventAt(tampering, T0 + 10 * MINUTE);
    const b = eventAt(signIn, T0 + 11 * MINUTE);
    const c = eventAt(sample[1] as Json, T0 + 12 * MINUTE);
    pce.events = [a, b, c];
    const h = harness(pce, {
      watchers: [
        { eventType: 'agent.*', severity: 'critical' },
        { eventType: '*', fields: { 'created_by.user.username': '/@example\\.com$/', event_type: '!/^ip_list\\./' }, severity: 'low' },
      ],
    });
    const result = await h.poll(undefined);
    expect(result.drafts.map((d) => [d.sourceId, d.severity])).toEqual([
      [a.href, 'critical'],
      [b.href, 'low'],
    ]);
  });
});

describe('text over the wire', () => {
  it('Cyrillic names and the 4.5 kB description arrive intact in raw, bounded on the card', async () => {
    const cyrillic = eventAt(edge[0] as Json, T0 + 10 * MINUTE);
    const long = eventAt(edge[4] as Json, T0 + 11 * MINUTE);
    pce.events = [cyrillic, long];
    const result = await harness(pce).poll(undefined);
    const [a, b] = result.drafts;
    expect(a?.title).toBe('rule_set.update · Бухгалтерия — доступ к 1С · ivan.petrov@example.ru');
    expect(a?.subEvents[0]?.details?.description).toBe('— → Временно отключено по заявке №1234');
    expect(b?.title).toBe('rule_set.create · Склад / Warehouse');
    expect(b?.raw).toEqual(long);
    const shown = b?.subEvents[0]?.details?.description ?? '';
    expect(shown.length).toBeLessThanOrEqual(300);
    expect(shown.endsWith('…')).toBe(true);
  });
});

describe('bad input', () => {
  it('malformed events are quarantined once; the rest of the page is delivered', async () => {
    const good1 = eventAt(signIn, T0 + 10 * MINUTE);
    const good2 = eventAt(tampering, T0 + 20 * MINUTE);
    const traffic = edge[6] as Json; // the old notifier's pseudo-event: no href
    const wrongType = eventAt(signIn, T0 + 15 * MINUTE, { event_type: 42 });
    const badTime = eventAt(signIn, 'yesterday');
    pce.events = [good1, traffic, wrongType, badTime, good2, 'not an object', null];
    const h = harness(pce);
    const one = await h.poll(undefined);
    expect(new Set(ids(one.drafts))).toEqual(new Set([good1.href, good2.href]));
    expect(one.quarantined).toBe(5);
    const warnings = h.logger.records.filter((r) => r.message === 'illumio event quarantined');
    expect(warnings).toHaveLength(5);
    expect(warnings.find((w) => w.meta.href === wrongType.href)?.meta.issues).toEqual(['event_type: Invalid input: expected string, received number']);
    // Re-read in the overlap: items with an href are not quarantined (or logged) again.
    const two = await h.poll(one.nextCursor);
    expect(two.drafts).toEqual([]);
    expect(two.quarantined).toBe(3);
  });

  it.each([
    ['an object instead of an array', 'invalid-response', 200, '{"error":"nope"}'],
    ['HTML with 200', 'invalid-response', 200, '<html><body>Maintenance</body></html>'],
    ['a truncated body', 'invalid-response', 200, '[{"href":"/orgs/1/events/x","timestamp":"2026-03-02T07:00:00Z"'],
    ['a 502', 'unavailable', 502, 'Bad gateway'],
    ['a 401', 'auth', 401, ''],
  ])('%s fails the poll as %s; the cursor is untouched and the next poll recovers', async (_name, kind, status, body) => {
    const event = eventAt(signIn, T0 + 10 * MINUTE);
    pce.events = [event];
    const h = harness(pce);
    pce.fail('events', { status, body, contentType: body.startsWith('<') ? 'text/html' : 'application/json' });
    const error = await rejection(h.poll(undefined));
    expect(error.kind).toBe(kind);
    expect(redactText(error.message)).toBe(error.message);
    expect(error.message).not.toContain(PCE_SECRET);
    expect(error.message).not.toContain('timestamp');
    const again = await h.poll(undefined);
    expect(ids(again.drafts)).toEqual([event.href]);
  });

  it('a stalled PCE times out as unavailable; the next poll recovers', async () => {
    const event = eventAt(signIn, T0 + 10 * MINUTE);
    pce.events = [event];
    const h = harness(pce, { requestTimeout: 1 });
    pce.fail('events', { status: 200, body: '[]', delayMs: 3000 });
    const error = await rejection(h.poll(undefined));
    expect(error.kind).toBe('unavailable');
    expect(ids((await h.poll(undefined)).drafts)).toEqual([event.href]);
  });

  it('wrong credentials are an auth failure', async () => {
    const h = harness(pce, { apiSecret: 'wrong-secret-value' });
    expect((await rejection(h.poll(undefined))).kind).toBe('auth');
  });
});

describe('rate limit', () => {
  it('429 with Retry-After becomes rate-limited with that delay; nothing is lost afterwards', async () => {
    const event = eventAt(signIn, T0 + 10 * MINUTE);
    pce.events = [event];
    const h = harness(pce);
    const before = await h.poll(undefined);
    const later = eventAt(tampering, T0 + 20 * MINUTE);
    pce.events.push(later);
    pce.fail('events', { status: 429, headers: { 'retry-after': '7' }, body: '{"error":"Too Many Requests"}' });
    const error = await rejection(h.poll(before.nextCursor));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterMs).toBe(7000);
    // The pipeline kept the old cursor; the next poll picks the event up.
    const after = await h.poll(before.nextCursor);
    expect(ids(after.drafts)).toEqual([later.href]);
  });

  it('429 in the middle of window narrowing fails the whole poll rather than skipping a part', async () => {
    pce.events = Array.from({ length: 12 }, (_, i) => eventAt(signIn, T0 + i * MINUTE));
    const h = harness(pce, { maxResults: 5 });
    pce.fail('events', { status: 200, body: JSON.stringify(pce.events.slice(0, 5)) });
    pce.fail('events', { status: 429, headers: { 'retry-after': '3' } });
    const error = await rejection(h.poll(undefined));
    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 3000 });
  });
});

describe('probe and refresh', () => {
  it('probe checks reachability and credentials', async () => {
    const h = harness(pce);
    await h.source.probe?.(new AbortController().signal);
    const bad = harness(pce, { apiSecret: 'wrong-secret-value' });
    await expect(bad.source.probe?.(new AbortController().signal)).rejects.toMatchObject({ kind: 'auth' });
  });

  it('refresh re-reads one event by its href', async () => {
    const event = eventAt(tampering, T0 + 10 * MINUTE);
    pce.events = [event];
    const h = harness(pce, { watchers: [{ eventType: 'agent.*', severity: 'critical' }] });
    const [draft] = (await h.poll(undefined)).drafts;
    if (!draft) throw new Error('no draft');
    const incident = { ...draft, source: 'illumio', key: draft.key ?? draft.sourceId, firstSeenAt: draft.createdAt, revision: 1 };
    const refreshed = await h.source.refresh?.(incident, new AbortController().signal);
    expect(refreshed).toMatchObject({ sourceId: event.href, severity: 'critical', title: draft.title });
    expect(pce.objectRequests().map((r) => r.path)).toEqual([`/api/v2${String(event.href)}`]);
  });
});
