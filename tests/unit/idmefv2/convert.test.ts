import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/core/incident.js';
import { convertIncident, hashValue, messageId, toUtc, uuidV5, type Idmefv2Message } from '../../../src/forwarders/idmefv2/convert.js';
import { validatorFor } from '../../../src/forwarders/idmefv2/validate.js';
import { SCHEMA_FIXTURES, schemaCheck } from '../../support/fakes/idmefv2.js';
import { allSourceIncidents, elasticGroupIncident, illumioIncident, maxpatrolIncident, sophosIncident } from './incidents.js';

// Independent of the code under test: plain Ajv on the fixture copies of the official schemas.
const fixtureV04 = schemaCheck(SCHEMA_FIXTURES.v04);
const fixtureV04Pinned = schemaCheck(SCHEMA_FIXTURES.v04pinned);
const fixtureV08 = schemaCheck(SCHEMA_FIXTURES.v08);

const V04 = { version: '2.D.V04', analyzerIp: '10.0.0.5' } as const;
const V08 = { version: '2.D.V08', analyzerIp: '10.0.0.5' } as const;

type Item = Record<string, unknown>;
const items = (m: Idmefv2Message, key: 'Source' | 'Target' | 'Attachment'): Item[] => (m[key] as Item[] | undefined) ?? [];

describe('every source converts to a valid message', () => {
  it.each(allSourceIncidents())('%s → 2.D.V04 (fixed and test-server-pinned schema)', (_name, incident) => {
    const message = convertIncident(incident, V04);
    expect(validatorFor('2.D.V04').validate(message)).toEqual({ valid: true });
    expect(fixtureV04.errors(message)).toEqual([]);
    // The reference test server enforces the pinned copy; our V04 output must pass it too.
    expect(fixtureV04Pinned.errors(message)).toEqual([]);
    expect(message.Version).toBe('2.D.V04');
    expect(message.Status).toBe('Incident');
    expect((message.Analyzer as Item).Type).toEqual(['Cyber']);
  });

  it.each(allSourceIncidents())('%s → 2.D.V08', (_name, incident) => {
    const message = convertIncident(incident, V08);
    expect(validatorFor('2.D.V08').validate(message)).toEqual({ valid: true });
    expect(fixtureV08.errors(message)).toEqual([]);
    expect(message.Version).toBe('2.D.V08');
    expect(message.Status).toEqual(['Incident', 'Reported']);
    expect(message.Type).toEqual(['Cyber']);
    expect((message.Analyzer as Item).Type).toBeUndefined();
    for (const item of [...items(message, 'Source'), ...items(message, 'Target')]) expect(item.ID).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('per-source mapping', () => {
  it('MaxPatrol: attacker address as Source, target host and account as Target, events attached', () => {
    const incident = maxpatrolIncident();
    const m = convertIncident(incident, V04);
    expect(m.Priority).toBe('High');
    expect(m.Category).toEqual(['Attempt.Login']);
    expect(m.CreateTime).toBe('2024-11-28T06:41:03.123Z');
    expect(m.StartTime).toBe('2024-11-28T06:40:58.000Z');
    expect(m.Source).toEqual([{ IP: '10.10.5.17' }]);
    expect(m.Target).toEqual([{ Hostname: 'dc-01.corp.local' }, { User: 'admin-dc' }]);
    expect(m.AltNames).toEqual([`maxpatrol:${incident.sourceId}`, 'maxpatrol:INC-1528']);
    expect(m.Ref).toEqual([incident.link]);
    expect(m.Description).toBe(`${incident.title}\n\n${incident.description ?? ''}`);
    expect(m.Note).toContain('Incident key: INC-1528');
    expect(m.Note).toContain('Correlation rule: Bruteforce_Domain_Admin');
    expect(m.Analyzer).toMatchObject({ Name: 'maxpatrol-siem', IP: '10.0.0.5', Hostname: 'siem.example.org', Category: ['SIEM'], Data: ['Log'], Method: ['Correlation'] });
    const sub = items(m, 'Attachment').find((a) => a.Name === 'SubEvents');
    expect(sub?.ContentType).toBe('application/json');
    const content = sub?.Content as { count: number; events: Array<{ id: string; time: string }> };
    expect(content.count).toBe(3);
    expect(content.events.map((e) => e.id)).toEqual(incident.subEvents.map((e) => e.id));
    expect(content.events[0]?.time).toBe('2024-11-28T06:40:58.000Z');
  });

  it('Elastic group: source.ip is the attacker, host/user the target, building blocks attached, group id named', () => {
    const incident = elasticGroupIncident();
    const m = convertIncident(incident, V04);
    expect(m.Priority).toBe('Medium');
    expect(m.Category).toEqual(['Attempt.Login']);
    expect(m.Source).toEqual([{ IP: '203.0.113.45' }]);
    // Five blocks with five different source ports: no single Port can be claimed.
    expect(items(m, 'Source')[0]?.Port).toBeUndefined();
    expect(m.Target).toEqual([{ IP: '10.20.0.15' }, { IP: 'fe80::5054:ff:fe12:3456' }, { Hostname: 'web-01' }, { User: 'root' }]);
    expect(m.StartTime).toBe('2025-06-02T09:14:03.118Z');
    expect(m.EndTime).toBe('2025-06-02T09:17:41.502Z');
    expect(m.AltNames).toContain(`elastic:groupId:${incident.sourceId}`);
    expect((m.Analyzer as Item).Model).toBe('Elastic Security 8.18.2');
    const content = items(m, 'Attachment').find((a) => a.Name === 'SubEvents')?.Content as { events: Array<{ details: Record<string, string> }> };
    expect(content.events).toHaveLength(5);
    expect(content.events[0]?.details['source.port']).toBe('51022');
    expect(convertIncident(incident, V08).Category).toEqual(['Access.Forced']);
  });

  it('Elastic: one attacker with one source port gets the Port', () => {
    const incident = elasticGroupIncident();
    const one: Incident = { ...incident, subEvents: incident.subEvents.slice(0, 1) };
    expect(convertIncident(one, V04).Source).toEqual([{ IP: '203.0.113.45', Port: [51022] }]);
  });

  it('Sophos malware: AV analyzer, Malicious.System, tenant as the entity; runtime detection: EDR, SysCompromise', () => {
    const malware = convertIncident(sophosIncident(0), V04);
    expect(malware.Analyzer).toMatchObject({ Name: 'sophos-central', Category: ['AV'], Data: ['Host'], Method: ['Signature', 'Heuristic'] });
    expect(malware.Category).toEqual(['Malicious.System']);
    expect(malware.EntityName).toBe('Cortex XSOAR');
    expect(malware.EntityId).toBe('11f104c5-cc4a-4a9f-bb9c-632c936dfb9f');
    expect(malware.Note).toContain('Tenant: Cortex XSOAR (11f104c5-cc4a-4a9f-bb9c-632c936dfb9f)');
    // The title is the description for Sophos: said once.
    expect(malware.Description).toBe(sophosIncident(0).title);
    expect(malware.CreateTime).toBe('2020-11-25T09:19:18.936Z');
    expect(convertIncident(sophosIncident(0), V08).Category).toEqual(['Malware.Other']);

    const runtime = convertIncident(sophosIncident(1), V04);
    expect((runtime.Analyzer as Item).Category).toEqual(['EDR']);
    expect(runtime.Category).toEqual(['Intrusion.SysCompromise']);
    expect((convertIncident(sophosIncident(1), V08).Analyzer as Item).Category).toEqual(['END.EDR']);
  });

  it('Illumio failed API login: caller address as Source, Attempt.Login, grouped count noted', () => {
    const m = convertIncident(illumioIncident(), V04);
    expect(m.Source).toEqual([{ IP: '198.51.100.23' }]);
    expect(m.Category).toEqual(['Attempt.Login']);
    expect(m.Priority).toBe('High');
    expect(m.Note).toContain('Occurrences: 17');
    expect(m.AltNames).toContain('illumio:/system_events/aa11bb22-cc33-4d44-8e55-ff6677889900');
    expect(m.Analyzer).toMatchObject({ Name: 'illumio-pce', Category: ['FW'], Method: ['Policy', 'Monitor'] });
  });

  it('Illumio FILTERED source address is no Source but a note; resource changes are summarised', () => {
    const m = convertIncident(illumioIncident('sources/illumio-events_composed_edge_cases.json', 4), V04);
    expect(m.Source).toBeUndefined();
    expect(m.Note).toContain('Source address: FILTERED');
    expect(m.Note).toMatch(/Change: create rule_set .+\(name, description\)/);
    // Unmapped event type: no guessed Category.
    expect(m.Category).toBeUndefined();
  });

  it('an account that is an e-mail address also fills Email', () => {
    const m = convertIncident(illumioIncident('sources/illumio-events_pretty_cool_events_sample.json', 0), V04);
    expect(items(m, 'Target')).toContainEqual({ User: 'admin@example.com', Email: 'admin@example.com' });
  });
});

describe('stable identity', () => {
  it('UUIDv5 matches the RFC 4122 test vector', () => {
    // uuid5(NAMESPACE_DNS, 'www.example.com') from Python's uuid module.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('ID depends only on source and source id, not on revision, sub-events, severity or options', () => {
    const incident = elasticGroupIncident();
    const later: Incident = {
      ...incident,
      revision: 9,
      severity: 'high',
      subEvents: incident.subEvents.slice(0, 2),
      forwards: { idmefv2: { state: 'failed', at: '2026-01-01T00:00:00Z', by: 'x', error: 'HTTP 503' } },
    };
    const id = messageId(incident);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(convertIncident(incident, V04).ID).toBe(id);
    expect(convertIncident(later, V08).ID).toBe(id);
    expect(messageId({ source: 'elastic', sourceId: `${incident.sourceId}x` })).not.toBe(id);
    expect(messageId({ source: 'sophos', sourceId: incident.sourceId })).not.toBe(id);
  });

  it('the whole message is deterministic (a retry sends the very same bytes)', () => {
    const incident = maxpatrolIncident();
    expect(JSON.stringify(convertIncident(incident, V08))).toBe(JSON.stringify(convertIncident(maxpatrolIncident(), V08)));
  });
});

describe('details', () => {
  it.each([
    ['critical', 'High'],
    ['high', 'High'],
    ['medium', 'Medium'],
    ['low', 'Low'],
    ['info', 'Info'],
  ] as const)('severity %s → Priority %s', (severity, priority) => {
    expect(convertIncident({ ...sophosIncident(0), severity }, V04).Priority).toBe(priority);
  });

  it('times become UTC with Z; a time without an offset is UTC, not the local zone', () => {
    expect(toUtc('2025-06-02T12:17:41+03:00')).toBe('2025-06-02T09:17:41.000Z');
    expect(toUtc('2021-02-12T15:04:53.780')).toBe('2021-02-12T15:04:53.780Z');
    expect(toUtc('not a time')).toBe('not a time');
  });

  it('hashes become alg:hex attachments; unknown ones a note', () => {
    const sha256 = 'a'.repeat(64);
    const incident: Incident = { ...sophosIncident(0), assets: { ...sophosIncident(0).assets, hashes: [sha256, 'D41D8CD98F00B204E9800998ECF8427E', 'xyz'] } };
    const m = convertIncident(incident, V04);
    expect(items(m, 'Attachment').map((a) => a.Hash)).toEqual([[`sha-256:${sha256}`], ['md5:d41d8cd98f00b204e9800998ecf8427e']]);
    expect(m.Note).toContain('Hash: xyz');
    expect(validatorFor('2.D.V04').validate(m)).toEqual({ valid: true });
    expect(hashValue('sha-1:' + 'b'.repeat(40))).toBe('sha-1:' + 'b'.repeat(40));
  });

  it('URLs go to a Target note (no URL member exists) and stay valid', () => {
    const incident: Incident = { ...sophosIncident(1), assets: { ...sophosIncident(1).assets, urls: ['http://c2.example.net/gate.php?id=1'] } };
    for (const opts of [V04, V08]) {
      const m = convertIncident(incident, opts);
      expect(items(m, 'Target').some((t) => t.Note === 'URL: http://c2.example.net/gate.php?id=1')).toBe(true);
      expect(validatorFor(opts.version).validate(m)).toEqual({ valid: true });
    }
  });

  it('caps the attached sub-events and says how many there were', () => {
    const incident = elasticGroupIncident();
    const many: Incident = {
      ...incident,
      subEvents: Array.from({ length: 250 }, (_, i) => ({ id: `bb${i}`, title: `block ${i}`, time: '2025-06-02T09:14:03.118Z' })),
    };
    const m = convertIncident(many, { ...V04, maxSubEvents: 100 });
    const content = items(m, 'Attachment').find((a) => a.Name === 'SubEvents')?.Content as { count: number; events: unknown[] };
    expect(content.count).toBe(250);
    expect(content.events).toHaveLength(100);
    expect(m.Note).toContain('Sub-events: 250 (first 100 attached as SubEvents)');
  });

  it('operator category rules win over the built-in map, per source and version', () => {
    const rules = [
      { source: 'sophos', match: 'not-this', v04: ['Test.Test'], v08: ['Other.Test'] },
      { source: 'illumio', match: 'request.authentication', v04: ['Intrusion.UserCompromise'], v08: ['Access.Unauthorized'] },
    ];
    expect(convertIncident(illumioIncident(), { ...V04, categories: rules }).Category).toEqual(['Intrusion.UserCompromise']);
    expect(convertIncident(illumioIncident(), { ...V08, categories: rules }).Category).toEqual(['Access.Unauthorized']);
    // A rule for another source does not apply.
    expect(convertIncident(sophosIncident(0), { ...V04, categories: rules }).Category).toEqual(['Malicious.System']);
  });

  it('an unknown source still gives a valid message with its name as the analyzer', () => {
    const incident: Incident = { ...sophosIncident(0), source: 'zabbix', raw: null, link: 'https://192.0.2.10/zabbix' };
    const m = convertIncident(incident, V04);
    expect((m.Analyzer as Item).Name).toBe('zabbix');
    // An IP literal is no Hostname.
    expect((m.Analyzer as Item).Hostname).toBeUndefined();
    expect(validatorFor('2.D.V04').validate(m)).toEqual({ valid: true });
  });
});
