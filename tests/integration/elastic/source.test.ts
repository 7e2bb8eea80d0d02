import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { createElasticSource } from '../../../src/sources/elastic/index.js';
import { alertWindowQuery, groupMainsQuery, groupMembersQuery, parseCursor, searchBody } from '../../../src/sources/elastic/query.js';
import type { FakeHit } from '../../support/fakes/elasticsearch.js';
import { C2_ID, MALWARE_ID, SHELL_ID, WEBSHELL_ID, deriveAlert, eqlGroup, singleAlerts } from '../../unit/elastic/fixtures.js';
import { API_KEY, config, controller, deps, elasticLifecycle, incidentBook, memoryState, testClock } from './support.js';

const INDEX_PATH = '/.internal.alerts-security.alerts-default-*/_search';

const { start, track } = elasticLifecycle();

function allFixtures(): FakeHit[] {
  return [...eqlGroup(), ...singleAlerts()];
}

describe('elastic source: filter, grouping and query shape', () => {
  it('turns the fixtures into 3 incidents: the EQL group with 5 sub-events, the tag match and the prefix match', async () => {
    const es = await start(allFixtures());
    const clock = testClock('2025-06-02T12:00:00.000Z');
    const cfg = config(es.url, { initialLookback: 6 * 3600 });
    const source = track(createElasticSource(cfg, deps(clock)));
    expect(source.id).toBe('elastic');

    const result = await source.poll(undefined, controller());
    expect(result.drafts.map((d) => d.sourceId)).toEqual([SHELL_ID, C2_ID, MALWARE_ID]);
    expect(result.drafts.map((d) => d.sourceId)).not.toContain(WEBSHELL_ID);
    const shell = result.drafts[0];
    expect(shell?.subEvents).toHaveLength(5);
    expect(shell?.subEvents.map((e) => e.id)).not.toContain(SHELL_ID);
    expect(shell?.correlation).toEqual({ groupId: SHELL_ID });
    expect(result.more).toBeUndefined();
    expect(parseCursor(result.nextCursor)).toEqual({ v: 1, t: '2025-06-02T10:33:02.440Z' });

    // Exactly the query we mean: an open-ended window, prefix OR tag (case-insensitive), sort with tiebreaker,
    // one short page.
    const searches = es.searches();
    expect(searches).toHaveLength(1);
    expect(searches[0]?.method).toBe('POST');
    expect(searches[0]?.path).toBe(INDEX_PATH);
    expect(searches[0]?.headers.authorization).toBe(`ApiKey ${API_KEY}`);
    expect(searches[0]?.body).toEqual(searchBody(alertWindowQuery(cfg, '2025-06-02T06:00:00.000Z'), 50));
  });

  it('matches the tag `tri` against the rule tag `TRI` only because matching is case-insensitive by default', async () => {
    const es = await start(allFixtures());
    const clock = testClock('2025-06-02T12:00:00.000Z');
    const strict = track(createElasticSource(config(es.url, { initialLookback: 6 * 3600, caseSensitive: true }), deps(clock)));
    const strictIds = (await strict.poll(undefined, controller())).drafts.map((d) => d.sourceId);
    // The prefix TRI_ still matches exactly; the tag-only C2 alert needs `TRI` spelled as in the rule.
    expect(strictIds).toEqual([SHELL_ID, MALWARE_ID]);
    const listed = track(createElasticSource(config(es.url, { initialLookback: 6 * 3600, caseSensitive: true, tags: ['tri', 'TRI'] }), deps(clock)));
    expect((await listed.poll(undefined, controller())).drafts.map((d) => d.sourceId)).toEqual([SHELL_ID, C2_ID, MALWARE_ID]);
  });

  it('authenticates with username and password when no API key is set', async () => {
    const es = await start(allFixtures(), { apiKey: undefined, username: 'socbot', password: 'pässwörd-Ω' });
    const clock = testClock('2025-06-02T12:00:00.000Z');
    const cfg = config(es.url, { apiKey: undefined, username: 'socbot', password: 'pässwörd-Ω', initialLookback: 6 * 3600 });
    const source = track(createElasticSource(cfg, deps(clock)));
    expect((await source.poll(undefined, controller())).drafts).toHaveLength(3);
    expect(es.searches()[0]?.headers.authorization).toBe(`Basic ${Buffer.from('socbot:pässwörd-Ω').toString('base64')}`);
  });

  it('re-reads the overlap without new incidents and reports a status change as an update of the same incident', async () => {
    const es = await start(allFixtures());
    const clock = testClock('2025-06-02T12:00:00.000Z');
    const source = track(createElasticSource(config(es.url, { initialLookback: 6 * 3600 }), deps(clock)));
    const book = incidentBook();
    const first = await source.poll(undefined, controller());
    book.apply(first.drafts);

    clock.advance(60_000);
    const again = await source.poll(first.nextCursor, controller());
    expect(again.drafts.map((d) => d.sourceId)).toEqual([MALWARE_ID]); // inside the 5-minute overlap
    book.apply(again.drafts);
    expect(book.created).toBe(3);
    expect(book.updated).toBe(0);

    // Kibana acknowledges the C2 alert: the document is rewritten with a new @timestamp.
    const c2 = es.docs.find((d) => d._id === C2_ID);
    if (!c2) throw new Error('fixture');
    c2._source['kibana.alert.workflow_status'] = 'acknowledged';
    c2._source['@timestamp'] = '2025-06-02T12:00:30.000Z';
    clock.advance(60_000);
    const changed = await source.poll(again.nextCursor, controller());
    book.apply(changed.drafts);
    expect(book.created).toBe(3);
    expect(book.get(C2_ID).status).toBe('acknowledged');
    expect(book.get(C2_ID).statusKey).toBe('elastic-status-acknowledged');
    expect(parseCursor(changed.nextCursor)?.t).toBe('2025-06-02T12:00:30.000Z');
  });

  it('keeps HTML in rule names as data and Cyrillic and Hungarian text intact, including a Cyrillic tag match', async () => {
    const [c2] = singleAlerts().filter((a) => a._id === C2_ID);
    if (!c2) throw new Error('fixture');
    const html = deriveAlert(c2, 'html', '2025-06-02T11:00:00.000Z', {
      'kibana.alert.rule.name': 'TRI_</b><a href="tg://x">x</a> & <script>alert(1)</script>',
      'kibana.alert.rule.tags': [],
    });
    const russian = deriveAlert(c2, 'ru', '2025-06-02T11:01:00.000Z', {
      'kibana.alert.rule.name': 'Вход с подозрительного адреса',
      'kibana.alert.rule.tags': ['ТРИАЖ'],
      'kibana.alert.reason': 'Пользователь «Ёлкин» вошёл с узла 203.0.113.9',
    });
    const hungarian = deriveAlert(c2, 'hu', '2025-06-02T11:02:00.000Z', {
      'kibana.alert.rule.name': 'TRI_Gyanús bejelentkezés – árvíztűrő tükörfúrógép',
      host: { name: 'kiszolgáló-ő-01' },
      user: { name: 'Ödön.Űrhajós' },
    });
    const es = await start([html, russian, hungarian]);
    const clock = testClock('2025-06-02T12:00:00.000Z');
    const source = track(createElasticSource(config(es.url, { tags: ['триаж'] }), deps(clock)));
    const { drafts } = await source.poll(undefined, controller());
    expect(drafts.map((d) => d.title)).toEqual([
      'TRI_</b><a href="tg://x">x</a> & <script>alert(1)</script>',
      'Вход с подозрительного адреса',
      'TRI_Gyanús bejelentkezés – árvíztűrő tükörfúrógép',
    ]);
    expect(drafts[1]?.description).toBe('Пользователь «Ёлкин» вошёл с узла 203.0.113.9');
    expect(drafts[2]?.assets.hosts).toEqual(['kiszolgáló-ő-01']);
    expect(drafts[2]?.assets.users).toEqual(['Ödön.Űrhajós']);
  });

  it('probes with a zero-size search and reports bad credentials as auth without the key', async () => {
    const es = await start([]);
    const clock = testClock('2025-06-02T12:00:00.000Z');
    const good = track(createElasticSource(config(es.url), deps(clock)));
    await good.probe?.(controller());
    expect(es.searches().at(-1)?.body).toEqual({ query: { match_none: {} }, size: 0, track_total_hits: false });

    const bad = track(createElasticSource(config(es.url, { apiKey: 'd3JvbmctaWQ6d3Jvbmcta2V5' }), deps(clock)));
    const error = await bad.probe?.(controller()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('auth');
    expect((error as AppError).message).toBe('elastic probe: HTTP 401 (security_exception)');
    expect((error as AppError).message).not.toContain('d3JvbmctaWQ6d3Jvbmcta2V5');
  });

  it('refreshes an incident from Elasticsearch with its current status and every building block', async () => {
    const es = await start(allFixtures());
    const clock = testClock('2025-06-02T12:00:00.000Z');
    const source = track(createElasticSource(config(es.url, { initialLookback: 6 * 3600 }), deps(clock)));
    const book = incidentBook();
    book.apply((await source.poll(undefined, controller())).drafts);
    const shell = es.docs.find((d) => d._id === SHELL_ID);
    if (!shell) throw new Error('fixture');
    shell._source['kibana.alert.workflow_status'] = 'closed';
    const draft = await source.refresh?.(book.get(SHELL_ID), controller());
    expect(draft?.sourceId).toBe(SHELL_ID);
    expect(draft?.status).toBe('closed');
    expect(draft?.subEvents).toHaveLength(5);

    const missing = { ...book.get(SHELL_ID), sourceId: 'no-such-alert' };
    await expect(source.refresh?.(missing, controller())).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('elastic source: sub-alerts in later polls', () => {
  /** The shell and 3 blocks at 09:17:41, the C2 alert at 10:05 (moves the cursor past the shell's overlap). */
  function firstWave(): FakeHit[] {
    const [shell, b0, b1, b2] = eqlGroup();
    const c2 = singleAlerts().find((a) => a._id === C2_ID);
    if (!shell || !b0 || !b1 || !b2 || !c2) throw new Error('fixture');
    return [shell, b0, b1, b2, c2];
  }

  function lateBlocks(): FakeHit[] {
    // Written later than the shell: their @timestamp is after the cursor's look-back window start.
    return eqlGroup()
      .slice(4)
      .map((b) => ({ ...b, _source: { ...b._source, '@timestamp': '2025-06-02T10:20:00.000Z' } }));
  }

  it('attaches late building blocks to the stored incident from the persisted group record (no new incident)', async () => {
    const es = await start(firstWave());
    const clock = testClock('2025-06-02T10:10:00.000Z');
    const state = memoryState();
    const source = track(createElasticSource(config(es.url, { initialLookback: 3 * 3600 }), deps(clock, state)));
    const book = incidentBook();

    const first = await source.poll(undefined, controller());
    book.apply(first.drafts);
    expect(book.created).toBe(2);
    expect(book.get(SHELL_ID).subEvents).toHaveLength(3);
    expect(state.data.has(`group:${SHELL_ID}`)).toBe(true);

    es.docs.push(...lateBlocks());
    clock.set('2025-06-02T10:25:00.000Z');
    const before = es.searches().length;
    const second = await source.poll(first.nextCursor, controller());
    // Only the window search: the group record made an Elasticsearch lookup unnecessary.
    expect(es.searches().length - before).toBe(1);
    const late = second.drafts.find((d) => d.sourceId === SHELL_ID);
    expect(late?.subEvents.map((e) => e.id)).toEqual(lateBlocks().map((b) => b._id));
    // The C2 alert is re-read in the overlap (a no-op for the pipeline); the shell itself is outside the window.
    expect(second.drafts.map((d) => d.sourceId)).toEqual([C2_ID, SHELL_ID]);
    expect(es.searches().at(-1)?.body).toMatchObject({ query: alertWindowQuery(config(es.url), '2025-06-02T10:00:30.118Z') });

    book.apply(second.drafts);
    expect(book.created).toBe(2);
    expect(book.updated).toBe(1);
    expect(book.get(SHELL_ID).subEvents).toHaveLength(5);
    expect(book.get(SHELL_ID).title).toBe('TRI_Potential SSH Brute Force (EQL sequence)');
    expect(book.get(SHELL_ID).severity).toBe('medium');
  });

  it('fetches the main alert and the whole group from Elasticsearch when the group record is unknown', async () => {
    const es = await start(firstWave());
    const clock = testClock('2025-06-02T10:10:00.000Z');
    const cfg = config(es.url, { initialLookback: 3 * 3600 });
    const book = incidentBook();
    const first = await track(createElasticSource(cfg, deps(clock))).poll(undefined, controller());
    book.apply(first.drafts);

    // A restart with an empty state store (lost or expired): the late blocks must still find their incident.
    es.docs.push(...lateBlocks());
    clock.set('2025-06-02T10:25:00.000Z');
    const before = es.searches().length;
    const second = await track(createElasticSource(cfg, deps(clock, memoryState()))).poll(first.nextCursor, controller());
    const lookups = es.searches().slice(before + 1).map((r) => (r.body as { query: unknown }).query);
    expect(lookups).toEqual([groupMainsQuery([SHELL_ID]), groupMembersQuery(SHELL_ID)]);
    expect(second.drafts.map((d) => d.sourceId)).toEqual([C2_ID, SHELL_ID]);
    expect(second.drafts[1]?.subEvents).toHaveLength(5);

    book.apply(second.drafts);
    expect(book.created).toBe(2);
    expect(book.get(SHELL_ID).subEvents.map((e) => e.id).sort()).toEqual(eqlGroup().slice(1).map((b) => b._id).sort());
  });

  it('keeps building blocks whose main alert is not there yet pending in the cursor, and attaches them when it appears', async () => {
    const [shell, ...blocks] = eqlGroup();
    if (!shell) throw new Error('fixture');
    const es = await start([...blocks]);
    const clock = testClock('2025-06-02T09:20:00.000Z');
    const source = track(createElasticSource(config(es.url), deps(clock)));
    const book = incidentBook();

    const first = await source.poll(undefined, controller());
    expect(first.drafts).toEqual([]); // never a sub-alert as its own incident
    expect(parseCursor(first.nextCursor)?.pending).toEqual({ [SHELL_ID]: '2025-06-02T09:20:00.000Z' });

    clock.set('2025-06-02T09:30:00.000Z');
    const second = await source.poll(first.nextCursor, controller());
    expect(second.drafts).toEqual([]);
    expect(parseCursor(second.nextCursor)?.pending).toEqual({ [SHELL_ID]: '2025-06-02T09:20:00.000Z' });

    // The shell shows up (older than the window: found by the group lookup, not by the window search).
    es.docs.push(shell);
    clock.set('2025-06-02T11:00:00.000Z');
    const third = await source.poll(second.nextCursor, controller());
    expect(third.drafts.map((d) => d.sourceId)).toEqual([SHELL_ID]);
    expect(third.drafts[0]?.subEvents).toHaveLength(5);
    expect(parseCursor(third.nextCursor)?.pending).toBeUndefined();
    book.apply(third.drafts);
    expect(book.created).toBe(1);
  });

  it('drops a pending group only after a day, loudly (quarantined), and never posts its blocks alone', async () => {
    const blocks = eqlGroup().slice(1);
    const es = await start(blocks);
    const clock = testClock('2025-06-02T09:20:00.000Z');
    const source = track(createElasticSource(config(es.url), deps(clock)));
    const first = await source.poll(undefined, controller());
    clock.set('2025-06-03T09:19:00.000Z');
    const stillWaiting = await source.poll(first.nextCursor, controller());
    expect(parseCursor(stillWaiting.nextCursor)?.pending).toEqual({ [SHELL_ID]: '2025-06-02T09:20:00.000Z' });
    clock.set('2025-06-03T09:21:00.000Z');
    const expired = await source.poll(stillWaiting.nextCursor, controller());
    expect(expired.drafts).toEqual([]);
    expect(expired.quarantined).toBe(1);
    expect(parseCursor(expired.nextCursor)?.pending).toBeUndefined();
  });
});
