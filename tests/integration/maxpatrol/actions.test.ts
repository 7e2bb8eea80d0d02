import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actorLabel } from '../../../src/core/access.js';
import type { Incident } from '../../../src/core/incident.js';
import type { IncidentAction, SourceAdapter } from '../../../src/core/ports.js';
import { mpFixture, startFakeMaxpatrol, type FakeItem, type FakeMaxpatrol } from '../../support/fakes/maxpatrol.js';
import { analyst, testClock, signal, sourceFor, toIncident } from './helpers.js';

const NOW = '2024-11-28T07:00:00.000Z';

describe('maxpatrol Confirm/Close and refresh', () => {
  let fake: FakeMaxpatrol;
  let source: SourceAdapter;
  let incident: Incident;

  function action(id: string): IncidentAction {
    const found = source.actions?.find((a) => a.id === id);
    if (!found) throw new Error(`no action ${id}`);
    return found;
  }

  beforeEach(async () => {
    fake = await startFakeMaxpatrol();
    const items = mpFixture<{ incidents: FakeItem[] }>('incidents_list_response.json').incidents;
    fake.add(...items);
    const inc = items.find((i) => i.key === 'INC-1528') as FakeItem;
    fake.cards.set(inc.id, mpFixture('incident_detail.json'));
    fake.events.set(inc.id, mpFixture('incident_events.json'));
    source = sourceFor(fake, testClock(NOW));
    const { drafts } = await source.poll(undefined, signal());
    incident = toIncident(drafts.find((d) => d.key === 'INC-1528') ?? drafts[0]!);
  });
  afterEach(async () => {
    await fake.close();
  });

  it('offers Confirm and Close to analysts on New incidents only', () => {
    expect(source.actions?.map((a) => [a.id, a.labelKey, a.requires])).toEqual([
      ['mp-confirm', 'mp-action-confirm', 'analyst'],
      ['mp-close', 'mp-action-close', 'analyst'],
    ]);
    expect(action('mp-confirm').appliesTo(incident)).toBe(true);
    expect(action('mp-close').appliesTo(incident)).toBe(true);
    for (const status of ['Approved', 'InProgress', 'Resolved', 'Closed']) {
      expect(action('mp-confirm').appliesTo({ ...incident, status })).toBe(false);
      expect(action('mp-close').appliesTo({ ...incident, status })).toBe(false);
    }
    expect(action('mp-confirm').appliesTo({ ...incident, source: 'elastic' })).toBe(false);
  });

  it('Confirm sends the Approved transition with a comment naming the person and returns the re-read incident', async () => {
    const outcome = await action('mp-confirm').run(incident, analyst, signal());
    expect(fake.transitions).toHaveLength(1);
    const [sent] = fake.transitions;
    expect(sent?.id).toBe(incident.sourceId);
    expect(sent?.body.id).toBe('Approved');
    expect(sent?.body.message).toContain(actorLabel(analyst));
    expect(sent?.body.message).toContain('Иван Петров (@soc_duty) [telegram:123456789]');
    expect(outcome).toMatchObject({ noticeKey: 'mp-notice-confirmed', vars: { key: 'INC-1528' } });
    expect(outcome.draft).toMatchObject({ sourceId: incident.sourceId, status: 'Approved', statusKey: 'mp-status-approved' });
    expect(outcome.draft?.subEvents).toHaveLength(3);
  });

  it('Close sends Closed; a user without a username is named without "undefined" or "None"', async () => {
    const { username: _dropped, ...noUsername } = analyst;
    const outcome = await action('mp-close').run(incident, { ...noUsername, name: 'Мария' }, signal());
    const body = fake.transitions[0]?.body;
    expect(body?.id).toBe('Closed');
    expect(body?.message).toContain('Мария [telegram:123456789]');
    expect(String(body?.message)).not.toMatch(/undefined|None|null/);
    expect(outcome.draft?.status).toBe('Closed');
    expect(outcome.noticeKey).toBe('mp-notice-closed');
  });

  it('a transition the SIEM refuses is an error for the presser, not a silent success', async () => {
    (fake.incidents.get(incident.sourceId) as FakeItem).status = 'Closed';
    await expect(action('mp-confirm').run(incident, analyst, signal())).rejects.toMatchObject({ kind: 'bad-request' });
    expect(fake.transitions).toHaveLength(0);
  });

  it('a transition after the token expired logs in again and goes through once', async () => {
    fake.revokeTokens();
    await action('mp-confirm').run(incident, analyst, signal());
    expect(fake.transitions).toHaveLength(1);
    expect(fake.count('transition')).toBe(2);
    expect(fake.count('token')).toBe(2);
  });

  it('when the re-read after a transition fails, the transition is still reported done', async () => {
    fake.fail('card', { status: 503 });
    const outcome = await action('mp-close').run(incident, analyst, signal());
    expect(fake.transitions).toHaveLength(1);
    expect(outcome.noticeKey).toBe('mp-notice-closed');
    expect(outcome.draft).toBeUndefined();
  });

  it('refresh re-reads the card and events and shows the current status', async () => {
    const card = fake.cards.get(incident.sourceId) as Record<string, unknown>;
    card.status = 'InProgress';
    card.assigned = { id: 'u1', firstName: 'Анна', lastName: 'Смирнова' };
    const events = fake.events.get(incident.sourceId) as unknown[];
    events.push({ id: 'late-event', date: '2024-11-28T06:45:00.1234567Z', description: 'Позднее событие' });
    const draft = await source.refresh?.(incident, signal());
    expect(draft?.status).toBe('InProgress');
    expect(draft?.statusKey).toBe('mp-status-in-progress');
    expect(draft?.facts).toContainEqual({ label: 'mp-fact-assigned', value: 'Анна Смирнова' });
    expect(draft?.subEvents.map((e) => e.id)).toContain('late-event');
    expect(draft?.createdAt).toBe('2024-11-28T06:41:03.123Z');
  });

  it('refresh of an incident the SIEM no longer has is not-found', async () => {
    await expect(source.refresh?.({ ...incident, sourceId: 'gone-0000' }, signal())).rejects.toMatchObject({ kind: 'not-found' });
  });
});
