import { describe, expect, it } from 'vitest';
import {
  alertLink,
  classify,
  groupRecordOf,
  mapLateSubAlerts,
  mapMainAlert,
  mapSubAlert,
  severityOf,
  statusOf,
} from '../../../src/sources/elastic/map.js';
import { hitSchema, type AlertHit } from '../../../src/sources/elastic/schema.js';
import { C2_ID, MALWARE_ID, SHELL_ID, WEBSHELL_ID, eqlGroup, singleAlerts } from './fixtures.js';

function hit(raw: unknown): AlertHit {
  return hitSchema.parse(raw);
}

function group(): { shell: AlertHit; blocks: AlertHit[] } {
  const [shell, ...blocks] = eqlGroup().map(hit);
  if (!shell) throw new Error('fixture');
  return { shell, blocks };
}

function single(id: string): AlertHit {
  const found = singleAlerts().find((a) => a._id === id);
  if (!found) throw new Error(`no fixture ${id}`);
  return hit(found);
}

describe('classify', () => {
  it('treats the EQL shell as the main alert and its building blocks as sub-alerts of its group', () => {
    const { shell, blocks } = group();
    expect(classify(shell)).toEqual({ kind: 'main', groupId: SHELL_ID });
    for (const block of blocks) expect(classify(block)).toEqual({ kind: 'sub', groupId: SHELL_ID });
  });

  it('treats ungrouped alerts as main alerts', () => {
    for (const a of singleAlerts()) expect(classify(hit(a))).toEqual({ kind: 'main', groupId: undefined });
  });

  it('keeps a building-block rule alert without a group as a main alert (building_block_type alone is not enough)', () => {
    const a = single(C2_ID);
    const bb = hit({ ...a, _source: { ...a._source, 'kibana.alert.building_block_type': 'default' } });
    expect(classify(bb)).toEqual({ kind: 'main', groupId: undefined });
  });

  it('treats a 7.x shell (group id is a separate hash, not a building block) as the main alert of its group', () => {
    const legacyShell = hit({
      _index: '.siem-signals-default-000001',
      _id: 'legacy-shell',
      _source: { '@timestamp': '2021-05-01T10:00:00.000Z', signal: { rule: { name: 'TRI_old' }, group: { id: 'hash-1' }, status: 'open' } },
    });
    const legacyBlock = hit({
      _index: '.siem-signals-default-000001',
      _id: 'legacy-block',
      _source: {
        '@timestamp': '2021-05-01T10:00:00.000Z',
        signal: { rule: { name: 'TRI_old', building_block_type: 'default' }, group: { id: 'hash-1', index: 0 } },
      },
    });
    expect(classify(legacyShell)).toEqual({ kind: 'main', groupId: 'hash-1' });
    expect(classify(legacyBlock)).toEqual({ kind: 'sub', groupId: 'hash-1' });
  });
});

describe('mapMainAlert', () => {
  it('maps the EQL group to one incident with 5 sub-events (the shell is not a row)', () => {
    const { shell, blocks } = group();
    const draft = mapMainAlert(shell, blocks, {});
    expect(draft.sourceId).toBe(SHELL_ID);
    expect(draft.title).toBe('TRI_Potential SSH Brute Force (EQL sequence)');
    expect(draft.description).toBe('authentication event with source 203.0.113.45, by root on web-01 created medium alert TRI_Potential SSH Brute Force (EQL sequence).');
    expect(draft.severity).toBe('medium');
    expect(draft.status).toBe('open');
    expect(draft.statusKey).toBe('elastic-status-open');
    expect(draft.createdAt).toBe('2025-06-02T09:17:41.502Z');
    expect(draft.correlation).toEqual({ groupId: SHELL_ID });
    expect(draft.link).toBe(
      `https://kibana.example.internal/app/security/alerts/redirect/${SHELL_ID}?index=.alerts-security.alerts-default&timestamp=2025-06-02T09:17:41.502Z`,
    );
    expect(draft.subEvents.map((e) => e.id)).toEqual(blocks.map((b) => b._id));
    expect(draft.subEvents.map((e) => e.id)).not.toContain(SHELL_ID);
    expect(draft.assets).toEqual({
      hosts: ['web-01'],
      ips: ['203.0.113.45', '10.20.0.15', 'fe80::5054:ff:fe12:3456'],
      users: ['root'],
      urls: [],
      hashes: [],
    });
    const facts = Object.fromEntries(draft.facts.map((f) => [f.label, f.value]));
    expect(facts['elastic-fact-tactic']).toBe('Credential Access (TA0006)');
    expect(facts['elastic-fact-technique']).toBe('Brute Force (T1110), Password Guessing (T1110.001)');
    expect(facts['elastic-fact-rule-type']).toBe('eql');
    expect(facts['elastic-fact-risk-score']).toBe('47');
    expect(facts['elastic-fact-event-action']).toBe('ssh_login');
    expect(facts['elastic-fact-event-outcome']).toBe('failure');
    expect(facts['elastic-fact-space']).toBeUndefined();
    expect(draft.raw).toBe(shell);
  });

  it('reads nested event.action/outcome and per-attempt fields into the building-block rows', () => {
    const { blocks } = group();
    const first = blocks[0];
    if (!first) throw new Error('fixture');
    const row = mapSubAlert(first, {});
    expect(row.id).toBe('8fbf710a6b4d2df0a90e1a038dc4d2065bd1dcc290680016ef55696faa179248');
    expect(row.title).toBe('Failed password for root from 203.0.113.45 port 51022 ssh2');
    expect(row.time).toBe('2025-06-02T09:14:03.118Z');
    expect(row.details).toMatchObject({
      rule: 'TRI_Potential SSH Brute Force (EQL sequence)',
      host: 'web-01',
      user: 'root',
      'source.ip': '203.0.113.45',
      'source.port': '51022',
      'event.action': 'ssh_login',
      'event.outcome': 'failure',
      'group.index': '0',
    });
    expect(row.details?.link).toContain('/alerts/redirect/8fbf710a6b4d');
  });

  it('maps single alerts: network IPs without host.ip crash, DNS answers, hashes and URLs', () => {
    const c2 = mapMainAlert(single(C2_ID), [], {});
    expect(c2.severity).toBe('high');
    expect(c2.assets.ips).toEqual(['10.20.4.42', '10.20.0.2', '198.51.100.77']);
    expect(c2.assets.users).toEqual(['j.kovacs']);
    expect(c2.facts.find((f) => f.label === 'elastic-fact-dns-question')?.value).toBe('update-check.badcdn.example');
    expect(c2.correlation).toBeUndefined();
    expect(c2.subEvents).toEqual([]);

    const malware = mapMainAlert(single(MALWARE_ID), [], {});
    expect(malware.severity).toBe('critical');
    expect(malware.assets.hashes).toEqual(['44d88612fea8a8f36de82e1278abb02f', '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f']);
    expect(malware.assets.ips).toEqual(['192.0.2.200', '10.20.1.32']);
    expect(malware.facts.find((f) => f.label === 'elastic-fact-process')?.value).toBe('/var/lib/postgresql/.x/kworkerd');
    expect(malware.createdAt).toBe('2025-06-02T10:31:45.221Z');
    expect(malware.updatedAt).toBe('2025-06-02T10:33:02.440Z');

    const web = mapMainAlert(single(WEBSHELL_ID), [], {});
    expect(web.assets.urls).toEqual(['https://shop.example.internal/media/upload.php']);
    expect(web.severity).toBe('low');
  });

  it('reads file.hash.* as well as process.hash.*', () => {
    const a = single(WEBSHELL_ID);
    a._source.file = { name: 'cmd.php', hash: { sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' } };
    expect(mapMainAlert(a, [], {}).assets.hashes).toEqual(['da39a3ee5e6b4b0d3255bfef95601890afd80709']);
  });

  it('keeps HTML in rule names and reasons as plain data, and Cyrillic and Hungarian text unchanged', () => {
    const a = single(C2_ID);
    a._source['kibana.alert.rule.name'] = 'TRI_</b><a href="tg://x">x</a> & <script>alert(1)</script>';
    a._source['kibana.alert.reason'] = 'Вход пользователя «Администратор» с узла árvíztűrő-tükörfúrógép';
    a._source.host = { name: 'szerver-ő-01' };
    a._source.user = { name: 'Ёлкин' };
    const draft = mapMainAlert(a, [], {});
    expect(draft.title).toBe('TRI_</b><a href="tg://x">x</a> & <script>alert(1)</script>');
    expect(draft.description).toBe('Вход пользователя «Администратор» с узла árvíztűrő-tükörfúrógép');
    expect(draft.assets.hosts).toEqual(['szerver-ő-01']);
    expect(draft.assets.users).toEqual(['Ёлкин']);
  });

  it('counts suppressed duplicates and keeps threshold counts as a fact', () => {
    const a = single(C2_ID);
    a._source['kibana.alert.suppression.docs_count'] = 4;
    a._source['kibana.alert.threshold_result.count'] = 12;
    const draft = mapMainAlert(a, [], {});
    expect(draft.count).toBe(5);
    expect(draft.facts.find((f) => f.label === 'elastic-fact-threshold-count')?.value).toBe('12');
  });

  it('refuses an alert without a usable @timestamp (the source quarantines it)', () => {
    const a = single(C2_ID);
    delete a._source['@timestamp'];
    expect(() => mapMainAlert(a, [], {})).toThrow(/@timestamp/);
  });

  it('falls back to the reason, then the id, when the rule name is missing', () => {
    const a = single(C2_ID);
    delete a._source['kibana.alert.rule.name'];
    expect(mapMainAlert(a, [], {}).title).toBe(a._source['kibana.alert.reason']);
  });
});

describe('severity and status', () => {
  it.each([
    [{ 'kibana.alert.severity': 'critical' }, 'critical'],
    [{ 'kibana.alert.severity': 'HIGH' }, 'high'],
    [{ 'kibana.alert.risk_score': 99 }, 'critical'],
    [{ 'kibana.alert.risk_score': 73 }, 'high'],
    [{ 'kibana.alert.risk_score': 47 }, 'medium'],
    [{ 'kibana.alert.risk_score': 21 }, 'low'],
    [{ 'kibana.alert.severity': 'bogus', 'kibana.alert.risk_score': 50 }, 'high'],
    [{ signal: { rule: { severity: 'low' } } }, 'low'],
    [{}, 'medium'],
  ])('%j → %s', (source, expected) => {
    expect(severityOf({ _source: source })).toBe(expected);
  });

  it.each([
    [{ 'kibana.alert.workflow_status': 'open' }, { status: 'open', statusKey: 'elastic-status-open' }],
    [{ 'kibana.alert.workflow_status': 'acknowledged' }, { status: 'acknowledged', statusKey: 'elastic-status-acknowledged' }],
    [{ 'kibana.alert.workflow_status': 'closed' }, { status: 'closed', statusKey: 'elastic-status-closed' }],
    [{ signal: { status: 'in-progress' } }, { status: 'acknowledged', statusKey: 'elastic-status-acknowledged' }],
    [{ 'kibana.alert.workflow_status': 'escalated' }, { status: 'escalated' }],
    [{}, {}],
  ])('%j → %j', (source, expected) => {
    expect(statusOf({ _source: source })).toEqual(expected);
  });
});

describe('alertLink', () => {
  it('builds the Kibana redirect link from kibanaUrl when the alert has no kibana.alert.url', () => {
    const a = single(C2_ID);
    delete a._source['kibana.alert.url'];
    expect(alertLink(a, {})).toBeUndefined();
    expect(alertLink(a, { kibanaUrl: 'https://kibana.example.org:5601/' })).toBe(
      `https://kibana.example.org:5601/app/security/alerts/redirect/${C2_ID}?index=.alerts-security.alerts-default&timestamp=2025-06-02T10%3A05%3A30.118Z`,
    );
    a._source['kibana.space_ids'] = ['soc'];
    expect(alertLink(a, { kibanaUrl: 'https://kibana.example.org' })).toBe(
      `https://kibana.example.org/s/soc/app/security/alerts/redirect/${C2_ID}?index=.alerts-security.alerts-soc&timestamp=2025-06-02T10%3A05%3A30.118Z`,
    );
  });

  it('ignores a kibana.alert.url that is not http(s)', () => {
    const a = single(C2_ID);
    a._source['kibana.alert.url'] = 'javascript:alert(1)';
    expect(alertLink(a, {})).toBeUndefined();
  });
});

describe('legacy signal.* documents', () => {
  it('reads a 7.x document whose fields live under a nested signal object', () => {
    const legacy = hit({
      _index: '.siem-signals-default-000001',
      _id: 'legacy-1',
      _source: {
        '@timestamp': '2021-05-01T10:00:00.000Z',
        host: { name: 'old-host' },
        signal: {
          rule: { name: 'TRI_Legacy rule', severity: 'high', risk_score: 70, tags: ['TRI'], threat: [{ tactic: { id: 'TA0001', name: 'Initial Access' } }] },
          status: 'closed',
          original_time: '2021-05-01T09:59:00.000Z',
          reason: 'legacy reason',
        },
      },
    });
    const draft = mapMainAlert(legacy, [], {});
    expect(draft.title).toBe('TRI_Legacy rule');
    expect(draft.severity).toBe('high');
    expect(draft.status).toBe('closed');
    expect(draft.createdAt).toBe('2021-05-01T09:59:00.000Z');
    expect(draft.description).toBe('legacy reason');
    expect(draft.facts.find((f) => f.label === 'elastic-fact-tactic')?.value).toBe('Initial Access (TA0001)');
  });

  it('reads aliases returned in `fields` (arrays)', () => {
    const viaFields = hit({
      _index: '.alerts-security.alerts-default',
      _id: 'f-1',
      _source: { '@timestamp': '2025-06-02T10:00:00.000Z' },
      fields: { 'signal.rule.name': ['TRI_from fields'], 'signal.status': ['acknowledged'], 'signal.rule.threat.tactic.name': ['Execution'] },
    });
    const draft = mapMainAlert(viaFields, [], {});
    expect(draft.title).toBe('TRI_from fields');
    expect(draft.statusKey).toBe('elastic-status-acknowledged');
    expect(draft.facts.find((f) => f.label === 'elastic-fact-tactic')?.value).toBe('Execution');
  });
});

describe('late building blocks', () => {
  it('builds a draft for the stored incident that carries only the new rows and no status', () => {
    const { shell, blocks } = group();
    const record = groupRecordOf(mapMainAlert(shell, blocks.slice(0, 3), {}));
    const late = blocks.slice(3);
    const draft = mapLateSubAlerts(record, SHELL_ID, late, {});
    expect(draft.sourceId).toBe(SHELL_ID);
    expect(draft.title).toBe('TRI_Potential SSH Brute Force (EQL sequence)');
    expect(draft.severity).toBe('medium');
    expect(draft.status).toBeUndefined();
    expect(draft.subEvents.map((e) => e.id)).toEqual(late.map((b) => b._id));
    expect(draft.correlation).toEqual({ groupId: SHELL_ID });
    expect(draft.facts).toEqual(record.facts);
  });
});
