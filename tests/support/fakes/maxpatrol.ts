/**
 * A fake MaxPatrol SIEM 10 (token service and Core API) on 127.0.0.1, speaking the shapes of the fixtures in
 * tests/fixtures/mpsiem. It keeps real state (incidents, statuses, issued tokens), checks what the client sends
 * (bearer token, form fields, list body, limits) and can inject faults per route.
 */
import { readFileSync } from 'node:fs';
import { answerFault, FaultQueue, listen, readBody, sendJson as json, type HttpFault, type TlsPair } from '../http-fake.js';

export function mpFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/mpsiem/${name}`, import.meta.url), 'utf8')) as T;
}

export type Route = 'token' | 'list' | 'card' | 'events' | 'count' | 'transition';

export interface RecordedRequest {
  readonly route: Route | 'unknown';
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  /** Parsed JSON body, or the form fields for the token call. */
  readonly body: unknown;
}

export interface Fault extends HttpFault {
  /** Let this many calls of the route through before the fault starts (e.g. fail the second page). */
  readonly after?: number;
  /** Only calls about this incident (card, events, count, transition). */
  readonly incidentId?: string;
}

export type FakeItem = Record<string, unknown> & { id: string; created: string };

export interface FakeMaxpatrolOptions {
  readonly username?: string;
  readonly password?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** `expires_in` of issued tokens, seconds. */
  readonly expiresIn?: number;
  /** Serve HTTPS with this key and certificate. */
  readonly tls?: TlsPair;
}

export interface FakeMaxpatrol {
  /** Base URL of both the API and the token service (they differ only in path here). */
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly incidents: Map<string, FakeItem>;
  readonly cards: Map<string, Record<string, unknown>>;
  readonly events: Map<string, unknown[]>;
  readonly transitions: { id: string; body: Record<string, unknown> }[];
  readonly issuedTokens: string[];
  add(...items: FakeItem[]): void;
  /** Every token issued so far is refused from now on (as after expiry or a Core restart). */
  revokeTokens(): void;
  /** Answer the next `times` calls of `route` with `fault` (Infinity: until cleared). */
  fail(route: Route, fault: Fault, times?: number): void;
  clearFaults(): void;
  /** When true, the API refuses every token, even fresh ones (account without API access). */
  refuseAllTokens: boolean;
  count(route: Route): number;
  /** Stop answering (connection refused) until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

const SELECT = ['key', 'name', 'category', 'type', 'status', 'created', 'assigned'];

/** Independent of the code under test: nanoseconds since the epoch as a bigint, missing zone = UTC. */
export function fakeInstant(value: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!m) throw new Error(`fake: bad time ${value}`);
  const base = Date.parse(`${m[1]}${m[3] ?? 'Z'}`);
  const fraction = BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9));
  return BigInt(base) * 1_000_000n + fraction;
}

export async function startFakeMaxpatrol(options: FakeMaxpatrolOptions = {}): Promise<FakeMaxpatrol> {
  const creds = {
    username: options.username ?? 'socbot',
    password: options.password ?? 'S3cr3t&p@ss=word+%',
    clientId: options.clientId ?? 'mpx',
    clientSecret: options.clientSecret ?? 'client-secret-value',
  };
  const tokenTemplate = mpFixture<Record<string, unknown>>('token_response.json');
  const tokenError = mpFixture('token_error_response.json');
  const cardTemplate = mpFixture<Record<string, unknown>>('incident_detail.json');
  const transitionKeys = Object.keys(mpFixture<Record<string, unknown>>('incident_transition_request_approve.json')).sort();

  const requests: RecordedRequest[] = [];
  const incidents = new Map<string, FakeItem>();
  const cards = new Map<string, Record<string, unknown>>();
  const events = new Map<string, unknown[]>();
  const transitions: { id: string; body: Record<string, unknown> }[] = [];
  const issuedTokens: string[] = [];
  const valid = new Set<string>();
  const faults = new FaultQueue<Route, Fault>();
  let tokenSeq = 0;

  function routeOf(method: string, path: string): { route: Route | 'unknown'; id?: string } {
    if (method === 'POST' && path === '/connect/token') return { route: 'token' };
    if (method === 'POST' && path === '/api/v2/incidents/') return { route: 'list' };
    let m = /^\/api\/incidentsReadModel\/incidents\/([^/]+)$/.exec(path);
    if (method === 'GET' && m) return { route: 'card', id: decodeURIComponent(m[1] as string) };
    m = /^\/api\/incidents\/([^/]+)\/events$/.exec(path);
    if (method === 'GET' && m) return { route: 'events', id: decodeURIComponent(m[1] as string) };
    m = /^\/api\/incidents\/([^/]+)\/events\/count$/.exec(path);
    if (method === 'GET' && m) return { route: 'count', id: decodeURIComponent(m[1] as string) };
    m = /^\/api\/incidents\/([^/]+)\/transitions$/.exec(path);
    if (method === 'PUT' && m) return { route: 'transition', id: decodeURIComponent(m[1] as string) };
    return { route: 'unknown' };
  }

  function cardOf(id: string): Record<string, unknown> | undefined {
    const explicit = cards.get(id);
    if (explicit) return explicit;
    const item = incidents.get(id);
    if (!item) return undefined;
    // The card carries the list fields plus the detail fields of the fixture.
    return { ...cardTemplate, description: `Card of ${String(item.key)}`, ...item };
  }

  const server = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      const text = await readBody(req);
      const { route, id } = routeOf(method, url.pathname);
      const contentType = req.headers['content-type'];
      let body: unknown = text;
      if (route === 'token') body = Object.fromEntries(new URLSearchParams(text));
      else if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      requests.push({
        route,
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: req.headers.authorization,
        contentType,
        body,
      });
      if (route === 'unknown') return json(res, 404, { error: 'no such route' });

      const fault = faults.take(route, (f) => f.incidentId === undefined || f.incidentId === id);
      if (fault && (await answerFault(res, fault))) return;

      if (route === 'token') {
        const form = body as Record<string, string>;
        if (!contentType?.startsWith('application/x-www-form-urlencoded')) return json(res, 400, { error: 'invalid_request' });
        if (form.client_id !== creds.clientId || form.client_secret !== creds.clientSecret) return json(res, 400, { error: 'invalid_client' });
        if (form.grant_type !== 'password' || form.username !== creds.username || form.password !== creds.password) {
          return json(res, 400, tokenError);
        }
        tokenSeq++;
        const token = `fake-access-token-${tokenSeq}-${Math.random().toString(36).slice(2)}`;
        issuedTokens.push(token);
        valid.add(token);
        return json(res, 200, { ...tokenTemplate, access_token: token, expires_in: options.expiresIn ?? tokenTemplate.expires_in });
      }

      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !valid.has(bearer) || api.refuseAllTokens) return json(res, 401, { error: 'unauthorized' });

      switch (route) {
        case 'list': {
          const b = body as Record<string, unknown>;
          const filter = b.filter as { select?: unknown; orderby?: unknown } | undefined;
          if (
            typeof b.offset !== 'number' ||
            typeof b.limit !== 'number' ||
            typeof b.timeFrom !== 'string' ||
            b.filterTimeType !== 'creation' ||
            JSON.stringify(filter?.select) !== JSON.stringify(SELECT)
          ) {
            return json(res, 400, { error: 'bad list request' });
          }
          const from = fakeInstant(b.timeFrom);
          const all = [...incidents.values()]
            .filter((i) => fakeInstant(i.created) >= from)
            .sort((x, y) => {
              const dx = fakeInstant(x.created);
              const dy = fakeInstant(y.created);
              if (dx !== dy) return dx < dy ? -1 : 1;
              return String(x.key) < String(y.key) ? -1 : String(x.key) > String(y.key) ? 1 : 0;
            });
          return json(res, 200, { incidents: all.slice(b.offset, b.offset + b.limit), totalItems: all.length });
        }
        case 'card': {
          const card = cardOf(id as string);
          return card ? json(res, 200, card) : json(res, 404, { error: 'not found' });
        }
        case 'events': {
          if (!incidents.has(id as string) && !cards.has(id as string)) return json(res, 404, { error: 'not found' });
          const limit = Number(url.searchParams.get('limit'));
          const offset = Number(url.searchParams.get('offset') ?? '0');
          if (!url.searchParams.has('limit') || !Number.isInteger(limit)) return json(res, 400, { error: 'limit required' });
          return json(res, 200, (events.get(id as string) ?? []).slice(offset, offset + limit));
        }
        case 'count':
          return json(res, 200, { count: (events.get(id as string) ?? []).length });
        case 'transition': {
          const item = incidents.get(id as string);
          const b = body as Record<string, unknown>;
          if (!item) return json(res, 404, { error: 'not found' });
          if (
            JSON.stringify(Object.keys(b ?? {}).sort()) !== JSON.stringify(transitionKeys) ||
            typeof b.message !== 'string' ||
            typeof b.measures !== 'string'
          ) {
            return json(res, 400, { error: 'bad transition body' });
          }
          if (item.status === 'Closed') return json(res, 400, { error: 'transition not allowed' });
          transitions.push({ id: id as string, body: b });
          item.status = b.id;
          const card = cards.get(id as string);
          if (card) card.status = b.id;
          res.writeHead(204);
          return res.end();
        }
      }
    },
    options.tls ? { tls: options.tls } : {},
  );

  const api: FakeMaxpatrol = {
    url: server.url,
    requests,
    incidents,
    cards,
    events,
    transitions,
    issuedTokens,
    refuseAllTokens: false,
    add(...items) {
      for (const item of items) incidents.set(item.id, { ...item });
    },
    revokeTokens() {
      valid.clear();
    },
    fail(route, fault, times = 1) {
      faults.add(route, fault, times, fault.after ?? 0);
    },
    clearFaults() {
      faults.clear();
    },
    count(route) {
      return requests.filter((r) => r.route === route).length;
    },
    down: () => server.down(),
    up: () => server.up(),
    close: () => server.close(),
  };
  return api;
}
