import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/access.js';
import type { Incident, SubEvent } from '../../../src/core/incident.js';
import { soarConfigSchema } from '../../../src/forwarders/soar/config.js';
import {
  artifactKey,
  buildArtifacts,
  buildIncidentPayload,
  buildRows,
  columnMap,
  dedupeKey,
  hashArtifactType,
  incidentLink,
  rowSignature,
  severityHandle,
} from '../../../src/forwarders/soar/map.js';
import { soarFixture, sshGroupIncident } from '../../support/fakes/soar.js';

const config = soarConfigSchema.parse({ url: 'https://soar.example.org', org: 201, apiKeyId: 'id-1234', apiKeySecret: 'secret-1234' });
const actor: Actor = { platform: 'telegram', userId: '42', name: 'Ann Analyst', username: 'ann', role: 'analyst', locale: 'en', chat: { id: '-100', type: 'group' } };

interface CreateExample {
  name: string;
  discovered_date: number;
  start_date: number;
  severity_code: string;
  artifacts: Array<{ type: { name: string }; value: string }>;
}
interface RowExample {
  cells: Record<string, { value: string }>;
}

function payloadOf(incident: Incident, overrides: Partial<Parameters<typeof buildIncidentPayload>[1]> = {}) {
  return buildIncidentPayload(incident, {
    dedupeField: 'socbot_key',
    severities: {},
    incidentTypes: ['System Intrusion'],
    dataTable: 'event_information',
    now: new Date('2026-01-01T00:00:00Z'),
    actor,
    ...overrides,
  });
}

function mpIncident(subEvents: SubEvent[] = []): Incident {
  return {
    source: 'maxpatrol',
    sourceId: '3f2b6c1e-0000-4000-8000-000000000001',
    key: 'INC-4821',
    title: 'Подбор пароля к учетной записи admin-dc',
    severity: 'critical',
    createdAt: '2024-11-28T06:41:03.000Z',
    assets: { hosts: ['dc01.corp.local'], ips: ['10.10.5.17'], users: ['admin-dc'], urls: [], hashes: [] },
    subEvents,
    facts: [{ label: 'mp-fact-category', value: 'Bruteforce' }],
    raw: {},
    firstSeenAt: '2024-11-28T06:42:00.000Z',
    revision: 1,
  };
}

describe('dedupe key and link', () => {
  it('carries source, source id and the Elastic group id', () => {
    const incident = sshGroupIncident();
    expect(dedupeKey(incident)).toBe(`socbot:elastic:${incident.sourceId};group=${incident.correlation?.groupId ?? ''}`);
    expect(dedupeKey(mpIncident())).toBe('socbot:maxpatrol:3f2b6c1e-0000-4000-8000-000000000001');
  });

  it('links to the incident in the SOAR UI', () => {
    expect(incidentLink('https://soar.example.org/', 2315)).toBe('https://soar.example.org/#incidents/2315');
  });
});

describe('incident payload (Elastic SSH group vs incident-create-request.example.json)', () => {
  const example = soarFixture<CreateExample>('incident-create-request.example.json');
  const incident = sshGroupIncident();
  const payload = payloadOf(incident);

  it('has the documented dates, severity, types and the dedupe property', () => {
    expect(payload.discovered_date).toBe(example.discovered_date);
    expect(payload.start_date).toBe(example.start_date);
    expect(payload.severity_code).toBe(example.severity_code);
    expect(payload.incident_type_ids).toEqual(['System Intrusion']);
    expect(payload.plan_status).toBe('A');
    expect(payload.properties).toEqual({ socbot_key: dedupeKey(incident) });
    expect(payload.name).toBe(incident.title);
  });

  it('describes the incident in plain text with group id, link and who forwarded it', () => {
    expect(payload.description.format).toBe('text');
    const text = payload.description.content;
    expect(text).toContain(`Elastic group id: ${incident.correlation?.groupId ?? ''}`);
    expect(text).toContain(`Link: ${incident.link ?? ''}`);
    expect(text).toContain('Sub-events: 5 (Data Table event_information)');
    expect(text).toContain('Ann Analyst (@ann) [telegram:42]');
    expect(text).toContain('rule: TRI_Potential SSH Brute Force (EQL sequence)');
  });

  it('localises fact labels when a translator is given', () => {
    const translated = payloadOf(incident, { translate: (key) => (key === 'elastic-fact-rule' ? 'Rule' : key) });
    expect(translated.description.content).toContain('Rule: TRI_Potential SSH Brute Force (EQL sequence)');
  });

  it('includes every artifact of the example, typed the same, plus the other addresses, once each', () => {
    const got = payload.artifacts.map((a) => `${a.type.name}=${a.value}`);
    for (const a of example.artifacts) expect(got).toContain(`${a.type.name}=${a.value}`);
    expect(got.sort()).toEqual(
      ['IP Address=203.0.113.45', 'IP Address=10.20.0.15', 'IP Address=fe80::5054:ff:fe12:3456', 'System Name=web-01', 'User Account=root'].sort(),
    );
  });

  it('omits start_date when no sub-event time precedes the discovery', () => {
    expect(payloadOf({ ...incident, subEvents: [] }).start_date).toBeUndefined();
  });
});

describe('severity and name', () => {
  it.each([
    ['critical', 'High'],
    ['high', 'High'],
    ['medium', 'Medium'],
    ['low', 'Low'],
    ['info', 'Low'],
  ] as const)('%s → %s by default', (severity, expected) => {
    expect(severityHandle(severity, config)).toBe(expected);
  });

  it('follows the configured mapping', () => {
    const custom = soarConfigSchema.parse({ ...config, severities: { critical: 7, info: 'Medium' } });
    expect(severityHandle('critical', custom)).toBe(7);
    expect(severityHandle('info', custom)).toBe('Medium');
    expect(severityHandle('high', custom)).toBe('High');
  });

  it('prefixes the human key when the source has one', () => {
    const payload = payloadOf(mpIncident());
    expect(payload.name).toBe('[INC-4821] Подбор пароля к учетной записи admin-dc');
    expect(payload.severity_code).toBe('High');
  });
});

describe('artifacts', () => {
  it.each([
    ['44d88612fea8a8f36de82e1278abb02f', 'Malware MD5 Hash'],
    ['3395856ce81f2b7382dee72602f798b642f14140', 'Malware SHA-1 Hash'],
    ['275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f', 'Malware SHA-256 Hash'],
    ['CC805D5FAB1FD71A4AB352A9C533E65FB2D5B885518F4E565E68847223B8E6B85CB48F3AFAD842726D99239C9E36505C64B0DC9A061D9E507D833277ADA336AB', 'Malware SHA-512 Hash'],
    ['sha256:275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f', 'Malware SHA-256 Hash'],
    ['3:a+4GbXKBAn:a+bXK', 'Malware Sample Fuzzy Hash'],
    ['not-a-hash', 'String'],
  ])('hash %s → %s', (hash, type) => {
    expect(hashArtifactType(hash)).toBe(type);
  });

  it('types every asset kind and adds nothing twice', () => {
    const incident: Incident = {
      ...mpIncident(),
      assets: {
        hosts: ['web-01', 'WEB-01', '192.0.2.10'],
        ips: ['192.0.2.10', 'FILTERED', '10.0.0.0/8'],
        users: ['root', 'Root'],
        urls: ['https://evil.example.com/x?a=1', 'http://198.51.100.7:8080/y'],
        hashes: ['44D88612FEA8A8F36DE82E1278ABB02F', '44d88612fea8a8f36de82e1278abb02f'],
      },
      subEvents: [{ id: 's1', title: 'x', assets: { ips: ['192.0.2.10', '198.51.100.7'], hosts: ['evil.example.com'] } }],
    };
    const got = buildArtifacts(incident).map((a) => `${a.type.name}=${a.value}`);
    expect(got).toEqual([
      'IP Address=192.0.2.10',
      'Network CIDR Range=10.0.0.0/8',
      'IP Address=198.51.100.7',
      'System Name=web-01',
      'System Name=evil.example.com',
      'User Account=root',
      'User Account=Root',
      'URL=https://evil.example.com/x?a=1',
      'DNS Name=evil.example.com',
      'URL=http://198.51.100.7:8080/y',
      'Malware MD5 Hash=44d88612fea8a8f36de82e1278abb02f',
    ]);
    expect(new Set(got.map((g) => g.toLowerCase())).size).toBe(got.length - 1); // only root/Root differ by case
  });

  it('keys artifacts case-insensitively except users, URLs and strings', () => {
    expect(artifactKey('System Name', 'WEB-01')).toBe(artifactKey('System Name', 'web-01'));
    expect(artifactKey('User Account', 'Root')).not.toBe(artifactKey('User Account', 'root'));
  });
});

describe('Data Table rows', () => {
  const incident = sshGroupIncident();
  const columns = columnMap(config);

  it('maps the first building block like datatable-row-request.example.json (empty cells left out)', () => {
    const example = soarFixture<RowExample>('datatable-row-request.example.json');
    const rows = buildRows(incident.subEvents, columns);
    expect(rows).toHaveLength(5);
    const { destination_ip, ...rest } = example.cells;
    expect(destination_ip?.value).toBe('-');
    expect(rows[0]?.cells).toEqual(rest);
    expect(rows[0]?.subEventId).toBe(incident.subEvents[0]?.id);
    expect(new Set(rows.map((r) => rowSignature(r.cells, columns))).size).toBe(5);
  });

  it('maps MaxPatrol events by title and time with a configured column map', () => {
    const custom = soarConfigSchema.parse({ ...config, columns: { event_name: 'title', event_time: 'timeMs', source_ip: ['detail:source.ip', 'ip'], host: 'hosts' } });
    const rows = buildRows(
      [{ id: 'e1', title: 'Учетная запись admin-dc заблокирована', time: '2024-11-28T06:41:02.999Z', assets: { ips: ['10.10.5.17'], hosts: ['a', 'b'] } }],
      columnMap(custom),
    );
    expect(rows[0]?.cells).toEqual({
      event_name: { value: 'Учетная запись admin-dc заблокирована' },
      event_time: { value: Date.parse('2024-11-28T06:41:02.999Z') },
      source_ip: { value: '10.10.5.17' },
      host: { value: 'a, b' },
    });
  });

  it('recognises a stored row by content over the mapped columns only', () => {
    const [row] = buildRows(incident.subEvents, columns);
    const stored: Record<string, { value: unknown }> = { extra_column: { value: 'x' }, destination_ip: { value: null } };
    for (const [k, v] of Object.entries(row?.cells ?? {})) stored[k] = { value: v.value };
    expect(rowSignature(stored, columns)).toBe(rowSignature(row?.cells ?? {}, columns));
  });

  it('rejects unknown cell sources in the config', () => {
    expect(() => soarConfigSchema.parse({ ...config, columns: { a: 'nonsense' } })).toThrow();
  });
});
