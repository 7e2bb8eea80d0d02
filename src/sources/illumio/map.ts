/**
 * PCE audit event → incident draft. Pure: everything it needs (watcher, resolved workloads, base URL) is passed in.
 *
 * - Title: the event type plus a readable summary (resource name, affected host, actor or source IP).
 * - Severity: the watcher's, else the PCE severity (syslog scale) mapped to ours, a failure at least `low`.
 * - Facts (labels `illumio-fact-…`): status, PCE severity, who did it (user / agent / service account / container
 *   cluster / system), source IP and API call, resources, workloads with labels, PCE, watcher. `FILTERED` and
 *   null values carry the Fluent ids `illumio-value-filtered` / `illumio-value-none` instead of raw text.
 * - Sub-events: each resource change with its fields as `before → after`, each notification with its info.
 * - Link: the event in the PCE UI, built from the configured URL and org (none for `/system_events/…`).
 * All vendor text is untrusted: control and bidi characters are neutralised and lengths bounded here; the
 * renderers escape it.
 */
import { isIP } from 'node:net';
import { mergeAssets, severityRank, type Assets, type Fact, type IncidentDraft, type Severity, type SubEvent } from '../../core/incident.js';
import type { WorkloadInfo } from './enrich.js';
import type { IllumioEvent } from './schema.js';
import { parsePceTime } from './schema.js';
import type { ThrottleWindow } from './throttle.js';
import { severityWord } from '../severity.js';
import { cleanLine, MAX_TITLE } from '../text.js';

export const FILTERED = 'FILTERED';
export const VALUE_FILTERED = 'illumio-value-filtered';
export const VALUE_NONE = 'illumio-value-none';

const MAX_FACT = 300;
const MAX_DETAIL = 300;
const MAX_DETAILS = 20;
const MAX_SUB_EVENTS = 30;
const MAX_RESOURCE_FACTS = 3;
const MAX_WORKLOAD_FACTS = 5;
/** What a placeholder-free "nothing" looks like inside before → after text. */
const NONE_TEXT = '—';

export interface WatcherRef {
  readonly key: string;
  readonly severity: Severity | undefined;
}

export interface MapContext {
  /** The configured PCE URL (with its port). */
  readonly baseUrl: string;
  readonly org: number;
  /** Resolved workloads/VENs by href; missing entries simply go without enrichment. */
  readonly workloads: ReadonlyMap<string, WorkloadInfo>;
}

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

// ---------------------------------------------------------------- text hygiene

/** One line, invisible characters removed, at most `max` code points (shared with the other sources). */
export const clean = cleanLine;

// ---------------------------------------------------------------- severity, link, time

/** The PCE's syslog scale on top of the shared words (sources/severity.ts). */
const PCE_SEVERITY: Readonly<Record<string, Severity>> = {
  emerg: 'critical',
  emergency: 'critical',
  alert: 'critical',
  err: 'high',
  error: 'high',
  warning: 'medium',
  warn: 'medium',
  notice: 'low',
  debug: 'info',
};

export function severityOf(event: Pick<IllumioEvent, 'severity' | 'status'>, watcherSeverity: Severity | undefined): Severity {
  if (watcherSeverity) return watcherSeverity;
  // Audit events without a (known) severity are routine: info, not medium as for alert sources.
  const mapped = severityWord(event.severity, PCE_SEVERITY) ?? 'info';
  if (event.status === 'failure' && severityRank(mapped) < severityRank('low')) return 'low';
  return mapped;
}

/**
 * The event in the PCE UI: `<url>/#/events/<uuid>` for events of the configured org. System events have no
 * known UI route, so they get no link rather than a wrong one.
 */
export function eventLink(baseUrl: string, org: number, href: string): string | undefined {
  const m = /^\/orgs\/(\d+)(\/events\/[A-Za-z0-9_-]+)$/.exec(href);
  if (!m || Number(m[1]) !== org) return undefined;
  return `${baseUrl.replace(/\/+$/, '')}/#${m[2] ?? ''}`;
}

export function isoTime(value: string): string {
  const ms = parsePceTime(value);
  return ms === undefined ? value : new Date(ms).toISOString();
}

// ---------------------------------------------------------------- actor

export type ActorKind = 'user' | 'agent' | 'service-account' | 'container-cluster' | 'system' | 'none' | 'other';

export interface EventActor {
  readonly kind: ActorKind;
  /** Username, agent hostname, service account or cluster name. */
  readonly name?: string;
  readonly href?: string;
}

export function actorOf(event: Pick<IllumioEvent, 'created_by'>): EventActor {
  const by = event.created_by;
  if (!isRecord(by) || Object.keys(by).length === 0) return { kind: 'none' };
  const pick = (kind: ActorKind, node: unknown, ...nameKeys: string[]): EventActor => {
    const n = isRecord(node) ? node : {};
    const name = nameKeys.map((k) => str(n[k])).find((v) => v !== undefined);
    const href = str(n.href);
    return { kind, ...(name ? { name } : {}), ...(href ? { href } : {}) };
  };
  if ('user' in by) return pick('user', by.user, 'username', 'full_name', 'name');
  if ('agent' in by || 'ven' in by) {
    const agent = pick('agent', by.agent, 'hostname', 'name');
    return agent.name ? agent : { ...pick('agent', by.ven, 'hostname', 'name'), ...(agent.href ? { href: agent.href } : {}) };
  }
  if ('service_account' in by) return pick('service-account', by.service_account, 'name');
  if ('container_cluster' in by) return pick('container-cluster', by.container_cluster, 'name');
  if ('system' in by) return { kind: 'system' };
  const first = Object.keys(by)[0] ?? 'other';
  return { kind: 'other', name: first };
}

function actorFact(actor: EventActor): Fact {
  const name = actor.name ? clean(actor.name, MAX_FACT) : undefined;
  switch (actor.kind) {
    case 'user':
    case 'agent':
    case 'service-account':
    case 'container-cluster':
      return name ? { label: `illumio-fact-created-by-${actor.kind}`, value: name } : { label: `illumio-fact-created-by-${actor.kind}`, value: '', valueKey: VALUE_NONE };
    case 'system':
      return { label: 'illumio-fact-created-by', value: 'system', valueKey: 'illumio-actor-system' };
    case 'none':
      return { label: 'illumio-fact-created-by', value: '', valueKey: VALUE_NONE };
    case 'other':
      return { label: 'illumio-fact-created-by', value: name ?? '' };
  }
}

// ---------------------------------------------------------------- values

/** A fact for a single vendor value: `FILTERED` and null/empty get a localised placeholder. */
export function valueFact(label: string, raw: unknown): Fact {
  if (raw === FILTERED) return { label, value: FILTERED, valueKey: VALUE_FILTERED };
  if (raw === null || raw === undefined || raw === '') return { label, value: '', valueKey: VALUE_NONE };
  return { label, value: clean(typeof raw === 'string' ? raw : JSON.stringify(raw), MAX_FACT) };
}

/** A short human name for an object the PCE embeds (label, workload, user, IP range, reference). */
function nameOf(value: Rec): string | undefined {
  const keys = Object.keys(value);
  if (keys.length === 1 && isRecord(value[keys[0] ?? ''])) return nameOf(value[keys[0] ?? ''] as Rec) ?? keys[0];
  if (str(value.key) && value.value !== undefined) return `${String(value.key)}: ${String(value.value)}`;
  for (const k of ['name', 'hostname', 'username', 'value', 'from_ip', 'ip_address', 'address']) {
    const v = str(value[k]);
    if (v) return value.to_ip && k === 'from_ip' ? `${v}-${String(value.to_ip)}` : v;
  }
  return str(value.href);
}

/** Text for one side of a change or one detail value; null reads `—`, `FILTERED` stays as the PCE wrote it. */
export function displayValue(value: unknown, max = MAX_DETAIL): string {
  if (value === null || value === undefined) return NONE_TEXT;
  if (typeof value === 'string') return value === '' ? '""' : clean(value, max);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return clean(value.map((v) => displayValue(v, max)).join(', '), max);
  if (isRecord(value)) return clean(nameOf(value) ?? JSON.stringify(value), max);
  return NONE_TEXT;
}

/** `{before, after}` → `a → b`; list changes `{created, updated, deleted}` → `+a; ~b; −c`. */
export function changeText(change: unknown): string {
  // Each side gets half the room, so a long "before" cannot push the "after" off the card.
  const side = Math.floor((MAX_DETAIL - 3) / 2);
  if (isRecord(change) && ('before' in change || 'after' in change)) return `${displayValue(change.before, side)} → ${displayValue(change.after, side)}`;
  if (isRecord(change) && ('created' in change || 'updated' in change || 'deleted' in change)) {
    const parts: string[] = [];
    const list = (v: unknown): string => displayValue(Array.isArray(v) ? v : [v]);
    if (change.created !== undefined) parts.push(`+ ${list(change.created)}`);
    if (change.updated !== undefined) parts.push(`~ ${list(change.updated)}`);
    if (change.deleted !== undefined) parts.push(`− ${list(change.deleted)}`);
    return clean(parts.join('; '), MAX_DETAIL);
  }
  return displayValue(change);
}

function flatten(value: unknown, prefix: string, out: Record<string, string>, depth = 0): void {
  if (Object.keys(out).length >= MAX_DETAILS) return;
  if (isRecord(value) && depth < 3) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
    return;
  }
  if (prefix) out[clean(prefix, 80)] = displayValue(value);
}

// ---------------------------------------------------------------- resources

export interface ResourceRef {
  readonly type: string;
  readonly name: string | undefined;
  readonly href: string | undefined;
}

export function resourceOf(change: { resource?: Rec | null | undefined }): ResourceRef | undefined {
  const resource = change.resource;
  if (!isRecord(resource)) return undefined;
  const type = Object.keys(resource)[0];
  if (!type) return undefined;
  const node = resource[type];
  if (!isRecord(node)) return { type, name: undefined, href: undefined };
  const name = str(node.name) ?? str(node.username) ?? str(node.hostname) ?? (str(node.key) && str(node.value) ? `${String(node.key)}: ${String(node.value)}` : undefined);
  return { type, name, href: str(node.href) };
}

// ---------------------------------------------------------------- assets

function collectKeys(root: unknown, keys: readonly string[], out: string[], depth = 0): void {
  if (depth > 6 || out.length >= 20) return;
  if (Array.isArray(root)) {
    for (const item of root) collectKeys(item, keys, out, depth + 1);
    return;
  }
  if (!isRecord(root)) return;
  for (const [k, v] of Object.entries(root)) {
    if (keys.includes(k) && typeof v === 'string') {
      if (v !== FILTERED && v.trim() !== '' && !out.includes(v)) out.push(v);
    } else if (typeof v === 'object') collectKeys(v, keys, out, depth + 1);
  }
}

/** Hosts, IPs and users an event names, plus what enrichment resolved. Change values are not mined. */
export function eventAssets(event: IllumioEvent, workloads: ReadonlyMap<string, WorkloadInfo>, hrefs: readonly string[]): Assets {
  const where = [event.created_by, (event.resource_changes ?? []).map((c) => c.resource), (event.notifications ?? []).map((n) => n.info)];
  const hosts: string[] = [];
  const users: string[] = [];
  const ips: string[] = [];
  for (const w of hrefs.map((h) => workloads.get(h))) {
    if (w?.hostname) hosts.push(w.hostname);
    for (const ip of w?.ips ?? []) ips.push(ip);
  }
  collectKeys(where, ['hostname'], hosts);
  collectKeys(where, ['username'], users);
  const sa = event.created_by?.service_account;
  if (isRecord(sa) && str(sa.name)) users.push(String(sa.name));
  const candidates: string[] = [];
  if (event.action?.src_ip) candidates.push(event.action.src_ip);
  collectKeys((event.notifications ?? []).map((n) => n.info), ['src_ip'], candidates);
  for (const ip of candidates) if (isIP(ip)) ips.push(ip);
  return mergeAssets({ hosts: hosts.map((h) => clean(h, 255)), users: users.map((u) => clean(u, 255)), ips });
}

// ---------------------------------------------------------------- summary and workloads

export function workloadText(w: WorkloadInfo): string | undefined {
  if (w.missing) return undefined;
  const host = w.hostname ?? w.name;
  const order = ['role', 'app', 'env', 'loc'];
  const keys = [...order.filter((k) => w.labels[k] !== undefined), ...Object.keys(w.labels).filter((k) => !order.includes(k)).sort()];
  const labels = keys.map((k) => `${k}: ${w.labels[k] ?? ''}`);
  const text = [host, ...labels].filter((p): p is string => p !== undefined && p !== '').join(' · ');
  return text === '' ? undefined : clean(text, MAX_FACT);
}

/** `event_type · resource-or-host · actor-or-ip`, one line, bounded. */
export function summarize(event: IllumioEvent, workloads: ReadonlyMap<string, WorkloadInfo>, hrefs: readonly string[]): string {
  const parts: string[] = [event.event_type];
  const resources = (event.resource_changes ?? []).map(resourceOf).filter((r): r is ResourceRef => r !== undefined);
  const firstName = resources.map((r) => r.name).find((n) => n !== undefined);
  const host = hrefs.map((h) => workloads.get(h)?.hostname).find((h) => h !== undefined);
  const subject = firstName ? (resources.length > 1 ? `${firstName} (+${resources.length - 1})` : firstName) : host;
  if (subject) parts.push(subject);
  const actor = actorOf(event);
  if (actor.name && actor.name !== subject && actor.name !== firstName) parts.push(actor.name);
  else if (!actor.name) {
    const ips: string[] = [];
    if (event.action?.src_ip && isIP(event.action.src_ip)) ips.push(event.action.src_ip);
    collectKeys((event.notifications ?? []).map((n) => n.info), ['src_ip'], ips);
    const ip = ips.find((i) => isIP(i));
    if (ip) parts.push(ip);
  }
  return clean(parts.join(' · '), MAX_TITLE);
}

// ---------------------------------------------------------------- sub-events

function changeSubEvents(event: IllumioEvent, time: string): SubEvent[] {
  return (event.resource_changes ?? []).map((change, i) => {
    const resource = resourceOf(change);
    const details: Record<string, string> = {};
    if (isRecord(change.changes)) {
      for (const [field, value] of Object.entries(change.changes).slice(0, MAX_DETAILS)) details[clean(field, 80)] = changeText(value);
    }
    if (resource?.href) details.href = clean(resource.href, MAX_DETAIL);
    const title = [change.change_type ?? 'change', resource?.type, resource?.name].filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
    return { id: `change:${change.uuid ?? i}`, title: clean(title, MAX_TITLE), time, details };
  });
}

function notificationSubEvents(event: IllumioEvent, time: string): SubEvent[] {
  return (event.notifications ?? []).map((n, i) => {
    const details: Record<string, string> = {};
    flatten(n.info ?? {}, '', details);
    const ips: string[] = [];
    collectKeys(n.info ?? {}, ['src_ip'], ips);
    const users: string[] = [];
    collectKeys(n.info ?? {}, ['username'], users);
    const assets = { ips: ips.filter((ip) => isIP(ip)), users };
    return { id: `notification:${n.uuid ?? i}`, title: clean(n.notification_type ?? 'notification', MAX_TITLE), time, details, assets };
  });
}

// ---------------------------------------------------------------- drafts

export function mapEvent(event: IllumioEvent, watcher: WatcherRef, ctx: MapContext, hrefs: readonly string[] = []): IncidentDraft {
  const time = isoTime(event.timestamp);
  const severity = severityOf(event, watcher.severity);
  const facts: Fact[] = [{ label: 'illumio-fact-event-type', value: clean(event.event_type, MAX_FACT) }];

  const status = event.status;
  facts.push(
    status === 'success' || status === 'failure'
      ? { label: 'illumio-fact-status', value: status, valueKey: `illumio-status-${status}` }
      : valueFact('illumio-fact-status', status),
  );
  facts.push(valueFact('illumio-fact-severity', event.severity));
  facts.push(actorFact(actorOf(event)));
  if (event.action) {
    facts.push(valueFact('illumio-fact-src-ip', event.action.src_ip));
    facts.push(valueFact('illumio-fact-api-endpoint', event.action.api_endpoint));
    const method = [event.action.api_method, event.action.http_status_code].filter((v) => v !== null && v !== undefined).join(' ');
    if (method !== '') facts.push({ label: 'illumio-fact-api-method', value: clean(method, MAX_FACT) });
  }
  const resources = (event.resource_changes ?? []).map(resourceOf).filter((r): r is ResourceRef => r !== undefined);
  for (const r of resources.slice(0, MAX_RESOURCE_FACTS)) {
    facts.push({ label: 'illumio-fact-resource', value: clean(r.name ? `${r.type}: ${r.name}` : (r.href ?? r.type), MAX_FACT) });
  }
  const seenText = new Set<string>();
  for (const href of hrefs) {
    const w = ctx.workloads.get(href);
    const text = w ? workloadText(w) : undefined;
    if (!text || seenText.has(text) || seenText.size >= MAX_WORKLOAD_FACTS) continue;
    seenText.add(text);
    facts.push({ label: 'illumio-fact-workload', value: text });
  }
  if (event.pce_fqdn) facts.push({ label: 'illumio-fact-pce', value: clean(event.pce_fqdn, MAX_FACT) });
  facts.push({ label: 'illumio-fact-watcher', value: clean(watcher.key, MAX_FACT) });

  const subEvents = [...changeSubEvents(event, time), ...notificationSubEvents(event, time)].slice(0, MAX_SUB_EVENTS);
  const link = eventLink(ctx.baseUrl, ctx.org, event.href);
  const key = event.href.split('/').pop();
  return {
    sourceId: event.href,
    ...(key ? { key } : {}),
    title: summarize(event, ctx.workloads, hrefs),
    severity,
    createdAt: time,
    assets: mergeAssets(eventAssets(event, ctx.workloads, hrefs), ...subEvents.map((s) => s.assets)),
    ...(link ? { link } : {}),
    subEvents,
    facts,
    correlation: { eventType: event.event_type, watcher: watcher.key, ...(event.pce_fqdn ? { pce: event.pce_fqdn } : {}) },
    raw: event,
  };
}

/** A suppressed repeat shown inside its collapse incident. */
export function repeatSubEvent(event: IllumioEvent, watcher: WatcherRef, ctx: MapContext, hrefs: readonly string[] = []): SubEvent {
  const details: Record<string, string> = {};
  const actor = actorOf(event);
  details.created_by = actor.name ? clean(actor.name, MAX_DETAIL) : actor.kind;
  if (event.status !== undefined) details.status = displayValue(event.status);
  if (event.action?.src_ip !== undefined) details.src_ip = displayValue(event.action.src_ip);
  return {
    id: event.href,
    title: summarize(event, ctx.workloads, hrefs),
    time: isoTime(event.timestamp),
    severity: severityOf(event, watcher.severity),
    assets: eventAssets(event, ctx.workloads, hrefs),
    details,
  };
}

export interface CollapseInput {
  readonly sourceId: string;
  readonly throttleKey: string;
  readonly eventType: string;
  readonly watcher: WatcherRef;
  /** The throttle as written (`5/1h`). */
  readonly spec: string;
  readonly window: ThrottleWindow;
  /** Sub-events new in this poll (may be empty once the window's attachment cap is reached). */
  readonly repeats: readonly SubEvent[];
}

/**
 * The one incident that stands for a window's suppressed repeats. Emitted again (same sourceId) whenever the
 * count grows; the pipeline merges the new sub-events and the higher count into the card.
 */
export function mapCollapsed(input: CollapseInput): IncidentDraft {
  const { window } = input;
  const startMs = Date.parse(window.start);
  const end = new Date(startMs + window.windowMs).toISOString();
  const latest = input.repeats.map((r) => r.time).filter((t): t is string => t !== undefined).sort().pop();
  return {
    sourceId: input.sourceId,
    title: clean(`${input.eventType} ↻ ${input.spec}`, MAX_TITLE),
    severity: window.severity ?? input.watcher.severity ?? 'info',
    createdAt: window.firstSuppressed ?? window.start,
    ...(latest ? { updatedAt: latest } : {}),
    assets: mergeAssets(...input.repeats.map((r) => r.assets)),
    subEvents: input.repeats,
    facts: [
      { label: 'illumio-fact-event-type', value: clean(input.eventType, MAX_FACT) },
      { label: 'illumio-fact-watcher', value: clean(input.watcher.key, MAX_FACT) },
      { label: 'illumio-fact-throttle', value: input.spec },
      { label: 'illumio-fact-throttle-window', value: `${window.start} – ${end}` },
    ],
    count: window.suppressed,
    correlation: { eventType: input.eventType, watcher: input.watcher.key, throttle: input.throttleKey },
    raw: { throttle: input.throttleKey, window: { ...window } },
  };
}
