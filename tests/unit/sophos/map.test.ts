import { describe, expect, it } from 'vitest';
import { alertSchema, endpointSchema } from '../../../src/sources/sophos/schema.js';
import { endpointInfo, mapAlert, mapSeverity } from '../../../src/sources/sophos/map.js';
import { sophosFixture } from '../../support/fakes/sophos.js';

const qnasters = sophosFixture<{ items: unknown[] }>('common-alerts-qnasters-page2.json').items.map((a) => alertSchema.parse(a));
const tricore = alertSchema.parse(sophosFixture<{ items: unknown[] }>('common-alerts-tricore.json').items[0]);
const thunderbox = endpointSchema.parse(sophosFixture<{ items: unknown[] }>('endpoints-qnasters.json').items[0]);
const tenant = { id: '11f104c5-cc4a-4a9f-bb9c-632c936dfb9f', name: 'Qnasters' };

describe('mapAlert', () => {
  it('maps a runtime detection with its endpoint, tenant and allowed actions', () => {
    const alert = qnasters[1]!;
    const draft = mapAlert(alert, { tenant, endpoint: endpointInfo(thunderbox), consoleUrl: 'https://central.sophos.com' });
    expect(draft).toMatchObject({
      sourceId: '9641ba6e-3254-4726-962d-b2bc11e04131',
      title: "Malicious connection detected: 'C2/Generic-B' at 'C:\\Windows\\System32\\wscript.exe' (Technical Support reference: 277413403)",
      severity: 'high',
      createdAt: '2020-11-25T10:36:31.603Z',
      link: 'https://central.sophos.com',
      correlation: {
        tenantId: tenant.id,
        groupKey: 'MSxFdmVudDo6RW5kcG9pbnQ6OlRocmVhdDo6Q29tbWFuZEFuZENvbnRyb2xEZXRlY3RlZCwxNixDMiUyRkdlbmVyaWMtQg',
        endpointId: '6e9567ea-bb50-40c5-9f12-42eb308e4c9b',
      },
      subEvents: [],
      raw: alert,
    });
    expect(draft.assets.hosts).toEqual(['Thunderbox']);
    expect(draft.assets.ips).toContain('10.100.102.12');
    expect(draft.assets.ips).toContain('fe80::48c8:9e5c:1e9:d3d2');
    expect(draft.facts).toEqual([
      // The directory name wins over the alert's own copy ("Cortex XSOAR" in this sample).
      { label: 'sophos-fact-tenant', value: 'Qnasters' },
      { label: 'sophos-fact-category', value: 'runtimeDetections' },
      { label: 'sophos-fact-product', value: 'endpoint' },
      { label: 'sophos-fact-type', value: 'Event::Endpoint::Threat::CommandAndControlDetected' },
      { label: 'sophos-fact-endpoint', value: 'Thunderbox' },
      { label: 'sophos-fact-endpoint-type', value: 'computer' },
      { label: 'sophos-fact-endpoint-id', value: '6e9567ea-bb50-40c5-9f12-42eb308e4c9b' },
      { label: 'sophos-fact-person', value: '5d407889-8659-46ab-86c5-4f227302df78' },
      { label: 'sophos-fact-allowed-actions', value: 'clearThreat' },
    ]);
  });

  it('maps an alert with an empty managedAgent and no person (TriCore sample)', () => {
    const draft = mapAlert(tricore, { tenant: { id: 'bccccccc-783c-4e59-93c8-8adaaa53c7b1', name: 'TriCore Solutions' } });
    expect(draft.title).toBe('Your API token SophosMigration2020 has expired');
    expect(draft.assets).toEqual({ hosts: [], ips: [], users: [], urls: [], hashes: [] });
    expect(draft.link).toBeUndefined();
    expect(draft.correlation).toEqual({ tenantId: 'bccccccc-783c-4e59-93c8-8adaaa53c7b1', groupKey: 'zazo6UmVuZXdBcGlUb2tlbiwxLA' });
    expect(draft.facts.map((f) => f.label)).toEqual(['sophos-fact-tenant', 'sophos-fact-category', 'sophos-fact-product', 'sophos-fact-type', 'sophos-fact-allowed-actions']);
    expect(draft.facts.find((f) => f.label === 'sophos-fact-product')?.value).toBe('other');
  });

  it('without an endpoint lookup shows the agent id, and a tenant credential uses the alert tenant name', () => {
    const draft = mapAlert(qnasters[2]!, { tenant: { id: tenant.id, name: tenant.id } });
    expect(draft.assets.hosts).toEqual([]);
    expect(draft.facts.find((f) => f.label === 'sophos-fact-endpoint')?.value).toBe('6e9567ea-bb50-40c5-9f12-42eb308e4c9b');
    expect(draft.facts.find((f) => f.label === 'sophos-fact-tenant')?.value).toBe('Cortex XSOAR');
    expect(draft.severity).toBe('medium');
  });

  it('uses managedAgent.name and person.name when Central sends them, and ignores an endpoint of another agent', () => {
    const alert = alertSchema.parse({
      id: 'x1',
      raisedAt: '2021-02-12T15:04:53.780',
      severity: 'LOW',
      type: 'Event::Endpoint::OutOfDate',
      managedAgent: { id: 'agent-1', type: 'server', name: 'SRV-01' },
      person: { id: 'p1', name: 'ACME\\jdoe' },
      allowedActions: null,
    });
    const draft = mapAlert(alert, { tenant, endpoint: endpointInfo(thunderbox) });
    expect(draft.title).toBe('Event::Endpoint::OutOfDate');
    expect(draft.createdAt).toBe('2021-02-12T15:04:53.780Z');
    expect(draft.severity).toBe('low');
    expect(draft.assets.hosts).toEqual(['SRV-01']);
    expect(draft.assets.ips).toEqual([]);
    expect(draft.assets.users).toEqual(['ACME\\jdoe']);
    expect(draft.facts.some((f) => f.label === 'sophos-fact-allowed-actions')).toBe(false);
  });
});

describe('mapSeverity', () => {
  it.each([
    ['high', 'high'],
    ['HIGH', 'high'],
    ['medium', 'medium'],
    ['low', 'low'],
    ['critical', 'critical'],
    ['informational', 'info'],
    ['whatever', 'medium'],
    [undefined, 'medium'],
  ] as const)('%s → %s', (value, severity) => {
    expect(mapSeverity(value)).toBe(severity);
  });
});
