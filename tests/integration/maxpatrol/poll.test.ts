import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import type { IncidentDraft } from '../../../src/core/incident.js';
import { ENRICH_ATTEMPTS } from '../../../src/sources/maxpatrol/index.js';
import { mpFixture, startFakeMaxpatrol, type FakeItem, type FakeMaxpatrol } from '../../support/fakes/maxpatrol.js';
import { PipelineSim, makeItems, testClock, signal, sourceFor, toIncident } from './helpers.js';

const NOW = '2024-11-28T07:00:00.000Z';
const fixtureItems = (): FakeItem[] => mpFixture<{ incidents: FakeItem[] }>('incidents_list_response.json').incidents;

function listBodies(fake: FakeMaxpatrol): Record<string, unknown>[] {
  return fake.requests.filter((r) => r.route === 'list').map((r) => r.body as Record<string, unknown>);
}

describe('maxpatrol poll', () => {
  let fake: FakeMaxpatrol;

  beforeEach(async () => {
    fake = await startFakeMaxpatrol();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('reads the fixture list in ascending creation order, whatever the fraction digits or zone', async () => {
    fake.add(
      ...fixtureItems(),
      { id: 'no-zone-0000', key: 'INC-1530', name: 'Без зоны', status: 'New', created: '2024-11-28T06:55:00.12' },
      { id: 'offset-0000', key: 'INC-1531', name: 'Offset', status: 'New', created: '2024-11-28T09:56:00.5+03:00' },
    );
    const source = sourceFor(fake, testClock(NOW));
    const result = await source.poll(undefined, signal());

    expect(result.drafts.map((d) => [d.key, d.createdAt])).toEqual([
      ['INC-1523', '2024-11-27T21:00:00.100Z'],
      ['INC-1524', '2024-11-27T23:00:00.000Z'],
      ['INC-1525', '2024-11-28T04:10:00.000Z'],
      ['INC-1526', '2024-11-28T05:59:59.999Z'],
      ['INC-1527', '2024-11-28T06:35:10.507Z'],
      ['INC-1528', '2024-11-28T06:41:03.123Z'],
      ['INC-1529', '2024-11-28T06:52:17.000Z'],
      ['INC-1530', '2024-11-28T06:55:00.120Z'],
      ['INC-1531', '2024-11-28T06:56:00.500Z'],
    ]);
    expect(result.more).toBeUndefined();
    expect(result.quarantined).toBeUndefined();
    expect(JSON.parse(result.nextCursor ?? '')).toEqual({ created: '2024-11-28T06:56:00.500Z' });

    const [first] = listBodies(fake);
    expect(first).toMatchObject({
      offset: 0,
      limit: 50,
      timeFrom: '2024-11-27T07:00:00.000Z',
      timeTo: null,
      filterTimeType: 'creation',
      groups: { filterType: 'no_filter' },
      queryIds: ['all_incidents'],
      filter: {
        select: ['key', 'name', 'category', 'type', 'status', 'created', 'assigned'],
        orderby: [
          { field: 'created', sortOrder: 'ascending' },
          { field: 'key', sortOrder: 'ascending' },
        ],
      },
    });

    // The next poll reaches `lookback` seconds behind the cursor.
    await source.poll(result.nextCursor, signal());
    expect(listBodies(fake).at(-1)?.timeFrom).toBe('2024-11-28T06:51:00.500Z');
  });

  it('reads every page: 250 incidents with a page size of 50 arrive in one poll, once each, in order', async () => {
    const items = makeItems(250, '2024-11-28T06:00:00.000Z', 7);
    fake.add(...items);
    const source = sourceFor(fake, testClock(NOW), { pageSize: 50 });
    const result = await source.poll(undefined, signal());
    expect(result.drafts.map((d) => d.sourceId)).toEqual(items.map((i) => i.id));
    expect(listBodies(fake).map((b) => b.offset)).toEqual([0, 50, 100, 150, 200]);
    expect(result.more).toBeUndefined();
  });

  it('stops at the page cap with more: true and the next polls continue until everything is read', async () => {
    const items = makeItems(250, '2024-11-28T06:00:00.000Z', 7);
    fake.add(...items);
    const source = sourceFor(fake, testClock(NOW), { pageSize: 50, maxPagesPerPoll: 2 });
    const pipeline = new PipelineSim();
    const first = await pipeline.pollOnce(source);
    expect(first.more).toBe(true);
    expect(first.drafts).toHaveLength(100);
    const polls = await pipeline.drain(source);
    expect(polls).toBeGreaterThan(1);
    expect(new Set(pipeline.deliveries)).toEqual(new Set(items.map((i) => i.id)));
    // Continuations overlap by one item only.
    expect(pipeline.deliveries.length - items.length).toBeLessThanOrEqual(polls);
    // The cursor's creation time never went backwards.
    const created = pipeline.cursors.map((c) => Date.parse((JSON.parse(c ?? '{}') as { created: string }).created));
    expect(created).toEqual([...created].sort((a, b) => a - b));
  });

  it('incidents sharing a millisecond across a page boundary are all delivered over consecutive polls', async () => {
    // 100 incidents; numbers 45..54 share one millisecond, across the boundary of pages of 50.
    const before = makeItems(45, '2024-11-28T06:00:00.000Z', 1000, 'a');
    const same = makeItems(10, '2024-11-28T06:10:00.000Z', 0, 'b');
    const after = makeItems(45, '2024-11-28T06:20:00.000Z', 1000, 'c');
    const all = [...before, ...same, ...after];
    fake.add(...all);
    const source = sourceFor(fake, testClock(NOW), { pageSize: 50, maxPagesPerPoll: 1 });
    const pipeline = new PipelineSim();
    await pipeline.drain(source);
    expect(new Set(pipeline.deliveries)).toEqual(new Set(all.map((i) => i.id)));
    for (const item of same) expect(pipeline.stored.has(item.id)).toBe(true);

    // New ones in the same millisecond as the cursor still arrive on the next poll (no "+1 ms" skip).
    const late = makeItems(3, '2024-11-28T06:20:44.000Z', 0, 'd');
    fake.add(...late);
    await pipeline.drain(source);
    for (const item of late) expect(pipeline.stored.has(item.id)).toBe(true);
  });

  it('makes progress even when more incidents share one millisecond than a poll reads', async () => {
    const same = makeItems(12, '2024-11-28T06:10:00.000Z', 0);
    fake.add(...same);
    const source = sourceFor(fake, testClock(NOW), { pageSize: 5, maxPagesPerPoll: 1 });
    const pipeline = new PipelineSim();
    await pipeline.drain(source, 10);
    expect(new Set(pipeline.deliveries)).toEqual(new Set(same.map((i) => i.id)));
  });

  it('a 500 outage throws, the cursor stays, and the next poll gets everything', async () => {
    fake.add(...makeItems(5, '2024-11-28T06:00:00.000Z', 1000, 'a'));
    const source = sourceFor(fake, testClock(NOW), { pageSize: 10 });
    const pipeline = new PipelineSim();
    await pipeline.pollOnce(source);
    const saved = pipeline.cursor;

    const added = makeItems(25, '2024-11-28T06:30:00.000Z', 1000, 'b');
    fake.add(...added);
    fake.fail('list', { status: 500, body: '<html>Internal Server Error</html>', contentType: 'text/html' }, 2);
    await expect(pipeline.pollOnce(source)).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(pipeline.pollOnce(source)).rejects.toBeInstanceOf(AppError);
    expect(pipeline.cursor).toBe(saved);

    const result = await pipeline.pollOnce(source);
    for (const item of added) expect(result.drafts.map((d) => d.sourceId)).toContain(item.id);
    expect(pipeline.cursor).not.toBe(saved);
  });

  it('a failure on a later page fails the whole poll (no partial result, cursor unchanged)', async () => {
    fake.add(...makeItems(30, '2024-11-28T06:00:00.000Z', 1000));
    const source = sourceFor(fake, testClock(NOW), { pageSize: 10 });
    const pipeline = new PipelineSim();
    // The first page answers, the second fails: nothing of the partial read may be returned.
    fake.fail('list', { status: 502, body: 'bad gateway', after: 1 });
    await expect(pipeline.pollOnce(source)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(fake.count('list')).toBe(2);
    expect(pipeline.cursor).toBeUndefined();
    expect(pipeline.deliveries).toHaveLength(0);
    const result = await pipeline.pollOnce(source);
    expect(result.drafts).toHaveLength(30);
  });

  it.each([
    ['malformed JSON', { status: 200, body: '{"incidents": [ {"id": "x", ' }],
    ['HTML with 200', { status: 200, body: '<html><body>Login</body></html>', contentType: 'text/html' }],
    ['no incidents key', { status: 200, body: '{"totalItems": 3}' }],
    ['wrong types', { status: 200, body: '{"incidents": "none"}' }],
  ])('%s → invalid-response, cursor unchanged', async (_name, fault) => {
    fake.add(...makeItems(2, '2024-11-28T06:00:00.000Z', 1000));
    const source = sourceFor(fake, testClock(NOW));
    const pipeline = new PipelineSim();
    fake.fail('list', fault);
    await expect(pipeline.pollOnce(source)).rejects.toMatchObject({ kind: 'invalid-response' });
    expect(pipeline.cursor).toBeUndefined();
    const result = await pipeline.pollOnce(source);
    expect(result.drafts).toHaveLength(2);
  });

  it('quarantines items without an id or a readable time and delivers the rest', async () => {
    fake.add(...makeItems(3, '2024-11-28T06:00:00.000Z', 1000));
    const source = sourceFor(fake, testClock(NOW));
    const good = makeItems(3, '2024-11-28T06:00:00.000Z', 1000);
    fake.fail('list', {
      status: 200,
      body: JSON.stringify({
        incidents: [good[0], { key: 'INC-0', name: 'no id', created: '2024-11-28T06:00:00Z' }, { id: 'bad-time', created: 'yesterday' }, good[1], good[2]],
        totalItems: 5,
      }),
    });
    const result = await source.poll(undefined, signal());
    expect(result.quarantined).toBe(2);
    expect(result.drafts.map((d) => d.sourceId)).toEqual(good.map((g) => g.id));
  });

  it('keeps markup, Cyrillic and Hungarian text as plain data in the draft', async () => {
    const html = '</b><a href="tg://x">x</a> & <script>alert(1)</script> _*[`';
    const hungarian = 'Árvíztűrő tükörfúrógép: gyanús bejelentkezés ŐŰ';
    fake.add(
      ...fixtureItems().filter((i) => ['INC-1528', 'INC-1529'].includes(String(i.key))),
      { id: 'html-0000', key: 'INC-2001', name: html, status: 'New', severity: 'High', created: '2024-11-28T06:58:00Z' },
      { id: 'hu-0000', key: 'INC-2002', name: hungarian, status: 'New', severity: 'Low', created: '2024-11-28T06:59:00Z' },
    );
    fake.cards.set('hu-0000', { ...mpFixture<Record<string, unknown>>('incident_detail.json'), id: 'hu-0000', key: 'INC-2002', name: hungarian, description: 'Leírás: ékezetes „idézőjelek” és <tag>' });
    const source = sourceFor(fake, testClock(NOW));
    const { drafts } = await source.poll(undefined, signal());
    const byKey = new Map(drafts.map((d) => [d.key, d]));
    expect(byKey.get('INC-2001')?.title).toBe(html);
    expect(byKey.get('INC-2002')?.title).toBe(hungarian);
    expect(byKey.get('INC-2002')?.description).toBe('Leírás: ékezetes „idézőjelek” és <tag>');
    expect(byKey.get('INC-1528')?.title).toBe('Подбор пароля к учетной записи администратора домена');
    expect(byKey.get('INC-1529')?.title).toBe('Запуск `powershell.exe -enc` из *WINWORD* <macro> & [link]_test');
    expect((byKey.get('INC-2001')?.raw as { incident: { name: string } }).incident.name).toBe(html);
  });

  it('enriches new incidents with card and events; events beyond the limit are counted', async () => {
    const inc = fixtureItems().find((i) => i.key === 'INC-1528') as FakeItem;
    fake.add(inc);
    fake.cards.set(inc.id, mpFixture('incident_detail.json'));
    fake.events.set(inc.id, mpFixture('incident_events.json'));
    const source = sourceFor(fake, testClock(NOW), { eventsLimit: 2 });
    const { drafts } = await source.poll(undefined, signal());
    const [draft] = drafts;
    expect(draft?.subEvents.map((e) => e.id)).toEqual(['7c1e0b9a-3d2f-4e6a-9b8c-1a2b3c4d5e6f', '8d2f1c0b-4e3a-4f7b-8c9d-2b3c4d5e6f70']);
    expect(draft?.subEvents[0]?.time).toBe('2024-11-28T06:40:58.000Z');
    expect(draft?.facts).toContainEqual({ label: 'mp-fact-events-total', value: '3' });
    expect(draft?.description).toMatch(/^Зафиксировано более 50/);
    expect(draft?.assets.hosts).toEqual(['dc-01.corp.local']);
    expect(draft?.link).toBe(`${fake.url}/#/incident/incidents/view/${inc.id}`);
    const eventsCall = fake.requests.find((r) => r.route === 'events');
    expect(eventsCall?.query).toEqual({ offset: '0', limit: '2' });
  });

  it('a malformed card does not hold the incident back', async () => {
    fake.add(...makeItems(2, '2024-11-28T06:00:00.000Z', 1000));
    fake.fail('card', { status: 200, body: 'not json at all' });
    const source = sourceFor(fake, testClock(NOW));
    const { drafts } = await source.poll(undefined, signal());
    expect(drafts).toHaveLength(2);
    expect(drafts[0]?.title).toBe('Incident a0');
    expect(drafts[0]?.description).toBeUndefined();
    expect(drafts[1]?.description).toBe('Card of INC-a0001');
  });

  it('a card outage fails the poll rather than posting half-read incidents', async () => {
    fake.add(...makeItems(2, '2024-11-28T06:00:00.000Z', 1000));
    fake.fail('card', { status: 503 });
    const source = sourceFor(fake, testClock(NOW));
    await expect(source.poll(undefined, signal())).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('one incident whose card the Core keeps failing: the poll fails and is retried, then that incident goes out from its list entry and the rest flow', async () => {
    const items = makeItems(3, '2024-11-28T06:00:00.000Z', 1000);
    const poison = items[1]?.id as string;
    fake.add(...items);
    fake.fail('card', { status: 500, incidentId: poison }, Infinity);
    const source = sourceFor(fake, testClock(NOW));
    const sim = new PipelineSim();
    for (let attempt = 1; attempt < ENRICH_ATTEMPTS; attempt++) {
      await expect(sim.pollOnce(source)).rejects.toMatchObject({ kind: 'unavailable', status: 500 });
      expect(sim.cursor).toBeUndefined();
    }
    const result = await sim.pollOnce(source);
    expect(result.drafts.map((d) => d.sourceId)).toEqual(items.map((i) => i.id));
    const degraded = result.drafts.find((d) => d.sourceId === poison);
    // What the list said: key, name, status, severity; no card description.
    expect(degraded).toMatchObject({ key: 'INC-a0001', title: 'Incident a1', status: 'New', severity: 'medium' });
    expect(degraded?.description).toBeUndefined();
    expect(result.drafts.find((d) => d.sourceId !== poison)?.description).toMatch(/^Card of INC-a000/);
    // A Refresh still insists on the card.
    await expect(source.refresh?.(toIncident(degraded as IncidentDraft), signal())).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('a card that fails once and then answers does not degrade the incident', async () => {
    const items = makeItems(1, '2024-11-28T06:00:00.000Z', 1000);
    fake.add(...items);
    const source = sourceFor(fake, testClock(NOW));
    for (let round = 0; round < ENRICH_ATTEMPTS + 1; round++) {
      fake.fail('card', { status: 502 });
      await expect(source.poll(undefined, signal())).rejects.toMatchObject({ kind: 'unavailable' });
      // Answers on the retry: the failure count starts again from zero.
      const { drafts } = await source.poll(undefined, signal());
      expect(drafts[0]?.description).toBe('Card of INC-a0000');
    }
  });

  it('re-reads the overlap cheaply once stored, and re-emits an incident whose status changed', async () => {
    const items = makeItems(4, '2024-11-28T06:58:00.000Z', 1000);
    fake.add(...items);
    const source = sourceFor(fake, testClock(NOW));
    const pipeline = new PipelineSim();
    await pipeline.pollOnce(source);
    expect(fake.count('card')).toBe(4);

    // Same cursor handed back (stored): the overlap holds the same four, nothing to enrich again.
    const second = await pipeline.pollOnce(source);
    expect(second.drafts).toHaveLength(0);
    expect(fake.count('card')).toBe(4);

    (fake.incidents.get(items[2]?.id as string) as FakeItem).status = 'InProgress';
    const third = await pipeline.pollOnce(source);
    expect(third.drafts.map((d) => [d.sourceId, d.status, d.statusKey])).toEqual([[items[2]?.id, 'InProgress', 'mp-status-in-progress']]);
    expect(fake.count('card')).toBe(5);
  });

  it('re-emits everything when the pipeline did not save the cursor (failed enqueue)', async () => {
    fake.add(...makeItems(3, '2024-11-28T06:58:00.000Z', 1000));
    const source = sourceFor(fake, testClock(NOW));
    const first = await source.poll(undefined, signal());
    expect(first.drafts).toHaveLength(3);
    // The pipeline could not store them and polls again with its old (absent) cursor.
    const again = await source.poll(undefined, signal());
    expect(again.drafts.map((d) => d.sourceId)).toEqual(first.drafts.map((d) => d.sourceId));
    expect(again.drafts[0]?.subEvents).toBeDefined();
  });

  it('never moves the cursor backwards and does not let a future-dated incident push it past now', async () => {
    fake.add(...makeItems(2, '2024-11-28T06:00:00.000Z', 1000));
    const source = sourceFor(fake, testClock(NOW));
    const ahead = JSON.stringify({ created: '2024-11-28T06:59:00.000Z' });
    const old = makeItems(1, '2024-11-28T06:57:00.000Z', 0, 'z');
    fake.add(...old);
    const result = await source.poll(ahead, signal());
    expect(result.drafts.map((d) => d.sourceId)).toEqual([old[0]?.id]);
    expect(JSON.parse(result.nextCursor ?? '')).toEqual({ created: '2024-11-28T06:59:00.000Z' });

    fake.add({ id: 'future-0000', key: 'INC-9999', name: 'clock skew', status: 'New', created: '2024-11-28T09:00:00Z' });
    const skewed = await source.poll(result.nextCursor, signal());
    expect(skewed.drafts.map((d) => d.key)).toContain('INC-9999');
    expect(JSON.parse(skewed.nextCursor ?? '')).toEqual({ created: NOW });
  });

  it('starts afresh from the initial look-back when the stored cursor is unreadable', async () => {
    fake.add(...makeItems(2, '2024-11-28T06:00:00.000Z', 1000));
    const source = sourceFor(fake, testClock(NOW), { initialLookback: 7200 });
    const result = await source.poll('not json', signal());
    expect(result.drafts).toHaveLength(2);
    expect(listBodies(fake)[0]?.timeFrom).toBe('2024-11-28T05:00:00.000Z');
  });
});
