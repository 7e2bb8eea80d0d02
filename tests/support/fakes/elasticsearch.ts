/**
 * A fake Elasticsearch 8.x on 127.0.0.1 (node:http, or node:https with a given key/cert) that answers `_search`
 * from in-memory alert documents the way Elasticsearch does, closely enough to catch real mistakes:
 *
 * - it evaluates the query it is sent (bool filter/must/should/must_not + minimum_should_match, range, prefix,
 *   term and terms with `case_insensitive`, exists, ids, match_all, match_none) and answers 400
 *   `parsing_exception` for anything else, so an unsupported or misspelt query fails the test;
 * - it sorts by the requested fields (`@timestamp` sort values are epoch millis, like a `date` field), refuses a
 *   sort on `_id` (8.x has no fielddata for it), honours `size` and `search_after` (which must have one value per
 *   sort field) and ignores `from` only when it is 0;
 * - it checks the `Authorization` header (ApiKey or Basic) and sets `x-elastic-product: Elasticsearch`, which the
 *   official client requires;
 * - faults can be queued per `_search`: an HTTP status with an ES error body, malformed JSON, an HTML page,
 *   an oversized body (streamed, chunked), a reset connection, a delay, or a partial shard failure.
 *
 * Documents keep the alerts-index layout: flat `kibana.alert.*` keys and nested ECS objects.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultQueue, listen, streamHuge, utcMs, type TlsPair } from '../http-fake.js';

export interface FakeHit {
  _index: string;
  _id: string;
  _source: Record<string, unknown>;
  fields?: Record<string, unknown>;
}

export type Fault =
  | { type: 'status'; status: number; errorType?: string; headers?: Record<string, string> }
  | { type: 'malformed' }
  | { type: 'html' }
  | { type: 'oversized'; bytes: number }
  | { type: 'reset' }
  | { type: 'delay'; ms: number }
  | { type: 'partial-shards' }
  /** A 200 answer with exactly this text (JSON unless `contentType` says otherwise). */
  | { type: 'body'; body: string; contentType?: string };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakeElasticsearchOptions {
  /** Accepted `Authorization: ApiKey <apiKey>`. */
  apiKey?: string;
  /** Accepted HTTP Basic credentials. */
  username?: string;
  password?: string;
  /** Serve HTTPS with this PEM key and certificate. */
  tls?: TlsPair;
  docs?: FakeHit[];
}

export interface FakeElasticsearch {
  readonly url: string;
  /** The index content; tests add, remove and rewrite documents between polls. */
  docs: FakeHit[];
  readonly requests: RecordedRequest[];
  /** Search requests only. */
  searches(): RecordedRequest[];
  /** Queue a fault for a coming `_search`: `skip` searches pass first, then `times` (may be Infinity) get the fault. */
  fault(fault: Fault, options?: { times?: number; skip?: number }): void;
  clearFaults(): void;
  /** Stop answering (connection refused) until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

class QueryError extends Error {}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Field values of a document: flat dotted key or nested path, arrays flattened (like ES doc values). */
export function fieldValues(doc: FakeHit, path: string): unknown[] {
  if (path === '_id') return [doc._id];
  const out: unknown[] = [];
  const walk = (value: unknown, rest: string[]): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v, rest);
      return;
    }
    if (rest.length === 0) {
      if (value !== undefined && value !== null) out.push(value);
      return;
    }
    if (!isObject(value)) return;
    for (let i = rest.length; i >= 1; i--) {
      const key = rest.slice(0, i).join('.');
      if (Object.hasOwn(value, key)) walk(value[key], rest.slice(i));
    }
  };
  walk(doc._source, path.split('.'));
  return out;
}

function single(clause: Json, name: string): [string, unknown] {
  const entries = Object.entries(clause);
  if (entries.length !== 1) throw new QueryError(`[${name}] query malformed, expected exactly one field`);
  return entries[0] as [string, unknown];
}

function valueAndCase(spec: unknown, name: string): { value: string; insensitive: boolean } {
  if (typeof spec === 'string' || typeof spec === 'number' || typeof spec === 'boolean') return { value: String(spec), insensitive: false };
  if (isObject(spec) && 'value' in spec) {
    for (const key of Object.keys(spec)) {
      if (!['value', 'case_insensitive', 'boost'].includes(key)) throw new QueryError(`[${name}] query does not support [${key}]`);
    }
    return { value: String(spec.value), insensitive: spec.case_insensitive === true };
  }
  throw new QueryError(`[${name}] query malformed`);
}

function timeOf(value: unknown): number {
  if (typeof value === 'number') return value;
  return utcMs(value);
}

function matches(doc: FakeHit, query: unknown): boolean {
  if (!isObject(query)) throw new QueryError('query malformed, must start with start_object');
  const [type, body] = single(query, 'query');
  switch (type) {
    case 'match_all':
      return true;
    case 'match_none':
      return false;
    case 'bool': {
      if (!isObject(body)) throw new QueryError('[bool] malformed');
      for (const key of Object.keys(body)) {
        if (!['filter', 'must', 'should', 'must_not', 'minimum_should_match', 'boost'].includes(key)) {
          throw new QueryError(`[bool] query does not support [${key}]`);
        }
      }
      const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
      if (!list(body.filter).every((q) => matches(doc, q))) return false;
      if (!list(body.must).every((q) => matches(doc, q))) return false;
      if (list(body.must_not).some((q) => matches(doc, q))) return false;
      const should = list(body.should);
      if (should.length === 0) return true;
      const hasRequired = list(body.filter).length + list(body.must).length > 0;
      const minimum = body.minimum_should_match === undefined ? (hasRequired ? 0 : 1) : Number(body.minimum_should_match);
      return should.filter((q) => matches(doc, q)).length >= minimum;
    }
    case 'range': {
      const [field, spec] = single(body as Json, 'range');
      if (!isObject(spec)) throw new QueryError('[range] malformed');
      for (const key of Object.keys(spec)) {
        if (!['gte', 'gt', 'lte', 'lt', 'format', 'time_zone'].includes(key)) throw new QueryError(`[range] query does not support [${key}]`);
      }
      return fieldValues(doc, field).some((raw) => {
        const v = timeOf(raw);
        if (spec.gte !== undefined && !(v >= timeOf(spec.gte))) return false;
        if (spec.gt !== undefined && !(v > timeOf(spec.gt))) return false;
        if (spec.lte !== undefined && !(v <= timeOf(spec.lte))) return false;
        if (spec.lt !== undefined && !(v < timeOf(spec.lt))) return false;
        return true;
      });
    }
    case 'prefix': {
      const [field, spec] = single(body as Json, 'prefix');
      const { value, insensitive } = valueAndCase(spec, 'prefix');
      return fieldValues(doc, field).some((v) => (insensitive ? String(v).toLowerCase().startsWith(value.toLowerCase()) : String(v).startsWith(value)));
    }
    case 'term': {
      const [field, spec] = single(body as Json, 'term');
      const { value, insensitive } = valueAndCase(spec, 'term');
      return fieldValues(doc, field).some((v) => (insensitive ? String(v).toLowerCase() === value.toLowerCase() : String(v) === value));
    }
    case 'terms': {
      const [field, values] = single(body as Json, 'terms');
      if (!Array.isArray(values)) throw new QueryError('[terms] query does not support lookup without an array');
      const wanted = new Set(values.map(String));
      return fieldValues(doc, field).some((v) => wanted.has(String(v)));
    }
    case 'exists': {
      if (!isObject(body) || typeof body.field !== 'string') throw new QueryError('[exists] must be provided with a [field]');
      return fieldValues(doc, body.field).length > 0;
    }
    case 'ids': {
      if (!isObject(body) || !Array.isArray(body.values)) throw new QueryError('[ids] malformed');
      return body.values.map(String).includes(doc._id);
    }
    default:
      throw new QueryError(`unknown query [${type}]`);
  }
}

interface SortField {
  field: string;
  desc: boolean;
}

function parseSort(sort: unknown): SortField[] {
  if (sort === undefined) return [];
  const list = Array.isArray(sort) ? sort : [sort];
  return list.map((item) => {
    if (typeof item === 'string') return { field: item, desc: false };
    if (!isObject(item)) throw new QueryError('[sort] malformed');
    const [field, spec] = single(item, 'sort');
    const order = typeof spec === 'string' ? spec : isObject(spec) ? spec.order : 'asc';
    if (order !== 'asc' && order !== 'desc') throw new QueryError(`[sort] unknown order [${String(order)}]`);
    return { field, desc: order === 'desc' };
  });
}

function sortValue(doc: FakeHit, field: string): string | number | null {
  if (field === '_id') throw new QueryError('Fielddata access on the _id field is disallowed');
  const first = fieldValues(doc, field)[0];
  if (first === undefined) return null;
  if (field === '@timestamp') return timeOf(first);
  return typeof first === 'number' ? first : String(first);
}

function compareValues(a: string | number | null, b: string | number | null): number {
  // Missing values sort last, like ES's default `missing: _last` for ascending order.
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function compareTuples(a: readonly (string | number | null)[], b: readonly unknown[], sort: readonly SortField[]): number {
  for (let i = 0; i < sort.length; i++) {
    const bv = b[i];
    const c = compareValues(a[i] ?? null, bv === undefined || bv === null ? null : (bv as string | number));
    if (c !== 0) return sort[i]?.desc ? -c : c;
  }
  return 0;
}

function indexMatches(pattern: string, index: string): boolean {
  return pattern.split(',').some((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(index));
}

function esError(status: number, type: string, reason: string): string {
  return JSON.stringify({ error: { root_cause: [{ type, reason }], type, reason }, status });
}

export async function startFakeElasticsearch(options: FakeElasticsearchOptions = {}): Promise<FakeElasticsearch> {
  const docs: FakeHit[] = options.docs ?? [];
  const requests: RecordedRequest[] = [];
  const faults = new FaultQueue<'search', Fault>();

  const state = { docs };

  function authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    if (options.apiKey !== undefined && header === `ApiKey ${options.apiKey}`) return true;
    if (options.username !== undefined && options.password !== undefined) {
      const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
      if (header === expected) return true;
    }
    return options.apiKey === undefined && options.username === undefined;
  }

  function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, {
      'content-type': 'application/json; charset=UTF-8',
      'x-elastic-product': 'Elasticsearch',
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    });
    res.end(body);
  }


  async function applyFault(fault: Fault, res: ServerResponse): Promise<boolean> {
    switch (fault.type) {
      case 'status':
        send(res, fault.status, esError(fault.status, fault.errorType ?? 'fake_failure', 'injected failure'), fault.headers);
        return true;
      case 'malformed':
        send(res, 200, '{"took":1,"timed_out":false,"hits":{"hits":[{"_id":"x",');
        return true;
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html', 'x-elastic-product': 'Elasticsearch' });
        res.end('<html><body><h1>Maintenance</h1></body></html>');
        return true;
      case 'oversized':
        // Chunked without content-length: the client must count while streaming, not trust a header.
        await streamHuge(res, fault.bytes, '{"took":1,"timed_out":false,"hits":{"hits":[],"padding":"', '"}}', { 'x-elastic-product': 'Elasticsearch' });
        return true;
      case 'reset':
        res.socket?.destroy();
        return true;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return false;
      case 'body':
        send(res, 200, fault.body, fault.contentType ? { 'content-type': fault.contentType } : {});
        return true;
      case 'partial-shards':
        send(res, 200, JSON.stringify({ took: 1, timed_out: false, _shards: { total: 2, successful: 1, skipped: 0, failed: 1 }, hits: { hits: [] } }));
        return true;
    }
  }

  function search(index: string, body: Json): string {
    for (const key of Object.keys(body)) {
      if (!['query', 'sort', 'size', 'from', 'search_after', 'track_total_hits', '_source', 'fields'].includes(key)) {
        throw new QueryError(`Unknown key for a START_OBJECT in [${key}].`);
      }
    }
    if (body.from !== undefined && body.from !== 0) throw new QueryError('this fake does not page with from; use search_after');
    const size = body.size === undefined ? 10 : Number(body.size);
    const sort = parseSort(body.sort);
    const query = body.query ?? { match_all: {} };
    const matched = state.docs.filter((d) => indexMatches(index, d._index) && matches(d, query));
    const keyed = matched.map((doc) => ({ doc, key: sort.map((s) => sortValue(doc, s.field)) }));
    keyed.sort((a, b) => compareTuples(a.key, b.key, sort));
    let rest = keyed;
    if (body.search_after !== undefined) {
      if (!Array.isArray(body.search_after) || body.search_after.length !== sort.length) {
        throw new QueryError(`search_after has ${Array.isArray(body.search_after) ? body.search_after.length : 0} value(s) but sort has ${sort.length}`);
      }
      const after = body.search_after as unknown[];
      rest = keyed.filter((k) => compareTuples(k.key, after, sort) > 0);
    }
    const hits = rest.slice(0, size).map(({ doc, key }) => ({
      _index: doc._index,
      _id: doc._id,
      _score: null,
      _source: doc._source,
      ...(doc.fields ? { fields: doc.fields } : {}),
      ...(sort.length > 0 ? { sort: key } : {}),
    }));
    const total = body.track_total_hits === false ? {} : { total: { value: matched.length, relation: 'eq' } };
    return JSON.stringify({
      took: 1,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: { ...total, max_score: null, hits },
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        send(res, 400, esError(400, 'parse_exception', 'request body is not JSON'));
        return;
      }
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });

    if (!authorized(req)) {
      send(res, 401, esError(401, 'security_exception', `missing authentication credentials for REST request [${path}]`), {
        'www-authenticate': 'Basic realm="security" charset="UTF-8", ApiKey',
      });
      return;
    }
    if (path === '/' && req.method === 'GET') {
      send(res, 200, JSON.stringify({ name: 'fake', cluster_name: 'fake', version: { number: '8.18.2' }, tagline: 'You Know, for Search' }));
      return;
    }
    const m = /^\/([^/]+)\/_search$/.exec(path);
    if (!m || (req.method !== 'POST' && req.method !== 'GET')) {
      send(res, 404, esError(404, 'no_handler_found', `no handler for ${req.method ?? ''} ${path}`));
      return;
    }
    const fault = faults.take('search');
    if (fault && (await applyFault(fault, res))) return;
    try {
      send(res, 200, search(decodeURIComponent(m[1] ?? ''), isObject(body) ? body : {}));
    } catch (error) {
      if (error instanceof QueryError) send(res, 400, esError(400, 'parsing_exception', error.message));
      else send(res, 500, esError(500, 'fake_internal', String(error)));
    }
  }

  const server = await listen(
    (req, res) =>
      handle(req, res).catch(() => {
        if (!res.headersSent) send(res, 500, esError(500, 'fake_internal', 'handler failed'));
        else res.destroy();
      }),
    options.tls ? { tls: options.tls } : {},
  );

  return {
    url: server.url,
    get docs() {
      return state.docs;
    },
    set docs(value: FakeHit[]) {
      state.docs = value;
    },
    requests,
    searches: () => requests.filter((r) => r.path.endsWith('/_search')),
    fault(fault, opts = {}) {
      faults.add('search', fault, opts.times ?? 1, opts.skip ?? 0);
    },
    clearFaults: () => faults.clear(),
    down: () => server.down(),
    up: () => server.up(),
    close: () => server.close(),
  };
}
