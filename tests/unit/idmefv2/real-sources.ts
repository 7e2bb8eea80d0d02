/**
 * Incidents exactly as the source adapters map them: each source's own mapper run on that source's vendor
 * fixtures (tests/fixtures/<source>/), every item, then stored the way the pipeline stores a draft. The
 * forwarders must take every one of them (IDMEFv2 valid under the schemas, SOAR accepted by the fake SOAR).
 */
import { readFileSync } from 'node:fs';
import type { Incident, IncidentDraft } from '../../../src/core/incident.js';
import { classify, mapMainAlert } from '../../../src/sources/elastic/map.js';
import { hitSchema, type AlertHit } from '../../../src/sources/elastic/schema.js';
import { mapEvent as mapIllumioEvent } from '../../../src/sources/illumio/map.js';
import { eventSchema } from '../../../src/sources/illumio/schema.js';
import { mapIncident } from '../../../src/sources/maxpatrol/map.js';
import { incidentCardSchema, incidentEventSchema, incidentListItemSchema, incidentListSchema } from '../../../src/sources/maxpatrol/schema.js';
import { mapAlert } from '../../../src/sources/sophos/map.js';
import { alertSchema } from '../../../src/sources/sophos/schema.js';

function fixture(path: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8'));
}

function stored(source: string, draft: IncidentDraft): Incident {
  return { ...draft, source, key: draft.key ?? draft.sourceId, firstSeenAt: '2026-01-01T00:00:00.000Z', revision: 1 };
}

function elastic(): Array<readonly [string, Incident]> {
  const hits: AlertHit[] = [...(fixture('elastic/single-alerts.hits.json') as unknown[]), ...(fixture('elastic/ssh-bruteforce-eql-group.hits.json') as unknown[])].map((h) => hitSchema.parse(h));
  const mains = hits.filter((h) => classify(h).kind === 'main');
  return mains.map((main) => {
    const { groupId } = classify(main);
    const subs = hits.filter((h) => {
      const role = classify(h);
      return role.kind === 'sub' && role.groupId === groupId;
    });
    const draft = mapMainAlert(main, subs, { kibanaUrl: 'https://kibana.example.internal' });
    return [`elastic ${draft.sourceId.slice(0, 12)} (${subs.length} building blocks)`, stored('elastic', draft)] as const;
  });
}

function maxpatrol(): Array<readonly [string, Incident]> {
  const list = incidentListSchema.parse(fixture('mpsiem/incidents_list_response.json'));
  const card = incidentCardSchema.parse(fixture('mpsiem/incident_detail.json'));
  const events = (fixture('mpsiem/incident_events.json') as unknown[]).map((e) => incidentEventSchema.parse(e));
  const out: Array<readonly [string, Incident]> = [];
  for (const raw of list.incidents) {
    const item = incidentListItemSchema.parse(raw);
    const withCard = item.id === card.id;
    const draft = mapIncident({
      id: item.id,
      item,
      ...(withCard ? { card, events } : {}),
      baseUrl: 'https://siem.example.org',
      raw: { incident: raw },
    });
    if (draft) out.push([`maxpatrol ${draft.key ?? draft.sourceId}${withCard ? ' (card and events)' : ''}`, stored('maxpatrol', draft)]);
  }
  return out;
}

function sophos(): Array<readonly [string, Incident]> {
  const files = ['common-alerts-acme.json', 'common-alerts-qnasters-page1.json', 'common-alerts-qnasters-page2.json', 'common-alerts-tricore.json'];
  return files.flatMap((file) =>
    ((fixture(`sophos/${file}`) as { items: unknown[] }).items ?? []).map((raw) => {
      const alert = alertSchema.parse(raw);
      const draft = mapAlert(alert, { tenant: { id: alert.tenant?.id ?? 'tenant', name: alert.tenant?.name ?? 'Tenant' }, consoleUrl: 'https://central.sophos.com' });
      return [`sophos ${file} ${draft.sourceId.slice(0, 8)} (${alert.category ?? '?'})`, stored('sophos', draft)] as const;
    }),
  );
}

function illumio(): Array<readonly [string, Incident]> {
  const files = ['events_composed_edge_cases.json', 'events_pretty_cool_events_sample.json'];
  return files.flatMap((file) =>
    (fixture(`illumio/${file}`) as unknown[]).flatMap((raw, i) => {
      // The edge-case file holds events the source quarantines (no href, …): those never become incidents.
      const parsed = eventSchema.safeParse(raw);
      if (!parsed.success) return [];
      const draft = mapIllumioEvent(parsed.data, { key: 'all', severity: undefined }, { baseUrl: 'https://pce.example.org:8443', org: 1, workloads: new Map() });
      return [[`illumio ${file} #${i} ${parsed.data.event_type}`, stored('illumio', draft)] as const];
    }),
  );
}

export function realSourceIncidents(): Array<readonly [string, Incident]> {
  return [...elastic(), ...maxpatrol(), ...sophos(), ...illumio()];
}
