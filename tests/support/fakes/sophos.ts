/**
 * Fake Sophos Central and SophosLabs Intelix servers on 127.0.0.1, built from tests/fixtures/sophos.
 *
 * Central: one "global" server (token service, whoami, partner/organization tenant lists) and one server per
 * data region, so that a tenant called on the wrong apiHost is caught (400). The region servers keep real
 * state per tenant (alerts, endpoints, local sites), page with issued keys (`pageFromKey`/`nextKey`) or page
 * numbers as the real API does, check the bearer token and the X-Tenant-ID header, and can inject faults
 * (403 per tenant and route, 429 with Retry-After, 5xx, malformed bodies).
 *
 * Intelix: token service with HTTP Basic, URL and IP lookups answering the fixture bodies; tokens can be
 * expired on demand (401 "The incoming token has expired", as the real service says).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sophosConfigSchema, type SophosConfig } from '../../../src/sources/sophos/config.js';
import { answerFault as answerHttpFault, FaultQueue, listen, readBody, sendJson, type FakeServer, type HttpFault, type TlsPair } from '../http-fake.js';

// The clock, logger and state the Sophos tests (and the command tests built on this fake) use.
export { memoryState, recordingLogger, testClock as steppingClock, type LogRecord } from '../state.js';

export function sophosFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/sophos/${name}`, import.meta.url), 'utf8')) as T;
}

type Json = Record<string, unknown>;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(res, status, body, headers);
}

/** Independent of the code under test: Central times without a zone are UTC. */
function instant(value: unknown): number {
  const s = String(value);
  return Date.parse(/([zZ]|[+-]\d{2}:?\d{2})$/.test(s) ? s : `${s}Z`);
}

/** An HTTP fault (status, stall, reset, huge answer), optionally for one tenant only. */
export interface Fault extends HttpFault {
  /** Only calls for this tenant. */
  readonly tenantId?: string;
}

function faultFor(tenantId: string | undefined): (fault: Fault) => boolean {
  return (fault) => fault.tenantId === undefined || fault.tenantId === tenantId;
}

/** A status fault without a body answers Sophos's own error envelope for that status. */
function answerFault(res: ServerResponse, fault: Fault): Promise<boolean> {
  if (fault.status === undefined || fault.body !== undefined) return answerHttpFault(res, fault);
  const body =
    fault.status === 429
      ? { error: 'tooManyRequests', message: 'Too many requests. See Retry-After header.' }
      : fault.status >= 500
        ? sophosFixture('central-error-500.json')
        : { error: 'fault', message: `HTTP ${fault.status}` };
  return answerHttpFault(res, { ...fault, body: JSON.stringify(body) });
}

// ------------------------------------------------------------------ Sophos Central

export type CentralRoute =
  | 'token'
  | 'whoami'
  | 'tenants'
  | 'alerts'
  | 'alert'
  | 'endpoints'
  | 'endpoint'
  | 'local-sites'
  | 'local-site-delete'
  | 'categories';

export interface CentralRequest {
  readonly route: CentralRoute | 'unknown';
  readonly method: string;
  /** `global` or the region of the server that answered. */
  readonly server: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly authorization: string | undefined;
  readonly tenantId: string | undefined;
  readonly partnerId: string | undefined;
  readonly organizationId: string | undefined;
  readonly contentType: string | undefined;
  readonly form: Record<string, string> | undefined;
}

export interface FakeTenant {
  readonly id: string;
  name: string;
  readonly listEntry: Json;
  /** Region whose server answers for this tenant; undefined: the tenant list shows no apiHost. */
  region: string | undefined;
  /** Reported instead of the region server's URL (e.g. a host that is not Sophos). */
  apiHostOverride?: string;
  alerts: Json[];
  endpoints: Json[];
  localSites: Json[];
  /** Routes that answer 403 for this tenant; '*' for all. */
  readonly forbidden: Set<CentralRoute | '*'>;
  readonly deleted: string[];
}

export interface FakeCentralOptions {
  readonly idType?: 'tenant' | 'partner' | 'organization';
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** `expires_in` of issued tokens, seconds (fixture: 3600). */
  readonly expiresIn?: number;
  /** Page size caps; the fixtures use 3 tenants, 3 alerts, 8 local sites per page. */
  readonly tenantPageCap?: number;
  readonly alertPageCap?: number;
  readonly endpointPageCap?: number;
  readonly localSitePageCap?: number;
  /** Serve every host (global and regions) over HTTPS with this key and certificate. */
  readonly tls?: TlsPair;
}

export interface FakeCentral {
  /** Base URL of the global server: use it as both `authUrl` and `apiUrl`. */
  readonly url: string;
  readonly callerId: string;
  readonly idType: 'tenant' | 'partner' | 'organization';
  /** Tenants in list order. */
  readonly tenants: FakeTenant[];
  readonly requests: CentralRequest[];
  readonly issuedTokens: string[];
  tenant(id: string): FakeTenant;
  /** URL of the server for a region, as the tenant list reports it. */
  hostOf(region: string): string;
  /** Answer the next `times` calls of `route` with `fault`. */
  fail(route: CentralRoute, fault: Fault, times?: number): void;
  clearFaults(): void;
  /** Every token issued so far is refused from now on. */
  revokeTokens(): void;
  /** Every page key issued so far is refused from now on (400). */
  expirePageKeys(): void;
  count(route: CentralRoute, tenantId?: string): number;
  /** Every host stops answering (connection refused) until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** The credentials the fake Central accepts by default. */
export const CENTRAL_CLIENT_ID = 'central-client-id';
export const CENTRAL_SECRET = 'central-secret&value=1%';

/** A `sources.sophos` config for this fake: its URL for auth and API, loopback hosts (http or https) allowed. */
export function centralConfig(fake: Pick<FakeCentral, 'url'>, extra: Record<string, unknown> = {}): SophosConfig {
  return sophosConfigSchema.parse({
    clientId: CENTRAL_CLIENT_ID,
    clientSecret: CENTRAL_SECRET,
    authUrl: fake.url,
    apiUrl: fake.url,
    apiHostPattern: '^https?://127\\.0\\.0\\.1:\\d+$',
    ...extra,
  });
}

/** Qnasters (11f104c5…) is the whoami-tenant id; the data per tenant id comes from the fixtures. */
const QNASTERS = '11f104c5-cc4a-4a9f-bb9c-632c936dfb9f';
const ACME = '79067fa3-e4d0-4769-a5f7-8d6550b3b68b';
const TRICORE = 'bccccccc-783c-4e59-93c8-8adaaa53c7b1';
const NINJA = '11f446c2-a094-427f-868e-bd13e2f5b27e';
export const TENANT_IDS = { QNASTERS, ACME, TRICORE, NINJA, PENDING: '4b7a2c10-2d3e-4f51-9a6b-0c1d2e3f4a5b' } as const;

function items(name: string): Json[] {
  return sophosFixture<{ items: Json[] }>(name).items;
}

function defaultData(id: string): Pick<FakeTenant, 'alerts' | 'endpoints' | 'localSites'> {
  switch (id) {
    case QNASTERS:
      return {
        alerts: [...items('common-alerts-qnasters-page1.json'), ...items('common-alerts-qnasters-page2.json')],
        endpoints: items('endpoints-qnasters.json'),
        localSites: [...items('local-sites-page1.json'), ...items('local-sites-page2.json')],
      };
    case ACME:
      return { alerts: items('common-alerts-acme.json'), endpoints: items('endpoints-composed-unknown-health.json'), localSites: [] };
    case TRICORE:
      return { alerts: items('common-alerts-tricore.json'), endpoints: [], localSites: [] };
    case NINJA:
      return {
        alerts: items('common-alerts-empty.json'),
        endpoints: [...items('endpoints-sekoia-page1.json'), ...items('endpoints-sekoia-page2.json')],
        localSites: [],
      };
    default:
      return { alerts: [], endpoints: [], localSites: [] };
  }
}

function regionOf(apiHost: unknown): string | undefined {
  return typeof apiHost === 'string' ? /^https:\/\/api-([a-z0-9]+)\.central\.sophos\.com$/.exec(apiHost)?.[1] : undefined;
}

export async function startFakeCentral(options: FakeCentralOptions = {}): Promise<FakeCentral> {
  const idType = options.idType ?? 'partner';
  const creds = { clientId: options.clientId ?? CENTRAL_CLIENT_ID, clientSecret: options.clientSecret ?? CENTRAL_SECRET };
  const whoami = sophosFixture<Json>(`whoami-${idType}.json`);
  const callerId = String(whoami.id);
  const tokenTemplate = sophosFixture<Json>('central-token-response.json');
  const listed = idType === 'tenant'
    ? [{ id: QNASTERS, name: 'Qnasters', apiHost: (whoami.apiHosts as Json).dataRegion }]
    : [...items('partner-tenants-page1.json'), ...items('partner-tenants-page2.json')];
  const tenants: FakeTenant[] = listed.map((entry) => ({
    id: String(entry.id),
    name: String(entry.name),
    listEntry: entry,
    region: regionOf(entry.apiHost),
    ...defaultData(String(entry.id)),
    forbidden: new Set(),
    deleted: [],
  }));

  const requests: CentralRequest[] = [];
  const issuedTokens: string[] = [];
  const valid = new Set<string>();
  const faults = new FaultQueue<CentralRoute, Fault>();
  const pageKeys = new Map<string, { tenantId: string; kind: 'alerts' | 'endpoints'; offset: number }>();
  let keySeq = 2000432653939;
  const servers: FakeServer[] = [];
  const regionUrls = new Map<string, string>();

  function findTenant(id: string | undefined): FakeTenant | undefined {
    return tenants.find((t) => t.id === id);
  }

  function routeOf(method: string, path: string): { route: CentralRoute | 'unknown'; id?: string } {
    if (method === 'POST' && path === '/api/v2/oauth2/token') return { route: 'token' };
    if (method === 'GET' && path === '/whoami/v1') return { route: 'whoami' };
    if (method === 'GET' && (path === '/partner/v1/tenants' || path === '/organization/v1/tenants')) return { route: 'tenants' };
    if (method === 'GET' && path === '/common/v1/alerts') return { route: 'alerts' };
    let m = /^\/common\/v1\/alerts\/([^/]+)$/.exec(path);
    if (method === 'GET' && m) return { route: 'alert', id: decodeURIComponent(m[1] as string) };
    if (method === 'GET' && path === '/endpoint/v1/endpoints') return { route: 'endpoints' };
    m = /^\/endpoint\/v1\/endpoints\/([^/]+)$/.exec(path);
    if (method === 'GET' && m) return { route: 'endpoint', id: decodeURIComponent(m[1] as string) };
    if (method === 'GET' && path === '/endpoint/v1/settings/web-control/local-sites') return { route: 'local-sites' };
    m = /^\/endpoint\/v1\/settings\/web-control\/local-sites\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && m) return { route: 'local-site-delete', id: decodeURIComponent(m[1] as string) };
    if (method === 'GET' && path === '/endpoint/v1/settings/web-control/categories') return { route: 'categories' };
    return { route: 'unknown' };
  }

  function keyPage(list: Json[], tenantId: string, kind: 'alerts' | 'endpoints', query: URLSearchParams, cap: number, res: ServerResponse): void {
    let offset = 0;
    const key = query.get('pageFromKey');
    if (key) {
      const k = pageKeys.get(key);
      if (!k || k.tenantId !== tenantId || k.kind !== kind) return send(res, 400, { error: 'badRequest', message: 'Invalid pageFromKey' });
      offset = k.offset;
    }
    const size = Math.min(Number(query.get('pageSize') ?? 50), cap);
    const page = list.slice(offset, offset + size);
    const pages: Json = { size: page.length, maxSize: kind === 'alerts' ? 100 : 500 };
    if (offset + size < list.length) {
      const next = String(keySeq++);
      pageKeys.set(next, { tenantId, kind, offset: offset + size });
      pages.nextKey = next;
    }
    send(res, 200, { items: page, pages });
  }

  async function handle(server: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const { route, id } = routeOf(method, url.pathname);
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const contentType = header('content-type');
    const form = route === 'token' ? Object.fromEntries(new URLSearchParams(text)) : undefined;
    const tenantId = header('x-tenant-id');
    requests.push({
      route,
      method,
      server,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: header('authorization'),
      tenantId,
      partnerId: header('x-partner-id'),
      organizationId: header('x-organization-id'),
      contentType,
      form,
    });
    if (route === 'unknown') return send(res, 404, { error: 'notFound', message: 'No such route' });
    const isGlobal = server === 'global';
    if (isGlobal !== (route === 'token' || route === 'whoami' || route === 'tenants')) {
      return send(res, 404, { error: 'notFound', message: `route ${route} is not served by the ${server} host` });
    }

    const fault = faults.take(route, faultFor(tenantId));
    if (fault && (await answerFault(res, fault))) return;

    if (route === 'token') {
      if (!contentType?.startsWith('application/x-www-form-urlencoded')) return send(res, 400, { errorCode: 'oauth.invalid_request', message: 'form expected' });
      if (form?.grant_type !== 'client_credentials' || form.scope !== 'token') return send(res, 400, { errorCode: 'oauth.invalid_grant', message: 'bad grant' });
      if (form.client_id !== creds.clientId || form.client_secret !== creds.clientSecret) {
        return send(res, 400, { errorCode: 'oauth.invalid_client_secret', message: 'Invalid client secret', trackingId: 'e9fba575-0000' });
      }
      const token = `central-token-${issuedTokens.length + 1}-${Math.random().toString(36).slice(2)}`;
      issuedTokens.push(token);
      valid.add(token);
      return send(res, 200, { ...tokenTemplate, access_token: token, expires_in: options.expiresIn ?? tokenTemplate.expires_in });
    }

    const bearer = /^Bearer (.+)$/.exec(header('authorization') ?? '')?.[1];
    if (!bearer || !valid.has(bearer)) return send(res, 401, { error: 'unauthorized', message: 'Unauthorized' });

    if (route === 'whoami') {
      const apiHosts: Json = { global: 'https://api.central.sophos.com' };
      const own = findTenant(callerId);
      if (idType === 'tenant' && own?.region) apiHosts.dataRegion = regionUrls.get(own.region);
      return send(res, 200, { ...whoami, apiHosts });
    }

    if (route === 'tenants') {
      const expected = url.pathname.startsWith('/partner') ? 'partner' : 'organization';
      const given = expected === 'partner' ? header('x-partner-id') : header('x-organization-id');
      if (expected !== idType || given !== callerId) return send(res, 403, { error: 'forbidden', message: 'Wrong caller id header' });
      const page = Number(url.searchParams.get('page') ?? '1');
      const size = Math.min(Number(url.searchParams.get('pageSize') ?? '50'), options.tenantPageCap ?? 3);
      const slice = tenants.slice((page - 1) * size, page * size).map((t) => {
        const { apiHost: _dropped, ...rest } = t.listEntry;
        const host = t.apiHostOverride ?? (t.region ? regionUrls.get(t.region) : undefined);
        return { ...rest, name: t.name, ...(host ? { apiHost: host } : {}) };
      });
      const pages: Json = { current: page, size, items: tenants.length, maxSize: 100 };
      if (url.searchParams.get('pageTotal') === 'true') pages.total = Math.ceil(tenants.length / size);
      return send(res, 200, { items: slice, pages });
    }

    // Per-tenant routes: the right tenant on the right regional host.
    const tenant = findTenant(tenantId);
    if (!tenant || (idType === 'tenant' && tenant.id !== callerId)) return send(res, 403, { error: 'forbidden', message: 'Unknown tenant' });
    if (tenant.region !== server) return send(res, 400, { error: 'badRequest', message: 'Tenant is not in this data region' });
    if (tenant.forbidden.has('*') || tenant.forbidden.has(route)) {
      return send(res, 403, { error: 'forbidden', message: 'Forbidden', correlationId: 'c0', requestId: 'r0' });
    }

    switch (route) {
      case 'alerts': {
        const from = url.searchParams.get('from');
        const to = url.searchParams.get('to');
        // An item with a broken raisedAt is still served (last), so that clients meet malformed items.
        const at = (a: Json): number => (Number.isNaN(instant(a.raisedAt)) ? Number.MAX_SAFE_INTEGER : instant(a.raisedAt));
        const list = tenant.alerts
          .filter((a) => (from === null || at(a) >= instant(from)) && (to === null || at(a) < instant(to)))
          .sort((x, y) => at(x) - at(y) || String(x.id).localeCompare(String(y.id)));
        return keyPage(list, tenant.id, 'alerts', url.searchParams, options.alertPageCap ?? 100, res);
      }
      case 'alert': {
        const alert = tenant.alerts.find((a) => a.id === id);
        return alert ? send(res, 200, alert) : send(res, 404, { error: 'notFound', message: 'Alert not found' });
      }
      case 'endpoints':
        return keyPage(tenant.endpoints, tenant.id, 'endpoints', url.searchParams, options.endpointPageCap ?? 2, res);
      case 'endpoint': {
        const endpoint = tenant.endpoints.find((e) => e.id === id);
        return endpoint ? send(res, 200, endpoint) : send(res, 404, { error: 'notFound', message: 'Endpoint not found' });
      }
      case 'local-sites': {
        const page = Number(url.searchParams.get('page') ?? '1');
        const size = Math.min(Number(url.searchParams.get('pageSize') ?? '50'), options.localSitePageCap ?? 8);
        const pages: Json = { current: page, size, items: tenant.localSites.length, maxSize: 100 };
        if (url.searchParams.get('pageTotal') === 'true') pages.total = Math.max(1, Math.ceil(tenant.localSites.length / size));
        return send(res, 200, { items: tenant.localSites.slice((page - 1) * size, page * size), pages });
      }
      case 'local-site-delete': {
        // Sophos answers deleted:true also when the site does not exist.
        tenant.localSites = tenant.localSites.filter((s) => s.id !== id);
        tenant.deleted.push(id as string);
        return send(res, 200, sophosFixture('local-site-delete-response.json'));
      }
      case 'categories':
        return send(res, 200, sophosFixture('web-control-categories.json'));
      default:
        return send(res, 404, { error: 'notFound' });
    }
  }

  const tls = options.tls ? { tls: options.tls } : {};
  const global = await listen((req, res) => handle('global', req, res), tls);
  servers.push(global);
  for (const region of new Set(tenants.map((t) => t.region).filter((r): r is string => r !== undefined))) {
    const regional = await listen((req, res) => handle(region, req, res), tls);
    servers.push(regional);
    regionUrls.set(region, regional.url);
  }

  return {
    url: global.url,
    callerId,
    idType,
    tenants,
    requests,
    issuedTokens,
    tenant(id) {
      const t = findTenant(id);
      if (!t) throw new Error(`fake central: no tenant ${id}`);
      return t;
    },
    hostOf(region) {
      const u = regionUrls.get(region);
      if (!u) throw new Error(`fake central: no region ${region}`);
      return u;
    },
    fail(route, fault, times = 1) {
      faults.add(route, fault, times);
    },
    clearFaults: () => faults.clear(),
    revokeTokens: () => valid.clear(),
    expirePageKeys: () => pageKeys.clear(),
    count: (route, tenantId) => requests.filter((r) => r.route === route && (tenantId === undefined || r.tenantId === tenantId)).length,
    down: async () => {
      await Promise.all(servers.map((s) => s.down()));
    },
    up: async () => {
      await Promise.all(servers.map((s) => s.up()));
    },
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

// ------------------------------------------------------------------ SophosLabs Intelix

export type IntelixRoute = 'token' | 'url' | 'ip';

export interface IntelixRequest {
  readonly route: IntelixRoute | 'unknown';
  readonly method: string;
  /** The looked-up value, decoded. */
  readonly value: string | undefined;
  readonly authorization: string | undefined;
  readonly form: Record<string, string> | undefined;
}

export interface FakeIntelixOptions {
  readonly clientId?: string;
  readonly clientSecret?: string;
}

export interface FakeIntelix {
  /** Base URL of both the token service and the lookup API. */
  readonly url: string;
  readonly requests: IntelixRequest[];
  readonly issuedTokens: string[];
  readonly urls: Map<string, Json>;
  readonly ips: Map<string, Json>;
  /** Every token issued so far is answered 401 "The incoming token has expired". */
  expireTokens(): void;
  fail(route: IntelixRoute, fault: Fault, times?: number): void;
  /** Values looked up (decoded), per route. */
  lookups(route: 'url' | 'ip'): string[];
  close(): Promise<void>;
}

export async function startFakeIntelix(options: FakeIntelixOptions = {}): Promise<FakeIntelix> {
  const creds = { clientId: options.clientId ?? 'intelix-client', clientSecret: options.clientSecret ?? 'intelix-secret:with+chars' };
  const tokenTemplate = sophosFixture<Json>('intelix-token-response.json');
  const expiredBody = sophosFixture('intelix-error-expired-token.json');
  const urls = new Map(Object.entries(sophosFixture<Record<string, Json>>('intelix-url-lookups.json')));
  const ips = new Map(Object.entries(sophosFixture<Record<string, Json>>('intelix-ip-lookups.json')));
  const requests: IntelixRequest[] = [];
  const issuedTokens: string[] = [];
  const valid = new Set<string>();
  const expired = new Set<string>();
  const faults = new FaultQueue<IntelixRoute, Fault>();

  const server = await listen(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const authorization = req.headers.authorization;
    let route: IntelixRoute | 'unknown' = 'unknown';
    let value: string | undefined;
    const m = /^\/lookup\/(urls|ips)\/v1\/([^/]+)$/.exec(u.pathname);
    if (method === 'POST' && u.pathname === '/oauth2/token') route = 'token';
    else if (method === 'GET' && m) {
      route = m[1] === 'urls' ? 'url' : 'ip';
      value = decodeURIComponent(m[2] as string);
    }
    const form = route === 'token' ? Object.fromEntries(new URLSearchParams(text)) : undefined;
    requests.push({ route, method, value, authorization, form });
    if (route === 'unknown') return send(res, 404, { message: 'Not Found' });
    const fault = faults.take(route);
    if (fault && (await answerFault(res, fault))) return;

    if (route === 'token') {
      const basic = `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`;
      if (authorization !== basic) return send(res, 401, { error: 'invalid_client' });
      if (form?.grant_type !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type' });
      const token = `intelix-token-${issuedTokens.length + 1}`;
      issuedTokens.push(token);
      valid.add(token);
      return send(res, 200, { ...tokenTemplate, access_token: token });
    }
    // The official client sends the bare token, without "Bearer".
    if (!authorization || !valid.has(authorization)) {
      return expired.has(authorization ?? '') ? send(res, 401, expiredBody) : send(res, 401, { message: 'Unauthorized' });
    }
    const answer = route === 'url' ? urls.get(value as string) : ips.get(value as string);
    return answer ? send(res, 200, answer) : send(res, 404, { message: 'Not Found' });
  });

  return {
    url: server.url,
    requests,
    issuedTokens,
    urls,
    ips,
    expireTokens() {
      for (const t of valid) expired.add(t);
      valid.clear();
    },
    fail(route, fault, times = 1) {
      faults.add(route, fault, times);
    },
    lookups: (route) => requests.filter((r) => r.route === route && r.value !== undefined).map((r) => r.value as string),
    close: () => server.close(),
  };
}
