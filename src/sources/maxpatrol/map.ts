/**
 * MaxPatrol incident (list item, card, events) → IncidentDraft. Pure: no I/O, no clock.
 * Vendor text is copied as is (names may hold `<`, `&`, `*`…): escaping is the renderer's job.
 */
import { mergeAssets, type Assets, type Fact, type IncidentDraft, type Severity, type SubEvent } from '../../core/incident.js';
import { severityWord } from '../severity.js';
import { cleanBlock, firstLine } from '../text.js';
import type { EntityGroups, IncidentCard, IncidentEvent, IncidentListItem } from './schema.js';
import { isoOf, parseMpTime } from './time.js';

/** Status codes of `GET /api/statuses`, each with a Fluent id `mp-status-<kebab>`. */
export const MP_STATUSES = ['New', 'Approved', 'InProgress', 'Resolved', 'Closed'] as const;
export type MpStatus = (typeof MP_STATUSES)[number];

const STATUS_ALIASES: Readonly<Record<string, MpStatus>> = {
  new: 'New',
  approved: 'Approved',
  inprogress: 'InProgress',
  'in progress': 'InProgress',
  resolved: 'Resolved',
  closed: 'Closed',
  // Localised labels from `GET /api/statuses/localizations`, in case a Core answers with them.
  новый: 'New',
  утверждён: 'Approved',
  утвержден: 'Approved',
  'в работе': 'InProgress',
  разрешён: 'Resolved',
  разрешен: 'Resolved',
  закрыт: 'Closed',
};

export function normaliseStatus(status: string | undefined): string | undefined {
  if (status === undefined) return undefined;
  const trimmed = status.trim();
  if (!trimmed) return undefined;
  return STATUS_ALIASES[trimmed.toLowerCase()] ?? trimmed;
}

export function statusKeyOf(status: string | undefined): string | undefined {
  const code = normaliseStatus(status);
  if (!code || !(MP_STATUSES as readonly string[]).includes(code)) return undefined;
  return `mp-status-${code.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

/**
 * MP SIEM knows High/Medium/Low (Высокая/Средняя/Низкая). A missing or unknown severity maps to `medium`,
 * so a route's `minSeverity` never silently drops an incident whose severity the SIEM did not send.
 */
export const DEFAULT_SEVERITY: Severity = 'medium';

/** MP SIEM's own words on top of the shared ones (sources/severity.ts). */
const SEVERITY_ALIASES: Readonly<Record<string, Severity>> = {
  критическая: 'critical',
  высокая: 'high',
  средняя: 'medium',
  низкая: 'low',
  none: 'info',
};

export function normaliseSeverity(severity: string | undefined): Severity {
  return severityWord(severity, SEVERITY_ALIASES) ?? DEFAULT_SEVERITY;
}

/** `<url>/#/incident/incidents/view/{id}`, the UI route the public clients link to. */
export function incidentLink(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/#/incident/incidents/view/${encodeURIComponent(id)}`;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}(\/\d{1,2})?$/;
const IPV6 = /^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}(\/\d{1,3})?$/i;
const IPV4_IN_TEXT = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])/g;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
const HASH = /^([0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/i;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

function isIp(value: string): boolean {
  return IPV4.test(value) || (value.includes(':') && IPV6.test(value));
}

/** Where a free-form entity name (`others`) belongs; account names are the usual remainder. */
export function classifyEntity(value: string): keyof Assets {
  if (isIp(value)) return 'ips';
  if (URL_LIKE.test(value)) return 'urls';
  if (HASH.test(value)) return 'hashes';
  if (HOSTNAME.test(value)) return 'hosts';
  return 'users';
}

function entityNames(list: NonNullable<EntityGroups['assets']> | null | undefined): string[] {
  const out: string[] = [];
  for (const entry of list ?? []) {
    const name = typeof entry === 'string' ? entry : (entry.name ?? entry.id);
    if (name?.trim()) out.push(name.trim());
  }
  return out;
}

function assetsOfGroups(groups: EntityGroups | null | undefined): Partial<Assets> {
  if (!groups) return {};
  const out: Record<keyof Assets, string[]> = { hosts: [], ips: [], users: [], urls: [], hashes: [] };
  // Asset and network entries name machines or ranges; `others` is free text (accounts, addresses, files…).
  for (const name of [...entityNames(groups.assets), ...entityNames(groups.networks)]) out[isIp(name) ? 'ips' : 'hosts'].push(name);
  for (const name of entityNames(groups.addresses)) out[isIp(name) ? 'ips' : classifyEntity(name)].push(name);
  for (const name of entityNames(groups.others)) out[classifyEntity(name)].push(name);
  return out;
}

export function assetsOfCard(card: IncidentCard | undefined): Assets {
  return mergeAssets(assetsOfGroups(card?.targets), assetsOfGroups(card?.attackers));
}

export function ipsInText(text: string | undefined): string[] {
  return text ? [...new Set(text.match(IPV4_IN_TEXT) ?? [])] : [];
}

export function mapEvent(event: IncidentEvent): SubEvent {
  const description = event.description?.trim();
  const time = isoOf(event.date);
  const ips = ipsInText(description);
  const title = firstLine(description, event.id) ?? event.id;
  const details: Record<string, string> = {};
  if (event.date) details.date = event.date;
  // A description longer than a title (or on several lines) stays readable in full among the details.
  if (description && title !== description) details.description = cleanBlock(description, 2000);
  return {
    id: event.id,
    title,
    ...(time ? { time } : {}),
    ...(ips.length ? { assets: { ips } } : {}),
    ...(Object.keys(details).length ? { details } : {}),
  };
}

function correlationRulesOf(card: IncidentCard | undefined): string[] {
  const names = [
    ...(card?.correlationRules ?? []).map((r) => (typeof r === 'string' ? r : r.correlationName)),
    ...(card?.correlationRuleNames ?? []),
  ];
  return [...new Set(names.filter((n): n is string => Boolean(n?.trim())).map((n) => n.trim()))];
}

function displayTime(value: string | undefined): string | undefined {
  const iso = isoOf(value);
  return iso ? `${iso.slice(0, 19).replace('T', ' ')} UTC` : value;
}

export interface MapInput {
  readonly id: string;
  readonly item?: IncidentListItem;
  readonly card?: IncidentCard;
  readonly events?: readonly IncidentEvent[];
  /** From `/events/count` when the events call hit its limit. */
  readonly eventsTotal?: number;
  /** `sources.maxpatrol.url`, for the UI link. */
  readonly baseUrl: string;
  /** Used when neither the list item nor the card carries a parseable `created` (refresh of a stored incident). */
  readonly fallbackCreatedAt?: string;
  /** What the SIEM sent, unmodified. */
  readonly raw: { readonly incident?: unknown; readonly card?: unknown; readonly events?: unknown };
}

/** Returns undefined when the incident has no usable creation time (the caller quarantines it). */
export function mapIncident(input: MapInput): IncidentDraft | undefined {
  const { item, card } = input;
  const createdAt = isoOf(item?.created) ?? isoOf(card?.created) ?? (input.fallbackCreatedAt ? isoOf(input.fallbackCreatedAt) : undefined);
  if (!createdAt) return undefined;
  // An empty or blank key would become the `/forward` key of every such incident: fall back to the id.
  const key = firstLine(card?.key, item?.key) ?? input.id;
  const status = normaliseStatus(card?.status ?? item?.status);
  const statusKey = statusKeyOf(status);
  const assigned = card?.assigned ?? item?.assigned;
  const assignedName = assigned ? [assigned.firstName, assigned.lastName].filter(Boolean).join(' ').trim() : '';
  const isConfirmed = card?.isConfirmed ?? item?.isConfirmed;
  const rules = correlationRulesOf(card);
  const events = input.events ?? [];
  const subEvents = events.map(mapEvent);
  const description = card?.description ? cleanBlock(card.description) : undefined;
  const updatedAt = isoOf(card?.modified);

  const facts: Fact[] = [];
  const fact = (label: string, value: string | undefined, valueKey?: string): void => {
    if (value?.trim()) facts.push(valueKey ? { label, value, valueKey } : { label, value });
  };
  fact('mp-fact-category', card?.category ?? item?.category);
  fact('mp-fact-type', card?.type ?? item?.type);
  fact('mp-fact-assigned', assignedName);
  fact('mp-fact-detected', displayTime(card?.detected));
  fact('mp-fact-source', card?.source);
  fact('mp-fact-rules', rules.join(', '));
  if (isConfirmed !== undefined && isConfirmed !== null) {
    fact('mp-fact-confirmed', String(isConfirmed), isConfirmed ? 'mp-value-yes' : 'mp-value-no');
  }
  if (input.eventsTotal !== undefined && input.eventsTotal > events.length) fact('mp-fact-events-total', String(input.eventsTotal));

  return {
    sourceId: input.id,
    key,
    title: firstLine(card?.name, item?.name) ?? key,
    severity: normaliseSeverity(card?.severity ?? item?.severity),
    ...(status ? { status } : {}),
    ...(statusKey ? { statusKey } : {}),
    createdAt,
    ...(updatedAt ? { updatedAt } : {}),
    ...(description ? { description } : {}),
    assets: mergeAssets(assetsOfCard(card), ...subEvents.map((e) => e.assets)),
    link: incidentLink(input.baseUrl, input.id),
    subEvents,
    facts,
    correlation: { incidentId: input.id },
    raw: {
      incident: input.raw.incident ?? null,
      card: input.raw.card ?? null,
      events: input.raw.events ?? null,
    },
  };
}

/** Creation instant of a list item, for ordering and the cursor. */
export function createdOf(item: IncidentListItem): ReturnType<typeof parseMpTime> {
  return parseMpTime(item.created);
}
