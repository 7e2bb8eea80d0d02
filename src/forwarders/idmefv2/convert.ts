/**
 * Incident → IDMEFv2 message. Pure: the same incident and options always give the same message, so a retry
 * or a re-forward sends the same `ID` (the receiver's idempotency key) and the same content.
 *
 * Everything the schema knows is filled from the normalised incident (assets, sub-events, severity, link);
 * the vendor payload in `raw` is only read, tolerantly, for what the normalised form loses: which address is
 * the attacker's (Source) rather than the victim's (Target), and the rule/type names that pick a Category.
 */
import { createHash } from 'node:crypto';
import type { Incident, Severity, SubEvent } from '../../core/incident.js';
import type { JsonValue } from '../../core/reply.js';
import type { Idmefv2Config, Idmefv2Version } from './config.js';

export type Idmefv2Message = { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

export type CategoryRule = Idmefv2Config['categories'][number];

export interface ConvertOptions {
  readonly version: Idmefv2Version;
  /** `Analyzer.IP`: the source system's address, else the address of socbot's host. */
  readonly analyzerIp: string;
  /** Operator rules, tried before the built-in map. */
  readonly categories?: readonly CategoryRule[];
  /** How many sub-events the `SubEvents` attachment carries (the rest are counted). */
  readonly maxSubEvents?: number;
}

// ---------------------------------------------------------------- identifiers

/** socbot's namespace for name-based UUIDs (random, fixed forever: changing it changes every message ID). */
export const SOCBOT_UUID_NAMESPACE = '6f2c1a9e-4b7d-4e3a-9c55-0d8e7b1f2a64';

/** RFC 4122 version-5 (SHA-1, name-based) UUID. */
export function uuidV5(name: string, namespace: string = SOCBOT_UUID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error('namespace must be a UUID');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The message `ID`: stable per incident (`<source>:<sourceId>`), whatever else changes. */
export function messageId(incident: Pick<Incident, 'source' | 'sourceId'>): string {
  return uuidV5(`${incident.source}:${incident.sourceId}`);
}

// ---------------------------------------------------------------- value checks (mirror the schema patterns)

const IPV4 = /^(((25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?))$/;

/** The schema's own `ipType` pattern, so an address we call an IP is one the receiver accepts. */
const IP_TYPE =
  /^(((25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)|([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:)|fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])|([0-9a-fA-F]{1,4}:){1,4}:((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))$/;

export function isIp(value: string): boolean {
  return IP_TYPE.test(value);
}

/** Conservative: only what ajv-formats' `email` surely accepts goes to `Email`. */
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

const HASH_ALGORITHMS: Readonly<Record<number, string>> = { 32: 'md5', 40: 'sha-1', 64: 'sha-256', 128: 'sha-512' };

/** `alg:hex` as the schema's hashType wants; undefined when the algorithm cannot be told. */
export function hashValue(value: string): string | undefined {
  const v = value.trim();
  if (/^[a-zA-Z0-9-]+:([a-fA-F0-9]{2})+$/.test(v)) return v.toLowerCase();
  if (!/^([a-fA-F0-9]{2})+$/.test(v)) return undefined;
  const alg = HASH_ALGORITHMS[v.length];
  return alg ? `${alg}:${v.toLowerCase()}` : undefined;
}

/**
 * RFC 3339 in UTC with `Z`, as the receivers expect. A time without an offset is taken as UTC (never as the
 * local zone of whatever machine runs socbot); text that is no time at all is passed through unchanged, so
 * the schema check reports it instead of a made-up time being sent.
 */
export function toUtc(value: string): string {
  const trimmed = value.trim();
  const withZone = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(trimmed) ? `${trimmed}Z` : trimmed;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

// ---------------------------------------------------------------- reading the vendor payload

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Envelopes the sources wrap vendor data in: an Elasticsearch hit, MaxPatrol's list item + card. */
const ENVELOPES = ['_source', 'card', 'incident'] as const;

/** The objects to look into: the payload, what its known envelopes hold, and each item of an array. */
function roots(raw: unknown): Record<string, unknown>[] {
  const items = Array.isArray(raw) ? raw : [raw];
  const out: Record<string, unknown>[] = [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    out.push(item);
    for (const key of ENVELOPES) {
      const inner = item[key];
      if (isRecord(inner)) out.push(inner);
    }
  }
  return out;
}

/** Follows a dotted path through nested objects, flattened dotted keys (`kibana.alert.rule.name`) and arrays. */
function walk(node: unknown, parts: readonly string[]): unknown[] {
  if (parts.length === 0) return Array.isArray(node) ? node : [node];
  if (Array.isArray(node)) return node.flatMap((item: unknown) => walk(item, parts));
  if (!isRecord(node)) return [];
  const found: unknown[] = [];
  for (let i = parts.length; i >= 1; i--) {
    const key = parts.slice(0, i).join('.');
    if (key in node) found.push(...walk(node[key], parts.slice(i)));
  }
  return found;
}

/** Non-empty string (and number) values at any of the paths, deduplicated, in order. */
function strings(raw: unknown, ...paths: string[]): string[] {
  const out: string[] = [];
  for (const root of roots(raw)) {
    for (const path of paths) {
      for (const value of walk(root, path.split('.'))) {
        const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
        if (text && !out.includes(text)) out.push(text);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- per-source knowledge

interface AnalyzerProfile {
  readonly name: string;
  readonly model: string;
  readonly category: Readonly<Record<Idmefv2Version, readonly string[]>>;
  readonly data: Readonly<Record<Idmefv2Version, readonly string[]>>;
  readonly method: Readonly<Record<Idmefv2Version, readonly string[]>>;
}

interface SourceProfile {
  analyzer(incident: Incident): AnalyzerProfile;
  /** Attacker addresses or host names (become `Source[]`). */
  attackers(incident: Incident): string[];
  /** The attacker's source ports; used only when there is exactly one attacker address and one port. */
  attackerPorts?(incident: Incident): number[];
  /** Lower-case `kind:value` strings the category rules look at. */
  signals(raw: unknown): string[];
  entity?(raw: unknown): { name?: string; id?: string };
  altNames?(raw: unknown): string[];
  notes?(raw: unknown): string[];
}

const SIEM: Pick<AnalyzerProfile, 'category' | 'data' | 'method'> = {
  category: { '2.D.V04': ['SIEM'], '2.D.V08': ['SIEM.SIEM'] },
  data: { '2.D.V04': ['Log'], '2.D.V08': ['Log'] },
  method: { '2.D.V04': ['Correlation'], '2.D.V08': ['Correlation'] },
};

const PROFILES: Readonly<Record<string, SourceProfile>> = {
  maxpatrol: {
    analyzer: () => ({ name: 'maxpatrol-siem', model: 'MaxPatrol SIEM', ...SIEM }),
    // `others` mixes accounts and addresses; only the addresses among them are the attacker's endpoints.
    attackers: ({ raw }) => [
      ...strings(raw, 'attackers.addresses', 'attackers.addresses.name', 'attackers.assets.name'),
      ...strings(raw, 'attackers.others.name').filter(isIp),
    ],
    signals: (raw) => [
      ...strings(raw, 'type').map((v) => `type:${v}`),
      ...strings(raw, 'category').map((v) => `category:${v}`),
      ...mpRules(raw).map((v) => `rule:${v}`),
    ],
    notes: (raw) => mpRules(raw).map((v) => `Correlation rule: ${v}`),
  },
  elastic: {
    analyzer: (incident) => {
      const version = strings(incident.raw, 'kibana.version')[0];
      return { name: 'elastic-security', model: version ? `Elastic Security ${version}` : 'Elastic Security', ...SIEM };
    },
    // A sequence's shell keeps only the fields all its building blocks share; the blocks carry the rest.
    attackers: (incident) => unique([...strings(incident.raw, 'source.ip'), ...subEventDetail(incident, 'source.ip')]),
    attackerPorts: (incident) => unique([...strings(incident.raw, 'source.port'), ...subEventDetail(incident, 'source.port')]).map(Number),
    signals: (raw) => [
      ...strings(raw, 'kibana.alert.rule.name', 'signal.rule.name').map((v) => `rule:${v}`),
      ...strings(raw, 'kibana.alert.rule.tags', 'signal.rule.tags').map((v) => `tag:${v}`),
      ...strings(raw, 'kibana.alert.rule.threat.tactic.name', 'signal.rule.threat.tactic.name').map((v) => `tactic:${v}`),
      ...strings(raw, 'kibana.alert.rule.threat.technique.name', 'signal.rule.threat.technique.name').map((v) => `technique:${v}`),
      ...strings(raw, 'kibana.alert.rule.threat.technique.subtechnique.name').map((v) => `technique:${v}`),
    ],
    notes: (raw) => strings(raw, 'kibana.alert.rule.name', 'signal.rule.name').map((v) => `Rule: ${v}`),
  },
  sophos: {
    analyzer: (incident) => {
      const malware = strings(incident.raw, 'category').some((c) => /^(malware|pua)$/i.test(c));
      return {
        name: 'sophos-central',
        model: 'Sophos Central',
        category: malware ? { '2.D.V04': ['AV'], '2.D.V08': ['END.AV'] } : { '2.D.V04': ['EDR'], '2.D.V08': ['END.EDR'] },
        data: { '2.D.V04': ['Host'], '2.D.V08': ['Host'] },
        method: { '2.D.V04': ['Signature', 'Heuristic'], '2.D.V08': ['Signature', 'Heuristic'] },
      };
    },
    attackers: ({ raw }) => strings(raw, 'source_info.ip', 'data.source_info.ip'),
    signals: (raw) => [...strings(raw, 'category').map((v) => `category:${v}`), ...strings(raw, 'type').map((v) => `type:${v}`)],
    entity: (raw) => ({ name: strings(raw, 'tenant.name')[0], id: strings(raw, 'tenant.id')[0] }),
    notes: (raw) => {
      const name = strings(raw, 'tenant.name')[0];
      const id = strings(raw, 'tenant.id')[0];
      const type = strings(raw, 'type')[0];
      return [
        ...(name || id ? [`Tenant: ${[name, id && `(${id})`].filter(Boolean).join(' ')}`] : []),
        ...(type ? [`Alert type: ${type}`] : []),
      ];
    },
  },
  illumio: {
    analyzer: () => ({
      name: 'illumio-pce',
      model: 'Illumio Core PCE',
      category: { '2.D.V04': ['FW'], '2.D.V08': ['NET.FW'] },
      data: { '2.D.V04': ['Log'], '2.D.V08': ['Log'] },
      method: { '2.D.V04': ['Policy', 'Monitor'], '2.D.V08': ['Policy', 'Monitor'] },
    }),
    // Failed API logins carry the caller's address in the notification, not in `action`.
    attackers: ({ raw }) => strings(raw, 'action.src_ip', 'notifications.info.src_ip'),
    signals: (raw) => {
      const types = strings(raw, 'event_type');
      const statuses = strings(raw, 'status');
      return [...types.map((t) => `event:${t}`), ...types.flatMap((t) => statuses.map((s) => `event:${t}:${s}`))];
    },
    altNames: (raw) => strings(raw, 'href').map((v) => `illumio:${v}`),
    notes: (raw) => {
      const lines: string[] = [];
      const pce = strings(raw, 'pce_fqdn')[0];
      if (pce) lines.push(`PCE: ${pce}`);
      for (const root of roots(raw)) {
        const changes = root.resource_changes;
        if (!Array.isArray(changes)) continue;
        for (const change of changes.slice(0, 10)) lines.push(describeResourceChange(change));
      }
      return lines.filter(Boolean);
    },
  },
};

/** Values of one sub-event detail (`source.ip: "a, b"`) over all sub-events. */
function subEventDetail(incident: Incident, key: string): string[] {
  return incident.subEvents.flatMap((e) => (e.details?.[key] ?? '').split(',')).map((v) => v.trim()).filter(Boolean);
}

/** MaxPatrol names correlation rules as strings or `{ correlationName }`, depending on the version. */
function mpRules(raw: unknown): string[] {
  return strings(raw, 'correlationRules', 'correlationRules.correlationName', 'correlationRuleNames');
}

function describeResourceChange(change: unknown): string {
  if (!isRecord(change)) return '';
  const kind = typeof change.change_type === 'string' ? change.change_type : 'change';
  let what = '';
  if (isRecord(change.resource)) {
    const [type, body] = Object.entries(change.resource)[0] ?? [];
    if (type) {
      const name = strings(body, 'name', 'username', 'hostname', 'value', 'href')[0];
      what = name ? `${type} ${name}` : type;
    }
  }
  const fields = isRecord(change.changes) ? Object.keys(change.changes) : [];
  return `Change: ${kind}${what ? ` ${what}` : ''}${fields.length ? ` (${fields.slice(0, 10).join(', ')})` : ''}`;
}

function genericProfile(source: string): SourceProfile {
  return {
    analyzer: () => ({
      name: source,
      model: source,
      category: { '2.D.V04': [], '2.D.V08': [] },
      data: { '2.D.V04': [], '2.D.V08': [] },
      method: { '2.D.V04': [], '2.D.V08': [] },
    }),
    attackers: () => [],
    signals: () => [],
  };
}

// ---------------------------------------------------------------- categories

interface BuiltinRule {
  readonly test: RegExp;
  readonly v04: readonly string[];
  readonly v08: readonly string[];
}

/**
 * Only mappings that are safe to state; anything else gets no Category (it is optional) rather than a guess.
 * V04 values avoid the five categories the test-server-pinned schema spells with a space.
 */
const BUILTIN_CATEGORIES: readonly BuiltinRule[] = [
  { test: /^category:(malware|pua)$/, v04: ['Malicious.System'], v08: ['Malware.Other'] },
  { test: /^category:runtimedetections$/, v04: ['Intrusion.SysCompromise'], v08: ['Access.Compromise'] },
  {
    test: /brute.?force|password (guessing|spraying)|подбор парол|^event:request\.authentication_failed|^event:user\.(sign_in|login|authenticate):fail/,
    v04: ['Attempt.Login'],
    v08: ['Access.Forced'],
  },
  { test: /port.?scan|network.?scan|сканирование/, v04: ['Recon.Scanning'], v08: ['Recon.Network'] },
];

export function categoriesFor(
  source: string,
  signals: readonly string[],
  version: Idmefv2Version,
  rules: readonly CategoryRule[] = [],
): string[] {
  const lower = signals.map((s) => s.toLowerCase());
  for (const rule of rules) {
    if (rule.source !== undefined && rule.source !== source) continue;
    const needle = rule.match.toLowerCase();
    if (lower.some((s) => s.includes(needle))) return unique(version === '2.D.V04' ? rule.v04 : rule.v08);
  }
  const out: string[] = [];
  for (const rule of BUILTIN_CATEGORIES) {
    if (lower.some((s) => rule.test.test(s))) out.push(...(version === '2.D.V04' ? rule.v04 : rule.v08));
  }
  return unique(out);
}

// ---------------------------------------------------------------- the conversion

const PRIORITY: Readonly<Record<Severity, string>> = {
  critical: 'High', // IDMEFv2 has no Critical
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

/** Words vendors put where an address was withheld (Illumio's `FILTERED`): not host names. */
const PLACEHOLDERS = /^(filtered|redacted|hidden|unknown|none|null|n\/a)$/i;

const MAX_ITEMS = 50;
const MAX_TEXT = 4000;
const MAX_DETAIL = 1000;

export function convertIncident(incident: Incident, options: ConvertOptions): Idmefv2Message {
  const { version } = options;
  const v08 = version === '2.D.V08';
  const ref = `${incident.source}:${incident.sourceId}`;
  const profile = PROFILES[incident.source] ?? genericProfile(incident.source);
  const raw = incident.raw;
  const notes: string[] = [];

  // -- Analyzer
  const a = profile.analyzer(incident);
  const linkHost = hostOf(incident.link);
  const analyzer: JsonObject = {
    ...(v08 ? { ID: uuidV5(`analyzer:${incident.source}`) } : {}),
    IP: options.analyzerIp,
    Name: a.name,
    ...(linkHost && !isIp(linkHost) ? { Hostname: linkHost } : {}),
    Model: a.model,
    ...(v08 ? {} : { Type: ['Cyber'] }),
    ...(a.category[version].length ? { Category: [...a.category[version]] } : {}),
    ...(a.data[version].length ? { Data: [...a.data[version]] } : {}),
    ...(a.method[version].length ? { Method: [...a.method[version]] } : {}),
  };

  // -- Source (attackers) and Target (everything else the incident names)
  const attackers = profile.attackers(incident);
  const attackerSet = new Set(attackers);
  const ports = (profile.attackerPorts?.(incident) ?? []).filter((p) => Number.isInteger(p) && p > 0 && p <= 65535);
  const attackerIps = attackers.filter(isIp);
  const sources: JsonObject[] = [];
  for (const value of attackers) {
    if (isIp(value)) {
      sources.push({
        ...(v08 ? { ID: uuidV5(`${ref}:source:${value}`), Category: [IPV4.test(value) ? 'Cyber.Network.IPv4' : 'Cyber.Network.IPv6'] } : {}),
        IP: value,
        ...(attackerIps.length === 1 && ports.length === 1 ? { Port: ports } : {}),
      });
    } else if (/^[a-z0-9][a-z0-9.-]*$/i.test(value) && !PLACEHOLDERS.test(value)) {
      sources.push({ ...(v08 ? { ID: uuidV5(`${ref}:source:${value}`) } : {}), Hostname: value });
    } else {
      // e.g. Illumio's `FILTERED`: not an address, but worth telling the analyst at the other end.
      notes.push(`Source address: ${value}`);
    }
  }

  const targets: JsonObject[] = [];
  const targetId = (kind: string, value: string): JsonObject => (v08 ? { ID: uuidV5(`${ref}:target:${kind}:${value}`) } : {});
  const endpoint: JsonObject = v08 ? { Category: ['IT.Endpoints'] } : {};
  for (const ip of incident.assets.ips) {
    if (attackerSet.has(ip)) continue;
    if (isIp(ip)) targets.push({ ...targetId('ip', ip), ...endpoint, IP: ip });
    else targets.push({ ...targetId('host', ip), ...endpoint, Hostname: ip });
  }
  for (const host of incident.assets.hosts) {
    if (attackerSet.has(host)) continue;
    if (isIp(host)) {
      if (!incident.assets.ips.includes(host)) targets.push({ ...targetId('ip', host), ...endpoint, IP: host });
    } else {
      targets.push({ ...targetId('host', host), ...endpoint, Hostname: host });
    }
  }
  for (const user of incident.assets.users) {
    if (attackerSet.has(user)) continue;
    targets.push({ ...targetId('user', user), User: user, ...(EMAIL.test(user) ? { Email: user } : {}) });
  }
  for (const url of incident.assets.urls) {
    // Source/Target have no URL member in any version; Note is the one place the schema leaves for it.
    targets.push({ ...targetId('url', url), Note: clip(`URL: ${url}`, MAX_DETAIL) });
  }
  if (sources.length > MAX_ITEMS) notes.push(`Source items: ${sources.length} (first ${MAX_ITEMS} sent)`);
  if (targets.length > MAX_ITEMS) notes.push(`Target items: ${targets.length} (first ${MAX_ITEMS} sent)`);

  // -- Attachments: file hashes and the sub-events
  const attachments: JsonObject[] = [];
  let hashNo = 0;
  for (const hash of incident.assets.hashes) {
    const value = hashValue(hash);
    if (!value) {
      notes.push(`Hash: ${hash}`);
      continue;
    }
    hashNo += 1;
    if (hashNo > MAX_ITEMS) continue;
    attachments.push({ Name: `Hash${hashNo}`, Hash: [value], Note: 'File hash observed in the incident' });
  }
  const maxSub = options.maxSubEvents ?? 100;
  if (incident.subEvents.length > 0) {
    const shown = incident.subEvents.slice(0, maxSub);
    notes.push(
      shown.length === incident.subEvents.length
        ? `Sub-events: ${incident.subEvents.length} (attached as SubEvents)`
        : `Sub-events: ${incident.subEvents.length} (first ${shown.length} attached as SubEvents)`,
    );
    if (shown.length > 0) {
      attachments.push({
        Name: 'SubEvents',
        Note: 'Correlated events of this incident (building blocks, base events)',
        ContentType: 'application/json',
        Content: { count: incident.subEvents.length, events: shown.map(subEventJson) },
      });
    }
  }

  // -- Notes, names, links
  if (incident.key !== incident.sourceId) notes.unshift(`Incident key: ${incident.key}`);
  if (incident.status) notes.push(`Source status: ${incident.status}`);
  if ((incident.count ?? 1) > 1) notes.push(`Occurrences: ${incident.count ?? 1}`);
  notes.push(...(profile.notes?.(raw) ?? []));

  const altNames = unique([
    ref,
    ...(incident.key !== incident.sourceId ? [`${incident.source}:${incident.key}`] : []),
    ...Object.entries(incident.correlation ?? {})
      // The source id is already the first AltName; a group id equal to it still says "this is the group".
      .filter(([k, v]) => v !== incident.sourceId || /group/i.test(k))
      .map(([k, v]) => `${incident.source}:${k}:${v}`),
    ...(profile.altNames?.(raw) ?? []),
  ]);

  const entity = profile.entity?.(raw) ?? {};
  const categories = categoriesFor(incident.source, [`title:${incident.title}`, ...profile.signals(raw)], version, options.categories);
  const times = timesOf(incident);
  // Some sources repeat the title as the description (Sophos): say it once.
  const extra = incident.description?.trim();
  const description = extra && extra !== incident.title.trim() ? `${incident.title}\n\n${extra}` : incident.title;

  const message: Idmefv2Message = {
    Version: version,
    ID: messageId(incident),
    ...(entity.name ? { EntityName: entity.name } : {}),
    ...(entity.id ? { EntityId: entity.id } : {}),
    ...(v08 ? { Type: ['Cyber'] } : {}),
    ...(categories.length ? { Category: categories } : {}),
    Cause: 'Malicious',
    Description: clip(description, MAX_TEXT),
    // A person confirmed it by pressing forward: an incident, reported onwards.
    Status: v08 ? ['Incident', 'Reported'] : 'Incident',
    Priority: PRIORITY[incident.severity],
    ...(notes.length ? { Note: clip(unique(notes).join('\n'), MAX_TEXT) } : {}),
    CreateTime: toUtc(incident.createdAt),
    StartTime: times.start,
    ...(times.end ? { EndTime: times.end } : {}),
    AltNames: altNames,
    ...(incident.link && isHttpUrl(incident.link) ? { Ref: [incident.link] } : {}),
    Analyzer: analyzer,
    ...(sources.length ? { Source: sources.slice(0, MAX_ITEMS) } : {}),
    ...(targets.length ? { Target: targets.slice(0, MAX_ITEMS) } : {}),
    ...(attachments.length ? { Attachment: attachments } : {}),
  };
  return message;
}

function hostOf(link: string | undefined): string | undefined {
  if (!link) return undefined;
  try {
    const host = new URL(link).hostname;
    return host.startsWith('[') ? host.slice(1, -1) : host;
  } catch {
    return undefined;
  }
}

/** The analyzer address to use for an incident's link host when it is a literal IP (the source system). */
export function linkIp(link: string | undefined): string | undefined {
  const host = hostOf(link);
  return host && isIp(host) ? host : undefined;
}

/** StartTime: the earliest of createdAt and the sub-events; EndTime: the latest sub-event when later. */
function timesOf(incident: Incident): { start: string; end?: string } {
  const created = toUtc(incident.createdAt);
  const stamps = incident.subEvents
    .map((e) => (e.time ? toUtc(e.time) : undefined))
    .filter((t): t is string => t !== undefined && !Number.isNaN(Date.parse(t)));
  if (Number.isNaN(Date.parse(created)) || stamps.length === 0) return { start: created };
  const all = [created, ...stamps].sort();
  const start = all[0] ?? created;
  const last = all[all.length - 1] ?? created;
  return last > start ? { start, end: last } : { start };
}

function subEventJson(event: SubEvent): JsonObject {
  const assets: JsonObject = {};
  for (const [kind, values] of Object.entries(event.assets ?? {})) {
    if (values && values.length) assets[kind] = values.slice(0, MAX_ITEMS).map((v) => clip(v, MAX_DETAIL));
  }
  const details: JsonObject = {};
  for (const [k, v] of Object.entries(event.details ?? {})) details[k] = clip(v, MAX_DETAIL);
  return {
    id: event.id,
    title: clip(event.title, MAX_DETAIL),
    ...(event.time ? { time: toUtc(event.time) } : {}),
    ...(event.severity ? { severity: event.severity } : {}),
    ...(Object.keys(assets).length ? { assets } : {}),
    ...(Object.keys(details).length ? { details } : {}),
  };
}
