import { describe, expect, it } from 'vitest';
import { elasticConfigSchema } from '../../../src/sources/elastic/config.js';
import {
  alertWindowQuery,
  groupMainsQuery,
  laterTime,
  parseCursor,
  ruleMatchQuery,
  searchBody,
  serializeCursor,
} from '../../../src/sources/elastic/query.js';
import { LEGACY_FIELDS, hitSchema, readField, readStrings, searchResponseSchema } from '../../../src/sources/elastic/schema.js';
import { loadJson } from './fixtures.js';

const base = { url: 'https://elastic.example.org:9200', apiKey: 'k3y' };

describe('config slice', () => {
  it('accepts the contract example and fills the added keys with defaults', () => {
    const config = elasticConfigSchema.parse({ ...base, rulePrefixes: ['TRI_'], tags: ['tri'], pollInterval: 60 });
    expect(config).toMatchObject({
      index: '.internal.alerts-security.alerts-default-*',
      maxPagesPerPoll: 20,
      timeoutSeconds: 30,
      caseSensitive: false,
      groupRetentionDays: 30,
    });
    expect(config.kibanaUrl).toBeUndefined();
  });

  it('rejects a kibanaUrl that is not http(s) and a config that can match nothing', () => {
    expect(elasticConfigSchema.safeParse({ ...base, tags: ['tri'], kibanaUrl: 'ftp://kibana' }).success).toBe(false);
    expect(elasticConfigSchema.safeParse({ ...base }).success).toBe(false);
  });
});

describe('query shape', () => {
  it('matches a rule-name prefix OR a rule tag, case-insensitively by default', () => {
    expect(ruleMatchQuery({ rulePrefixes: ['TRI_', 'SOC-'], tags: ['tri', 'soc'], caseSensitive: false })).toEqual({
      bool: {
        should: [
          { prefix: { 'kibana.alert.rule.name': { value: 'TRI_', case_insensitive: true } } },
          { prefix: { 'kibana.alert.rule.name': { value: 'SOC-', case_insensitive: true } } },
          { term: { 'kibana.alert.rule.tags': { value: 'tri', case_insensitive: true } } },
          { term: { 'kibana.alert.rule.tags': { value: 'soc', case_insensitive: true } } },
        ],
        minimum_should_match: 1,
      },
    });
  });

  it('uses one terms query when matching case-sensitively, and omits it without tags', () => {
    expect(ruleMatchQuery({ rulePrefixes: ['TRI_'], tags: ['TRI', 'tri'], caseSensitive: true })).toEqual({
      bool: {
        should: [{ prefix: { 'kibana.alert.rule.name': { value: 'TRI_' } } }, { terms: { 'kibana.alert.rule.tags': ['TRI', 'tri'] } }],
        minimum_should_match: 1,
      },
    });
    expect(ruleMatchQuery({ rulePrefixes: ['A'], tags: [], caseSensitive: true })).toEqual({
      bool: { should: [{ prefix: { 'kibana.alert.rule.name': { value: 'A' } } }], minimum_should_match: 1 },
    });
  });

  it('filters on the time window and sorts by @timestamp with the alert uuid as tiebreaker', () => {
    const q = alertWindowQuery({ rulePrefixes: ['TRI_'], tags: [], caseSensitive: false }, '2025-06-02T09:00:00.000Z', '2025-06-02T10:00:00.000Z');
    expect(q).toEqual({
      bool: {
        filter: [
          { range: { '@timestamp': { gte: '2025-06-02T09:00:00.000Z', lte: '2025-06-02T10:00:00.000Z', format: 'strict_date_optional_time' } } },
          { bool: { should: [{ prefix: { 'kibana.alert.rule.name': { value: 'TRI_', case_insensitive: true } } }], minimum_should_match: 1 } },
        ],
      },
    });
    expect(searchBody(q, 50, [1, 'a'])).toEqual({
      query: q,
      sort: [{ '@timestamp': { order: 'asc' } }, { 'kibana.alert.uuid': { order: 'asc' } }],
      size: 50,
      track_total_hits: false,
      search_after: [1, 'a'],
    });
    expect(searchBody(q, 50)).not.toHaveProperty('search_after');
    // Without an upper bound (what the poll sends) the range has only `gte`.
    const open = alertWindowQuery({ rulePrefixes: ['TRI_'], tags: [], caseSensitive: false }, '2025-06-02T09:00:00.000Z');
    expect(JSON.stringify(open)).toContain('"range":{"@timestamp":{"gte":"2025-06-02T09:00:00.000Z","format":"strict_date_optional_time"}}');
  });

  it('looks up main alerts of groups without building blocks', () => {
    expect(groupMainsQuery(['g1', 'g2'])).toEqual({
      bool: { filter: [{ terms: { 'kibana.alert.group.id': ['g1', 'g2'] } }], must_not: [{ exists: { field: 'kibana.alert.building_block_type' } }] },
    });
  });
});

describe('cursor', () => {
  it('round-trips and drops empty parts', () => {
    const text = serializeCursor({ v: 1, t: '2025-06-02T09:17:41.502Z', pending: {} });
    expect(JSON.parse(text)).toEqual({ v: 1, t: '2025-06-02T09:17:41.502Z' });
    const full = { v: 1 as const, t: 'x', resume: { from: 'f', after: [1, 'a'] }, pending: { g: 'since' } };
    expect(parseCursor(serializeCursor(full))).toEqual(full);
  });

  it.each([undefined, '', 'not json', '{"v":2}', '{"v":1,"t":5}', '[]'])('treats %j as no cursor', (text) => {
    expect(parseCursor(text)).toBeUndefined();
  });

  it('never moves backwards', () => {
    expect(laterTime('2025-06-02T10:00:00.000Z', '2025-06-02T09:00:00.000Z')).toBe('2025-06-02T10:00:00.000Z');
    expect(laterTime('2025-06-02T09:00:00.000Z', '2025-06-02T10:00:00.000Z')).toBe('2025-06-02T10:00:00.000Z');
    expect(laterTime(undefined, '2025-06-02T10:00:00.000Z')).toBe('2025-06-02T10:00:00.000Z');
    expect(laterTime('2025-06-02T10:00:00.000Z', 'garbage')).toBe('2025-06-02T10:00:00.000Z');
    expect(laterTime(undefined, undefined)).toBeUndefined();
  });
});

describe('field access and schemas', () => {
  it('parses the fixture search response and every hit in it', () => {
    const response = searchResponseSchema.parse(loadJson('alerts-search-response.all.json'));
    expect(response.hits.hits).toHaveLength(9);
    for (const raw of response.hits.hits) expect(hitSchema.safeParse(raw).success).toBe(true);
  });

  it('reads flat keys, nested objects and any mix of both', () => {
    const doc = {
      _source: {
        'kibana.alert.rule.name': 'flat',
        host: { ip: ['10.0.0.1', '10.0.0.2'], name: 'h' },
        'event.kind': 'signal',
        event: { action: 'nested' },
        kibana: { 'alert.severity': 'high' },
        source: { 'ip': '192.0.2.1' },
      },
    };
    expect(readField(doc, 'kibana.alert.rule.name')).toBe('flat');
    expect(readStrings(doc, 'host.ip')).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(readField(doc, 'event.kind')).toBe('signal');
    expect(readField(doc, 'event.action')).toBe('nested');
    expect(readField(doc, 'kibana.alert.severity')).toBe('high');
    expect(readField(doc, 'source.ip')).toBe('192.0.2.1');
    expect(readField(doc, 'host.os.name')).toBeUndefined();
  });

  it('uses legacy names that agree with Kibana’s signal → kibana.alert alias map', () => {
    const aliases = loadJson('kibana-signal_aad_mapping.json') as Record<string, string>;
    const fromMap = new Set(Object.entries(aliases).map(([legacy, current]) => `${current}<-${legacy}`));
    const documentedExtras = new Set([
      // Not in the 8.x alias map: 7.x documents carried them nested under `signal`.
      'kibana.alert.group.id<-signal.group.id',
      'kibana.alert.group.index<-signal.group.index',
      'kibana.alert.reason<-signal.reason',
      'kibana.alert.rule.threat<-signal.rule.threat',
      // Rule-level building-block flag as a fallback for the alert-level one.
      'kibana.alert.building_block_type<-kibana.alert.rule.building_block_type',
      'kibana.alert.building_block_type<-signal.rule.building_block_type',
    ]);
    for (const [current, legacyNames] of Object.entries(LEGACY_FIELDS)) {
      for (const legacy of legacyNames) {
        const pair = `${current}<-${legacy}`;
        expect(fromMap.has(pair) || documentedExtras.has(pair), pair).toBe(true);
      }
    }
    expect(aliases['signal.rule.building_block_type']).toBe('kibana.alert.rule.building_block_type');
  });
});
