/**
 * `/inventory [tenant] [filter]`: the endpoints of every tenant or one (paged API, `view=full` on every page),
 * with a health summary (good, suspicious, bad, unknown), tamper protection, last seen (configured time zone),
 * OS, IPs and assigned products. `filter` narrows by health (`bad`, `health:bad`), hostname (`host:web`) or OS
 * (`os:linux`); plain text matches hostname or OS.
 *
 * Real endpoint data leaves any field out or sends `{}`/`null`: every field is optional here and shown as "—".
 * Paging and export work like /alerts: the rows are stored once and presses never query Sophos again.
 */
import { z } from 'zod';
import type { ActionHandler, CommandModule } from '../core/ports.js';
import type { DocumentFile, Line, Reply } from '../core/reply.js';
import { HEALTH_VALUES, isAllTenants, isExplicitFilter, isHealth, parseInventoryFilter, tokens, type Health, type InventoryFilter } from './args.js';
import { csvDocument, jsonDocument } from './export.js';
import { clip, fileStamp, formatTime, oneLine } from './format.js';
import { createListing, DEFAULT_MAX_ROWS, gapLineCount, gapLines, gapsShape, keepRows, LINE_UNITS, lineUnits, pageControls, pageSlice, type ListingDeps, type PageOptions, type Translate } from './listing.js';
import type { View, ViewStore } from './paging.js';
import type { CentralReader, Endpoint, Tenant, TenantDirectory } from './sophos-port.js';
import { failureNotes, matchLeadingTenant, reasonKeyOf, skippedNotes, tenantProblem } from './tenants.js';

export const INVENTORY_ACTION = 'inventory';
const REQUIRES = 'approved' as const;

export type InventoryCentral = Pick<CentralReader, 'tenants' | 'forEachTenant' | 'endpoints'>;

/** `maxPagesPerTenant` counts endpoint pages of 200. */
export interface InventoryDeps extends ListingDeps {
  readonly central: InventoryCentral;
}

const endpointRowSchema = z.object({
  tenantId: z.string(),
  tenant: z.string(),
  id: z.string(),
  hostname: z.string().optional(),
  type: z.string().optional(),
  health: z.enum(HEALTH_VALUES),
  threats: z.string().optional(),
  services: z.string().optional(),
  os: z.string().optional(),
  platform: z.string().optional(),
  ips: z.array(z.string()),
  macs: z.array(z.string()),
  tamper: z.boolean().nullable(),
  lastSeen: z.string().optional(),
  online: z.boolean().nullable(),
  products: z.array(z.string()),
  group: z.string().optional(),
  person: z.string().optional(),
  isolation: z.string().optional(),
});
export type EndpointRow = z.infer<typeof endpointRowSchema>;

const healthCounts = z.object({ good: z.number(), suspicious: z.number(), bad: z.number(), unknown: z.number() });
const tenantSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  total: z.number(),
  health: healthCounts,
  tamperOff: z.number(),
  tamperUnknown: z.number(),
});
type TenantSummary = z.infer<typeof tenantSummarySchema>;

export const inventoryViewSchema = z.object({
  tenant: z.string().optional(),
  filter: z.string().optional(),
  /** Endpoints read before the filter was applied. */
  read: z.number(),
  tenants: z.array(tenantSummarySchema),
  ...gapsShape,
  rows: z.array(endpointRowSchema),
});
export type InventoryView = z.infer<typeof inventoryViewSchema>;

const DEFAULT_PAGE_SIZE = 10;
const DEFAULT_MAX_PAGES = 20;
const MAX_SUMMARY_TENANTS = 20;
const HEALTH_ICON: Record<Health, string> = { bad: '🔴', suspicious: '🟠', unknown: '⚪', good: '🟢' };

function healthOf(endpoint: Endpoint): Health {
  const h = endpoint.health?.overall?.trim().toLowerCase() ?? '';
  return isHealth(h) ? h : 'unknown';
}

function osText(endpoint: Endpoint): string | undefined {
  const os = endpoint.os;
  if (!os) return undefined;
  const name = oneLine(os.name);
  if (name) return name;
  const version = [os.majorVersion, os.minorVersion].filter((v): v is number => v !== undefined).join('.');
  const parts = [oneLine(os.platform), version, os.build !== undefined ? `build ${os.build}` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

export function endpointRow(endpoint: Endpoint, tenant: Tenant): EndpointRow {
  const products = (endpoint.assignedProducts ?? [])
    .map((p) => [oneLine(p.code), oneLine(p.version)].filter(Boolean).join(' '))
    .filter(Boolean);
  const hostname = oneLine(endpoint.hostname);
  const os = osText(endpoint);
  const group = oneLine(endpoint.group?.name);
  const person = oneLine(endpoint.associatedPerson?.name) || oneLine(endpoint.associatedPerson?.viaLogin);
  const isolation = oneLine(endpoint.isolation?.status);
  return {
    tenantId: tenant.id,
    tenant: oneLine(tenant.name) || tenant.id,
    id: endpoint.id,
    ...(hostname ? { hostname } : {}),
    ...(endpoint.type ? { type: oneLine(endpoint.type) } : {}),
    health: healthOf(endpoint),
    ...(endpoint.health?.threats?.status ? { threats: oneLine(endpoint.health.threats.status) } : {}),
    ...(endpoint.health?.services?.status ? { services: oneLine(endpoint.health.services.status) } : {}),
    ...(os ? { os } : {}),
    ...(endpoint.os?.platform ? { platform: oneLine(endpoint.os.platform) } : {}),
    ips: [...(endpoint.ipv4Addresses ?? []), ...(endpoint.ipv6Addresses ?? [])].map(oneLine).filter(Boolean),
    macs: (endpoint.macAddresses ?? []).map(oneLine).filter(Boolean),
    tamper: endpoint.tamperProtectionEnabled ?? null,
    ...(endpoint.lastSeenAt ? { lastSeen: endpoint.lastSeenAt } : {}),
    online: endpoint.online ?? null,
    products,
    ...(group ? { group } : {}),
    ...(person ? { person } : {}),
    ...(isolation ? { isolation } : {}),
  };
}

export function matchesFilter(row: EndpointRow, filter: InventoryFilter | undefined): boolean {
  if (!filter) return true;
  const has = (value: string | undefined, needle: string): boolean => (value ?? '').toLowerCase().includes(needle.toLowerCase());
  switch (filter.kind) {
    case 'health':
      return row.health === filter.value;
    case 'host':
      return has(row.hostname, filter.value);
    case 'os':
      return has(row.os, filter.value) || has(row.platform, filter.value);
    case 'text':
      return has(row.hostname, filter.value) || has(row.os, filter.value) || has(row.platform, filter.value);
  }
}

const HEALTH_RANK: Record<Health, number> = { bad: 0, suspicious: 1, unknown: 2, good: 3 };

function summarise(tenant: { id: string; name: string }, rows: readonly EndpointRow[]): TenantSummary {
  const health = { good: 0, suspicious: 0, bad: 0, unknown: 0 };
  let tamperOff = 0;
  let tamperUnknown = 0;
  for (const r of rows) {
    health[r.health]++;
    if (r.tamper === false) tamperOff++;
    if (r.tamper === null) tamperUnknown++;
  }
  return { id: tenant.id, name: tenant.name, total: rows.length, health, tamperOff, tamperUnknown };
}

function healthLine(s: Pick<TenantSummary, 'health'>, t: Translate): string {
  return HEALTH_VALUES.map((h) => `${HEALTH_ICON[h]} ${t(`inventory-health-${h}`)} ${s.health[h]}`).join(' · ');
}

function tamperText(value: boolean | null, t: Translate): string {
  return value === true ? t('inventory-tamper-on') : value === false ? t('inventory-tamper-off') : t('inventory-tamper-unknown');
}

const DASH = '—';

function endpointLine(r: EndpointRow): Line {
  const ips = r.ips.length > 0 ? clip(r.ips.slice(0, 3).join(', ') + (r.ips.length > 3 ? ' …' : ''), 60) : DASH;
  return [`${HEALTH_ICON[r.health]} `, { b: clip(r.hostname ?? r.id, 50) }, ` · ${clip(r.os ?? DASH, 40)} · ${ips}`];
}

function productsText(r: EndpointRow): string {
  return r.products.length > 0 ? clip(r.products.join(', '), 80) : DASH;
}

/** Text units per endpoint (two lines, the second translated; a heading where a tenant starts) and of the summary. */
export function planInventory(d: InventoryView): { rows: number[]; header: number } {
  let previous = '';
  const rows = d.rows.map((r) => {
    const heading = d.tenants.length > 1 && r.tenantId !== previous ? Math.min(r.tenant.length, 60) + 4 : 0;
    previous = r.tenantId;
    return heading + lineUnits(endpointLine(r)) + LINE_UNITS + productsText(r).length;
  });
  // Per-tenant summary lines: the name and four health counts.
  const tenants = d.tenants.length > 1 ? d.tenants.slice(0, MAX_SUMMARY_TENANTS + 1).reduce((n, x) => n + Math.min(x.name.length, 60) + 40, 0) : 0;
  return { rows, header: (5 + gapLineCount(d)) * LINE_UNITS + tenants };
}

export function renderInventoryPage(view: View<InventoryView>, requested: number, t: Translate, options: PageOptions): Reply {
  const d = view.data;
  const { page, pages, items } = pageSlice(d.rows, requested, view.starts);
  const lines: Line[] = [];
  const scope = d.tenant ? t('inventory-scope-tenant', { tenant: clip(d.tenant, 60) }) : t('inventory-scope-all');
  lines.push([{ b: t('inventory-title') }, ` — ${scope}`]);
  if (d.filter) lines.push(t('inventory-filter', { filter: clip(d.filter, 60), count: d.cut ?? d.rows.length, total: d.read }));
  if (page === 0) {
    // From the per-tenant summaries, which cover every matching endpoint even when the stored list was cut.
    const total = d.tenants.reduce(
      (acc, x) => ({
        total: acc.total + x.total,
        health: { good: acc.health.good + x.health.good, suspicious: acc.health.suspicious + x.health.suspicious, bad: acc.health.bad + x.health.bad, unknown: acc.health.unknown + x.health.unknown },
        tamperOff: acc.tamperOff + x.tamperOff,
        tamperUnknown: acc.tamperUnknown + x.tamperUnknown,
      }),
      { total: 0, health: { good: 0, suspicious: 0, bad: 0, unknown: 0 }, tamperOff: 0, tamperUnknown: 0 },
    );
    lines.push(t('inventory-total', { count: total.total }));
    lines.push(healthLine(total, t));
    if (total.tamperOff > 0 || total.tamperUnknown > 0) lines.push(t('inventory-tamper-summary', { off: total.tamperOff, unknown: total.tamperUnknown }));
    if (d.tenants.length > 1) {
      for (const s of d.tenants.slice(0, MAX_SUMMARY_TENANTS)) {
        lines.push([{ b: clip(s.name, 60) }, `: ${s.total} — ${HEALTH_VALUES.map((h) => `${HEALTH_ICON[h]} ${s.health[h]}`).join(' ')}`]);
      }
      if (d.tenants.length > MAX_SUMMARY_TENANTS) lines.push(t('inventory-more-tenants', { count: d.tenants.length - MAX_SUMMARY_TENANTS }));
    }
    lines.push(...gapLines(d, { truncated: 'inventory-truncated', cut: 'inventory-cut', invalid: 'inventory-invalid' }, t));
  }
  if (d.rows.length === 0) {
    lines.push('', t(d.filter ? 'inventory-none-filtered' : 'inventory-none'));
    return { lines };
  }
  if (items.length > 0) lines.push('');
  let tenant = '';
  for (const r of items) {
    if (r.tenantId !== tenant && (d.tenants.length > 1 || tenant === '')) {
      tenant = r.tenantId;
      if (d.tenants.length > 1) lines.push([{ b: `▸ ${clip(r.tenant, 60)}` }]);
    }
    lines.push(endpointLine(r));
    lines.push(
      `   ${t('inventory-line', {
        tamper: tamperText(r.tamper, t),
        seen: r.lastSeen ? formatTime(r.lastSeen, options.timezone) : DASH,
        products: productsText(r),
      })}`,
    );
  }
  const controls = pageControls(INVENTORY_ACTION, view, { page, pages }, t, options);
  return { lines: [...lines, ...controls.lines], buttons: controls.buttons };
}

const CSV_HEADER = [
  'tenant',
  'tenantId',
  'id',
  'hostname',
  'type',
  'health',
  'threats',
  'services',
  'os',
  'ipAddresses',
  'macAddresses',
  'tamperProtectionEnabled',
  'lastSeenAt',
  'online',
  'assignedProducts',
  'group',
  'person',
  'isolation',
];

export function inventoryDocuments(view: View<InventoryView>, timezone: string, now: Date): DocumentFile[] {
  const d = view.data;
  const stamp = fileStamp(now, timezone);
  const rows = d.rows.map((r) => [
    r.tenant,
    r.tenantId,
    r.id,
    r.hostname,
    r.type,
    r.health,
    r.threats,
    r.services,
    r.os,
    r.ips,
    r.macs,
    r.tamper,
    r.lastSeen,
    r.online,
    r.products,
    r.group,
    r.person,
    r.isolation,
  ]);
  const json = {
    generatedAt: view.createdAt,
    ...(d.tenant ? { tenant: d.tenant } : {}),
    ...(d.filter ? { filter: d.filter } : {}),
    summary: d.tenants,
    failedTenants: d.failures.map((f) => ({ tenant: f.name, reason: f.reasonKey })),
    skippedTenants: d.skipped.map((s) => ({ tenant: s.name, reason: s.reasonKey })),
    truncatedTenants: d.truncated,
    endpoints: d.rows,
  };
  return [csvDocument(`inventory-${stamp}.csv`, CSV_HEADER, rows), jsonDocument(`inventory-${stamp}.json`, json)];
}

type Parsed =
  | { readonly kind: 'ok'; readonly tenant?: Tenant; readonly filter?: InventoryFilter; readonly filterText?: string }
  | { readonly kind: 'reply'; readonly reply: Reply };

/** `[tenant] [filter]` against the directory: the longest run of leading words naming a tenant wins. */
function parseArgs(args: string, directory: TenantDirectory, t: Translate): Parsed {
  const words = tokens(args);
  const usage = (): Parsed => ({ kind: 'reply', reply: { lines: [t('inventory-usage')] } });
  const withFilter = (tenant: Tenant | undefined, text: string): Parsed => {
    if (!text) return { kind: 'ok', ...(tenant ? { tenant } : {}) };
    const filter = parseInventoryFilter(text);
    if (!filter) return usage();
    return { kind: 'ok', ...(tenant ? { tenant } : {}), filter, filterText: text };
  };
  if (words.length === 0) return { kind: 'ok' };
  if (isAllTenants(words[0])) return withFilter(undefined, words.slice(1).join(' '));
  const { match, rest } = matchLeadingTenant(directory, words);
  if (match.kind === 'ok') return withFilter(match.tenant, rest);
  // No tenant named: a filter that cannot be a tenant name, or any text with a single tenant, filters everything.
  const whole = words.join(' ');
  if (match.kind === 'unknown' && (isExplicitFilter(whole) || directory.tenants.length === 1)) return withFilter(undefined, whole);
  return { kind: 'reply', reply: { lines: [...(tenantProblem(match, whole, directory.tenants.length, t) ?? []), t('inventory-usage')] } };
}

export function createInventoryCommand(deps: InventoryDeps): { command: CommandModule; action: ActionHandler; views: ViewStore } {
  const maxPages = deps.maxPagesPerTenant ?? DEFAULT_MAX_PAGES;
  const log = deps.logger.child({ command: 'inventory' });
  const central = deps.central;
  const listing = createListing<InventoryView>(deps, {
    kind: INVENTORY_ACTION,
    requires: REQUIRES,
    schema: inventoryViewSchema,
    defaultPageSize: DEFAULT_PAGE_SIZE,
    plan: planInventory,
    render: renderInventoryPage,
    exportDocuments: (view, t, now) => ({
      caption: t('inventory-export-caption', { count: view.data.rows.length }),
      documents: inventoryDocuments(view, deps.timezone, now),
    }),
  });

  const command: CommandModule = {
    name: 'inventory',
    descriptionKey: 'cmd-inventory-description',
    requires: REQUIRES,
    async run(ctx) {
      // Syntax that can never be valid is refused before the tenant directory is read.
      if (ctx.args.length > 300) return { lines: [ctx.t('inventory-usage')] };
      let directory: TenantDirectory;
      try {
        directory = await central.tenants({ signal: ctx.signal });
      } catch (error) {
        log.warn('sophos tenant directory failed', { reason: reasonKeyOf(error) });
        return { lines: [`⚠️ ${ctx.t('inventory-sophos-failed', { reason: ctx.t(reasonKeyOf(error)) })}`] };
      }
      const parsed = parseArgs(ctx.args, directory, ctx.t);
      if (parsed.kind === 'reply') return parsed.reply;
      const selected = parsed.tenant ? [parsed.tenant] : directory.tenants;
      const sweep = await central.forEachTenant((tenant, signal) => central.endpoints(tenant, { view: 'full', maxPages, ...(signal ? { signal } : {}) }), {
        tenants: selected,
        signal: ctx.signal,
      });
      const byTenant = new Map<string, EndpointRow[]>();
      const truncated: string[] = [];
      let invalid = 0;
      let read = 0;
      for (const { tenant, value } of sweep.ok) {
        const rows = value.items.map((e) => endpointRow(e, tenant));
        read += rows.length;
        byTenant.set(
          tenant.id,
          rows
            .filter((r) => matchesFilter(r, parsed.filter))
            .sort((a, b) => HEALTH_RANK[a.health] - HEALTH_RANK[b.health] || (a.hostname ?? a.id).localeCompare(b.hostname ?? b.id)),
        );
        invalid += value.invalid.length;
        if (value.nextKey !== undefined) truncated.push(tenant.name);
      }
      const failures = failureNotes(sweep.failed, log, 'endpoints');
      const okTenants = selected.filter((t) => byTenant.has(t.id));
      const rows = okTenants.flatMap((t) => byTenant.get(t.id) ?? []);
      const data: InventoryView = {
        ...(parsed.tenant ? { tenant: parsed.tenant.name } : {}),
        ...(parsed.filterText ? { filter: parsed.filterText } : {}),
        read,
        tenants: okTenants.map((t) => summarise(t, byTenant.get(t.id) ?? [])),
        failures,
        skipped: parsed.tenant ? [] : skippedNotes(directory),
        truncated,
        invalid,
        ...keepRows(rows, deps.maxRows ?? DEFAULT_MAX_ROWS),
      };
      return listing.open(data, ctx);
    },
  };

  return { command, action: listing.action, views: listing.views };
}
