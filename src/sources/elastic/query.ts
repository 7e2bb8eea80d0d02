/**
 * Pure builders for the search bodies this source sends, and the cursor codec. Kept apart from the client so the
 * exact query shape is unit-tested and documented in one place.
 */
import type { ElasticConfig } from './config.js';
import { cursorSchema, type ElasticCursor, type SortValue } from './schema.js';

export const RULE_NAME = 'kibana.alert.rule.name';
export const RULE_TAGS = 'kibana.alert.rule.tags';
export const GROUP_ID = 'kibana.alert.group.id';
export const BUILDING_BLOCK = 'kibana.alert.building_block_type';
export const TIMESTAMP = '@timestamp';
/** `_id` cannot be sorted on in 8.x (no fielddata); the alert uuid equals it and is a keyword. */
export const TIEBREAKER = 'kibana.alert.uuid';

export type Query = Record<string, unknown>;

export interface SearchBody {
  readonly query: Query;
  readonly sort?: readonly Record<string, { order: 'asc' | 'desc' }>[];
  readonly size: number;
  readonly search_after?: readonly SortValue[];
  readonly track_total_hits: false;
}

export const SORT: SearchBody['sort'] = [{ [TIMESTAMP]: { order: 'asc' } }, { [TIEBREAKER]: { order: 'asc' } }];

type MatchConfig = Pick<ElasticConfig, 'rulePrefixes' | 'tags' | 'caseSensitive'>;

/**
 * Rule name starts with a prefix OR a rule tag is listed. Keywords match case-sensitively in Elasticsearch, so
 * unless `caseSensitive` is set the prefix queries use `case_insensitive` and each tag is its own `term` query
 * with `case_insensitive` (`terms` has no such option): `tags: [tri]` then matches the rule tag `TRI`.
 */
export function ruleMatchQuery(config: MatchConfig): Query {
  const insensitive = !config.caseSensitive;
  const should: Query[] = config.rulePrefixes.map((prefix) => ({
    prefix: { [RULE_NAME]: insensitive ? { value: prefix, case_insensitive: true } : { value: prefix } },
  }));
  if (config.tags.length > 0) {
    if (insensitive) {
      for (const tag of config.tags) should.push({ term: { [RULE_TAGS]: { value: tag, case_insensitive: true } } });
    } else {
      should.push({ terms: { [RULE_TAGS]: [...config.tags] } });
    }
  }
  return { bool: { should, minimum_should_match: 1 } };
}

/**
 * Matching alerts with `@timestamp >= from` (and `<= to` when given). The poll leaves the window open-ended: an
 * upper bound taken from our clock would hide every alert while that clock runs behind Kibana's.
 */
export function alertWindowQuery(config: MatchConfig, from: string, to?: string): Query {
  const range = { gte: from, ...(to !== undefined ? { lte: to } : {}), format: 'strict_date_optional_time' };
  return { bool: { filter: [{ range: { [TIMESTAMP]: range } }, ruleMatchQuery(config)] } };
}

/** The main (non building-block) alerts of the given groups, whatever their time. */
export function groupMainsQuery(groupIds: readonly string[]): Query {
  return {
    bool: {
      filter: [{ terms: { [GROUP_ID]: [...groupIds] } }],
      must_not: [{ exists: { field: BUILDING_BLOCK } }],
    },
  };
}

/** Every alert of one group (the main alert too: callers skip it). */
export function groupMembersQuery(groupId: string): Query {
  return { bool: { filter: [{ term: { [GROUP_ID]: groupId } }] } };
}

/** One alert by its id. */
export function alertByIdQuery(id: string): Query {
  return { ids: { values: [id] } };
}

export function searchBody(query: Query, size: number, after?: readonly SortValue[]): SearchBody {
  return { query, sort: SORT, size, track_total_hits: false, ...(after ? { search_after: after } : {}) };
}

// ---------------------------------------------------------------- cursor

/** An unreadable cursor (older format, hand-edited) is treated as absent: the first-poll window applies. */
export function parseCursor(text: string | undefined): ElasticCursor | undefined {
  if (!text) return undefined;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function serializeCursor(cursor: ElasticCursor): string {
  const out: ElasticCursor = { v: 1 };
  if (cursor.t !== undefined) out.t = cursor.t;
  if (cursor.resume) out.resume = cursor.resume;
  if (cursor.pending && Object.keys(cursor.pending).length > 0) out.pending = cursor.pending;
  return JSON.stringify(out);
}

/** The earlier of two ISO times (`b` when `a` is unreadable). */
export function earlierTime(a: string | undefined, b: string): string {
  if (a === undefined) return b;
  const ta = Date.parse(a);
  return Number.isNaN(ta) || ta > Date.parse(b) ? b : a;
}

/** The later of two ISO times; undefined only when both are. Keeps the cursor from moving backwards. */
export function laterTime(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(tb)) return a;
  if (Number.isNaN(ta)) return b;
  return tb > ta ? b : a;
}
