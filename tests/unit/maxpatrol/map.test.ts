import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../../src/core/incident.js';
import { incidentCardSchema, incidentEventSchema, incidentListItemSchema, type IncidentListItem } from '../../../src/sources/maxpatrol/schema.js';
import {
  MP_STATUSES,
  classifyEntity,
  incidentLink,
  mapEvent,
  mapIncident,
  normaliseSeverity,
  statusKeyOf,
} from '../../../src/sources/maxpatrol/map.js';

const fixture = <T = unknown>(name: string): T => JSON.parse(readFileSync(new URL(`../../fixtures/mpsiem/${name}`, import.meta.url), 'utf8')) as T;
const rawItems = fixture<{ incidents: unknown[] }>('incidents_list_response.json').incidents;
const items: IncidentListItem[] = rawItems.map((i) => incidentListItemSchema.parse(i));
const rawCard = fixture('incident_detail.json');
const card = incidentCardSchema.parse(rawCard);
const rawEvents = fixture<unknown[]>('incident_events.json');
const events = rawEvents.map((e) => incidentEventSchema.parse(e));
const BASE = 'https://siem.local/';

function item(key: string): IncidentListItem {
  const found = items.find((i) => i.key === key);
  if (!found) throw new Error(key);
  return found;
}

describe('maxpatrol mapping', () => {
  it('maps the INC-1528 list item, card and events into a full draft', () => {
    const list = item('INC-1528');
    const draft = mapIncident({ id: list.id, item: list, card, events, baseUrl: BASE, raw: { incident: rawItems[1], card: rawCard, events: rawEvents } });
    expect(draft).toMatchObject({
      sourceId: '5d0f3c1e-8a4b-4d2e-9b7a-2f1c0e9d8a7b',
      key: 'INC-1528',
      title: 'Подбор пароля к учетной записи администратора домена',
      severity: 'high',
      status: 'New',
      statusKey: 'mp-status-new',
      createdAt: '2024-11-28T06:41:03.123Z',
      description: 'Зафиксировано более 50 неудачных попыток входа под учетной записью admin-dc за 5 минут.',
      link: 'https://siem.local/#/incident/incidents/view/5d0f3c1e-8a4b-4d2e-9b7a-2f1c0e9d8a7b',
      correlation: { incidentId: '5d0f3c1e-8a4b-4d2e-9b7a-2f1c0e9d8a7b' },
    });
    expect(draft?.assets).toEqual({ hosts: ['dc-01.corp.local'], ips: ['10.10.5.17'], users: ['admin-dc'], urls: [], hashes: [] });
    expect(draft?.facts).toEqual([
      { label: 'mp-fact-category', value: 'Attack' },
      { label: 'mp-fact-type', value: 'Bruteforce' },
      { label: 'mp-fact-detected', value: '2024-11-28 06:40:58 UTC' },
      { label: 'mp-fact-source', value: 'correlation' },
      { label: 'mp-fact-rules', value: 'Bruteforce_Domain_Admin' },
      { label: 'mp-fact-confirmed', value: 'false', valueKey: 'mp-value-no' },
    ]);
    expect(draft?.subEvents).toEqual([
      {
        id: '7c1e0b9a-3d2f-4e6a-9b8c-1a2b3c4d5e6f',
        title: 'Неудачная попытка входа пользователя admin-dc с узла 10.10.5.17 (код 0xC000006A)',
        time: '2024-11-28T06:40:58.000Z',
        assets: { ips: ['10.10.5.17'] },
        details: { date: '2024-11-28T06:40:58.0000000Z' },
      },
      {
        id: '8d2f1c0b-4e3a-4f7b-8c9d-2b3c4d5e6f70',
        title: 'Неудачная попытка входа пользователя admin-dc с узла 10.10.5.17 (код 0xC000006A)',
        time: '2024-11-28T06:40:59.250Z',
        assets: { ips: ['10.10.5.17'] },
        details: { date: '2024-11-28T06:40:59.2500000Z' },
      },
      {
        id: '9e3a2d1c-5f4b-4a8c-9dae-3c4d5e6f7081',
        title: 'Учетная запись admin-dc заблокирована',
        time: '2024-11-28T06:41:02.999Z',
        details: { date: '2024-11-28T06:41:02.9990000Z' },
      },
    ]);
    expect(draft?.raw).toEqual({ incident: rawItems[1], card: rawCard, events: rawEvents });
  });

  it('keeps a name full of markup characters verbatim', () => {
    const list = item('INC-1529');
    const draft = mapIncident({ id: list.id, item: list, baseUrl: BASE, raw: {} });
    expect(draft?.title).toBe('Запуск `powershell.exe -enc` из *WINWORD* <macro> & [link]_test');
    expect(draft?.raw).toEqual({ incident: null, card: null, events: null });
  });

  it('maps a sparse item defensively: no severity → medium, only the facts that exist, no assignee', () => {
    const list = item('INC-1523');
    const draft = mapIncident({ id: list.id, item: list, baseUrl: BASE, raw: {} });
    expect(draft).toMatchObject({ key: 'INC-1523', severity: 'medium', status: 'New', createdAt: '2024-11-27T21:00:00.100Z', subEvents: [] });
    expect(draft?.facts).toEqual([{ label: 'mp-fact-type', value: 'Undefined' }]);
    expect(draft?.description).toBeUndefined();
  });

  it('names the assignee and the confirmation of an approved incident', () => {
    const list = item('INC-1527');
    const draft = mapIncident({ id: list.id, item: list, baseUrl: BASE, raw: {} });
    expect(draft?.statusKey).toBe('mp-status-approved');
    expect(draft?.severity).toBe('medium');
    expect(draft?.facts).toContainEqual({ label: 'mp-fact-assigned', value: 'Анна Смирнова' });
    expect(draft?.facts).toContainEqual({ label: 'mp-fact-confirmed', value: 'true', valueKey: 'mp-value-yes' });
  });

  it('prefers the fresher card over the list item and falls back to the stored creation time', () => {
    const list = item('INC-1528');
    const fresher = incidentCardSchema.parse({ ...(rawCard as object), status: 'Resolved', created: undefined });
    const draft = mapIncident({ id: list.id, card: fresher, baseUrl: BASE, fallbackCreatedAt: '2024-11-28T06:41:03.123Z', raw: {} });
    expect(draft).toMatchObject({ status: 'Resolved', statusKey: 'mp-status-resolved', createdAt: '2024-11-28T06:41:03.123Z', key: 'INC-1528' });
    expect(mapIncident({ id: list.id, card: fresher, baseUrl: BASE, raw: {} })).toBeUndefined();
  });

  it('counts events beyond those shown only when there are more', () => {
    const list = item('INC-1528');
    const two = events.slice(0, 2);
    expect(mapIncident({ id: list.id, item: list, events: two, eventsTotal: 3, baseUrl: BASE, raw: {} })?.facts).toContainEqual({ label: 'mp-fact-events-total', value: '3' });
    expect(mapIncident({ id: list.id, item: list, events, eventsTotal: 3, baseUrl: BASE, raw: {} })?.facts.map((f) => f.label)).not.toContain('mp-fact-events-total');
  });

  it('gives every status of the dictionary a Fluent id, and leaves unknown codes without one', () => {
    const statuses = fixture<Record<string, unknown>>('dictionaries.json')['GET /api/statuses'] as string[];
    expect(statuses).toEqual([...MP_STATUSES]);
    expect(statuses.map(statusKeyOf)).toEqual(['mp-status-new', 'mp-status-approved', 'mp-status-in-progress', 'mp-status-resolved', 'mp-status-closed']);
    expect(statusKeyOf('new')).toBe('mp-status-new');
    expect(statusKeyOf('Новый')).toBe('mp-status-new');
    expect(statusKeyOf('Escalated')).toBeUndefined();
    expect(statusKeyOf(undefined)).toBeUndefined();
  });

  it.each([
    ['High', 'high'],
    ['Medium', 'medium'],
    ['Low', 'low'],
    ['high', 'high'],
    ['Высокая', 'high'],
    ['Низкая', 'low'],
    ['Critical', 'critical'],
    [undefined, 'medium'],
    ['42', 'medium'],
  ])('severity %j → %s', (input, expected) => {
    expect(normaliseSeverity(input)).toBe(expected);
    expect(SEVERITIES).toContain(normaliseSeverity(input));
  });

  it.each([
    ['10.10.5.17', 'ips'],
    ['10.0.0.0/8', 'ips'],
    ['fe80::1', 'ips'],
    ['dc-01.corp.local', 'hosts'],
    ['https://evil.example/x', 'urls'],
    ['d41d8cd98f00b204e9800998ecf8427e', 'hashes'],
    ['admin-dc', 'users'],
    ['CORP\\ivanov', 'users'],
  ])('entity %s → %s', (value, kind) => {
    expect(classifyEntity(value)).toBe(kind);
  });

  it('builds the UI link from the API base without doubling slashes', () => {
    expect(incidentLink('https://siem.local', 'a b')).toBe('https://siem.local/#/incident/incidents/view/a%20b');
    expect(incidentLink('https://siem.local//', 'x')).toBe('https://siem.local/#/incident/incidents/view/x');
  });

  it('an event without a description is titled by its id', () => {
    expect(mapEvent({ id: 'e1', date: undefined, description: '  ' })).toEqual({ id: 'e1', title: 'e1' });
  });

  it('tolerates numbers and nulls where strings are expected', () => {
    const odd = incidentListItemSchema.parse({ id: 12345, key: 'INC-1', name: 7, status: null, severity: null, created: '2024-11-28T04:10:00Z', assigned: 'someone', isConfirmed: 'yes' });
    const draft = mapIncident({ id: odd.id, item: odd, baseUrl: BASE, raw: {} });
    expect(draft).toMatchObject({ sourceId: '12345', title: '7', severity: 'medium' });
    expect(draft?.status).toBeUndefined();
  });
});
