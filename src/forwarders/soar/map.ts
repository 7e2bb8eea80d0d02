/**
 * Pure mapping from socbot's `Incident` to SOAR request bodies: the incident, its artifacts and the Data Table
 * rows. No I/O here, so every rule is unit-tested against the fixtures.
 */
import { isIP } from 'node:net';
import { actorLabel, type Actor } from '../../core/access.js';
import { mergeAssets, type Assets, type Incident, type Severity, type SubEvent } from '../../core/incident.js';
import { DEFAULT_COLUMNS, DEFAULT_SEVERITIES, type SoarConfig } from './config.js';

export type Handle = number | string;

export interface TextContent {
  readonly format: 'text';
  readonly content: string;
}

export interface ArtifactPayload {
  readonly type: { readonly name: ArtifactTypeName };
  readonly value: string;
  readonly description: TextContent;
}

export interface IncidentPayload {
  readonly name: string;
  readonly description: TextContent;
  readonly discovered_date: number;
  readonly start_date?: number;
  readonly severity_code: Handle;
  readonly incident_type_ids: readonly Handle[];
  readonly plan_status: 'A';
  readonly properties: Readonly<Record<string, string>>;
  readonly artifacts: readonly ArtifactPayload[];
}

export type CellValue = string | number;

export interface RowPayload {
  /** The sub-event this row stands for (tracked in state, not sent). */
  readonly subEventId: string;
  readonly cells: Readonly<Record<string, { readonly value: CellValue }>>;
}

/** The standard artifact type names used (ids per `artifact-types.extract.json`; sent by name). */
export const ARTIFACT_TYPES = {
  ip: 'IP Address', // 1
  dns: 'DNS Name', // 2
  url: 'URL', // 3
  md5: 'Malware MD5 Hash', // 13
  sha1: 'Malware SHA-1 Hash', // 14
  fuzzy: 'Malware Sample Fuzzy Hash', // 22
  user: 'User Account', // 23
  system: 'System Name', // 25
  string: 'String', // 29
  sha256: 'Malware SHA-256 Hash', // 38
  cidr: 'Network CIDR Range', // 44
  sha512: 'Malware SHA-512 Hash', // 48
} as const;
export type ArtifactTypeName = (typeof ARTIFACT_TYPES)[keyof typeof ARTIFACT_TYPES];

/** Standard ids of the types above, for servers that answer with ids instead of names. */
export const ARTIFACT_TYPE_IDS: Readonly<Record<number, ArtifactTypeName>> = {
  1: 'IP Address',
  2: 'DNS Name',
  3: 'URL',
  13: 'Malware MD5 Hash',
  14: 'Malware SHA-1 Hash',
  22: 'Malware Sample Fuzzy Hash',
  23: 'User Account',
  25: 'System Name',
  29: 'String',
  38: 'Malware SHA-256 Hash',
  44: 'Network CIDR Range',
  48: 'Malware SHA-512 Hash',
};

const NAME_MAX = 255;
const DESCRIPTION_MAX = 30_000;
const CELL_MAX = 4_000;

/**
 * The value of the dedupe property: stable per socbot incident, so every retry, double press and restart looks
 * for the same key. For Elastic groups the group id is appended, so SOAR users can search for it too.
 */
export function dedupeKey(incident: Pick<Incident, 'source' | 'sourceId' | 'correlation'>): string {
  const base = `socbot:${incident.source}:${incident.sourceId}`;
  const group = incident.correlation?.groupId?.trim();
  return group ? `${base};group=${group}` : base;
}

export function incidentLink(baseUrl: string, id: number | string): string {
  return `${baseUrl.replace(/\/+$/, '')}/#incidents/${id}`;
}

export function severityHandle(severity: Severity, config: Pick<SoarConfig, 'severities'>): Handle {
  return config.severities[severity] ?? DEFAULT_SEVERITIES[severity];
}

// ------------------------------------------------------------------------------------------ artifacts

const HASH_PREFIX = /^(md5|sha-?1|sha-?256|sha-?512)[:=]/i;

/** Artifact type of a hash by its length (hex): 32 MD5, 40 SHA-1, 64 SHA-256, 128 SHA-512; ssdeep → fuzzy. */
export function hashArtifactType(hash: string): ArtifactTypeName {
  const v = hash.trim().replace(HASH_PREFIX, '');
  if (/^[0-9a-f]+$/i.test(v)) {
    switch (v.length) {
      case 32:
        return ARTIFACT_TYPES.md5;
      case 40:
        return ARTIFACT_TYPES.sha1;
      case 64:
        return ARTIFACT_TYPES.sha256;
      case 128:
        return ARTIFACT_TYPES.sha512;
    }
  }
  if (/^\d+:[A-Za-z0-9/+]+:[A-Za-z0-9/+]+/.test(v)) return ARTIFACT_TYPES.fuzzy;
  return ARTIFACT_TYPES.string;
}

function isCidr(value: string): boolean {
  const [addr, bits, ...rest] = value.split('/');
  if (rest.length > 0 || addr === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const family = isIP(addr);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

/** The identity of an artifact for "no duplicates": type plus value, case-folded where case carries no meaning. */
export function artifactKey(type: string, value: string): string {
  const caseless = type !== ARTIFACT_TYPES.user && type !== ARTIFACT_TYPES.url && type !== ARTIFACT_TYPES.string;
  return `${type}|${caseless ? value.toLowerCase() : value}`;
}

/**
 * One artifact per distinct asset of the incident and of all its sub-events:
 * IPs → IP Address (CIDRs → Network CIDR Range, anything else in the IP list is skipped), hosts → System Name
 * (an IP given as host → IP Address), users → User Account, URLs → URL plus the URL's host as DNS Name
 * (or IP Address), hashes → typed by length.
 */
export function buildArtifacts(incident: Pick<Incident, 'assets' | 'subEvents' | 'source' | 'key'>): ArtifactPayload[] {
  const assets: Assets = mergeAssets(incident.assets, ...incident.subEvents.map((e) => e.assets));
  const out: ArtifactPayload[] = [];
  const seen = new Set<string>();
  const add = (type: ArtifactTypeName, value: string, what: string): void => {
    const key = artifactKey(type, value);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ type: { name: type }, value, description: { format: 'text', content: `${what} of socbot incident ${incident.key} (${incident.source})` } });
  };
  for (const ip of assets.ips) {
    if (isIP(ip)) add(ARTIFACT_TYPES.ip, ip, 'IP address');
    else if (isCidr(ip)) add(ARTIFACT_TYPES.cidr, ip, 'Network range');
  }
  for (const host of assets.hosts) {
    if (isIP(host)) add(ARTIFACT_TYPES.ip, host, 'IP address');
    else add(ARTIFACT_TYPES.system, host, 'Host');
  }
  for (const user of assets.users) add(ARTIFACT_TYPES.user, user, 'User');
  for (const raw of assets.urls) {
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    add(ARTIFACT_TYPES.url, raw, 'URL');
    const host = url?.hostname.replace(/^\[|\]$/g, '');
    if (host) {
      if (isIP(host)) add(ARTIFACT_TYPES.ip, host, 'IP address in a URL');
      else add(ARTIFACT_TYPES.dns, host, 'Domain of a URL');
    }
  }
  for (const raw of assets.hashes) {
    const hash = raw.replace(HASH_PREFIX, '');
    const type = hashArtifactType(hash);
    add(type, type === ARTIFACT_TYPES.string ? hash : hash.toLowerCase(), 'Hash');
  }
  return out;
}

// ------------------------------------------------------------------------------------------ rows

export type ColumnMap = Readonly<Record<string, readonly string[]>>;

export function columnMap(config: Pick<SoarConfig, 'columns'>): ColumnMap {
  if (!config.columns) return DEFAULT_COLUMNS;
  const out: Record<string, readonly string[]> = {};
  for (const [column, spec] of Object.entries(config.columns)) out[column] = typeof spec === 'string' ? [spec] : spec;
  return out;
}

function detail(event: SubEvent, key: string): string | undefined {
  const details = event.details;
  if (!details) return undefined;
  if (details[key] !== undefined) return details[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(details)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const ASSET_OF: Readonly<Record<string, keyof Assets>> = {
  host: 'hosts',
  ip: 'ips',
  user: 'users',
  url: 'urls',
  hash: 'hashes',
  hosts: 'hosts',
  ips: 'ips',
  users: 'users',
  urls: 'urls',
  hashes: 'hashes',
};

/** The value of one cell source for a sub-event; undefined or '' means "try the next source". */
export function cellValue(event: SubEvent, source: string): CellValue | undefined {
  if (source.startsWith('detail:')) return detail(event, source.slice('detail:'.length));
  switch (source) {
    case 'title':
      return event.title;
    case 'id':
      return event.id;
    case 'time':
      return event.time;
    case 'timeMs': {
      const ms = event.time ? Date.parse(event.time) : Number.NaN;
      return Number.isNaN(ms) ? undefined : ms;
    }
    case 'severity':
      return event.severity;
  }
  const kind = ASSET_OF[source];
  if (!kind) return undefined;
  const list = (event.assets?.[kind] ?? []).map((v) => v.trim()).filter(Boolean);
  return source.endsWith('s') ? list.join(', ') : list[0];
}

/** One Data Table row per sub-event, cells per the column map; empty cells are left out. */
export function buildRows(subEvents: readonly SubEvent[], columns: ColumnMap): RowPayload[] {
  return subEvents.map((event) => {
    const cells: Record<string, { value: CellValue }> = {};
    for (const [column, sources] of Object.entries(columns)) {
      for (const source of sources) {
        const v = cellValue(event, source);
        if (v === undefined || v === '') continue;
        cells[column] = { value: typeof v === 'string' ? v.slice(0, CELL_MAX) : v };
        break;
      }
    }
    return { subEventId: event.id, cells };
  });
}

/**
 * A row's content as a comparable string, over the mapped columns only. Used to recognise rows that already
 * exist on an incident socbot has no local record for (a lost state file, a create that timed out).
 */
export function rowSignature(cells: Readonly<Record<string, { readonly value?: unknown } | undefined>>, columns: ColumnMap): string {
  const parts: string[] = [];
  for (const column of Object.keys(columns).sort()) {
    const v = cells[column]?.value;
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${column}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return parts.join('\u0000');
}

// ------------------------------------------------------------------------------------------ incident

export interface DescribeOptions {
  readonly dataTable: string;
  readonly actor?: Actor;
  /** Localises fact labels (Fluent ids); without it the id is shown in a readable form. */
  readonly translate?: (key: string) => string;
}

function readableLabel(id: string): string {
  // `illumio-fact-created-by` → `created by`: drop the area prefix and the word "fact".
  const words = id.split('-');
  const rest = words.length > 1 ? words.slice(1) : words;
  return (rest[0] === 'fact' ? rest.slice(1) : rest).join(' ') || id;
}

export function describeIncident(incident: Incident, options: DescribeOptions): string {
  const lines: string[] = [incident.title, ''];
  lines.push(`Source: ${incident.source}`, `Key: ${incident.key}`, `Severity: ${incident.severity}`);
  if (incident.status) lines.push(`Status: ${incident.status}`);
  lines.push(`Created: ${incident.createdAt}`);
  const group = incident.correlation?.groupId;
  if (group) lines.push(`Elastic group id: ${group}`);
  if (incident.link) lines.push(`Link: ${incident.link}`);
  lines.push(`socbot key: ${dedupeKey(incident)}`);
  if (incident.description) lines.push('', incident.description);
  if (incident.facts.length > 0) {
    lines.push('');
    for (const fact of incident.facts) {
      const label = options.translate?.(fact.label) ?? readableLabel(fact.label);
      const value = fact.valueKey ? (options.translate?.(fact.valueKey) ?? fact.value) : fact.value;
      lines.push(`${label}: ${value}`);
    }
  }
  if (incident.subEvents.length > 0) lines.push('', `Sub-events: ${incident.subEvents.length} (Data Table ${options.dataTable})`);
  if (options.actor) lines.push('', `Forwarded from socbot by ${actorLabel(options.actor)}`);
  const text = lines.join('\n');
  return text.length > DESCRIPTION_MAX ? `${text.slice(0, DESCRIPTION_MAX - 1)}…` : text;
}

function millis(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface IncidentPayloadOptions extends DescribeOptions {
  readonly dedupeField: string;
  readonly severities: SoarConfig['severities'];
  readonly incidentTypes: readonly Handle[];
  readonly now: Date;
}

export function buildIncidentPayload(incident: Incident, options: IncidentPayloadOptions): IncidentPayload {
  const discovered = millis(incident.createdAt) ?? millis(incident.firstSeenAt) ?? options.now.getTime();
  // The earliest sub-event is when the activity started; SOAR refuses a start after the discovery.
  const starts = incident.subEvents.map((e) => millis(e.time)).filter((t): t is number => t !== undefined && t <= discovered);
  const start = starts.length > 0 ? Math.min(...starts) : undefined;
  const prefix = incident.key !== incident.sourceId ? `[${incident.key}] ` : '';
  const name = `${prefix}${incident.title}`.replace(/\s+/g, ' ').trim() || `socbot ${incident.source} incident`;
  return {
    name: name.length > NAME_MAX ? `${name.slice(0, NAME_MAX - 1)}…` : name,
    description: { format: 'text', content: describeIncident(incident, options) },
    discovered_date: discovered,
    ...(start !== undefined && start < discovered ? { start_date: start } : {}),
    severity_code: severityHandle(incident.severity, options),
    incident_type_ids: options.incidentTypes,
    plan_status: 'A',
    properties: { [options.dedupeField]: dedupeKey(incident) },
    artifacts: buildArtifacts(incident),
  };
}
