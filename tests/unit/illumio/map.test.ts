import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Fact, IncidentDraft } from '../../../src/core/incident.js';
import type { WorkloadInfo } from '../../../src/sources/illumio/enrich.js';
import { workloadHrefs } from '../../../src/sources/illumio/enrich.js';
import { actorOf, changeText, clean, eventLink, mapCollapsed, mapEvent, repeatSubEvent, severityOf, type MapContext } from '../../../src/sources/illumio/map.js';
import { eventSchema, parsePceTime, type IllumioEvent } from '../../../src/sources/illumio/schema.js';
import { admit, collapseSourceId, emptyBook, parseThrottle } from '../../../src/sources/illumio/throttle.js';
import { illumioFixture } from '../../support/fakes/illumio.js';

const sample = illumioFixture<unknown[]>('events_pretty_cool_events_sample.json').map((e) => eventSchema.parse(e));
const edge = illumioFixture<unknown[]>('events_composed_edge_cases.json');
const at = (i: number): IllumioEvent => eventSchema.parse(edge[i]);

const ctx: MapContext = { baseUrl: 'https://pce.example.org:8443/', org: 1, workloads: new Map() };
const watcher = { key: 'user.*', severity: undefined };

function fact(draft: IncidentDraft, label: string): Fact | undefined {
  return draft.facts.find((f) => f.label === label);
}

describe('mapEvent on the real sample events', () => {
  const [signIn, ipCreate, ipDelete, permission] = sample as [IllumioEvent, IllumioEvent, IllumioEvent, IllumioEvent];

  it('user.sign_in: title, facts, before → after, notification, link, assets', () => {
    const d = mapEvent(signIn, watcher, ctx);
    expect(d.sourceId).toBe('/orgs/1/events/d74e7de1-0363-4ca0-a537-7fa8b3b93514');
    expect(d.key).toBe('d74e7de1-0363-4ca0-a537-7fa8b3b93514');
    expect(d.title).toBe('user.sign_in · admin@example.com');
    expect(d.severity).toBe('info');
    expect(d.createdAt).toBe('2022-12-12T14:24:16.828Z');
    expect(d.link).toBe('https://pce.example.org:8443/#/events/d74e7de1-0363-4ca0-a537-7fa8b3b93514');
    expect(fact(d, 'illumio-fact-created-by-user')).toEqual({ label: 'illumio-fact-created-by-user', value: 'admin@example.com' });
    expect(fact(d, 'illumio-fact-status')).toEqual({ label: 'illumio-fact-status', value: 'success', valueKey: 'illumio-status-success' });
    expect(fact(d, 'illumio-fact-src-ip')?.value).toBe('203.0.113.36');
    expect(fact(d, 'illumio-fact-api-endpoint')?.value).toBe('/login/users/sign_in');
    expect(fact(d, 'illumio-fact-api-method')?.value).toBe('POST 302');
    expect(fact(d, 'illumio-fact-pce')?.value).toBe('pce2152.illumio.microsegment.io');
    expect(fact(d, 'illumio-fact-watcher')?.value).toBe('user.*');
    expect(d.subEvents).toEqual([
      {
        id: 'change:13c70bac-c318-4727-b9d0-2130e04503b3',
        title: 'update user admin@example.com',
        time: '2022-12-12T14:24:16.828Z',
        details: { sign_in_attempts_count: '82 → 83', last_sign_in_ip: '203.0.113.11 → 203.0.113.55', href: '/users/1' },
      },
      {
        id: 'notification:f96dd0fc-b16f-41b4-8b7e-e0d42e0bd2fa',
        title: 'user.login_session_created',
        time: '2022-12-12T14:24:16.828Z',
        details: { 'user.href': '/users/1', 'user.type': 'local', 'user.username': 'admin@example.com' },
        assets: { ips: [], users: ['admin@example.com'] },
      },
    ]);
    expect(d.assets.users).toEqual(['admin@example.com']);
    expect(d.assets.ips).toEqual(['203.0.113.36']);
    expect(d.raw).toBe(signIn);
  });

  it('ip_list.create: null before reads as —, list changes are summarised', () => {
    const d = mapEvent(ipCreate, watcher, ctx);
    expect(d.title).toBe('ip_list.create · Foo · admin@example.com');
    expect(d.subEvents[0]?.details).toEqual({ name: '— → Foo', description: '— → ""', ip_ranges: '+ 10.1.1.0/24', href: '/orgs/1/sec_policy/draft/ip_lists/8' });
    expect(fact(d, 'illumio-fact-resource')?.value).toBe('ip_list: Foo');
  });

  it('ip_list.delete: `changes: null` gives a change without fields', () => {
    const d = mapEvent(ipDelete, watcher, ctx);
    expect(d.subEvents).toEqual([{ id: 'change:83b394f3-d100-4714-b72a-1c181a6cbe37', title: 'delete ip_list Foo', time: '2022-12-12T14:24:48.565Z', details: { href: '/orgs/1/sec_policy/draft/ip_lists/8' } }]);
  });

  it('permission.create: references and label scopes are named, not dumped', () => {
    const d = mapEvent(permission, watcher, ctx);
    expect(d.subEvents[0]?.details).toMatchObject({
      role: '— → /orgs/1/roles/ruleset_manager',
      org_permission_scopes: '+ app: Kubernetes',
    });
  });
});

describe('mapEvent on the edge cases', () => {
  it('Cyrillic names survive intact in title, facts and before → after', () => {
    const d = mapEvent(at(0), watcher, ctx);
    expect(d.title).toBe('rule_set.update · Бухгалтерия — доступ к 1С · ivan.petrov@example.ru');
    expect(fact(d, 'illumio-fact-resource')?.value).toBe('rule_set: Бухгалтерия — доступ к 1С');
    expect(d.subEvents[0]?.details).toMatchObject({ enabled: 'true → false', description: '— → Временно отключено по заявке №1234' });
  });

  it('agent.tampering: agent as actor, FILTERED endpoint as a localised placeholder, err → high', () => {
    const d = mapEvent(at(1), { key: 'agent.tampering', severity: undefined }, ctx);
    expect(d.severity).toBe('high');
    expect(fact(d, 'illumio-fact-created-by-agent')?.value).toBe('db-01.example.local');
    expect(fact(d, 'illumio-fact-api-endpoint')).toEqual({ label: 'illumio-fact-api-endpoint', value: 'FILTERED', valueKey: 'illumio-value-filtered' });
    expect(fact(d, 'illumio-fact-src-ip')?.value).toBe('10.20.31.15');
    expect(d.assets.hosts).toEqual(['db-01.example.local']);
    expect(d.title).toBe('agent.tampering · db-01.example.local');
  });

  it('watcher severity wins over the PCE severity', () => {
    expect(mapEvent(at(1), { key: 'x', severity: 'critical' }, ctx).severity).toBe('critical');
  });

  it('a real fixture with optional fields missing still maps', () => {
    const d = mapEvent(at(2), watcher, ctx);
    expect(d.title).toBe('user.login · admin');
    expect(fact(d, 'illumio-fact-severity')).toEqual({ label: 'illumio-fact-severity', value: '', valueKey: 'illumio-value-none' });
    expect(fact(d, 'illumio-fact-src-ip')).toBeUndefined();
    expect(d.subEvents).toEqual([]);
    expect(d.createdAt).toBe('2024-01-01T00:00:00.000Z');
  });

  it('service account as actor', () => {
    const d = mapEvent(at(3), watcher, ctx);
    expect(fact(d, 'illumio-fact-created-by-service-account')?.value).toBe('svc-ops');
    expect(d.assets.users).toEqual(['svc-ops']);
    expect(actorOf(at(3))).toEqual({ kind: 'service-account', name: 'svc-ops', href: '/orgs/1/service_accounts/abc' });
  });

  it('created_by {} and FILTERED src_ip read as placeholders; the 4.5 kB text is cut, raw keeps it', () => {
    const event = at(4);
    const d = mapEvent(event, watcher, ctx);
    expect(fact(d, 'illumio-fact-created-by')).toEqual({ label: 'illumio-fact-created-by', value: '', valueKey: 'illumio-value-none' });
    expect(fact(d, 'illumio-fact-src-ip')).toEqual({ label: 'illumio-fact-src-ip', value: 'FILTERED', valueKey: 'illumio-value-filtered' });
    expect(d.assets.ips).toEqual([]);
    const description = d.subEvents[0]?.details?.description ?? '';
    expect(description.startsWith('— → Правило разрешает доступ')).toBe(true);
    expect(Array.from(description).length).toBeLessThanOrEqual(300);
    expect(description.endsWith('…')).toBe(true);
    const rawText = JSON.stringify(d.raw);
    expect(rawText.length).toBeGreaterThan(4500);
    // Everything shown on the card stays well below Telegram's 4096-character message limit.
    const shown = [d.title, ...d.facts.map((f) => f.value), ...d.subEvents.flatMap((s) => [s.title, ...Object.values(s.details ?? {})])].join('\n');
    expect(shown.length).toBeLessThan(4096);
  });

  it('system event: no UI link, system actor, notification IP as asset, null action tolerated', () => {
    const d = mapEvent(at(5), { key: 'request.*', severity: undefined }, ctx);
    expect(d.link).toBeUndefined();
    expect(d.key).toBe('aa11bb22-cc33-4d44-8e55-ff6677889900');
    expect(fact(d, 'illumio-fact-created-by')).toEqual({ label: 'illumio-fact-created-by', value: 'system', valueKey: 'illumio-actor-system' });
    expect(fact(d, 'illumio-fact-src-ip')).toBeUndefined();
    expect(d.assets.ips).toEqual(['198.51.100.23']);
    expect(d.title).toBe('request.authentication_failed · 198.51.100.23');
    expect(d.severity).toBe('high');
    expect(d.subEvents[0]).toMatchObject({ id: 'notification:ab12cd34-ef56-4789-8a0b-c1d2e3f4a5b6', details: { src_ip: '198.51.100.23', api_endpoint: '/api/v2/noop' } });
  });

  it('null status shows a placeholder; an unknown status shows as written', () => {
    const nullStatus = mapEvent({ ...at(0), status: null }, watcher, ctx);
    expect(fact(nullStatus, 'illumio-fact-status')).toEqual({ label: 'illumio-fact-status', value: '', valueKey: 'illumio-value-none' });
    const other = mapEvent({ ...at(0), status: 'partial' }, watcher, ctx);
    expect(fact(other, 'illumio-fact-status')).toEqual({ label: 'illumio-fact-status', value: 'partial' });
  });

  it('the traffic pseudo-event of the old notifier is not a PCE event (no href): rejected by the schema', () => {
    expect(eventSchema.safeParse(edge[6]).success).toBe(false);
  });
});

describe('enrichment in the card', () => {
  const wl: WorkloadInfo = { href: '/orgs/1/vens/7f1e2d3c-4b5a-4697-8e8f-9a0b1c2d3e4f', hostname: 'db-01.example.local', labels: { env: 'prod', role: 'db', app: 'payment', loc: 'dc-msk', tier: 'gold' }, ips: ['10.20.31.15'] };

  it('names the server with its labels and adds its addresses', () => {
    const event = at(1);
    const hrefs = workloadHrefs(event);
    expect(hrefs).toEqual(['/orgs/1/vens/7f1e2d3c-4b5a-4697-8e8f-9a0b1c2d3e4f']);
    const d = mapEvent(event, watcher, { ...ctx, workloads: new Map([[wl.href, wl]]) }, hrefs);
    expect(fact(d, 'illumio-fact-workload')?.value).toBe('db-01.example.local · role: db · app: payment · env: prod · loc: dc-msk · tier: gold');
    expect(d.assets.ips).toEqual(['10.20.31.15']);
  });

  it('a workload the PCE no longer knows adds nothing', () => {
    const event = at(1);
    const missing: WorkloadInfo = { href: wl.href, labels: {}, ips: [], missing: true };
    const d = mapEvent(event, watcher, { ...ctx, workloads: new Map([[wl.href, missing]]) }, workloadHrefs(event));
    expect(fact(d, 'illumio-fact-workload')).toBeUndefined();
  });

  it('finds workload hrefs anywhere in the event, never the event itself', () => {
    const event = { href: '/orgs/1/workloads/evil', resource_changes: [{ resource: { workload: { href: '/orgs/1/workloads/abc-1' } } }], notifications: [{ info: { workload: { href: '/orgs/1/workloads/abc-2' }, other: { href: '/orgs/1/labels/1' } } }] };
    expect(workloadHrefs(event)).toEqual(['/orgs/1/workloads/abc-1', '/orgs/1/workloads/abc-2']);
  });
});

describe('helpers', () => {
  it.each([
    ['info', null, 'info'],
    ['info', 'failure', 'low'],
    ['notice', null, 'low'],
    ['warning', 'success', 'medium'],
    ['err', 'failure', 'high'],
    ['crit', null, 'critical'],
    [null, null, 'info'],
    ['unknown-level', null, 'info'],
  ] as const)('PCE severity %s with status %s → %s', (severity, status, expected) => {
    expect(severityOf({ severity, status }, undefined)).toBe(expected);
  });

  it('links only events of the configured org, keeping the configured port', () => {
    expect(eventLink('https://pce.example.org:9443', 1, '/orgs/1/events/abc')).toBe('https://pce.example.org:9443/#/events/abc');
    expect(eventLink('https://pce.example.org:9443', 2, '/orgs/1/events/abc')).toBeUndefined();
    expect(eventLink('https://pce.example.org:9443', 1, '/system_events/abc')).toBeUndefined();
  });

  it('neutralises control, bidi and zero-width characters and cuts on code points', () => {
    expect(clean('evil\u202Etxt.exe\r\nnext\u200B\u0000', 100)).toBe('eviltxt.exe next');
    const emoji = '😀'.repeat(10);
    const cut = clean(emoji, 5);
    expect(Array.from(cut)).toHaveLength(5);
    expect(cut.endsWith('…')).toBe(true);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut)).toBe(false);
  });

  it('renders list changes with created, updated and deleted parts', () => {
    expect(changeText({ created: [{ name: 'a' }], updated: [{ href: '/x/1' }], deleted: [{ label: { key: 'env', value: 'dev' } }] })).toBe('+ a; ~ /x/1; − env: dev');
    expect(changeText({ before: 'FILTERED', after: null })).toBe('FILTERED → —');
  });

  it('reads PCE times with and without offset, rejects garbage', () => {
    expect(parsePceTime('2026-03-02T07:15:42.107Z')).toBe(Date.parse('2026-03-02T07:15:42.107Z'));
    expect(parsePceTime('2026-03-02T08:00:00.000000+00:00')).toBe(Date.parse('2026-03-02T08:00:00Z'));
    expect(parsePceTime('2026-03-02T08:00:00')).toBe(Date.parse('2026-03-02T08:00:00Z'));
    expect(parsePceTime('2026-03-02T11:00:00+03:00')).toBe(Date.parse('2026-03-02T08:00:00Z'));
    expect(parsePceTime('yesterday')).toBeUndefined();
  });
});

describe('mapCollapsed', () => {
  it('stands for the repeats of one window with their count and sub-events', () => {
    const book = emptyBook();
    const spec = parseThrottle('1/1h');
    const events = [0, 1, 2].map((i) => ({ ...at(1), href: `/orgs/1/events/rep-${i}`, timestamp: new Date(Date.parse('2026-03-02T07:16:00Z') + i * 1000).toISOString() }));
    const decisions = events.map((e) => admit(book, 'agent.tampering', e.event_type, spec, Date.parse(e.timestamp), 'high'));
    const last = decisions[2];
    if (last?.kind !== 'collapse') throw new Error('expected a collapse');
    const d = mapCollapsed({
      sourceId: collapseSourceId(last.key, last.window),
      throttleKey: last.key,
      eventType: 'agent.tampering',
      watcher: { key: 'agent.tampering', severity: undefined },
      spec: '1/1h',
      window: last.window,
      repeats: events.slice(1).map((e) => repeatSubEvent(e, { key: 'agent.tampering', severity: undefined }, ctx)),
    });
    expect(d).toMatchObject({
      sourceId: 'throttle:agent.tampering>agent.tampering@2026-03-02T07:16:00.000Z',
      title: 'agent.tampering ↻ 1/1h',
      severity: 'high',
      count: 2,
      createdAt: '2026-03-02T07:16:01.000Z',
      updatedAt: '2026-03-02T07:16:02.000Z',
    });
    expect(d.subEvents.map((s) => s.id)).toEqual(['/orgs/1/events/rep-1', '/orgs/1/events/rep-2']);
    expect(d.subEvents[0]?.details).toEqual({ created_by: 'db-01.example.local', status: 'success', src_ip: '10.20.31.15' });
    expect(d.assets.hosts).toEqual(['db-01.example.local']);
    expect(d.facts.map((f) => f.label)).toEqual(['illumio-fact-event-type', 'illumio-fact-watcher', 'illumio-fact-throttle', 'illumio-fact-throttle-window']);
  });
});

describe('locales', () => {
  const ids = (lang: string): Set<string> =>
    new Set(
      readFileSync(new URL(`../../../locales/${lang}.ftl`, import.meta.url), 'utf8')
        .split('\n')
        .map((l) => /^(illumio-[a-z0-9-]+)\s*=/.exec(l)?.[1])
        .filter((x): x is string => x !== undefined),
    );

  it('every illumio id exists in en, ru and hu alike', () => {
    const en = ids('en');
    expect(en.size).toBeGreaterThan(20);
    expect(ids('ru')).toEqual(en);
    expect(ids('hu')).toEqual(en);
  });

  it('every Fluent id the mapper emits is defined', () => {
    const en = ids('en');
    const drafts = [...sample.map((e) => mapEvent(e, watcher, ctx)), ...[0, 1, 2, 3, 4, 5].map((i) => mapEvent(at(i), watcher, ctx)), mapEvent({ ...at(0), status: null, created_by: { container_cluster: { name: 'k8s' } } }, watcher, ctx)];
    const used = new Set(drafts.flatMap((d) => d.facts.flatMap((f) => [f.label, ...(f.valueKey ? [f.valueKey] : [])])));
    used.add('illumio-fact-throttle').add('illumio-fact-throttle-window').add('illumio-status-failure').add('illumio-fact-created-by-container-cluster');
    for (const id of used) expect(en.has(id), id).toBe(true);
  });
});
