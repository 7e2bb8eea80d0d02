/**
 * The Sophos Central alert source.
 *
 * Per tenant: `from = cursor − lookback` (first poll: now − initialLookback), ascending, key-paged up to
 * `maxPages`; a read cut short stores its page key and resumes there next poll (and falls back to the time
 * query when Central rejects the key). Overlap repeats are harmless: the pipeline dedupes on
 * (source, alert id). The cursor is JSON of per-tenant times and only ever moves forward; a failing tenant
 * keeps its own entry and does not hold the others back. Only when every callable tenant fails does the
 * poll throw (the scheduler then backs off and tells admins once).
 */
import { z } from 'zod';
import { AppError, errorMessage, isAppError, type ErrorKind } from '../../core/errors.js';
import type { IncidentDraft } from '../../core/incident.js';
import type { AdapterDeps, DiagnosticLine, PollResult, SourceAdapter } from '../../core/ports.js';
import { mapLimit } from './concurrency.js';
import type { SophosConfig } from './config.js';
import { createSophosCentralClient, isForbidden, type SkippedTenant, type SophosCentralClient, type SophosTenant, type TenantRef } from './central-client.js';
import { endpointInfo, mapAlert, type EndpointInfo } from './map.js';
import type { SophosAlert } from './schema.js';

export { createSophosCentralClient, isForbidden, tenantIssueKey } from './central-client.js';
export type * from './central-client.js';
export { createIntelixClient, ipRisk, lookupKey, riskLabelKey, urlRisk } from './intelix.js';
export type * from './intelix.js';
export { mapAlert, mapSeverity, endpointInfo } from './map.js';
export type { AlertContext, EndpointInfo } from './map.js';

export const SOPHOS_SOURCE_ID = 'sophos';

/** Central keeps alerts for 90 days; never ask for older ones. */
const RETENTION_MS = 89 * 24 * 3600 * 1000;
const ENDPOINT_TTL_MS = 3600 * 1000;
const ENDPOINT_MISS_TTL_MS = 5 * 60 * 1000;
const ENDPOINT_CACHE_MAX = 5000;
/** Endpoint look-ups per tenant per poll; the rest of the cards go out without a hostname this time. */
const ENDPOINT_LOOKUPS_PER_POLL = 25;
const QUARANTINE_MEMORY = 5000;
const ENDPOINT_TYPES = new Set(['computer', 'server', 'securityVm']);

const tenantCursorSchema = z.object({
  /** Latest raisedAt seen (capped at the poll time so a clock-skewed alert cannot push it into the future). */
  at: z.string().optional(),
  /** Window start of a tenant that has not produced any alert yet: kept so an outage loses nothing. */
  since: z.string().optional(),
  /** A read cut short by maxPages: continue with this key and `from`. */
  resume: z.object({ from: z.string(), key: z.string() }).optional(),
});
type TenantCursor = z.infer<typeof tenantCursorSchema>;

const cursorSchema = z.object({ v: z.literal(1), tenants: z.record(z.string(), tenantCursorSchema) });
type Cursor = z.infer<typeof cursorSchema>;

export interface TenantPollStatus {
  readonly tenantId: string;
  readonly name: string;
  readonly state: 'ok' | 'failing' | 'skipped';
  /** Error kind (`forbidden` for 403) or skip reason. */
  readonly reason?: string;
  /** Redacted one-line error of the last failure. */
  readonly error?: string;
  /** The tenant's cursor time after the last poll. */
  readonly at?: string;
}

export interface SophosSourceAdapter extends SourceAdapter {
  /** Per-tenant outcome of the last poll (for /debug and reports). */
  tenantStatus(): readonly TenantPollStatus[];
  /** The Central client this source uses, shared with the commands. */
  readonly central: SophosCentralClient;
}

interface TenantOutcome {
  readonly drafts: IncidentDraft[];
  readonly cursor: TenantCursor;
  readonly more: boolean;
  readonly quarantined: number;
}

export function createSophosSource(config: SophosConfig, deps: AdapterDeps, central?: SophosCentralClient): SophosSourceAdapter {
  const client = central ?? createSophosCentralClient(config, deps);
  const log = deps.logger.child({ source: SOPHOS_SOURCE_ID });
  const health = new Map<string, string>();
  const endpointCache = new Map<string, { info: EndpointInfo | undefined; expiresAt: number }>();
  const endpointDenied = new Map<string, number>();
  const quarantinedIds = new Set<string>();
  let lastStatus: TenantPollStatus[] = [];

  function readCursor(cursor: string | undefined): Cursor {
    if (cursor === undefined || cursor === '') return { v: 1, tenants: {} };
    try {
      return cursorSchema.parse(JSON.parse(cursor));
    } catch {
      // Only we write this cursor; an unreadable one means corruption. Starting over re-reads initialLookback.
      log.warn('sophos cursor unreadable; starting from initialLookback');
      return { v: 1, tenants: {} };
    }
  }

  function transition(tenant: { id: string; name: string }, label: string, meta: Record<string, unknown> = {}): void {
    const before = health.get(tenant.id);
    health.set(tenant.id, label);
    if (before === label) return;
    if (label === 'ok') {
      if (before !== undefined) log.info('sophos tenant recovered', { tenantId: tenant.id, tenant: tenant.name });
      return;
    }
    log.warn(label.startsWith('skipped:') ? 'sophos tenant skipped' : 'sophos tenant failing; other tenants continue', {
      tenantId: tenant.id,
      tenant: tenant.name,
      reason: label.replace(/^(skipped|failing):/, ''),
      ...meta,
    });
  }

  async function lookupEndpoint(tenant: TenantRef, id: string, signal: AbortSignal, budget: { left: number }): Promise<EndpointInfo | undefined> {
    const cacheKey = `${tenant.id}:${id}`;
    const now = deps.clock.now().getTime();
    const cached = endpointCache.get(cacheKey);
    if (cached && cached.expiresAt > now) return cached.info;
    if ((endpointDenied.get(tenant.id) ?? 0) > now || budget.left <= 0) return cached?.info;
    budget.left--;
    let info: EndpointInfo | undefined;
    let ttl = ENDPOINT_TTL_MS;
    try {
      info = endpointInfo(await client.endpoint(tenant, id, signal));
    } catch (error) {
      if (isForbidden(error)) {
        // One credential can read alerts but not endpoints (sophos.md): stop asking for a while.
        endpointDenied.set(tenant.id, now + ENDPOINT_TTL_MS);
        log.info('sophos endpoint details forbidden for tenant; cards go without hostname', { tenantId: tenant.id });
        return undefined;
      }
      if (!(isAppError(error) && error.kind === 'not-found')) ttl = ENDPOINT_MISS_TTL_MS;
      log.debug('sophos endpoint lookup failed', { tenantId: tenant.id, endpointId: id, error: errorMessage(error) });
    }
    if (endpointCache.size >= ENDPOINT_CACHE_MAX) {
      const oldest = endpointCache.keys().next();
      if (!oldest.done) endpointCache.delete(oldest.value);
    }
    endpointCache.set(cacheKey, { info, expiresAt: now + ttl });
    return info;
  }

  async function enrich(tenant: TenantRef, alerts: readonly SophosAlert[], signal: AbortSignal): Promise<Map<string, EndpointInfo>> {
    const out = new Map<string, EndpointInfo>();
    if (!config.enrichEndpoints) return out;
    const budget = { left: ENDPOINT_LOOKUPS_PER_POLL };
    for (const alert of alerts) {
      const agent = alert.managedAgent;
      if (!agent?.id || out.has(agent.id) || (agent.type !== undefined && !ENDPOINT_TYPES.has(agent.type))) continue;
      const info = await lookupEndpoint(tenant, agent.id, signal, budget);
      if (info) out.set(agent.id, info);
    }
    return out;
  }

  function rememberQuarantined(key: string): boolean {
    if (quarantinedIds.has(key)) return false;
    if (quarantinedIds.size >= QUARANTINE_MEMORY) {
      const oldest = quarantinedIds.values().next();
      if (!oldest.done) quarantinedIds.delete(oldest.value);
    }
    quarantinedIds.add(key);
    return true;
  }

  function timeFrom(prev: TenantCursor | undefined, now: number): string {
    const at = prev?.at ? Date.parse(prev.at) : NaN;
    const since = prev?.since ? Date.parse(prev.since) : NaN;
    const base = !Number.isNaN(at) ? at - config.lookback * 1000 : !Number.isNaN(since) ? since : now - config.initialLookback * 1000;
    return new Date(Math.max(base, now - RETENTION_MS)).toISOString();
  }

  async function pollTenant(tenant: SophosTenant, prev: TenantCursor | undefined, now: number, signal: AbortSignal): Promise<TenantOutcome> {
    let from = prev?.resume?.from ?? timeFrom(prev, now);
    let key = prev?.resume?.key;
    const read = (): ReturnType<SophosCentralClient['alerts']> =>
      client.alerts(tenant, { from, ...(key !== undefined ? { pageFromKey: key } : {}), maxPages: config.maxPages, signal });
    let page;
    try {
      page = await read();
    } catch (error) {
      if (key === undefined || !isAppError(error) || (error.kind !== 'bad-request' && error.kind !== 'not-found')) throw error;
      // An expired page key: the time query with overlap covers the same ground (reliability.md #16).
      log.info('sophos page key rejected; continuing by time', { tenantId: tenant.id });
      from = timeFrom(prev, now);
      key = undefined;
      page = await read();
    }

    let quarantined = 0;
    for (const bad of page.invalid) {
      if (bad.id !== undefined && !rememberQuarantined(`${tenant.id}:${bad.id}`)) continue;
      quarantined++;
      log.warn('sophos alert quarantined: unexpected shape', { tenantId: tenant.id, alertId: bad.id, issues: bad.issues });
    }

    const endpoints = await enrich(tenant, page.items, signal);
    const drafts: IncidentDraft[] = [];
    let at = prev?.at ? Date.parse(prev.at) : NaN;
    for (const alert of page.items) {
      try {
        const endpoint = alert.managedAgent?.id ? endpoints.get(alert.managedAgent.id) : undefined;
        drafts.push(
          mapAlert(alert, {
            tenant: { id: tenant.id, name: tenant.name },
            ...(endpoint ? { endpoint } : {}),
            ...(config.consoleUrl ? { consoleUrl: config.consoleUrl } : {}),
          }),
        );
      } catch (error) {
        if (rememberQuarantined(`${tenant.id}:${alert.id}`)) {
          quarantined++;
          log.warn('sophos alert quarantined: mapping failed', { tenantId: tenant.id, alertId: alert.id, error: errorMessage(error) });
        }
        continue;
      }
      const raised = Math.min(Date.parse(alert.raisedAt), now);
      if (Number.isNaN(at) || raised > at) at = raised;
    }

    const cursor: TenantCursor = {
      ...(!Number.isNaN(at) ? { at: new Date(at).toISOString() } : { since: prev?.since ?? from }),
      ...(page.nextKey !== undefined ? { resume: { from, key: page.nextKey } } : {}),
    };
    return { drafts, cursor, more: page.nextKey !== undefined, quarantined };
  }

  function allFailed(failures: readonly { tenant: SophosTenant; error: AppError }[]): AppError {
    const kinds = [...new Set(failures.map((f) => (isForbidden(f.error) ? 'forbidden' : f.error.kind)))];
    const first = failures[0]?.error;
    const kind: ErrorKind = new Set(failures.map((f) => f.error.kind)).size === 1 && first ? first.kind : 'unavailable';
    const retryAfterMs = kind === 'rate-limited' ? Math.max(...failures.map((f) => f.error.retryAfterMs ?? 0)) : undefined;
    // The first failure's own message says what went wrong (admins see only this message).
    const detail = first ? `: ${first.message}` : '';
    const count = failures.length === 1 ? 'the only tenant failed' : `all ${failures.length} tenants failed`;
    return new AppError(kind, `sophos: ${count} (${kinds.join(', ')})${detail}`, {
      cause: first,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  return {
    id: SOPHOS_SOURCE_ID,
    central: client,

    async poll(cursor, signal): Promise<PollResult> {
      const state = readCursor(cursor);
      const dir = await client.tenants({ signal });
      const now = deps.clock.now().getTime();
      for (const skipped of dir.skipped) transition(skipped, `skipped:${skipped.reason}`);

      const outcomes = await mapLimit(dir.tenants, config.concurrency, async (tenant) => {
        try {
          return { tenant, outcome: await pollTenant(tenant, state.tenants[tenant.id], now, signal) };
        } catch (error) {
          const appError = isAppError(error) ? error : new AppError('internal', `sophos tenant ${tenant.id}: unexpected failure`, { cause: error });
          return { tenant, error: appError };
        }
      });

      const next: Cursor = { v: 1, tenants: {} };
      // Skipped tenants keep their entries so that a tenant which regains its apiHost resumes where it was.
      for (const skipped of dir.skipped as readonly SkippedTenant[]) {
        const kept = state.tenants[skipped.id];
        if (kept) next.tenants[skipped.id] = kept;
      }
      const drafts: IncidentDraft[] = [];
      const failures: { tenant: SophosTenant; error: AppError }[] = [];
      const status: TenantPollStatus[] = dir.skipped.map((s) => ({ tenantId: s.id, name: s.name, state: 'skipped' as const, reason: s.reason }));
      let quarantined = 0;
      let more = false;
      for (const o of outcomes) {
        if ('outcome' in o && o.outcome) {
          transition(o.tenant, 'ok');
          drafts.push(...o.outcome.drafts);
          quarantined += o.outcome.quarantined;
          more ||= o.outcome.more;
          next.tenants[o.tenant.id] = o.outcome.cursor;
          status.push({ tenantId: o.tenant.id, name: o.tenant.name, state: 'ok', ...(o.outcome.cursor.at ? { at: o.outcome.cursor.at } : {}) });
        } else if ('error' in o && o.error) {
          const reason = isForbidden(o.error) ? 'forbidden' : o.error.kind;
          transition(o.tenant, `failing:${reason}`, { error: o.error.message });
          failures.push({ tenant: o.tenant, error: o.error });
          const kept = state.tenants[o.tenant.id];
          if (kept) next.tenants[o.tenant.id] = kept;
          status.push({ tenantId: o.tenant.id, name: o.tenant.name, state: 'failing', reason, error: o.error.message, ...(kept?.at ? { at: kept.at } : {}) });
        }
      }
      lastStatus = status;

      if (dir.tenants.length > 0 && failures.length === dir.tenants.length) throw allFailed(failures);
      if (dir.tenants.length === 0) log.debug('sophos: no callable tenants', { skipped: dir.skipped.length });

      drafts.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return { drafts, nextCursor: JSON.stringify(next), ...(more ? { more: true } : {}), ...(quarantined > 0 ? { quarantined } : {}) };
    },

    async probe(signal) {
      await client.tenants({ refresh: true, signal });
    },

    async refresh(incident, signal) {
      const tenantId = incident.correlation?.tenantId;
      if (!tenantId) throw new AppError('not-found', 'sophos: incident has no tenant id');
      const dir = await client.tenants({ signal });
      const tenant = dir.tenants.find((t) => t.id === tenantId);
      if (!tenant) throw new AppError('not-found', `sophos: tenant ${tenantId} is not callable`);
      const alert = await client.alert(tenant, incident.sourceId, signal);
      const endpoints = await enrich(tenant, [alert], signal);
      const endpoint = alert.managedAgent?.id ? endpoints.get(alert.managedAgent.id) : undefined;
      return mapAlert(alert, {
        tenant: { id: tenant.id, name: tenant.name },
        ...(endpoint ? { endpoint } : {}),
        ...(config.consoleUrl ? { consoleUrl: config.consoleUrl } : {}),
      });
    },

    tenantStatus: () => lastStatus,
    details() {
      if (lastStatus.length === 0) return [];
      const ok = lastStatus.filter((t) => t.state === 'ok').length;
      const lines: DiagnosticLine[] = [{ key: 'sophos-debug-tenants', vars: { ok, total: lastStatus.length } }];
      for (const t of lastStatus.filter((x) => x.state !== 'ok').slice(0, 15)) {
        lines.push({ key: t.state === 'skipped' ? 'sophos-debug-tenant-skipped' : 'sophos-debug-tenant-failing', vars: { name: t.name, reason: t.reason ?? t.error ?? '-' } });
      }
      return lines;
    },
  };
}
