/**
 * `/alerts [days] [tenant]`: Sophos Central alerts of the last `days` (1–90, default 1) for every tenant or one,
 * plus the incidents socbot stored for the same period from the other sources.
 *
 * - Arguments are checked before anything is called: a bad day count is one localised usage error, no request.
 * - Counts come first (per tenant/source and severity), then the list grouped by tenant and severity, paged in
 *   the message with Previous/Next buttons. The rows are stored once as a view (paging.ts); presses re-render
 *   from the store and never query Sophos again. An Export button sends every row as CSV and JSON.
 * - A tenant that fails (403, outage, throttling) is named in the answer with the reason; the others are shown.
 */
import { z } from 'zod';
import { isAppError } from '../core/errors.js';
import type { Incident } from '../core/incident.js';
import type { ActionHandler, CommandContext, CommandModule, IncidentService } from '../core/ports.js';
import type { DocumentFile, Line, Reply } from '../core/reply.js';
import { DEFAULT_DAYS, MAX_DAYS, parseAlertsArgs } from './args.js';
import { csvDocument, jsonDocument } from './export.js';
import { cleanText, clip, fileStamp, formatTime, normaliseSeverity, oneLine, severityIndex, severityKey } from './format.js';
import { createListing, DEFAULT_MAX_ROWS, gapLineCount, gapLines, gapsShape, keepRows, LINE_UNITS, lineUnits, pageControls, pageSlice, type ListingDeps, type PageOptions, type Translate } from './listing.js';
import type { View, ViewStore } from './paging.js';
import type { Alert, CentralReader, Tenant, TenantDirectory } from './sophos-port.js';
import { failureNotes, matchTenant, reasonKeyOf, skippedNotes, tenantProblem } from './tenants.js';

export const ALERTS_ACTION = 'alerts';
const REQUIRES = 'approved' as const;

export type AlertsCentral = Pick<CentralReader, 'tenants' | 'forEachTenant' | 'alerts'>;

/** `maxPagesPerTenant` counts alert pages of 100; the rows kept are the most severe first. */
export interface AlertsDeps extends ListingDeps {
  /** Absent when Sophos is not configured: then only stored incidents are shown and no tenant may be named. */
  readonly central?: AlertsCentral;
  readonly incidents?: Pick<IncidentService, 'listSince'>;
}

const alertRowSchema = z.object({
  group: z.string(),
  source: z.string(),
  id: z.string(),
  time: z.string(),
  severity: z.string(),
  description: z.string(),
  tenantId: z.string().optional(),
  tenant: z.string().optional(),
  key: z.string().optional(),
  category: z.string().optional(),
  product: z.string().optional(),
  type: z.string().optional(),
  endpoint: z.string().optional(),
  endpointId: z.string().optional(),
  person: z.string().optional(),
});
export type AlertRow = z.infer<typeof alertRowSchema>;

const groupSchema = z.object({
  key: z.string(),
  kind: z.enum(['tenant', 'source']),
  label: z.string(),
  total: z.number(),
  bySeverity: z.record(z.string(), z.number()),
});
type Group = z.infer<typeof groupSchema>;

export const alertsViewSchema = z.object({
  days: z.number(),
  from: z.string(),
  to: z.string(),
  tenant: z.string().optional(),
  groups: z.array(groupSchema),
  quiet: z.array(z.string()),
  ...gapsShape,
  sophosErrorKey: z.string().optional(),
  incidentsError: z.boolean().optional(),
  rows: z.array(alertRowSchema),
});
export type AlertsView = z.infer<typeof alertsViewSchema>;

const DEFAULT_PAGE_SIZE = 12;
const DEFAULT_MAX_PAGES = 50;
const MAX_SUMMARY_GROUPS = 20;
const MAX_QUIET_NAMES = 10;
const DESCRIPTION_MAX = 140;

function alertRow(alert: Alert, tenant: Tenant): AlertRow {
  const agent = alert.managedAgent;
  const endpoint = oneLine(agent?.name) || undefined;
  // Line breaks stay for the export; the chat list shows it on one line.
  const description = cleanText(alert.description) || oneLine(alert.type) || alert.id;
  return {
    group: `tenant:${tenant.id}`,
    source: 'sophos',
    id: alert.id,
    time: alert.raisedAt,
    severity: normaliseSeverity(alert.severity),
    description,
    tenantId: tenant.id,
    tenant: oneLine(tenant.name) || tenant.id,
    ...(alert.category ? { category: oneLine(alert.category) } : {}),
    ...(alert.product ? { product: oneLine(alert.product) } : {}),
    ...(alert.type ? { type: oneLine(alert.type) } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(agent?.id ? { endpointId: agent.id } : {}),
    ...(alert.person?.name ? { person: oneLine(alert.person.name) } : {}),
  };
}

function incidentRow(incident: Incident): AlertRow {
  const host = incident.assets.hosts[0];
  const user = incident.assets.users[0];
  return {
    group: `source:${incident.source}`,
    source: incident.source,
    id: incident.sourceId,
    key: incident.key,
    time: incident.createdAt,
    severity: normaliseSeverity(incident.severity),
    description: oneLine(incident.title) || incident.key,
    ...(incident.status ? { category: oneLine(incident.status) } : {}),
    ...(host ? { endpoint: oneLine(host) } : {}),
    ...(user ? { person: oneLine(user) } : {}),
  };
}

function countGroups(rows: readonly AlertRow[], order: readonly { key: string; kind: Group['kind']; label: string }[]): Group[] {
  const groups = new Map<string, Group>();
  for (const g of order) groups.set(g.key, { ...g, total: 0, bySeverity: {} });
  for (const row of rows) {
    const g = groups.get(row.group);
    if (!g) continue;
    const next: Group = { ...g, total: g.total + 1, bySeverity: { ...g.bySeverity, [row.severity]: (g.bySeverity[row.severity] ?? 0) + 1 } };
    groups.set(row.group, next);
  }
  return [...groups.values()];
}

function sortRows(rows: AlertRow[], groupOrder: readonly string[]): AlertRow[] {
  const rank = new Map(groupOrder.map((key, i) => [key, i]));
  return rows.sort(
    (a, b) =>
      (rank.get(a.group) ?? 1e9) - (rank.get(b.group) ?? 1e9) ||
      severityIndex(a.severity) - severityIndex(b.severity) ||
      Date.parse(b.time) - Date.parse(a.time) ||
      a.id.localeCompare(b.id),
  );
}

function severityParts(group: Group, t: Translate): string {
  return Object.entries(group.bySeverity)
    .sort(([a], [b]) => severityIndex(a) - severityIndex(b))
    .map(([sev, n]) => `${t(severityKey(sev))} ${n}`)
    .join(' · ');
}

const ITEM_TIME = 'LL-dd HH:mm';

function alertLine(row: AlertRow, time: string): Line {
  const what = row.key ?? row.category ?? row.type ?? '';
  return [
    '• ',
    { code: time },
    what ? ` · ${clip(what, 40)}` : '',
    ` · ${clip(oneLine(row.description), DESCRIPTION_MAX)}`,
    row.endpoint ? ` — ${clip(row.endpoint, 40)}` : '',
  ];
}

/** Allowance for the translated words of a heading or summary line (severity names, counts, labels). */
const WORDS = 40;

/** Text units per row (a heading where a tenant/severity group starts) and of page 1's summary. */
export function planAlerts(d: AlertsView): { rows: number[]; header: number } {
  const groups = new Map(d.groups.map((g) => [g.key, g]));
  const labelUnits = (g: Group | undefined, fallback = ''): number => Math.min((g?.label ?? fallback).length, 60) + (g?.kind === 'source' ? WORDS : 0);
  let previous = '';
  const rows = d.rows.map((row) => {
    const here = `${row.group}|${row.severity}`;
    const heading = here === previous ? 0 : labelUnits(groups.get(row.group), row.tenant) + WORDS;
    previous = here;
    // Times are ISO from the schema, so every one renders as the 11 characters of ITEM_TIME.
    return heading + lineUnits(alertLine(row, ITEM_TIME));
  });
  const shown = d.groups.filter((g) => g.total > 0);
  const summary = shown.slice(0, MAX_SUMMARY_GROUPS).reduce((n, g) => n + labelUnits(g) + 12 + WORDS * Object.keys(g.bySeverity).length / 2, 0);
  const quiet = d.quiet.length > 0 ? LINE_UNITS + d.quiet.slice(0, MAX_QUIET_NAMES).reduce((n, name) => n + Math.min(name.length, 40) + 2, 0) : 0;
  const lines = 3 + (shown.length > MAX_SUMMARY_GROUPS ? 1 : 0) + gapLineCount(d) + (d.sophosErrorKey ? 1 : 0) + (d.incidentsError ? 1 : 0);
  return { rows, header: lines * LINE_UNITS + summary + quiet };
}

export function renderAlertsPage(view: View<AlertsView>, requested: number, t: Translate, options: PageOptions): Reply {
  const d = view.data;
  const { page, pages, items } = pageSlice(d.rows, requested, view.starts);
  const lines: Line[] = [];
  const scope = d.tenant ? t('alerts-scope-tenant', { tenant: clip(d.tenant, 60) }) : t('alerts-scope-all');
  lines.push([{ b: t('alerts-title', { days: d.days }) }, ` — ${scope}`]);
  lines.push(t('alerts-period', { from: formatTime(d.from, options.timezone), to: formatTime(d.to, options.timezone) }));
  if (page === 0) {
    lines.push(t('alerts-total', { count: d.cut ?? d.rows.length }));
    const shown = d.groups.filter((g) => g.total > 0);
    for (const g of shown.slice(0, MAX_SUMMARY_GROUPS)) {
      const label = g.kind === 'tenant' ? clip(g.label, 60) : t('alerts-source-label', { source: g.label });
      lines.push([{ b: label }, `: ${g.total} — ${severityParts(g, t)}`]);
    }
    if (shown.length > MAX_SUMMARY_GROUPS) lines.push(t('alerts-more-groups', { count: shown.length - MAX_SUMMARY_GROUPS }));
    if (d.quiet.length > 0) {
      const names = d.quiet.slice(0, MAX_QUIET_NAMES).map((n) => clip(n, 40)).join(', ');
      const more = d.quiet.length > MAX_QUIET_NAMES ? ` ${t('alerts-quiet-more', { count: d.quiet.length - MAX_QUIET_NAMES })}` : '';
      lines.push(t('alerts-quiet', { count: d.quiet.length, names }) + more);
    }
    if (d.sophosErrorKey) lines.push(`⚠️ ${t('alerts-sophos-failed', { reason: t(d.sophosErrorKey) })}`);
    lines.push(...gapLines(d, { truncated: 'alerts-truncated', cut: 'alerts-cut', invalid: 'alerts-invalid' }, t));
    if (d.incidentsError) lines.push(`⚠️ ${t('alerts-incidents-failed')}`);
  }
  if (d.rows.length === 0) {
    lines.push('', t('alerts-none', { days: d.days }));
    return { lines };
  }
  if (items.length > 0) lines.push('');
  const groups = new Map(d.groups.map((g) => [g.key, g]));
  let heading = '';
  for (const row of items) {
    const here = `${row.group}|${row.severity}`;
    if (here !== heading) {
      heading = here;
      const g = groups.get(row.group);
      const label = g?.kind === 'source' ? t('alerts-source-label', { source: g.label }) : clip(row.tenant ?? g?.label ?? '', 60);
      lines.push([{ b: `▸ ${label} · ${t(severityKey(row.severity))}` }, ` (${g?.bySeverity[row.severity] ?? 0})`]);
    }
    lines.push(alertLine(row, formatTime(row.time, options.timezone, ITEM_TIME)));
  }
  const controls = pageControls(ALERTS_ACTION, view, { page, pages }, t, options);
  return { lines: [...lines, ...controls.lines], buttons: controls.buttons };
}

const CSV_HEADER = ['source', 'tenant', 'tenantId', 'id', 'key', 'raisedAt', 'severity', 'category', 'product', 'type', 'description', 'endpoint', 'endpointId', 'person'];

export function alertsDocuments(view: View<AlertsView>, timezone: string, now: Date): DocumentFile[] {
  const d = view.data;
  const stamp = fileStamp(now, timezone);
  const rows = d.rows.map((r) => [r.source, r.tenant, r.tenantId, r.id, r.key, r.time, r.severity, r.category, r.product, r.type, r.description, r.endpoint, r.endpointId, r.person]);
  const json = {
    generatedAt: view.createdAt,
    days: d.days,
    from: d.from,
    to: d.to,
    ...(d.tenant ? { tenant: d.tenant } : {}),
    counts: d.groups.map((g) => ({ group: g.label, kind: g.kind, total: g.total, bySeverity: g.bySeverity })),
    failedTenants: d.failures.map((f) => ({ tenant: f.name, reason: f.reasonKey })),
    skippedTenants: d.skipped.map((s) => ({ tenant: s.name, reason: s.reasonKey })),
    truncatedTenants: d.truncated,
    alerts: d.rows.map(({ group: _group, ...rest }) => rest),
  };
  return [csvDocument(`alerts-${d.days}d-${stamp}.csv`, CSV_HEADER, rows), jsonDocument(`alerts-${d.days}d-${stamp}.json`, json)];
}

export function createAlertsCommand(deps: AlertsDeps): { command: CommandModule; action: ActionHandler; views: ViewStore } {
  const maxPages = deps.maxPagesPerTenant ?? DEFAULT_MAX_PAGES;
  const maxRows = deps.maxRows ?? DEFAULT_MAX_ROWS;
  const log = deps.logger.child({ command: 'alerts' });
  const listing = createListing<AlertsView>(deps, {
    kind: ALERTS_ACTION,
    requires: REQUIRES,
    schema: alertsViewSchema,
    defaultPageSize: DEFAULT_PAGE_SIZE,
    plan: planAlerts,
    render: renderAlertsPage,
    exportDocuments: (view, t, now) => ({
      caption: t('alerts-export-caption', { count: view.data.rows.length, days: view.data.days }),
      documents: alertsDocuments(view, deps.timezone, now),
    }),
  });

  const usage = (t: Translate): Reply => ({ lines: [t('alerts-usage', { min: 1, max: MAX_DAYS, default: DEFAULT_DAYS })] });

  async function collect(days: number, tenantQuery: string | undefined, ctx: CommandContext): Promise<AlertsView | Reply> {
    const to = deps.clock.now();
    const from = new Date(to.getTime() - days * 24 * 3600_000);
    const rows: AlertRow[] = [];
    const order: { key: string; kind: Group['kind']; label: string }[] = [];
    let failures: AlertsView['failures'] = [];
    let skipped: AlertsView['skipped'] = [];
    const truncated: string[] = [];
    const quiet: string[] = [];
    let invalid = 0;
    let sophosErrorKey: string | undefined;
    let chosen: Tenant | undefined;

    if (deps.central) {
      const central = deps.central;
      let directory: TenantDirectory | undefined;
      try {
        directory = await central.tenants({ signal: ctx.signal });
      } catch (error) {
        sophosErrorKey = reasonKeyOf(error);
        log.warn('sophos tenant directory failed', { reason: reasonKeyOf(error) });
      }
      if (tenantQuery !== undefined) {
        if (!directory) return { lines: [`⚠️ ${ctx.t('alerts-sophos-failed', { reason: ctx.t(sophosErrorKey ?? 'ondemand-error-other') })}`] };
        const match = matchTenant(directory, tenantQuery);
        const problem = tenantProblem(match, tenantQuery, directory.tenants.length, ctx.t);
        if (problem || match.kind !== 'ok') return { lines: problem ?? [] };
        chosen = match.tenant;
      }
      if (directory) {
        const selected = chosen ? [chosen] : directory.tenants;
        if (!chosen) skipped = skippedNotes(directory);
        for (const tenant of selected) order.push({ key: `tenant:${tenant.id}`, kind: 'tenant', label: oneLine(tenant.name) || tenant.id });
        const sweep = await central.forEachTenant((tenant, signal) => central.alerts(tenant, { from, to, maxPages, ...(signal ? { signal } : {}) }), {
          tenants: selected,
          signal: ctx.signal,
        });
        for (const { tenant, value } of sweep.ok) {
          for (const alert of value.items) rows.push(alertRow(alert, tenant));
          invalid += value.invalid.length;
          if (value.nextKey !== undefined) truncated.push(tenant.name);
          if (value.items.length === 0 && !chosen) quiet.push(tenant.name);
        }
        failures = failureNotes(sweep.failed, log, 'alerts');
      }
    }

    let incidentsError = false;
    // Other sources' incidents are not per tenant: they belong to the unscoped view only.
    if (deps.incidents && tenantQuery === undefined) {
      try {
        const stored = await deps.incidents.listSince(from);
        const sources = new Set<string>();
        for (const incident of stored) {
          // With Sophos configured its alerts come from Central itself (fresher, and all tenants), not twice.
          if (deps.central && incident.source === 'sophos') continue;
          rows.push(incidentRow(incident));
          sources.add(incident.source);
        }
        for (const source of [...sources].sort()) order.push({ key: `source:${source}`, kind: 'source', label: source });
      } catch (error) {
        incidentsError = true;
        log.warn('stored incidents could not be listed', { kind: isAppError(error) ? error.kind : 'internal' });
      }
    }

    const sorted = sortRows(rows, order.map((o) => o.key));
    return {
      days,
      from: from.toISOString(),
      to: to.toISOString(),
      ...(chosen ? { tenant: chosen.name } : {}),
      groups: countGroups(sorted, order),
      quiet,
      failures,
      skipped,
      truncated,
      invalid,
      ...(sophosErrorKey ? { sophosErrorKey } : {}),
      ...(incidentsError ? { incidentsError } : {}),
      ...keepRows(sorted, maxRows),
    };
  }

  const command: CommandModule = {
    name: 'alerts',
    descriptionKey: 'cmd-alerts-description',
    requires: REQUIRES,
    async run(ctx) {
      const parsed = parseAlertsArgs(ctx.args);
      if (!parsed.ok) return usage(ctx.t);
      if (parsed.tenant !== undefined && !deps.central) return { lines: [ctx.t('alerts-no-tenants')] };
      const result = await collect(parsed.days, parsed.tenant, ctx);
      return 'lines' in result ? result : listing.open(result, ctx);
    },
  };

  return { command, action: listing.action, views: listing.views };
}
