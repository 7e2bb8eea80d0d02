import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { illumioConfigSchema, watcherSchema, type WatcherConfig } from '../../../src/sources/illumio/config.js';
import { EVENT_TYPES } from '../../../src/sources/illumio/event-types.js';
import { compileWatchers, matchEventType, matchField, selectWatcher, validateWatchers, valuesAt } from '../../../src/sources/illumio/watchers.js';
import { illumioFixture } from '../../support/fakes/illumio.js';

type Json = Record<string, unknown>;
const sample = illumioFixture<Json[]>('events_pretty_cool_events_sample.json');
const edge = illumioFixture<Json[]>('events_composed_edge_cases.json');
const signIn = sample[0] as Json;
const tampering = edge[1] as Json;
const systemEvent = edge[5] as Json;

function w(config: Partial<WatcherConfig> & { eventType: string }): WatcherConfig {
  return watcherSchema.parse(config);
}

describe('event type patterns', () => {
  it.each([
    ['user.*', 'user.sign_in', true],
    ['user.*', 'user.login', true],
    ['user.*', 'users.login', false],
    ['*', 'request.authentication_failed', true],
    ['*.delete', 'ip_list.delete', true],
    ['*.delete', 'ip_list.delete_all', false],
    ['agent.*', 'agent_support_report_request.create', false],
    ['agent*', 'agent_support_report_request.create', true],
    ['user.log?n', 'user.login', true],
    ['user.log?n', 'user.logn', false],
    ['user.login', 'user.login', true],
    // The original turned every key into a regex, so the dot matched anything.
    ['user.login', 'userXlogin', false],
    ['user.', 'user.login', false],
    ['/^user\\.(login|logout)$/', 'user.logout', true],
    ['/^user\\.(login|logout)$/', 'user.sign_in', false],
    ['/TAMPERING/i', 'agent.tampering', true],
  ])('%s vs %s → %s', (pattern, type, expected) => {
    expect(matchEventType(pattern, type)).toBe(expected);
  });
});

describe('status filter', () => {
  const nullStatus = { ...signIn, status: null };
  const noStatus: Json = { ...signIn };
  delete noStatus.status;
  const failed = { ...signIn, status: 'failure' };

  it('`*` (the default) includes null and a missing status', () => {
    const [any] = compileWatchers([w({ eventType: 'user.*' })]);
    expect(any?.matches(signIn)).toBe(true);
    expect(any?.matches(nullStatus)).toBe(true);
    expect(any?.matches(noStatus)).toBe(true);
    expect(any?.matches(failed)).toBe(true);
  });

  it('success and failure select only their own status', () => {
    const [ok, ko] = compileWatchers([w({ eventType: 'user.*', status: 'success' }), w({ eventType: 'user.*', status: 'failure' })]);
    expect([signIn, nullStatus, failed].map((e) => ok?.matches(e))).toEqual([true, false, false]);
    expect([signIn, nullStatus, failed].map((e) => ko?.matches(e))).toEqual([false, false, true]);
  });
});

describe('field matchers', () => {
  it('reads values by dot path, through arrays, with numeric indexes', () => {
    expect(valuesAt(signIn, 'created_by.user.username')).toEqual(['admin@example.com']);
    expect(valuesAt(signIn, 'notifications.notification_type')).toEqual(['user.login_session_created']);
    expect(valuesAt(signIn, 'resource_changes.0.changes.sign_in_attempts_count.after')).toEqual([83]);
    expect(valuesAt(signIn, 'no.such.path')).toEqual([undefined]);
  });

  it.each([
    // exact
    ['created_by.user.username', 'admin@example.com', signIn, true],
    ['created_by.user.username', 'Admin@example.com', signIn, false],
    // alternatives
    ['severity', 'err|warning', tampering, true],
    ['severity', 'err|warning', signIn, false],
    // negation, also of alternatives
    ['created_by.user.username', '!admin@example.com', signIn, false],
    ['severity', '!err|warning', signIn, true],
    ['severity', '!err|warning', tampering, false],
    // presence
    ['created_by.user', '*', signIn, true],
    ['created_by.user', '*', tampering, false],
    ['created_by.user', '!*', tampering, true],
    // regex, with flags
    ['action.src_ip', '/^203\\.0\\.113\\./', signIn, true],
    ['action.src_ip', '/^10\\./', signIn, false],
    ['created_by.agent.hostname', '/^DB-\\d+/i', tampering, true],
    // FILTERED is a value like any other
    ['action.api_endpoint', 'FILTERED', tampering, true],
    // null and missing compare as ""
    ['action', '', systemEvent, true],
    ['action.src_ip', '!', signIn, true],
    // numbers and booleans by their spelling; arrays element-wise
    ['action.http_status_code', '302', signIn, true],
    ['notifications.info.src_ip', '198.51.100.23', systemEvent, true],
  ])('%s %s', (path, spec, event, expected) => {
    expect(matchField(spec, event, path)).toBe(expected);
  });

  it('a watcher needs every field matcher to hold', () => {
    const [watcher] = compileWatchers([w({ eventType: '*', fields: { severity: 'err', 'created_by.agent.hostname': '/^db-/' } })]);
    expect(watcher?.matches(tampering)).toBe(true);
    expect(watcher?.matches({ ...tampering, severity: 'info' })).toBe(false);
    expect(watcher?.matches(signIn)).toBe(false);
  });
});

describe('selecting one watcher per event', () => {
  it('prefers exact over glob, named status, more fields, then higher severity, then config order', () => {
    const watchers = compileWatchers([
      w({ eventType: '*' }),
      w({ eventType: 'user.*' }),
      w({ eventType: 'user.sign_in', severity: 'low' }),
      w({ eventType: 'user.sign_in', status: 'success', severity: 'medium' }),
      w({ eventType: 'user.sign_in', status: 'success', fields: { 'action.src_ip': '/^203\\./' }, severity: 'high' }),
    ]);
    expect(selectWatcher(watchers, signIn)?.index).toBe(4);
    expect(selectWatcher(watchers, { ...signIn, action: { src_ip: '10.0.0.1' } })?.index).toBe(3);
    expect(selectWatcher(watchers, { ...signIn, status: null })?.index).toBe(2);
    expect(selectWatcher(watchers, { ...signIn, event_type: 'user.logout' })?.index).toBe(1);
    expect(selectWatcher(watchers, tampering)?.index).toBe(0);
  });

  it('returns undefined when nothing selects the event', () => {
    expect(selectWatcher(compileWatchers([w({ eventType: 'agent.*' })]), signIn)).toBeUndefined();
  });

  it('gives watchers stable, distinct keys', () => {
    const keys = compileWatchers([
      w({ eventType: 'user.*' }),
      w({ eventType: 'user.*' }),
      w({ eventType: 'user.*', status: 'failure', fields: { severity: 'err' } }),
      w({ eventType: 'agent.*', name: 'agents' }),
    ]).map((x) => x.key);
    expect(keys).toEqual(['user.*', 'user.*#2', 'user.*[failure]{severity}', 'agents']);
  });
});

describe('validateWatchers', () => {
  it('knows the 272 event types of the original list (plus the vendor spelling of refresh_policy)', () => {
    const yaml = parseYaml(readFileSync(new URL('../../fixtures/illumio/event_types.yaml', import.meta.url), 'utf8')) as { event_types: string[] };
    expect(yaml.event_types).toHaveLength(272);
    expect(new Set(EVENT_TYPES)).toEqual(new Set([...yaml.event_types, 'agent.refresh_policy']));
  });

  it('warns about unknown exact types and patterns matching nothing, by key path', () => {
    const warnings = validateWatchers([{ eventType: 'user.*' }, { eventType: 'user.' }, { eventType: 'usr.*' }, { eventType: 'agent.tampering' }, { eventType: 'user.logon' }, { eventType: '/^agent\\./' }]);
    expect(warnings).toEqual([
      { path: 'sources.illumio.watchers[1].eventType', key: 'illumio-check-unknown-event-type', vars: { pattern: 'user.' } },
      { path: 'sources.illumio.watchers[2].eventType', key: 'illumio-check-pattern-matches-nothing', vars: { pattern: 'usr.*' } },
      { path: 'sources.illumio.watchers[4].eventType', key: 'illumio-check-unknown-event-type', vars: { pattern: 'user.logon' } },
    ]);
  });

  it('accepts the watcher keys of the original example configs that do match something', () => {
    expect(validateWatchers([{ eventType: 'request.authentication_failed' }, { eventType: 'agent.*' }, { eventType: '*' }])).toEqual([]);
  });
});

describe('watcher config', () => {
  const base = { url: 'https://pce.example.org:8443', org: 1, apiUser: 'api_x', apiSecret: 'secret-value' };

  it('rejects a regex that does not compile and a malformed throttle', () => {
    const bad = illumioConfigSchema.safeParse({ ...base, watchers: [{ eventType: '/user.(/' }, { eventType: '*', fields: { severity: '!/[/' } }, { eventType: '*', throttle: '5/2h' }] });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(['watchers.0.eventType', 'watchers.1.fields.severity', 'watchers.2.throttle']);
  });

  it('keeps the contract example valid and fills the additive defaults', () => {
    const ok = illumioConfigSchema.parse({ ...base, watchers: [{ eventType: 'user.*' }, { eventType: 'agent.tampering', severity: 'high' }] });
    expect(ok.watchers[0]?.status).toBe('*');
    expect(ok).toMatchObject({ maxResults: 1000, lookback: 300, initialLookback: 3600, enrichWorkloads: true, maxRequestsPerPoll: 60 });
  });
});
