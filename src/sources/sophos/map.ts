/**
 * Pure mapping of a Sophos Central alert to an incident draft. No I/O: the source looks the endpoint up
 * (cached) and hands it in as context.
 */
import type { Fact, IncidentDraft, Severity } from '../../core/incident.js';
import { mergeAssets } from '../../core/incident.js';
import { severityWord } from '../severity.js';
import { cleanBlock, cleanLine, firstLine } from '../text.js';
import type { SophosAlert, SophosEndpoint } from './schema.js';

/** What a card needs of an endpoint; built from `GET endpoint/v1/endpoints/{id}`. */
export interface EndpointInfo {
  readonly id: string;
  readonly hostname?: string;
  readonly type?: string;
  readonly ips: readonly string[];
}

export interface AlertContext {
  /** The tenant the alert was read from (authoritative for later calls, unlike the alert's own copy). */
  readonly tenant: { readonly id: string; readonly name?: string };
  readonly endpoint?: EndpointInfo;
  /** Console link for cards; Central has no stable per-alert URL. */
  readonly consoleUrl?: string;
}

export function endpointInfo(endpoint: SophosEndpoint): EndpointInfo {
  return {
    id: endpoint.id,
    ...(endpoint.hostname ? { hostname: endpoint.hostname } : {}),
    ...(endpoint.type ? { type: endpoint.type } : {}),
    ips: [...(endpoint.ipv4Addresses ?? []), ...(endpoint.ipv6Addresses ?? [])],
  };
}

/**
 * Central uses high/medium/low. Anything else (a future value, a missing field) maps to medium so that it is
 * neither hidden by a minSeverity route nor shouted as critical.
 */
export function mapSeverity(value: string | undefined): Severity {
  return severityWord(value) ?? 'medium';
}

function fact(label: string, value: string | undefined): Fact[] {
  const v = value === undefined ? undefined : cleanLine(value, 300);
  return v ? [{ label: `sophos-fact-${label}`, value: v }] : [];
}

export function mapAlert(alert: SophosAlert, ctx: AlertContext): IncidentDraft {
  const agent = alert.managedAgent;
  const endpoint = ctx.endpoint && (!agent?.id || agent.id === ctx.endpoint.id) ? ctx.endpoint : undefined;
  const hostname = endpoint?.hostname ?? agent?.name;
  const endpointType = agent?.type ?? endpoint?.type;
  // A tenant credential's directory knows no name (only the id): then the alert's own copy is better.
  const knownName = ctx.tenant.name && ctx.tenant.name !== ctx.tenant.id ? ctx.tenant.name : undefined;
  const tenantName = knownName ?? alert.tenant?.name ?? ctx.tenant.id;
  const person = alert.person?.name ?? alert.person?.id;
  const facts: Fact[] = [
    ...fact('tenant', tenantName),
    ...fact('category', alert.category),
    ...fact('product', alert.product),
    ...fact('type', alert.type),
    ...fact('endpoint', hostname ?? agent?.id),
    ...fact('endpoint-type', endpointType),
    ...fact('endpoint-id', agent?.id ?? endpoint?.id),
    ...fact('person', person),
    ...fact('allowed-actions', alert.allowedActions?.join(', ')),
  ];
  const description = alert.description ? cleanBlock(alert.description) : '';
  const correlation: Record<string, string> = { tenantId: ctx.tenant.id };
  if (alert.groupKey) correlation.groupKey = alert.groupKey;
  if (agent?.id) correlation.endpointId = agent.id;
  return {
    sourceId: alert.id,
    title: firstLine(alert.description, alert.type) ?? alert.id,
    severity: mapSeverity(alert.severity),
    createdAt: alert.raisedAt,
    ...(description ? { description } : {}),
    assets: mergeAssets({
      hosts: hostname ? [hostname] : [],
      ips: endpoint?.ips ?? [],
      users: alert.person?.name ? [alert.person.name] : [],
    }),
    ...(ctx.consoleUrl ? { link: ctx.consoleUrl } : {}),
    subEvents: [],
    facts,
    correlation,
    raw: alert,
  };
}
