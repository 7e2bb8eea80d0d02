/**
 * A fake IBM SOAR REST server on 127.0.0.1 speaking the shapes of tests/fixtures/ibm-soar: session (org
 * resolution), incident create, query_paged, artifacts, Data Table rows and the type definitions. It checks the
 * API key, validates handles and cells like SOAR does (400 with a StatusDTO), stores everything it is sent, and
 * can inject delays, errors and "answer late after doing the work" (a create that times out after creating).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Collection } from '../../../src/core/ports.js';
import type { JsonValue } from '../../../src/core/reply.js';
import type { Incident, SubEvent } from '../../../src/core/incident.js';

type Json = Record<string, unknown>;

export function soarFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/ibm-soar/${name}`, import.meta.url), 'utf8')) as T;
}

interface SelectValue {
  value: number | string;
  label: string;
  enabled?: boolean;
}
interface FieldDef {
  name: string;
  input_type?: string;
  required?: string;
  values?: SelectValue[];
}
interface TypeDef {
  id: number;
  type_name: string;
  fields: Record<string, FieldDef>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly authorization: string | undefined;
}

export interface StoredArtifact {
  id: number;
  type: string;
  value: string;
  description: unknown;
}

export interface StoredRow {
  id: number;
  cells: Record<string, { id: number; row_id: number; value: unknown }>;
}

export interface StoredIncident {
  id: number;
  org: number;
  /** The create body exactly as received. */
  body: Json;
  createDate: number;
  artifacts: StoredArtifact[];
  rows: Map<string, StoredRow[]>;
}

export interface Fault {
  method?: string;
  /** Matched against the URL path (no query). */
  path: RegExp;
  /** Answer with this status (and body) instead of handling the request. */
  status?: number;
  body?: unknown;
  /** Wait this long before handling (a slow server; with a short client timeout: a timeout before any effect). */
  delayMs?: number;
  /** Handle the request normally, then hold the answer this long (a timeout after the server did the work). */
  holdAfterMs?: number;
  /** How many matching requests this applies to (default 1). */
  times?: number;
  /** Matching requests to let through untouched before this applies (default 0). */
  skip?: number;
}

export interface FakeSoarOptions {
  apiKeyId?: string;
  apiKeySecret?: string;
  /** Delay before every answer (benchmarks). */
  delayMs?: number;
  /** Extra custom incident text fields besides `socbot_key`. */
  customFields?: string[];
}

export interface FakeSoar {
  readonly url: string;
  readonly apiKeyId: string;
  readonly apiKeySecret: string;
  readonly requests: RecordedRequest[];
  readonly incidents: Map<number, StoredIncident>;
  /** Most requests being handled at the same time so far. */
  readonly maxInFlight: number;
  inject(fault: Fault): void;
  /** Requests whose method and path match. */
  calls(method: string, path: RegExp): RecordedRequest[];
  rowsOf(id: number, table?: string): StoredRow[];
  close(): Promise<void>;
}

const ARTIFACT_TYPE_FIELD = soarFixture<FieldDef & { values: SelectValue[] }>('artifact-types.extract.json');
const INCIDENT_FIELDS = soarFixture<Record<string, FieldDef>>('incident-fields.extract.json');
const SESSION = soarFixture<{ orgs: Array<{ id: number; name: string; enabled: boolean }> }>('session-response.json');
const INCIDENT_DTO = soarFixture<Json>('incident-dto.json');
const ERROR_BODY = soarFixture<Json>('error-response.example.json');
const ROW_RESPONSE = soarFixture<Json>('table-data-row-response.json');

function statusBody(message: string): Json {
  return { ...ERROR_BODY, message };
}

class HttpFail extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Resolves a select handle (id, name, `{id}`, `{name}`) against a field's values, as SOAR does. */
function resolveHandle(field: FieldDef, handle: unknown): SelectValue {
  const values = field.values ?? [];
  let hit: SelectValue | undefined;
  if (typeof handle === 'number') hit = values.find((v) => v.value === handle);
  else if (typeof handle === 'string') hit = values.find((v) => v.label === handle);
  else if (handle && typeof handle === 'object') {
    const o = handle as { id?: unknown; name?: unknown };
    if (typeof o.id === 'number') hit = values.find((v) => v.value === o.id);
    else if (typeof o.name === 'string') hit = values.find((v) => v.label === o.name);
  }
  if (!hit) {
    const shown = typeof handle === 'object' ? JSON.stringify(handle) : String(handle);
    throw new HttpFail(400, typeof handle === 'number' ? `Unable to find object with ID ${handle}` : `Unable to find object with name ${shown}`);
  }
  return hit;
}

export async function startFakeSoar(options: FakeSoarOptions = {}): Promise<FakeSoar> {
  const apiKeyId = options.apiKeyId ?? 'soar-key-id-7f3a';
  const apiKeySecret = options.apiKeySecret ?? 'soar-key-secret-Qm9vYmFy';
  const expected = `Basic ${Buffer.from(`${apiKeyId}:${apiKeySecret}`).toString('base64')}`;
  const requests: RecordedRequest[] = [];
  const incidents = new Map<number, StoredIncident>();
  const faults: Array<Fault & { left: number; skipLeft: number }> = [];
  const timers = new Set<NodeJS.Timeout>();
  let nextIncident = 2315;
  let nextArtifact = 100;
  let nextRow = 27;
  let nextCell = 5000;
  let inFlight = 0;
  let maxInFlight = 0;

  const customFields = ['socbot_key', ...(options.customFields ?? [])];
  const fieldTemplate = INCIDENT_FIELDS.name as FieldDef;
  const incidentField = (name: string): FieldDef | undefined =>
    INCIDENT_FIELDS[name] ?? (customFields.includes(name) ? { ...fieldTemplate, name, required: undefined } : undefined);
  const tables = new Map<string, TypeDef>();
  for (const file of ['datatable-type.event_information.json', 'datatable-type.extract.json']) {
    const t = soarFixture<TypeDef>(file);
    tables.set(t.type_name, t);
    tables.set(String(t.id), t);
  }

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  function artifactOut(a: StoredArtifact, names: boolean): Json {
    const id = ARTIFACT_TYPE_FIELD.values.find((v) => v.label === a.type)?.value;
    return { id: a.id, type: names ? a.type : id, value: a.value, description: a.description, relating: null, hits: [], created: Date.now() };
  }

  function addArtifact(incident: StoredIncident, body: Json): StoredArtifact {
    const type = resolveHandle(ARTIFACT_TYPE_FIELD, body.type);
    if (type.enabled === false) throw new HttpFail(400, `Artifact type ${type.label} is disabled`);
    if (typeof body.value !== 'string' || body.value === '') throw new HttpFail(400, 'Artifact value is required');
    const artifact: StoredArtifact = { id: nextArtifact++, type: type.label, value: body.value, description: body.description };
    incident.artifacts.push(artifact);
    return artifact;
  }

  function orgOf(raw: string): number {
    const org = SESSION.orgs.find((o) => String(o.id) === raw && o.enabled);
    if (!org) throw new HttpFail(404, `Unable to find object with ID ${raw}`);
    return org.id;
  }

  function incidentOf(org: number, raw: string): StoredIncident {
    const incident = incidents.get(Number(raw));
    if (!incident || incident.org !== org) throw new HttpFail(404, `Unable to find object with ID ${raw}`);
    return incident;
  }

  function tableOf(raw: string): TypeDef {
    const table = tables.get(decodeURIComponent(raw));
    if (!table) throw new HttpFail(404, `Unable to find object with name ${decodeURIComponent(raw)}`);
    return table;
  }

  function incidentOut(incident: StoredIncident): Json {
    const body = incident.body;
    const severity = resolveHandle(INCIDENT_FIELDS.severity_code as FieldDef, body.severity_code ?? 'Low');
    const description = body.description as { content?: string } | string | undefined;
    return {
      ...INCIDENT_DTO,
      id: incident.id,
      org_id: incident.org,
      name: body.name,
      description: typeof description === 'string' ? description : (description?.content ?? null),
      discovered_date: body.discovered_date,
      start_date: body.start_date ?? null,
      create_date: incident.createDate,
      severity_code: severity.value,
      incident_type_ids: ((body.incident_type_ids as unknown[] | undefined) ?? []).map((h) => resolveHandle(INCIDENT_FIELDS.incident_type_ids as FieldDef, h).value),
      properties: body.properties ?? {},
      plan_status: body.plan_status ?? 'A',
      vers: 1,
    };
  }

  function createIncident(org: number, body: Json): StoredIncident {
    for (const [name, field] of Object.entries(INCIDENT_FIELDS)) {
      if (field.required === 'always' && (body[name] === undefined || body[name] === null || body[name] === '')) {
        throw new HttpFail(400, `The following fields are required: ${name}`);
      }
    }
    if (typeof body.discovered_date !== 'number') throw new HttpFail(400, 'discovered_date must be a number of milliseconds');
    if (typeof body.start_date === 'number' && body.start_date > body.discovered_date) throw new HttpFail(400, 'The start date cannot be after the discovered date');
    if (body.severity_code !== undefined) resolveHandle(INCIDENT_FIELDS.severity_code as FieldDef, body.severity_code);
    for (const h of (body.incident_type_ids as unknown[] | undefined) ?? []) resolveHandle(INCIDENT_FIELDS.incident_type_ids as FieldDef, h);
    for (const key of Object.keys((body.properties as Json | undefined) ?? {})) {
      if (!customFields.includes(key)) throw new HttpFail(400, `Unable to find object with name ${key}`);
    }
    const incident: StoredIncident = { id: nextIncident++, org, body, createDate: Date.now(), artifacts: [], rows: new Map() };
    // Inline artifacts are created with the incident, all or nothing.
    const probe: StoredIncident = { ...incident, artifacts: [] };
    for (const a of (body.artifacts as Json[] | undefined) ?? []) addArtifact(probe, a);
    incident.artifacts = probe.artifacts;
    incidents.set(incident.id, incident);
    return incident;
  }

  function matches(incident: StoredIncident, condition: Json): boolean {
    const field = String(condition.field_name);
    const out = incidentOut(incident);
    const actual = field.startsWith('properties.') ? (out.properties as Json)[field.slice('properties.'.length)] : out[field];
    switch (condition.method) {
      case 'equals':
        return actual === condition.value;
      case 'contains':
        return typeof actual === 'string' && actual.includes(String(condition.value));
      case 'has_a_value':
        return actual !== undefined && actual !== null && actual !== '';
      default:
        throw new HttpFail(400, `Unsupported method ${String(condition.method)}`);
    }
  }

  function queryPaged(org: number, body: Json): Json {
    const filters = (body.filters as Array<{ conditions?: Json[] }> | undefined) ?? [];
    const mine = [...incidents.values()].filter((i) => i.org === org);
    const hits = mine.filter((i) => filters.length === 0 || filters.some((f) => (f.conditions ?? []).every((c) => matches(i, c))));
    const sort = (body.sorts as Array<{ field_name: string; type: string }> | undefined)?.[0];
    if (sort?.field_name === 'create_date') hits.sort((a, b) => (sort.type === 'desc' ? b.createDate - a.createDate || b.id - a.id : a.createDate - b.createDate || a.id - b.id));
    const start = typeof body.start === 'number' ? body.start : 0;
    const length = typeof body.length === 'number' ? body.length : 100;
    return { recordsTotal: mine.length, recordsFiltered: hits.length, data: hits.slice(start, start + length).map(incidentOut) };
  }

  function addRow(incident: StoredIncident, table: TypeDef, body: Json): StoredRow {
    const cells = body.cells as Record<string, { value?: unknown }> | undefined;
    if (!cells || typeof cells !== 'object') throw new HttpFail(400, 'cells is required');
    const row: StoredRow = { id: nextRow++, cells: {} };
    for (const [name, field] of Object.entries(table.fields)) {
      if (field.required === 'always' && cells[name]?.value === undefined) throw new HttpFail(400, `The following fields are required: ${name}`);
    }
    for (const [name, cell] of Object.entries(cells)) {
      const field = table.fields[name];
      if (!field) throw new HttpFail(400, `Unable to find object with name ${name}`);
      let value = cell.value;
      if (field.input_type === 'select') value = resolveHandle(field, value).value;
      else if ((field.input_type === 'text' || field.input_type === 'textarea') && typeof value !== 'string') {
        throw new HttpFail(400, `Invalid value for field ${name}: expected text`);
      }
      row.cells[name] = { id: nextCell++, row_id: row.id, value };
    }
    const rows = incident.rows.get(table.type_name) ?? [];
    rows.push(row);
    incident.rows.set(table.type_name, rows);
    return row;
  }

  function route(method: string, path: string, query: URLSearchParams, body: unknown): unknown {
    const json = (body ?? {}) as Json;
    const names = query.get('handle_format') === 'names';
    if (method === 'GET' && path === '/rest/session') return SESSION;
    const m = /^\/rest\/orgs\/([^/]+)(\/.*)$/.exec(path);
    if (!m) throw new HttpFail(404, `No such resource ${path}`);
    const org = orgOf(m[1] ?? '');
    const rest = m[2] ?? '';
    let r: RegExpExecArray | null;
    if (method === 'POST' && rest === '/incidents') return incidentOut(createIncident(org, json));
    if (method === 'POST' && rest === '/incidents/query_paged') return queryPaged(org, json);
    if ((r = /^\/incidents\/(\d+)\/artifacts$/.exec(rest))) {
      const incident = incidentOf(org, r[1] ?? '');
      if (method === 'GET') return incident.artifacts.map((a) => artifactOut(a, names));
      if (method === 'POST') return [artifactOut(addArtifact(incident, json), names)];
    }
    if ((r = /^\/incidents\/(\d+)\/table_data\/([^/]+)\/row_data$/.exec(rest)) && method === 'POST') {
      const incident = incidentOf(org, r[1] ?? '');
      const row = addRow(incident, tableOf(r[2] ?? ''), json);
      return { ...ROW_RESPONSE, id: row.id, cells: row.cells, version: 1 };
    }
    if ((r = /^\/incidents\/(\d+)\/table_data\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const incident = incidentOf(org, r[1] ?? '');
      const table = tableOf(r[2] ?? '');
      return { id: table.id, rows: (incident.rows.get(table.type_name) ?? []).map((row) => ({ id: row.id, cells: row.cells, actions: [], version: 1 })) };
    }
    if ((r = /^\/incidents\/(\d+)$/.exec(rest)) && method === 'GET') return incidentOut(incidentOf(org, r[1] ?? ''));
    if (method === 'GET' && rest === '/types/artifact') return { id: 4, type_name: 'artifact', fields: { type: ARTIFACT_TYPE_FIELD } };
    if ((r = /^\/types\/incident\/fields\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const field = incidentField(decodeURIComponent(r[1] ?? ''));
      if (!field) throw new HttpFail(404, `Unable to find object with name ${r[1] ?? ''}`);
      return field;
    }
    if ((r = /^\/types\/([^/]+)$/.exec(rest)) && method === 'GET') return tableOf(r[1] ?? '');
    throw new HttpFail(404, `No such resource ${path}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), body, authorization: req.headers.authorization });
    const send = (status: number, payload: unknown): void => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (options.delayMs) await wait(options.delayMs);
    if (req.headers.authorization !== expected) {
      send(401, statusBody('Authentication failed: invalid API key'));
      return;
    }
    let fault: (typeof faults)[number] | undefined;
    for (const f of faults) {
      if (f.left <= 0 || (f.method && f.method !== method) || !f.path.test(url.pathname)) continue;
      if (f.skipLeft > 0) {
        f.skipLeft--;
        continue;
      }
      fault = f;
      break;
    }
    if (fault) fault.left--;
    if (fault?.delayMs) await wait(fault.delayMs);
    if (fault?.status !== undefined) {
      send(fault.status, fault.body ?? statusBody(`Injected HTTP ${fault.status}`));
      return;
    }
    let status = 200;
    let payload: unknown;
    try {
      payload = route(method, url.pathname, url.searchParams, body);
    } catch (error) {
      if (!(error instanceof HttpFail)) throw error;
      status = error.status;
      payload = statusBody(error.message);
    }
    if (fault?.holdAfterMs) await wait(fault.holdAfterMs);
    send(status, payload);
  }

  const server: Server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    handle(req, res)
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(statusBody(`fake failure: ${String(error)}`)));
      })
      .finally(() => {
        inFlight--;
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKeyId,
    apiKeySecret,
    requests,
    incidents,
    get maxInFlight() {
      return maxInFlight;
    },
    inject(fault) {
      faults.push({ ...fault, left: fault.times ?? 1, skipLeft: fault.skip ?? 0 });
    },
    calls(method, path) {
      return requests.filter((r) => r.method === method && path.test(r.path));
    },
    rowsOf(id, table = 'event_information') {
      return incidents.get(id)?.rows.get(table) ?? [];
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ------------------------------------------------------------------------------------------ test data

/** An in-memory `deps.state` that round-trips through JSON like a real store. */
export function memoryState(): Collection<JsonValue> & { readonly data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: (id) => Promise.resolve(data.has(id) ? (JSON.parse(data.get(id) as string) as JsonValue) : undefined),
    set: (id, value) => {
      data.set(id, JSON.stringify(value));
      return Promise.resolve();
    },
    delete: (id) => Promise.resolve(data.delete(id)),
    async *entries() {
      for (const [k, v] of data) yield [k, JSON.parse(v) as JsonValue] as const;
    },
  };
}

/** The Elastic SSH brute-force group (shell + 5 building blocks) as socbot stores it; see the fixture README. */
export function sshGroupIncident(): Incident {
  return soarFixture<Incident>('incident-elastic-ssh-group.json');
}

/** The SSH group with `count` building blocks (the fixture's five repeated with distinct ids, ports and times). */
export function largeGroupIncident(count: number): Incident {
  const base = sshGroupIncident();
  const template = base.subEvents;
  const start = Date.parse(template[0]?.time ?? '2025-06-02T09:14:03.118Z');
  const subEvents: SubEvent[] = Array.from({ length: count }, (_, i) => {
    const t = template[i % template.length] as SubEvent;
    const port = String(40000 + i);
    return {
      ...t,
      id: `${t.id.slice(0, 56)}${i.toString(16).padStart(8, '0')}`,
      title: `Failed password for root from 203.0.113.45 port ${port} ssh2`,
      time: new Date(start + i * 250).toISOString(),
      details: { ...t.details, 'source.port': port, message: `Failed password for root from 203.0.113.45 port ${port} ssh2` },
    };
  });
  return { ...base, subEvents };
}
