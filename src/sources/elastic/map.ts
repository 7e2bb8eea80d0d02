/**
 * Pure mapping from Elastic Security alert documents to socbot drafts. No I/O: the source decides which hits
 * belong together, this file only turns them into `IncidentDraft`s and `SubEvent`s.
 */
import { mergeAssets, type Assets, type Fact, type IncidentDraft, type Severity, type SubEvent } from '../../core/incident.js';
import { z } from 'zod';
import { severityWord } from '../severity.js';
import { cleanBlock, firstLine } from '../text.js';
import { readField, readNumber, readString, readStrings, type AlertHit, type FieldSource, type GroupRecord } from './schema.js';

export interface MapOptions {
  /** Config `kibanaUrl`: base for links when an alert carries no `kibana.alert.url`. */
  readonly kibanaUrl?: string | undefined;
}

// ---------------------------------------------------------------- main alert or building block

export type AlertRole = { readonly kind: 'main'; readonly groupId: string | undefined } | { readonly kind: 'sub'; readonly groupId: string };

/**
 * Main alert: no group id, or the group id is its own id (an 8.x EQL sequence shell), or it is not a building
 * block (a 7.x shell, whose group id was a separate hash). Sub-alert: a building block of a group that is not its
 * own. `building_block_type` alone never makes a sub-alert: a rule configured as a building-block rule sets it on
 * ungrouped alerts, and those would otherwise wait forever for a main alert that does not exist.
 */
export function classify(hit: AlertHit): AlertRole {
  const groupId = readString(hit, 'kibana.alert.group.id');
  if (groupId === undefined) return { kind: 'main', groupId: undefined };
  if (groupId === alertId(hit)) return { kind: 'main', groupId };
  if (readString(hit, 'kibana.alert.building_block_type') === undefined) return { kind: 'main', groupId };
  return { kind: 'sub', groupId };
}

/** `_id` equals `kibana.alert.uuid` in 8.x; the uuid is compared to group ids, so prefer it. */
export function alertId(hit: AlertHit): string {
  return readString(hit, 'kibana.alert.uuid') ?? hit._id;
}

// ---------------------------------------------------------------- severity and status

const RISK_THRESHOLDS: readonly (readonly [number, Severity])[] = [
  // Elastic's own bands for rule severity vs risk score (low 0–21, medium 22–47, high 48–73, critical 74–100).
  [74, 'critical'],
  [48, 'high'],
  [22, 'medium'],
  [0, 'low'],
];

/** `kibana.alert.severity`, else the risk score band, else medium (an alert that says nothing is still an alert). */
export function severityOf(doc: FieldSource): Severity {
  const named = severityWord(readString(doc, 'kibana.alert.severity', 'kibana.alert.rule.severity'));
  if (named !== undefined) return named;
  const risk = readNumber(doc, 'kibana.alert.risk_score') ?? readNumber(doc, 'kibana.alert.rule.risk_score');
  if (risk !== undefined) {
    for (const [min, severity] of RISK_THRESHOLDS) if (risk >= min) return severity;
  }
  return 'medium';
}

const STATUS_KEYS: Readonly<Record<string, string>> = {
  open: 'elastic-status-open',
  acknowledged: 'elastic-status-acknowledged',
  // 7.x called "acknowledged" "in-progress".
  'in-progress': 'elastic-status-acknowledged',
  closed: 'elastic-status-closed',
};

export function statusOf(doc: FieldSource): { status?: string; statusKey?: string } {
  const raw = readString(doc, 'kibana.alert.workflow_status')?.toLowerCase();
  if (raw === undefined) return {};
  const status = raw === 'in-progress' ? 'acknowledged' : raw;
  const statusKey = STATUS_KEYS[raw];
  return statusKey ? { status, statusKey } : { status };
}

// ---------------------------------------------------------------- times, links

/** A date with a time but no offset: Elasticsearch reads it as UTC, while `Date.parse` would use the host's zone. */
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

function isoOrUndefined(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  // Date fields also accept epoch millis (`strict_date_optional_time||epoch_millis`), kept as sent in `_source`.
  const ms = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(NO_OFFSET.test(text) ? `${text}Z` : text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function timestampOf(doc: FieldSource): string | undefined {
  return isoOrUndefined(readString(doc, '@timestamp'));
}

/** When the detected activity happened: the source event's time, else when the alert was written. */
export function eventTimeOf(doc: FieldSource): string | undefined {
  return isoOrUndefined(readString(doc, 'kibana.alert.original_time')) ?? timestampOf(doc);
}

function httpUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `kibana.alert.url` when Kibana wrote one (it needs `server.publicBaseUrl`); otherwise the same redirect page
 * built from `kibanaUrl` (elastic/kibana `alert_detail_path.ts`): `<base>[/s/<space>]/app/security/alerts/redirect/
 * <id>?index=.alerts-security.alerts-<space>&timestamp=<@timestamp>`.
 */
export function alertLink(hit: AlertHit, options: MapOptions): string | undefined {
  const given = httpUrl(readString(hit, 'kibana.alert.url'));
  if (given) return given;
  if (!options.kibanaUrl) return undefined;
  const space = readString(hit, 'kibana.space_ids') ?? 'default';
  const base = options.kibanaUrl.replace(/\/+$/, '');
  const spacePath = space === 'default' ? '' : `/s/${encodeURIComponent(space)}`;
  const url = new URL(`${base}${spacePath}/app/security/alerts/redirect/${encodeURIComponent(alertId(hit))}`);
  url.searchParams.set('index', `.alerts-security.alerts-${space}`);
  const ts = timestampOf(hit);
  if (ts) url.searchParams.set('timestamp', ts);
  return url.toString();
}

// ---------------------------------------------------------------- assets and facts

const HASH_FIELDS = ['md5', 'sha1', 'sha256', 'sha384', 'sha512', 'ssdeep', 'tlsh'] as const;

/** Observables from the ECS copies in the alert; any of them may be missing (network rules have no host.ip). */
export function assetsOf(doc: FieldSource): Assets {
  return mergeAssets({
    hosts: [...readStrings(doc, 'host.name'), ...readStrings(doc, 'host.hostname')],
    ips: [
      ...readStrings(doc, 'source.ip'),
      ...readStrings(doc, 'destination.ip'),
      ...readStrings(doc, 'host.ip'),
      ...readStrings(doc, 'dns.resolved_ip'),
    ],
    users: readStrings(doc, 'user.name'),
    urls: [...readStrings(doc, 'url.full'), ...readStrings(doc, 'url.original')],
    hashes: [
      ...HASH_FIELDS.flatMap((h) => readStrings(doc, `file.hash.${h}`)),
      ...HASH_FIELDS.flatMap((h) => readStrings(doc, `process.hash.${h}`)),
    ],
  });
}

const namedSchema = z.object({ id: z.string().optional(), name: z.string().optional() }).passthrough();
const threatSchema = z.array(
  z
    .object({
      tactic: namedSchema.optional(),
      technique: z.array(namedSchema.extend({ subtechnique: z.array(namedSchema).optional() })).optional(),
    })
    .passthrough(),
);

function named(item: z.infer<typeof namedSchema>): string | undefined {
  if (item.name && item.id) return `${item.name} (${item.id})`;
  return item.name ?? item.id;
}

/** MITRE tactics and techniques (with sub-techniques) of the rule, from the structured `threat` list when present. */
export function threatOf(doc: FieldSource): { tactics: string[]; techniques: string[] } {
  const parsed = threatSchema.safeParse(readField(doc, 'kibana.alert.rule.threat'));
  if (parsed.success) {
    const tactics = parsed.data.map((t) => (t.tactic ? named(t.tactic) : undefined));
    const techniques = parsed.data.flatMap((t) => (t.technique ?? []).flatMap((te) => [named(te), ...(te.subtechnique ?? []).map(named)]));
    return { tactics: tactics.filter((v): v is string => v !== undefined), techniques: techniques.filter((v): v is string => v !== undefined) };
  }
  // `fields` and legacy aliases flatten the list: names alone, since flattened ids no longer line up with them.
  return {
    tactics: readStrings(doc, 'kibana.alert.rule.threat.tactic.name'),
    techniques: [...readStrings(doc, 'kibana.alert.rule.threat.technique.name'), ...readStrings(doc, 'kibana.alert.rule.threat.technique.subtechnique.name')],
  };
}

function fact(label: string, values: readonly (string | undefined)[]): Fact | undefined {
  const present = values.filter((v): v is string => v !== undefined && v.trim() !== '');
  if (present.length === 0) return undefined;
  return { label, value: [...new Set(present)].join(', ') };
}

export function factsOf(doc: FieldSource): Fact[] {
  const { tactics, techniques } = threatOf(doc);
  const space = readString(doc, 'kibana.space_ids');
  const riskScore = readNumber(doc, 'kibana.alert.risk_score');
  const thresholdCount = readNumber(doc, 'kibana.alert.threshold_result.count');
  const candidates = [
    fact('elastic-fact-rule', [readString(doc, 'kibana.alert.rule.name')]),
    fact('elastic-fact-rule-type', [readString(doc, 'kibana.alert.rule.type')]),
    fact('elastic-fact-risk-score', [riskScore === undefined ? undefined : String(riskScore)]),
    fact('elastic-fact-tactic', tactics),
    fact('elastic-fact-technique', techniques),
    fact('elastic-fact-host', [...readStrings(doc, 'host.name'), ...readStrings(doc, 'host.hostname')]),
    fact('elastic-fact-user', readStrings(doc, 'user.name')),
    fact('elastic-fact-source-ip', readStrings(doc, 'source.ip')),
    fact('elastic-fact-destination-ip', readStrings(doc, 'destination.ip')),
    fact('elastic-fact-event-action', readStrings(doc, 'event.action')),
    fact('elastic-fact-event-outcome', readStrings(doc, 'event.outcome')),
    fact('elastic-fact-process', [readString(doc, 'process.executable', 'process.name')]),
    fact('elastic-fact-file', [readString(doc, 'file.path', 'file.name')]),
    fact('elastic-fact-dns-question', readStrings(doc, 'dns.question.name')),
    fact('elastic-fact-threshold-count', [thresholdCount === undefined ? undefined : String(thresholdCount)]),
    space !== undefined && space !== 'default' ? fact('elastic-fact-space', [space]) : undefined,
  ];
  return candidates.filter((f): f is Fact => f !== undefined);
}

// ---------------------------------------------------------------- drafts

/** Rows of a sequence: one per building block (the main alert itself is never a row). */
export function mapSubAlert(hit: AlertHit, options: MapOptions): SubEvent {
  const details: Record<string, string> = {};
  const put = (key: string, value: string | undefined): void => {
    if (value !== undefined) details[key] = value;
  };
  put('rule', readString(hit, 'kibana.alert.rule.name'));
  put('host', readStrings(hit, 'host.name').join(', ') || undefined);
  put('user', readStrings(hit, 'user.name').join(', ') || undefined);
  put('source.ip', readStrings(hit, 'source.ip').join(', ') || undefined);
  put('source.port', readString(hit, 'source.port'));
  put('destination.ip', readStrings(hit, 'destination.ip').join(', ') || undefined);
  put('destination.port', readString(hit, 'destination.port'));
  put('event.action', readString(hit, 'event.action', 'kibana.alert.original_event.action'));
  put('event.outcome', readString(hit, 'event.outcome', 'kibana.alert.original_event.outcome'));
  put('message', readString(hit, 'message'));
  put('group.index', readString(hit, 'kibana.alert.group.index'));
  put('link', alertLink(hit, options));
  const time = eventTimeOf(hit);
  return {
    id: hit._id,
    title: firstLine(readString(hit, 'message'), readString(hit, 'kibana.alert.reason'), readString(hit, 'kibana.alert.rule.name')) ?? hit._id,
    ...(time ? { time } : {}),
    severity: severityOf(hit),
    assets: assetsOf(hit),
    details,
  };
}

/** Rows in sequence order: `kibana.alert.group.index`, then the event time, then the id (stable for ties). */
export function inSequenceOrder(subs: readonly AlertHit[]): AlertHit[] {
  const key = (h: AlertHit): [number, string, string] => [readNumber(h, 'kibana.alert.group.index') ?? Number.MAX_SAFE_INTEGER, eventTimeOf(h) ?? '', h._id];
  return [...subs].sort((a, b) => {
    const [ia, ta, da] = key(a);
    const [ib, tb, db] = key(b);
    if (ia !== ib) return ia - ib;
    if (ta !== tb) return ta < tb ? -1 : 1;
    return da < db ? -1 : da > db ? 1 : 0;
  });
}

/**
 * The incident of a main alert. Its id is the source id (for a sequence it is also the group id). `subs` are the
 * building blocks known so far; the shell's own ECS fields are only the intersection of its blocks', so the blocks'
 * assets are merged in. Throws when the alert has no usable `@timestamp` (the caller quarantines it).
 */
export function mapMainAlert(hit: AlertHit, subs: readonly AlertHit[], options: MapOptions): IncidentDraft {
  const timestamp = timestampOf(hit);
  if (timestamp === undefined) throw new Error('alert has no valid @timestamp');
  const { groupId } = classify(hit);
  const subEvents = inSequenceOrder(subs).map((s) => mapSubAlert(s, options));
  const ruleName = readString(hit, 'kibana.alert.rule.name');
  const reason = readString(hit, 'kibana.alert.reason', 'kibana.alert.rule.description');
  const description = reason === undefined ? undefined : cleanBlock(reason) || undefined;
  const link = alertLink(hit, options);
  const suppressed = readNumber(hit, 'kibana.alert.suppression.docs_count');
  return {
    sourceId: hit._id,
    title: firstLine(ruleName, description) ?? hit._id,
    severity: severityOf(hit),
    ...statusOf(hit),
    createdAt: eventTimeOf(hit) ?? timestamp,
    updatedAt: timestamp,
    ...(description !== undefined ? { description } : {}),
    assets: mergeAssets(assetsOf(hit), ...subEvents.map((e) => e.assets)),
    ...(link ? { link } : {}),
    subEvents,
    facts: factsOf(hit),
    // Suppressed duplicates are folded into this alert by Kibana: the count grows and the card is edited.
    ...(suppressed !== undefined && suppressed > 0 ? { count: Math.floor(suppressed) + 1 } : {}),
    ...(groupId !== undefined ? { correlation: { groupId } } : {}),
    raw: hit,
  };
}

/** What is remembered about a group's main alert so later building blocks can be attached without a lookup. */
export function groupRecordOf(draft: IncidentDraft): GroupRecord {
  return {
    v: 1,
    mainId: draft.sourceId,
    title: draft.title,
    severity: draft.severity,
    createdAt: draft.createdAt,
    ...(draft.description !== undefined ? { description: draft.description } : {}),
    ...(draft.link !== undefined ? { link: draft.link } : {}),
    assets: {
      hosts: [...draft.assets.hosts],
      ips: [...draft.assets.ips],
      users: [...draft.assets.users],
      urls: [...draft.assets.urls],
      hashes: [...draft.assets.hashes],
    },
    facts: draft.facts.map((f) => ({ label: f.label, value: f.value, ...(f.valueKey !== undefined ? { valueKey: f.valueKey } : {}) })),
  };
}

/**
 * A draft for the already known incident of `record`, carrying only the building blocks that arrived late. No
 * status: the pipeline keeps the stored one (the blocks say nothing about the main alert's workflow status).
 */
export function mapLateSubAlerts(record: GroupRecord, groupId: string, subs: readonly AlertHit[], options: MapOptions): IncidentDraft {
  const subEvents = inSequenceOrder(subs).map((s) => mapSubAlert(s, options));
  const updatedAt = subs.map((s) => timestampOf(s)).reduce<string | undefined>((a, b) => (b !== undefined && (a === undefined || b > a) ? b : a), undefined);
  return {
    sourceId: record.mainId,
    title: record.title,
    severity: record.severity,
    createdAt: record.createdAt,
    ...(updatedAt !== undefined ? { updatedAt } : {}),
    ...(record.description !== undefined ? { description: record.description } : {}),
    assets: mergeAssets(record.assets, ...subEvents.map((e) => e.assets)),
    ...(record.link !== undefined ? { link: record.link } : {}),
    subEvents,
    facts: record.facts,
    correlation: { groupId },
    raw: { groupId, lateSubAlerts: subs },
  };
}
