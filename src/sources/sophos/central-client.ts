/**
 * The Sophos Central API client shared by the alert source and the /alerts, /inventory and /cleanls commands.
 *
 * - One client-credentials token, kept in memory only and fetched again 120 s before it expires (the official
 *   SIEM client's margin) or after a 401. Tokens never reach the state file, logs or error messages.
 * - `whoami` decides the tenancy; partners and organizations list their tenants (paged). Each tenant is
 *   called on its own `apiHost` with `X-Tenant-ID`. Hosts come from Sophos answers, so only hosts matching
 *   `apiHostPattern` (the documented `https://api-<region>.central.sophos.com`) are ever called.
 * - A tenant without a usable host is skipped and reported; a tenant that answers 403 fails alone
 *   (`forEachTenant` reports it and carries on with the others).
 * - Every answer is validated with zod: a wrong envelope fails the call (`invalid-response`), a bad item is
 *   reported in `invalid` and the rest of the page is returned.
 */
import { z, type ZodType } from 'zod';
import type { Clock } from '../../core/clock.js';
import { AppError, isAppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { createHttpClient, type HttpResult } from '../../lib/http.js';
import { registerSecret } from '../../lib/redact.js';
import { createTokenCache, type FetchedToken } from '../../lib/token-cache.js';
import { mapLimit } from './concurrency.js';
import type { SophosConfig } from './config.js';
import { withRetries } from './retry.js';
import {
  alertSchema,
  centralErrorSchema,
  centralTokenSchema,
  deleteResultSchema,
  describeIssues,
  endpointSchema,
  listEnvelopeSchema,
  localSiteSchema,
  tenantItemSchema,
  webCategoriesSchema,
  webCategorySchema,
  whoamiSchema,
  type LocalSite,
  type SophosAlert,
  type SophosEndpoint,
  type WebCategory,
  type Whoami,
} from './schema.js';

export type { LocalSite, SophosAlert, SophosEndpoint, WebCategory, Whoami } from './schema.js';

export type CentralIdType = 'tenant' | 'partner' | 'organization';

/** A tenant that can be called: its `apiHost` is an allowed origin without a trailing slash. */
export interface SophosTenant {
  readonly id: string;
  /** `name`, else `showAs`, else the id (a tenant credential's whoami carries no name). */
  readonly name: string;
  readonly apiHost: string;
  readonly showAs?: string;
  readonly dataRegion?: string;
  readonly dataGeography?: string;
  readonly billingType?: string;
  readonly status?: string;
}

/** What a per-tenant call needs; a full `SophosTenant` fits. */
export type TenantRef = Pick<SophosTenant, 'id' | 'apiHost'>;

export type TenantSkipReason = 'no-api-host' | 'invalid-api-host';

/** Fluent id explaining why a tenant was left out (`sophos-tenant-no-api-host`, `…-forbidden`), for reports. */
export function tenantIssueKey(reason: TenantSkipReason | 'forbidden'): string {
  return `sophos-tenant-${reason}`;
}

export interface SkippedTenant {
  readonly id: string;
  readonly name: string;
  readonly reason: TenantSkipReason;
}

export interface TenantDirectory {
  readonly idType: CentralIdType;
  /** The whoami id (tenant, partner or organization id). */
  readonly callerId: string;
  /** Tenants that can be called, in the order Sophos lists them. */
  readonly tenants: readonly SophosTenant[];
  /** Tenants listed but not callable; reported, never called. */
  readonly skipped: readonly SkippedTenant[];
  readonly fetchedAt: string;
}

/** An item that failed validation; the rest of its page is still returned. */
export interface InvalidItem {
  /** 1-based page of this call. */
  readonly page: number;
  readonly index: number;
  /** The item's id when it had a string one. */
  readonly id?: string;
  /** Paths and messages only, never values. */
  readonly issues: string;
}

export interface KeyPaged<T> {
  readonly items: readonly T[];
  readonly invalid: readonly InvalidItem[];
  /** Present when `maxPages` stopped the read before the last page: pass it back as `pageFromKey`. */
  readonly nextKey?: string;
  readonly pagesRead: number;
}

export interface NumberPaged<T> {
  readonly items: readonly T[];
  readonly invalid: readonly InvalidItem[];
  /** Present when `maxPages` stopped the read before the last page: pass it back as `page`. */
  readonly nextPage?: number;
  /** Item total when Sophos reports it. */
  readonly total?: number;
  readonly pagesRead: number;
}

interface Common {
  readonly signal?: AbortSignal;
}

export interface AlertQuery extends Common {
  /** Alerts raised at or after (Central keeps 90 days). */
  readonly from?: Date | string;
  readonly to?: Date | string;
  readonly pageFromKey?: string;
  /** Items per page, 1–100 (default 100). */
  readonly pageSize?: number;
  /** Pages read in this call (default 1000); a `nextKey` is returned when more remain. */
  readonly maxPages?: number;
  readonly product?: readonly string[];
  readonly category?: readonly string[];
  readonly severity?: readonly string[];
}

export interface EndpointQuery extends Common {
  /** Sent on every page (connector bug 4 sent it from page 2 on only). Default `full`. */
  readonly view?: 'basic' | 'summary' | 'full';
  readonly pageFromKey?: string;
  /** 1–500, default 200. */
  readonly pageSize?: number;
  readonly maxPages?: number;
  readonly healthStatus?: readonly ('bad' | 'good' | 'suspicious' | 'unknown')[];
  readonly type?: readonly ('computer' | 'server' | 'securityVm')[];
  readonly hostnameContains?: string;
  readonly search?: string;
}

export interface LocalSiteQuery extends Common {
  /** First page to read (1-based, default 1). */
  readonly page?: number;
  /** 1–100, default 100. */
  readonly pageSize?: number;
  readonly maxPages?: number;
}

export interface DeleteResult {
  /** The `deleted` flag of the answer (Sophos also says true for a site that did not exist). */
  readonly deleted: boolean;
  /** The HTTP `Date` header, for the deletion report. */
  readonly date?: string;
}

export interface TenantFailure {
  readonly tenant: SophosTenant;
  readonly error: AppError;
  /** 403: this credential may not read this tenant (or this API of it). */
  readonly forbidden: boolean;
}

export interface TenantSweep<T> {
  readonly ok: readonly { readonly tenant: SophosTenant; readonly value: T }[];
  readonly failed: readonly TenantFailure[];
  readonly skipped: readonly SkippedTenant[];
}

export interface SophosCentralClient {
  whoami(signal?: AbortSignal): Promise<Whoami>;
  /** The tenant directory, cached for `tenantCacheTtl` seconds (`refresh` forces a new read). */
  tenants(options?: { readonly refresh?: boolean; readonly signal?: AbortSignal }): Promise<TenantDirectory>;
  /** Callable tenants matching an id (exact) or a name/showAs (exact, else substring; case-insensitive). */
  matchTenants(query: string, signal?: AbortSignal): Promise<readonly SophosTenant[]>;
  /** Runs `fn` per tenant (bounded concurrency); a failing tenant is reported, never aborts the others. */
  forEachTenant<T>(
    fn: (tenant: SophosTenant, signal: AbortSignal | undefined) => Promise<T>,
    options?: { readonly tenants?: readonly SophosTenant[]; readonly concurrency?: number; readonly signal?: AbortSignal },
  ): Promise<TenantSweep<T>>;
  alerts(tenant: TenantRef, query?: AlertQuery): Promise<KeyPaged<SophosAlert>>;
  alert(tenant: TenantRef, id: string, signal?: AbortSignal): Promise<SophosAlert>;
  endpoints(tenant: TenantRef, query?: EndpointQuery): Promise<KeyPaged<SophosEndpoint>>;
  endpoint(tenant: TenantRef, id: string, signal?: AbortSignal): Promise<SophosEndpoint>;
  localSites(tenant: TenantRef, query?: LocalSiteQuery): Promise<NumberPaged<LocalSite>>;
  deleteLocalSite(tenant: TenantRef, id: string, signal?: AbortSignal): Promise<DeleteResult>;
  /** Web-control categories (a bare array in the API); look names up by `id`, never by position. */
  webCategories(tenant: TenantRef, signal?: AbortSignal): Promise<readonly WebCategory[]>;
}

export interface CentralClientDeps {
  readonly logger: Logger;
  readonly clock: Clock;
}

/** Fetch a new token this long before Sophos says it expires. */
const TOKEN_MARGIN_S = 120;
const DEFAULT_MAX_PAGES = 1000;
const TENANT_PAGE_SIZE = 100;

export function isForbidden(error: unknown): boolean {
  return isAppError(error) && error.kind === 'auth' && error.status === 403;
}

function toIso(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new AppError('bad-request', 'sophos: invalid time in query');
  return date.toISOString();
}

function clamp(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

function itemId(item: unknown): string | undefined {
  if (item && typeof item === 'object' && 'id' in item) {
    const id = (item as { id: unknown }).id;
    if (typeof id === 'string' && id.length <= 200) return id;
  }
  return undefined;
}

/** Validates items one by one; duplicates (same id) after the first are dropped. */
function collect<T extends { id: string }>(
  schema: ZodType<T>,
  raw: readonly unknown[],
  page: number,
  items: T[],
  invalid: InvalidItem[],
  seen: Set<string>,
): void {
  raw.forEach((item, index) => {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      const id = itemId(item);
      invalid.push({ page, index, ...(id !== undefined ? { id } : {}), issues: describeIssues(parsed.error) });
      return;
    }
    if (seen.has(parsed.data.id)) return;
    seen.add(parsed.data.id);
    items.push(parsed.data);
  });
}

export function createSophosCentralClient(config: SophosConfig, deps: CentralClientDeps): SophosCentralClient {
  registerSecret(config.clientSecret);
  const log = deps.logger.child({ component: 'sophos-central' });
  const common = { ...(config.caFile ? { caFile: config.caFile } : {}), timeoutMs: config.requestTimeout * 1000, maxBytes: config.maxResponseBytes };
  const auth = createHttpClient({ name: 'sophos-auth', baseUrl: config.authUrl, ...common });
  const api = createHttpClient({ name: 'sophos', baseUrl: config.apiUrl, ...common });
  const hostPattern = new RegExp(config.apiHostPattern);
  const maxRetryWaitMs = config.maxRetryWait * 1000;

  let directory: { value: TenantDirectory; expiresAt: number } | undefined;
  let directoryInFlight: Promise<TenantDirectory> | undefined;

  async function fetchToken(signal: AbortSignal | undefined): Promise<FetchedToken> {
    const res = await withRetries(
      () =>
        auth.request(z.unknown(), {
          method: 'POST',
          path: 'api/v2/oauth2/token',
          form: { grant_type: 'client_credentials', client_id: config.clientId, client_secret: config.clientSecret, scope: 'token' },
          allowStatus: [400, 401, 403],
          ...(signal ? { signal } : {}),
        }),
      { clock: deps.clock, maxRetryWaitMs, signal, name: 'sophos token' },
    );
    if (res.status !== 200) {
      // errorCode (e.g. oauth.invalid_client_secret) names the problem without echoing any credential.
      const failure = centralErrorSchema.safeParse(res.body);
      const errorCode = failure.success ? failure.data.errorCode : undefined;
      const code = errorCode ? `, ${errorCode.slice(0, 80)}` : '';
      throw new AppError('auth', `sophos token request rejected (HTTP ${res.status}${code})`, { status: res.status });
    }
    const parsed = centralTokenSchema.safeParse(res.body);
    if (!parsed.success) throw new AppError('invalid-response', `sophos token: unexpected shape (${describeIssues(parsed.error)})`);
    log.debug('sophos token fetched', { expiresIn: parsed.data.expires_in });
    return { value: parsed.data.access_token, expiresInS: parsed.data.expires_in };
  }

  const tokens = createTokenCache({ clock: deps.clock, fetch: fetchToken, renewMarginS: TOKEN_MARGIN_S, defaultLifetimeS: 3600 });

  interface Call {
    readonly method?: 'GET' | 'DELETE';
    readonly path: string;
    readonly query?: Record<string, string | number | boolean | undefined>;
    readonly headers?: Record<string, string>;
    readonly signal?: AbortSignal | undefined;
  }

  function call<T>(schema: ZodType<T>, req: Call): Promise<HttpResult<T>> {
    return withRetries(
      async () => {
        const bearer = await tokens.get(req.signal);
        return api.request(schema, {
          method: req.method ?? 'GET',
          path: req.path,
          ...(req.query ? { query: req.query } : {}),
          headers: { authorization: `Bearer ${bearer}`, ...req.headers },
          ...(req.signal ? { signal: req.signal } : {}),
        });
      },
      {
        clock: deps.clock,
        maxRetryWaitMs,
        signal: req.signal,
        name: 'sophos',
        onUnauthorized: () => tokens.invalidate(),
      },
    );
  }

  /** Returns the origin when the host is allowed, else undefined. */
  function allowedHost(raw: string | undefined): string | undefined {
    if (!raw) return undefined;
    let u: URL;
    try {
      u = new URL(raw.trim());
    } catch {
      return undefined;
    }
    if (u.username || u.password || u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) return undefined;
    return hostPattern.test(u.origin) ? u.origin : undefined;
  }

  function tenantUrl(tenant: TenantRef, path: string): string {
    const origin = allowedHost(tenant.apiHost);
    if (!origin) throw new AppError('bad-request', `sophos: API host of tenant ${tenant.id} is not an allowed Sophos Central host`);
    return `${origin}/${path}`;
  }

  function tenantHeaders(tenant: TenantRef): Record<string, string> {
    return { 'X-Tenant-ID': tenant.id };
  }

  async function whoami(signal?: AbortSignal): Promise<Whoami> {
    const res = await call(whoamiSchema, { path: 'whoami/v1', signal });
    return res.body;
  }

  async function listTenants(idType: 'partner' | 'organization', callerId: string, signal: AbortSignal | undefined): Promise<unknown[]> {
    const raw: unknown[] = [];
    const header = idType === 'partner' ? 'X-Partner-ID' : 'X-Organization-ID';
    for (let page = 1; page <= DEFAULT_MAX_PAGES; page++) {
      const res = await call(listEnvelopeSchema, {
        path: `${idType}/v1/tenants`,
        query: { page, pageSize: TENANT_PAGE_SIZE, pageTotal: true },
        headers: { [header]: callerId },
        signal,
      });
      raw.push(...res.body.items);
      const pages = res.body.pages;
      const last =
        res.body.items.length === 0 ||
        (pages?.total !== undefined ? page >= pages.total : res.body.items.length < (pages?.size ?? TENANT_PAGE_SIZE));
      if (last) break;
    }
    return raw;
  }

  async function readDirectory(signal: AbortSignal | undefined): Promise<TenantDirectory> {
    const me = await whoami(signal);
    const tenants: SophosTenant[] = [];
    const skipped: SkippedTenant[] = [];
    const fetchedAt = deps.clock.now().toISOString();
    const consider = (id: string, name: string, host: string | undefined, extra: Partial<SophosTenant>): void => {
      if (!host) {
        skipped.push({ id, name, reason: 'no-api-host' });
        return;
      }
      const origin = allowedHost(host);
      if (!origin) {
        skipped.push({ id, name, reason: 'invalid-api-host' });
        return;
      }
      tenants.push({ ...extra, id, name, apiHost: origin });
    };
    if (me.idType === 'tenant') {
      consider(me.id, me.id, me.apiHosts?.dataRegion, {});
    } else {
      const seen = new Set<string>();
      for (const [index, item] of (await listTenants(me.idType, me.id, signal)).entries()) {
        const parsed = tenantItemSchema.safeParse(item);
        if (!parsed.success) {
          log.warn('sophos tenant entry ignored: unexpected shape', { index, issues: describeIssues(parsed.error) });
          continue;
        }
        const t = parsed.data;
        if (seen.has(t.id)) continue;
        seen.add(t.id);
        const extra: Partial<SophosTenant> = {
          ...(t.showAs !== undefined ? { showAs: t.showAs } : {}),
          ...(t.dataRegion !== undefined ? { dataRegion: t.dataRegion } : {}),
          ...(t.dataGeography !== undefined ? { dataGeography: t.dataGeography } : {}),
          ...(t.billingType !== undefined ? { billingType: t.billingType } : {}),
          ...(t.status !== undefined ? { status: t.status } : {}),
        };
        consider(t.id, t.name ?? t.showAs ?? t.id, t.apiHost, extra);
      }
    }
    return { idType: me.idType, callerId: me.id, tenants, skipped, fetchedAt };
  }

  async function tenantsCached(options: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<TenantDirectory> {
    const now = deps.clock.now().getTime();
    if (!options.refresh && directory && now < directory.expiresAt) return directory.value;
    directoryInFlight ??= readDirectory(options.signal)
      .then((value) => {
        directory = { value, expiresAt: deps.clock.now().getTime() + config.tenantCacheTtl * 1000 };
        return value;
      })
      .finally(() => {
        directoryInFlight = undefined;
      });
    return directoryInFlight;
  }

  async function keyPaged<T extends { id: string }>(
    schema: ZodType<T>,
    tenant: TenantRef,
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    start: string | undefined,
    maxPages: number,
    signal: AbortSignal | undefined,
  ): Promise<KeyPaged<T>> {
    const url = tenantUrl(tenant, path);
    const items: T[] = [];
    const invalid: InvalidItem[] = [];
    const seen = new Set<string>();
    let key = start;
    let pagesRead = 0;
    while (pagesRead < maxPages) {
      const res = await call(listEnvelopeSchema, { path: url, query: { ...query, pageFromKey: key }, headers: tenantHeaders(tenant), signal });
      pagesRead++;
      collect(schema, res.body.items, pagesRead, items, invalid, seen);
      const next = res.body.pages?.nextKey;
      // An empty or repeated key ends the read: a server that loops must not keep us paging forever.
      if (!next || next === key) {
        key = undefined;
        break;
      }
      key = next;
    }
    return { items, invalid, ...(key !== undefined ? { nextKey: key } : {}), pagesRead };
  }

  const join = (xs: readonly string[] | undefined): string | undefined => (xs && xs.length > 0 ? xs.join(',') : undefined);

  return {
    whoami,
    tenants: tenantsCached,

    async matchTenants(query, signal) {
      const q = query.trim().toLowerCase();
      if (!q) return [];
      const dir = await tenantsCached(signal ? { signal } : {});
      const byId = dir.tenants.filter((t) => t.id.toLowerCase() === q);
      if (byId.length > 0) return byId;
      const names = (t: SophosTenant): string[] => [t.name, t.showAs ?? ''].map((n) => n.toLowerCase());
      const exact = dir.tenants.filter((t) => names(t).includes(q));
      if (exact.length > 0) return exact;
      return dir.tenants.filter((t) => names(t).some((n) => n.includes(q)));
    },

    async forEachTenant(fn, options = {}) {
      const dir = options.tenants ? undefined : await tenantsCached(options.signal ? { signal: options.signal } : {});
      const list = options.tenants ?? dir?.tenants ?? [];
      const outcomes = await mapLimit(list, options.concurrency ?? config.concurrency, async (tenant) => {
        try {
          return { tenant, ok: true as const, value: await fn(tenant, options.signal) };
        } catch (error) {
          const appError = isAppError(error) ? error : new AppError('internal', `sophos tenant ${tenant.id}: unexpected failure`, { cause: error });
          return { tenant, ok: false as const, error: appError };
        }
      });
      const ok: { tenant: SophosTenant; value: Awaited<ReturnType<typeof fn>> }[] = [];
      const failed: TenantFailure[] = [];
      for (const o of outcomes) {
        if (o.ok) ok.push({ tenant: o.tenant, value: o.value });
        else failed.push({ tenant: o.tenant, error: o.error, forbidden: isForbidden(o.error) });
      }
      return { ok, failed, skipped: dir?.skipped ?? [] };
    },

    alerts(tenant, q = {}) {
      const query = {
        from: toIso(q.from),
        to: toIso(q.to),
        sort: 'raisedAt:asc',
        pageSize: clamp(q.pageSize, 1, 100, 100),
        product: join(q.product),
        category: join(q.category),
        severity: join(q.severity),
      };
      return keyPaged(alertSchema, tenant, 'common/v1/alerts', query, q.pageFromKey, clamp(q.maxPages, 1, DEFAULT_MAX_PAGES, DEFAULT_MAX_PAGES), q.signal);
    },

    async alert(tenant, id, signal) {
      const res = await call(alertSchema, { path: tenantUrl(tenant, `common/v1/alerts/${encodeURIComponent(id)}`), headers: tenantHeaders(tenant), signal });
      return res.body;
    },

    endpoints(tenant, q = {}) {
      const query = {
        view: q.view ?? 'full',
        pageSize: clamp(q.pageSize, 1, 500, 200),
        healthStatus: join(q.healthStatus),
        type: join(q.type),
        hostnameContains: q.hostnameContains,
        search: q.search,
      };
      return keyPaged(endpointSchema, tenant, 'endpoint/v1/endpoints', query, q.pageFromKey, clamp(q.maxPages, 1, DEFAULT_MAX_PAGES, DEFAULT_MAX_PAGES), q.signal);
    },

    async endpoint(tenant, id, signal) {
      const res = await call(endpointSchema, {
        path: tenantUrl(tenant, `endpoint/v1/endpoints/${encodeURIComponent(id)}`),
        query: { view: 'full' },
        headers: tenantHeaders(tenant),
        signal,
      });
      return res.body;
    },

    async localSites(tenant, q = {}) {
      const url = tenantUrl(tenant, 'endpoint/v1/settings/web-control/local-sites');
      const pageSize = clamp(q.pageSize, 1, 100, 100);
      const maxPages = clamp(q.maxPages, 1, DEFAULT_MAX_PAGES, DEFAULT_MAX_PAGES);
      const items: LocalSite[] = [];
      const invalid: InvalidItem[] = [];
      const seen = new Set<string>();
      let page = clamp(q.page, 1, Number.MAX_SAFE_INTEGER, 1);
      let pagesRead = 0;
      let total: number | undefined;
      let more = false;
      while (pagesRead < maxPages) {
        const res = await call(listEnvelopeSchema, {
          path: url,
          query: { page, pageSize, pageTotal: true },
          headers: tenantHeaders(tenant),
          signal: q.signal,
        });
        pagesRead++;
        collect(localSiteSchema, res.body.items, pagesRead, items, invalid, seen);
        const pages = res.body.pages;
        total = pages?.items ?? total;
        more = res.body.items.length > 0 && (pages?.total !== undefined ? page < pages.total : res.body.items.length >= pageSize);
        if (!more) break;
        page++;
      }
      return { items, invalid, ...(more ? { nextPage: page } : {}), ...(total !== undefined ? { total } : {}), pagesRead };
    },

    async deleteLocalSite(tenant, id, signal) {
      const res = await call(deleteResultSchema, {
        method: 'DELETE',
        path: tenantUrl(tenant, `endpoint/v1/settings/web-control/local-sites/${encodeURIComponent(id)}`),
        headers: tenantHeaders(tenant),
        signal,
      });
      const date = res.headers.date;
      return { deleted: res.body.deleted, ...(typeof date === 'string' ? { date } : {}) };
    },

    async webCategories(tenant, signal) {
      const res = await call(webCategoriesSchema, {
        path: tenantUrl(tenant, 'endpoint/v1/settings/web-control/categories'),
        headers: tenantHeaders(tenant),
        signal,
      });
      const out: WebCategory[] = [];
      for (const item of res.body) {
        const parsed = webCategorySchema.safeParse(item);
        if (parsed.success) out.push(parsed.data);
      }
      return out;
    },
  };
}
