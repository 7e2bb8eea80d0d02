/**
 * A fake Illumio PCE on 127.0.0.1, built from tests/fixtures/illumio.
 *
 * It behaves like the real events API where socbot depends on it: HTTP Basic with the API key, a JSON array
 * answer, `timestamp[gte]`/`timestamp[lte]` (inclusive) filters, `max_results` (PCE default 100, maximum 10 000)
 * that silently cuts the answer, newest first (or shuffled, to prove the client does not rely on any order).
 * Workloads, VENs, labels and single events are served by href. Faults can be queued per route: any status with
 * headers (429 + Retry-After, 5xx, 401) or a raw body (garbage, HTML, an object instead of an array).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerFault, FaultQueue, listen, utcMs, type HttpFault, type TlsPair } from '../http-fake.js';
import { IncidentBook } from '../state.js';

export function illumioFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/illumio/${name}`, import.meta.url), 'utf8')) as T;
}

export type Json = Record<string, unknown>;

export interface PceObjects {
  workloads: Record<string, Json>;
  vens: Record<string, Json>;
  labels: Record<string, Json>;
}

/** Any status with headers and a raw body, a stall (`delayMs`), a reset connection or a huge answer. */
export type Fault = HttpFault;

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string | undefined;
}

export type Route = 'events' | 'objects';

export interface FakePce {
  readonly url: string;
  /** Raw items served by the events endpoint; push to add, they may be malformed on purpose. */
  events: unknown[];
  objects: PceObjects;
  readonly requests: RecordedRequest[];
  /** `desc` (newest first, the PCE's habit) or `shuffle`. */
  order: 'desc' | 'shuffle';
  /** Queue a fault for the next request(s) on a route (`times` may be Infinity: until cleared). */
  fail(route: Route, fault: Fault, times?: number): void;
  clearFaults(): void;
  eventRequests(): RecordedRequest[];
  objectRequests(): RecordedRequest[];
  /** Stop answering (connection refused) until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export interface FakePceOptions {
  readonly org?: number;
  readonly user?: string;
  readonly secret?: string;
  readonly events?: unknown[];
  readonly objects?: PceObjects;
  /** Serve HTTPS with this key and certificate. */
  readonly tls?: TlsPair;
}

export const PCE_USER = 'api_1a2b3c4d5e6f7a8b9';
export const PCE_SECRET = 'a9f3c2d1e0b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2';

const times = new WeakMap<object, number | undefined>();

function timeOf(item: unknown): number | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  if (times.has(item)) return times.get(item);
  const ts = (item as { timestamp?: unknown }).timestamp;
  const parsed = typeof ts === 'string' ? utcMs(ts) : Number.NaN;
  const ms = Number.isNaN(parsed) ? undefined : parsed;
  times.set(item, ms);
  return ms;
}

function send(res: ServerResponse, status: number, body: string, contentType = 'application/json', headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(body);
}

export async function startFakePce(options: FakePceOptions = {}): Promise<FakePce> {
  const org = options.org ?? 1;
  const expectedAuth = `Basic ${Buffer.from(`${options.user ?? PCE_USER}:${options.secret ?? PCE_SECRET}`).toString('base64')}`;
  const faults = new FaultQueue<Route, Fault>();
  const requests: RecordedRequest[] = [];

  const state = {
    events: options.events ?? [],
    objects: options.objects ?? { workloads: {}, vens: {}, labels: {} },
    order: 'desc' as 'desc' | 'shuffle',
  };

  function serveEvents(query: URLSearchParams, res: ServerResponse): void {
    const gte = query.get('timestamp[gte]');
    const lte = query.get('timestamp[lte]');
    const gteMs = gte === null ? undefined : utcMs(gte);
    const lteMs = lte === null ? undefined : utcMs(lte);
    if ((gte !== null && Number.isNaN(gteMs)) || (lte !== null && Number.isNaN(lteMs))) {
      send(res, 406, JSON.stringify([{ token: 'invalid_timestamp', message: 'timestamp must be RFC 3339' }]));
      return;
    }
    const max = query.has('max_results') ? Number(query.get('max_results')) : 100;
    if (!Number.isInteger(max) || max < 1 || max > 10_000) {
      send(res, 406, JSON.stringify([{ token: 'invalid_max_results', message: 'max_results out of range' }]));
      return;
    }
    const matching = state.events.filter((item) => {
      const t = timeOf(item);
      if (t === undefined) return true;
      return (gteMs === undefined || t >= gteMs) && (lteMs === undefined || t <= lteMs);
    });
    let ordered = [...matching].sort((a, b) => (timeOf(b) ?? 0) - (timeOf(a) ?? 0));
    if (state.order === 'shuffle') {
      // Deterministic shuffle: the client must not depend on the order, the test must not be flaky.
      ordered = ordered.map((item, i) => ({ item, k: (i * 7919) % 1009 })).sort((a, b) => a.k - b.k).map((x) => x.item);
    }
    send(res, 200, JSON.stringify(ordered.slice(0, max)));
  }

  function serveObject(path: string, res: ServerResponse): void {
    const href = path.replace(/^\/api\/v2/, '');
    const event = state.events.find((e) => typeof e === 'object' && e !== null && (e as { href?: unknown }).href === href);
    const found = state.objects.workloads[href] ?? state.objects.vens[href] ?? state.objects.labels[href] ?? event;
    if (found === undefined) {
      send(res, 404, JSON.stringify([{ token: 'not_found', message: 'Not found' }]));
      return;
    }
    send(res, 200, JSON.stringify(found));
  }

  const server = await listen(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query, authorization: req.headers.authorization });
    if (req.headers.authorization !== expectedAuth) {
      send(res, 401, JSON.stringify({ error: 'Authentication required' }));
      return;
    }
    const route: Route = url.pathname === `/api/v2/orgs/${org}/events` ? 'events' : 'objects';
    const fault = faults.take(route);
    if (fault && (await answerFault(res, fault))) return;
    if (req.method !== 'GET') {
      send(res, 405, '');
      return;
    }
    if (route === 'events') serveEvents(url.searchParams, res);
    else if (/^\/api\/v2\/(orgs\/\d+\/(workloads|vens|labels|events)\/[^/]+|system_events\/[^/]+)$/.test(url.pathname)) serveObject(url.pathname, res);
    else send(res, 404, JSON.stringify([{ token: 'not_found' }]));
  }, options.tls ? { tls: options.tls } : {});

  return {
    url: server.url,
    get events() {
      return state.events;
    },
    set events(value: unknown[]) {
      state.events = value;
    },
    get objects() {
      return state.objects;
    },
    set objects(value: PceObjects) {
      state.objects = value;
    },
    get order() {
      return state.order;
    },
    set order(value: 'desc' | 'shuffle') {
      state.order = value;
    },
    requests,
    fail(route, fault, times = 1) {
      faults.add(route, fault, times);
    },
    clearFaults: () => faults.clear(),
    eventRequests: () => requests.filter((r) => r.path === `/api/v2/orgs/${org}/events`),
    objectRequests: () => requests.filter((r) => r.path !== `/api/v2/orgs/${org}/events`),
    down: () => server.down(),
    up: () => server.up(),
    close: () => server.close(),
  };
}

// ------------------------------------------------------------------ event builders

/** A copy of a fixture event with a new href (uuid) and timestamp; `patch` overrides top-level fields. */
export function eventAt(template: Json, time: string | number, patch: Json = {}): Json {
  const iso = typeof time === 'number' ? new Date(time).toISOString() : time;
  const copy = JSON.parse(JSON.stringify(template)) as Json;
  return { ...copy, href: `/orgs/1/events/${randomUUID()}`, timestamp: iso, ...patch };
}

// ------------------------------------------------------------------ the pipeline's dedupe, in miniature

/** The pipeline's storage rule for Illumio drafts (see IncidentBook). */
export function incidentLedger(): IncidentBook {
  return new IncidentBook('illumio');
}
