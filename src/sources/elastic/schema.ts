/**
 * Shapes of what Elasticsearch returns and of what this source keeps (cursor, group records), plus the one field
 * accessor every mapping goes through. Alert documents mix flat dotted keys (`"kibana.alert.rule.name"`) with
 * nested ECS objects (`host: { ip: [...] }`), and legacy 7.x data carries `signal.*` names, so no field is ever
 * read with a plain property access.
 */
import { z } from 'zod';
import { SEVERITIES } from '../../core/incident.js';

// ---------------------------------------------------------------- search responses

/** One sort value of a hit: epoch millis for `@timestamp`, a keyword for the tiebreaker, null when missing. */
export const sortValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type SortValue = z.infer<typeof sortValueSchema>;

export const hitSchema = z
  .object({
    _index: z.string().optional(),
    _id: z.string().min(1),
    _source: z.record(z.string(), z.unknown()),
    /** Present when the `fields` option was used (values are arrays; aliases such as `signal.*` resolve here). */
    fields: z.record(z.string(), z.unknown()).optional(),
    sort: z.array(sortValueSchema).optional(),
  })
  .passthrough();
export type AlertHit = z.infer<typeof hitSchema>;

/**
 * The envelope is checked strictly, each hit separately: one malformed document is quarantined, not the page.
 * `_shards.failed` and `timed_out` matter: a partial answer must not move the cursor past alerts it did not see.
 */
export const searchResponseSchema = z
  .object({
    timed_out: z.boolean().optional(),
    _shards: z
      .object({
        total: z.number().optional(),
        successful: z.number().optional(),
        failed: z.number().optional(),
      })
      .passthrough()
      .optional(),
    hits: z
      .object({
        hits: z.array(z.unknown()),
      })
      .passthrough(),
  })
  .passthrough();
export type SearchResponse = z.infer<typeof searchResponseSchema>;

/** Just enough of a raw hit to continue paging even when the hit itself is quarantined. */
export const sortOnlySchema = z.object({ sort: z.array(sortValueSchema).min(1) }).passthrough();

// ---------------------------------------------------------------- cursor

/**
 * The opaque cursor: `t` is the newest `@timestamp` seen (never moves backwards). `resume` is set when a poll
 * stopped at the page cap: the next poll continues the same window from `after` instead of starting over, so a
 * burst larger than one poll's cap cannot be re-read forever. `pending` holds building-block groups whose main
 * alert was not found yet, with the time first seen; it lives in the cursor (not the state store) because the
 * cursor is saved only after the drafts are durably enqueued, so a crash can never drop a pending group.
 */
export const cursorSchema = z.object({
  v: z.literal(1),
  t: z.string().optional(),
  resume: z
    .object({
      from: z.string(),
      after: z.array(sortValueSchema).min(1),
    })
    .optional(),
  pending: z.record(z.string(), z.string()).optional(),
});
export type ElasticCursor = z.infer<typeof cursorSchema>;

// ---------------------------------------------------------------- persisted group → main record

const assetsSchema = z.object({
  hosts: z.array(z.string()),
  ips: z.array(z.string()),
  users: z.array(z.string()),
  urls: z.array(z.string()),
  hashes: z.array(z.string()),
});

const factSchema = z.object({ label: z.string(), value: z.string(), valueKey: z.string().optional() });

/**
 * What a late building block needs to become a complete draft for its main alert's incident without asking
 * Elasticsearch again. Kept in `deps.state` under `group:<groupId>`.
 */
export const groupRecordSchema = z.object({
  v: z.literal(1),
  mainId: z.string().min(1),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  createdAt: z.string(),
  description: z.string().optional(),
  link: z.string().optional(),
  assets: assetsSchema,
  facts: z.array(factSchema),
});
export type GroupRecord = z.infer<typeof groupRecordSchema>;

// ---------------------------------------------------------------- field access

/**
 * Legacy 7.x names tried after the 8.x name. Entries marked "alias" are the field aliases Kibana installs
 * (`fixtures/elastic/kibana-signal_aad_mapping.json`, which maps `signal.*` → `kibana.alert.*`); they show up in
 * `fields` and in `_source` of 7.x `.siem-signals-*` documents. Entries marked "7.x" are not in that map but
 * existed nested under `signal` in 7.x documents.
 */
export const LEGACY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'kibana.alert.rule.name': ['signal.rule.name'], // alias
  'kibana.alert.rule.tags': ['signal.rule.tags'], // alias
  'kibana.alert.rule.type': ['signal.rule.type'], // alias
  'kibana.alert.rule.description': ['signal.rule.description'], // alias
  'kibana.alert.rule.threat.tactic.id': ['signal.rule.threat.tactic.id'], // alias
  'kibana.alert.rule.threat.tactic.name': ['signal.rule.threat.tactic.name'], // alias
  'kibana.alert.rule.threat.technique.id': ['signal.rule.threat.technique.id'], // alias
  'kibana.alert.rule.threat.technique.name': ['signal.rule.threat.technique.name'], // alias
  'kibana.alert.rule.threat.technique.subtechnique.id': ['signal.rule.threat.technique.subtechnique.id'], // alias
  'kibana.alert.rule.threat.technique.subtechnique.name': ['signal.rule.threat.technique.subtechnique.name'], // alias
  'kibana.alert.severity': ['signal.rule.severity'], // alias
  'kibana.alert.risk_score': ['signal.rule.risk_score'], // alias
  'kibana.alert.workflow_status': ['signal.status'], // alias
  'kibana.alert.original_time': ['signal.original_time'], // alias
  'kibana.alert.depth': ['signal.depth'], // alias
  'kibana.alert.threshold_result.count': ['signal.threshold_result.count'], // alias
  // A building-block rule marks its alerts at rule level; 7.x had no alert-level field.
  'kibana.alert.building_block_type': ['kibana.alert.rule.building_block_type', 'signal.rule.building_block_type'], // alias
  'kibana.alert.group.id': ['signal.group.id'], // 7.x
  'kibana.alert.group.index': ['signal.group.index'], // 7.x
  'kibana.alert.reason': ['signal.reason'], // 7.x
  'kibana.alert.rule.threat': ['signal.rule.threat'], // 7.x (the map lists its leaves only)
};

export interface FieldSource {
  readonly _source: Readonly<Record<string, unknown>>;
  readonly fields?: Readonly<Record<string, unknown>> | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Walks `segments` through any mix of flat dotted keys and nested objects (`{"kibana.alert": {"rule.name": …}}`
 * resolves too), longest key first. Arrays of objects (threat lists) are walked element by element.
 */
function lookup(value: unknown, segments: readonly string[]): unknown {
  if (segments.length === 0) return value;
  if (Array.isArray(value)) {
    const found = value.flatMap((item) => {
      const v = lookup(item, segments);
      if (v === undefined) return [];
      return Array.isArray(v) ? (v as unknown[]) : [v];
    });
    return found.length > 0 ? found : undefined;
  }
  if (!isRecord(value)) return undefined;
  for (let i = segments.length; i >= 1; i--) {
    const key = segments.slice(0, i).join('.');
    if (Object.hasOwn(value, key)) {
      const v = lookup(value[key], segments.slice(i));
      if (v !== undefined && v !== null) return v;
    }
  }
  return undefined;
}

function readOne(doc: FieldSource, path: string): unknown {
  const fromSource = lookup(doc._source, path.split('.'));
  if (fromSource !== undefined) return fromSource;
  const fromFields = doc.fields?.[path];
  return fromFields === null ? undefined : fromFields;
}

/** The raw value of a field: `_source` (flat or nested), then `fields`, then the legacy names. */
export function readField(doc: FieldSource, path: string): unknown {
  const value = readOne(doc, path);
  if (value !== undefined) return value;
  for (const legacy of LEGACY_FIELDS[path] ?? []) {
    const v = readOne(doc, legacy);
    if (v !== undefined) return v;
  }
  return undefined;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** Every non-empty scalar of a field as text (arrays flattened, objects skipped). */
export function readStrings(doc: FieldSource, path: string): string[] {
  const value = readField(doc, path);
  const list = Array.isArray(value) ? (value as unknown[]).flat(4) : [value];
  const out: string[] = [];
  for (const item of list) {
    const text = scalarText(item);
    if (text !== undefined && !out.includes(text)) out.push(text);
  }
  return out;
}

/** The first non-empty scalar of the first path that has one. */
export function readString(doc: FieldSource, ...paths: readonly string[]): string | undefined {
  for (const path of paths) {
    const first = readStrings(doc, path)[0];
    if (first !== undefined) return first;
  }
  return undefined;
}

export function readNumber(doc: FieldSource, path: string): number | undefined {
  const value = readField(doc, path);
  const first: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (typeof first === 'number' && Number.isFinite(first)) return first;
  if (typeof first === 'string' && first.trim() !== '' && Number.isFinite(Number(first))) return Number(first);
  return undefined;
}
