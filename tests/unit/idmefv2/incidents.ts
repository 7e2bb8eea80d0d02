/**
 * Realistic stored incidents of every source, built from the vendor samples in tests/fixtures/idmefv2/sources
 * the way the source adapters map them (title, severity, assets, sub-events, correlation, raw payload).
 */
import type { Incident, SubEvent } from '../../../src/core/incident.js';
import { mergeAssets } from '../../../src/core/incident.js';
import { readFixture } from '../../support/fakes/idmefv2.js';

type Json = Record<string, unknown>;

function base(source: string, sourceId: string): Pick<Incident, 'source' | 'sourceId' | 'key' | 'firstSeenAt' | 'revision' | 'facts'> {
  return { source, sourceId, key: sourceId, firstSeenAt: '2026-01-01T00:00:00.000Z', revision: 1, facts: [] };
}

/** MaxPatrol SIEM INC-1528: domain admin brute force, 3 correlated events, raw = { incident, card, events }. */
export function maxpatrolIncident(): Incident {
  const card = readFixture<Json>('sources/mpsiem-incident_detail.json');
  const events = readFixture<Array<{ id: string; date: string; description: string }>>('sources/mpsiem-incident_events.json');
  const subEvents: SubEvent[] = events.map((e) => ({ id: e.id, title: e.description, time: e.date }));
  return {
    ...base('maxpatrol', String(card.id)),
    key: String(card.key),
    title: String(card.name),
    description: String(card.description),
    severity: 'high',
    status: 'New',
    statusKey: 'mp-status-new',
    createdAt: '2024-11-28T06:41:03.1234567Z',
    assets: mergeAssets({ hosts: ['dc-01.corp.local', '10.10.5.17'], users: ['admin-dc'] }),
    link: `https://siem.example.org/#/incident/incidents/view/${String(card.id)}`,
    subEvents,
    correlation: { incidentId: String(card.id) },
    raw: { incident: null, card, events },
  };
}

interface Hit {
  _id: string;
  _source: Json;
}

/** Elastic EQL sequence: the shell alert as the incident, its 5 building blocks as sub-events. */
export function elasticGroupIncident(): Incident {
  const hits = readFixture<Hit[]>('sources/elastic-ssh-bruteforce-eql-group.hits.json');
  const [shell, ...blocks] = hits;
  if (!shell) throw new Error('fixture has no shell');
  const subEvents: SubEvent[] = blocks.map((b, i) => {
    const s = b._source as { source: { ip: string; port: number }; message: string; host: { name: string; ip: string[] }; user: { name: string } };
    return {
      id: b._id,
      title: s.message,
      time: String(b._source['kibana.alert.original_time']),
      severity: 'medium',
      assets: { hosts: [s.host.name], ips: [...s.host.ip, s.source.ip], users: [s.user.name] },
      details: {
        rule: String(b._source['kibana.alert.rule.name']),
        'source.ip': s.source.ip,
        'source.port': String(s.source.port),
        'group.index': String(i),
      },
    };
  });
  const src = shell._source as { host: { name: string; ip: string[] }; source: { ip: string }; user: { name: string } };
  return {
    ...base('elastic', shell._id),
    title: String(shell._source['kibana.alert.rule.name']),
    description: String(shell._source['kibana.alert.reason']),
    severity: 'medium',
    status: 'open',
    createdAt: String(shell._source['kibana.alert.original_time']),
    updatedAt: '2025-06-02T09:17:41.502Z',
    assets: mergeAssets({ hosts: [src.host.name], ips: [...src.host.ip, src.source.ip], users: [src.user.name] }, ...subEvents.map((e) => e.assets)),
    link: `https://kibana.example.internal/app/security/alerts/redirect/${shell._id}?index=.alerts-security.alerts-default&timestamp=2025-06-02T09:17:41.502Z`,
    subEvents,
    correlation: { groupId: String(shell._source['kibana.alert.group.id']) },
    raw: shell,
  };
}

/** Sophos Central alert by index in qnasters page 2: 0 = malware (CleanupFailed), 1 = runtimeDetections (C2). */
export function sophosIncident(index = 0): Incident {
  const page = readFixture<{ items: Json[] }>('sources/sophos-common-alerts-qnasters-page2.json');
  const alert = page.items[index];
  if (!alert) throw new Error('no such alert');
  const tenant = alert.tenant as { id: string; name: string };
  const agent = alert.managedAgent as { id: string };
  return {
    ...base('sophos', String(alert.id)),
    title: String(alert.description),
    description: String(alert.description),
    severity: alert.severity === 'high' ? 'high' : 'medium',
    createdAt: String(alert.raisedAt),
    assets: mergeAssets({ hosts: ['Thunderbox'], ips: ['192.168.1.20'] }),
    link: 'https://central.sophos.com/manage/alerts',
    subEvents: [],
    correlation: { tenantId: tenant.id, groupKey: String(alert.groupKey), endpointId: agent.id },
    raw: alert,
  };
}

/** Illumio PCE event by file and index: a failed API login (request.authentication_failed) by default. */
export function illumioIncident(file = 'sources/illumio-events_composed_edge_cases.json', index = 5): Incident {
  const events = readFixture<Json[]>(file);
  const event = events[index];
  if (!event) throw new Error('no such event');
  const href = String(event.href);
  const user = ((event.created_by as Json | undefined)?.user as { username?: string } | undefined)?.username;
  return {
    ...base('illumio', href.split('/').pop() ?? href),
    title: `${String(event.event_type)} (${String(event.status)})`,
    severity: event.severity === 'err' ? 'high' : event.severity === 'warning' ? 'medium' : 'info',
    status: String(event.status),
    createdAt: String(event.timestamp),
    assets: mergeAssets({ users: user ? [user] : [], hosts: [String(event.pce_fqdn)] }),
    link: `https://${String(event.pce_fqdn)}:8443/#/events`,
    subEvents: [],
    ...(event.group_count ? { count: Number(event.group_count) } : {}),
    raw: event,
  };
}

export function allSourceIncidents(): Array<readonly [string, Incident]> {
  return [
    ['maxpatrol brute force with events', maxpatrolIncident()],
    ['elastic EQL group with building blocks', elasticGroupIncident()],
    ['sophos malware', sophosIncident(0)],
    ['sophos runtime detection', sophosIncident(1)],
    ['illumio failed API login', illumioIncident()],
    ['illumio rule set created from a FILTERED address', illumioIncident('sources/illumio-events_composed_edge_cases.json', 4)],
    ['illumio sign-in with resource changes', illumioIncident('sources/illumio-events_pretty_cool_events_sample.json', 0)],
  ];
}
