import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentDraft } from '../../../src/core/incident.js';
import { illumioDiagnostics } from '../../../src/sources/illumio/index.js';
import { eventAt, illumioFixture, incidentLedger, startFakePce, type FakePce, type Json, type PceObjects } from '../../support/fakes/illumio.js';
import { memoryState, testClock } from '../../support/state.js';
import { harness, HOUR, ids, MINUTE, SECOND, T0 } from './helpers.js';

const sample = illumioFixture<Json[]>('events_pretty_cool_events_sample.json');
const edge = illumioFixture<Json[]>('events_composed_edge_cases.json');
const signIn = sample[0] as Json;
const tampering = edge[1] as Json;
const objects = illumioFixture<PceObjects & { _comment: string }>('pce_objects_composed.json');

const VEN = '/orgs/1/vens/7f1e2d3c-4b5a-4697-8e8f-9a0b1c2d3e4f';
const WORKLOAD_1C = '/orgs/1/workloads/0a0b0c0d-1111-4222-8333-444455556666';

/** Composed in the shape of a real `workload.update` (resource change naming the workload). */
function workloadUpdate(time: number, href = WORKLOAD_1C): Json {
  return eventAt(sample[0] as Json, time, {
    event_type: 'workload.update',
    created_by: { user: { href: '/users/7', username: 'ivan.petrov@example.ru' } },
    resource_changes: [
      {
        uuid: '11111111-2222-4333-8444-555555555555',
        resource: { workload: { href, name: 'Бухгалтерия 1С' } },
        changes: { enforcement_mode: { before: 'visibility_only', after: 'full' } },
        change_type: 'update',
      },
    ],
    notifications: [],
  });
}

function fact(d: IncidentDraft | undefined, label: string): string[] {
  return (d?.facts ?? []).filter((f) => f.label === label).map((f) => f.value);
}

let pce: FakePce;
beforeEach(async () => {
  pce = await startFakePce({ objects: { workloads: { ...objects.workloads }, vens: { ...objects.vens }, labels: { ...objects.labels } } });
});
afterEach(async () => {
  await pce.close();
});

describe('throttling through the source', () => {
  const watchers = [{ eventType: 'user.sign_in', throttle: '2/1h' }, { eventType: 'agent.*', throttle: '0/1h' }, { eventType: 'ip_list.*' }];

  it('first N of a type become incidents, repeats collapse into one incident whose count grows across polls and restarts', async () => {
    const first = Array.from({ length: 5 }, (_, i) => eventAt(signIn, T0 + i * MINUTE));
    pce.events = [...first];
    const clock = testClock(new Date(T0 + 10 * MINUTE).toISOString());
    const h1 = harness(pce, { watchers, initialLookback: 3600 }, { clock });
    const ledger = incidentLedger();

    const one = await h1.poll(undefined);
    ledger.apply(one.drafts);
    const collapseId = 'throttle:user.sign_in>user.sign_in@2026-03-02T07:00:00.000Z';
    expect(ids(one.drafts)).toEqual([first[0]?.href, first[1]?.href, collapseId]);
    const collapse = one.drafts[2];
    expect(collapse).toMatchObject({ count: 3, title: 'user.sign_in ↻ 2/1h', createdAt: '2026-03-02T07:02:00.000Z' });
    expect(collapse?.subEvents.map((s) => s.id)).toEqual(first.slice(2).map((e) => e.href));

    // Restart: a new adapter instance with the saved cursor keeps counting in the same window.
    const more = [eventAt(signIn, T0 + 20 * MINUTE), eventAt(signIn, T0 + 21 * MINUTE)];
    pce.events.push(...more);
    clock.advance(15 * MINUTE);
    const h2 = harness(pce, { watchers }, { clock });
    const two = await h2.poll(one.nextCursor);
    ledger.apply(two.drafts);
    expect(ids(two.drafts)).toEqual([collapseId]);
    expect(two.drafts[0]).toMatchObject({ count: 5 });
    expect(two.drafts[0]?.subEvents.map((s) => s.id)).toEqual(more.map((e) => e.href));
    // The pipeline edits the one card: count 5, all five repeats listed, two ordinary incidents.
    expect(ledger.posts).toEqual([first[0]?.href, first[1]?.href, collapseId]);
    expect(ledger.edits).toEqual([collapseId]);
    expect(ledger.incidents.get(collapseId)).toMatchObject({ count: 5, revision: 2 });
    expect(ledger.incidents.get(collapseId)?.subEvents).toHaveLength(5);

    // After the window: the type goes through again, and a new window opens.
    const nextHour = eventAt(signIn, T0 + HOUR + 5 * MINUTE);
    pce.events.push(nextHour);
    clock.advance(HOUR);
    const three = await h2.poll(two.nextCursor);
    expect(ids(three.drafts)).toEqual([nextHour.href]);

    const diag = illumioDiagnostics(two.nextCursor);
    expect(diag?.suppressedByKey).toEqual([{ key: 'user.sign_in>user.sign_in', count: 5 }]);
    expect(diag?.windows[0]).toMatchObject({ key: 'user.sign_in>user.sign_in', emitted: 2, suppressed: 5, muted: false });
  });

  it('0/1h mutes: nothing posted, the suppressed count shows in /debug; other watchers are unaffected', async () => {
    const agentEvents = Array.from({ length: 3 }, (_, i) => eventAt(tampering, T0 + i * SECOND));
    const ipList = eventAt(sample[1] as Json, T0 + 5 * SECOND);
    pce.events = [...agentEvents, ipList];
    const h = harness(pce, { watchers });
    const result = await h.poll(undefined);
    expect(ids(result.drafts)).toEqual([ipList.href]);
    expect(h.source.diagnostics()).toMatchObject({
      suppressedTotal: 3,
      suppressedByKey: [{ key: 'agent.*>agent.tampering', count: 3 }],
      lastPoll: { selected: 4, emitted: 1, suppressed: 3 },
    });
    expect(illumioDiagnostics(result.nextCursor)?.windows).toEqual([expect.objectContaining({ key: 'agent.*>agent.tampering', muted: true, suppressed: 3 })]);
  });

  it('a replayed poll (crash before the cursor was saved) decides exactly as before', async () => {
    pce.events = Array.from({ length: 4 }, (_, i) => eventAt(signIn, T0 + i * MINUTE));
    const h = harness(pce, { watchers });
    const a = await h.poll(undefined);
    const b = await h.poll(undefined);
    expect(b.drafts).toEqual(a.drafts);
    expect(b.nextCursor).toBe(a.nextCursor);
  });
});

describe('workload enrichment', () => {
  it('names the affected server with hostname and labels; cached in memory, in state across restarts, until the TTL', async () => {
    const tamper = eventAt(tampering, T0 + MINUTE);
    const update = workloadUpdate(T0 + 2 * MINUTE);
    pce.events = [tamper, update];
    const clock = testClock(new Date(T0 + 10 * MINUTE).toISOString());
    const state = memoryState(clock);
    const h = harness(pce, { enrichWorkloads: true, enrichTtl: 3600 }, { clock, state });
    const one = await h.poll(undefined);
    const [dTamper, dUpdate] = one.drafts;
    // The VEN has neither labels nor interfaces of its own: its workload's are used, labels resolved by href.
    expect(fact(dTamper, 'illumio-fact-workload')).toEqual(['db-01.example.local · role: db · app: payment · env: prod · loc: dc-msk']);
    expect(dTamper?.assets.hosts).toEqual(['db-01.example.local']);
    expect(dTamper?.assets.ips).toEqual(['10.20.31.15']);
    expect(fact(dUpdate, 'illumio-fact-workload')).toEqual(['1c-app.example.local · role: app · env: prod']);
    expect(dUpdate?.title).toBe('workload.update · Бухгалтерия 1С · ivan.petrov@example.ru');
    expect(dUpdate?.assets.hosts).toEqual(['1c-app.example.local']);
    const lookups = pce.objectRequests().map((r) => r.path);
    expect(lookups).toEqual([
      `/api/v2${VEN}`,
      '/api/v2/orgs/1/workloads/7f1e2d3c-4b5a-4697-8e8f-9a0b1c2d3e4f',
      '/api/v2/orgs/1/labels/1',
      '/api/v2/orgs/1/labels/2',
      '/api/v2/orgs/1/labels/3',
      '/api/v2/orgs/1/labels/4',
      `/api/v2${WORKLOAD_1C}`,
    ]);

    // Same workloads again: served from memory.
    pce.events.push(eventAt(tampering, T0 + 3 * MINUTE), workloadUpdate(T0 + 4 * MINUTE));
    const two = await h.poll(one.nextCursor);
    expect(two.drafts).toHaveLength(2);
    expect(fact(two.drafts[0], 'illumio-fact-workload')).toHaveLength(1);
    expect(pce.objectRequests()).toHaveLength(lookups.length);

    // Restart: a new adapter with the same state namespace does not ask the PCE either.
    pce.events.push(eventAt(tampering, T0 + 5 * MINUTE));
    const restarted = harness(pce, { enrichWorkloads: true, enrichTtl: 3600 }, { clock, state });
    const three = await restarted.poll(two.nextCursor);
    expect(fact(three.drafts[0], 'illumio-fact-workload')).toEqual(['db-01.example.local · role: db · app: payment · env: prod · loc: dc-msk']);
    expect(pce.objectRequests()).toHaveLength(lookups.length);

    // After the TTL the workload is read again (a relabelled server shows its new labels).
    (pce.objects.labels['/orgs/1/labels/1'] as Json).value = 'db-primary';
    clock.advance(2 * HOUR);
    pce.events.push(eventAt(tampering, T0 + 2 * HOUR + 5 * MINUTE));
    const four = await restarted.poll(three.nextCursor);
    expect(fact(four.drafts[0], 'illumio-fact-workload')[0]).toContain('role: db-primary');
    expect(pce.objectRequests().length).toBeGreaterThan(lookups.length);
  });

  it('a workload seen on every poll is still re-read once its TTL has passed (hits do not extend it)', async () => {
    const clock = testClock(new Date(T0 + 5 * MINUTE).toISOString());
    const h = harness(pce, { enrichWorkloads: true, enrichTtl: 3600, lookback: 60 }, { clock });
    let cursor: string | undefined;
    const reads: number[] = [];
    for (let i = 0; i < 5; i++) {
      pce.events.push(workloadUpdate(clock.now().getTime() - MINUTE));
      cursor = (await h.poll(cursor)).nextCursor;
      reads.push(pce.objectRequests().filter((r) => r.path === `/api/v2${WORKLOAD_1C}`).length);
      clock.advance(20 * MINUTE);
    }
    // Polls at 0, 20, 40, 60, 80 minutes: read at 0 and again once the hour is up.
    expect(reads).toEqual([1, 1, 1, 2, 2]);
  });

  it('a deleted workload (404) is delivered without enrichment and not asked for again right away', async () => {
    const gone = '/orgs/1/workloads/deadbeef-0000-4000-8000-000000000000';
    pce.events = [workloadUpdate(T0 + MINUTE, gone)];
    const h = harness(pce, { enrichWorkloads: true });
    const one = await h.poll(undefined);
    expect(one.drafts).toHaveLength(1);
    expect(fact(one.drafts[0], 'illumio-fact-workload')).toEqual([]);
    expect(fact(one.drafts[0], 'illumio-fact-resource')).toEqual(['workload: Бухгалтерия 1С']);
    pce.events.push(workloadUpdate(T0 + 2 * MINUTE, gone));
    await h.poll(one.nextCursor);
    expect(pce.objectRequests()).toHaveLength(1);
  });

  it('a 429 during look-ups never costs the event; enrichment completes on a later poll', async () => {
    pce.events = [workloadUpdate(T0 + MINUTE)];
    const h = harness(pce, { enrichWorkloads: true });
    pce.fail('objects', { status: 429, headers: { 'retry-after': '30' } });
    const one = await h.poll(undefined);
    expect(one.drafts).toHaveLength(1);
    expect(fact(one.drafts[0], 'illumio-fact-workload')).toEqual([]);
    expect(h.logger.records.some((r) => r.message === 'illumio enrichment stopped for this poll' && r.meta.kind === 'rate-limited')).toBe(true);
    pce.events.push(workloadUpdate(T0 + 2 * MINUTE));
    const two = await h.poll(one.nextCursor);
    expect(fact(two.drafts[0], 'illumio-fact-workload')).toEqual(['1c-app.example.local · role: app · env: prod']);
  });

  it('look-ups per poll are capped; the rest of the cards go without', async () => {
    const hrefs = Array.from({ length: 4 }, (_, i) => `/orgs/1/workloads/00000000-0000-4000-8000-00000000000${i}`);
    for (const [i, href] of hrefs.entries()) pce.objects.workloads[href] = { href, hostname: `web-${i}.example.local`, labels: [] };
    pce.events = hrefs.map((href, i) => workloadUpdate(T0 + i * SECOND, href));
    const h = harness(pce, { enrichWorkloads: true, maxLookupsPerPoll: 2 });
    const result = await h.poll(undefined);
    expect(result.drafts).toHaveLength(4);
    expect(result.drafts.map((d) => fact(d, 'illumio-fact-workload').length)).toEqual([1, 1, 0, 0]);
    expect(pce.objectRequests()).toHaveLength(2);
  });
});
