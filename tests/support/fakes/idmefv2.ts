/**
 * A fake IDMEFv2 receiver on 127.0.0.1, modelled on the connectors' reference test server
 * (tests/fixtures/idmefv2/testserver-observed-responses.json): any path, POST only (501 otherwise), no
 * Content-Length → connection dropped, bad JSON → 500 "Invalid JSON: …", a Version it has no schema for →
 * 500 "Module not found: …", a schema violation → 500 text/plain with the validator's message, valid → 200 empty.
 *
 * It validates with its own Ajv instance against the schema files in tests/fixtures (independent of the code
 * under test). Options turn it into the HTTPS-transport-draft flavour (400 for improper messages), make it
 * check Basic auth like Concerto SIEM, or script answers (503, 400, a hang) for the next POSTs.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsMod from 'ajv-formats';

const addFormats = addFormatsMod.default;

export const IDMEFV2_FIXTURES = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'fixtures', 'idmefv2');

export const SCHEMA_FIXTURES = {
  v04: join(IDMEFV2_FIXTURES, 'schemas', 'IDMEFv2-2.D.V04.schema'),
  v04pinned: join(IDMEFV2_FIXTURES, 'schemas', 'IDMEFv2-2.D.V04.testserver-pinned.schema'),
  v08: join(IDMEFV2_FIXTURES, 'schemas', 'IDMEFv2-2.D.V08.schema'),
} as const;

export function readFixture<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(join(IDMEFV2_FIXTURES, relative), 'utf8')) as T;
}

// ---------------------------------------------------------------- independent schema check

export interface SchemaCheck {
  (message: unknown): boolean;
  /** The first error in the wording of the reference server (Python jsonschema), or undefined when valid. */
  firstError(message: unknown): string | undefined;
  errors(message: unknown): readonly ErrorObject[];
}

/**
 * Ajv (draft-07 mode) on a draft-04 file: the keywords these schemas use mean the same in both drafts except
 * `$schema` (dropped) and the boolean `exclusiveMinimum` of the unused `portType` (never compiled), so the
 * file is compiled as it is, with strict mode off.
 */
export function schemaCheck(file: string): SchemaCheck {
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, logger: false });
  addFormats(ajv);
  const validate: ValidateFunction = ajv.compile(schema);
  const check = ((message: unknown) => validate(message)) as SchemaCheck;
  check.errors = (message) => (validate(message) ? [] : [...(validate.errors ?? [])]);
  check.firstError = (message) => {
    if (validate(message)) return undefined;
    return pythonStyle(validate.errors ?? [], message);
  };
  return check;
}

const PREFERENCE = ['additionalProperties', 'enum', 'pattern', 'format', 'type', 'required'];

function pythonStyle(errors: readonly ErrorObject[], message: unknown): string {
  const sorted = [...errors].sort((a, b) => rank(a) - rank(b));
  const e = sorted[0];
  if (!e) return 'invalid';
  const params = e.params as Record<string, unknown>;
  const value = pointer(message, e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties':
      return `Additional properties are not allowed ('${String(params.additionalProperty)}' was unexpected)`;
    case 'enum':
      return `${py(value)} is not one of [${(params.allowedValues as unknown[]).map(py).join(', ')}]`;
    case 'pattern':
      return `${py(value)} does not match ${py(params.pattern)}`;
    case 'required':
      return `'${String(params.missingProperty)}' is a required property`;
    default:
      return `${py(value)} ${e.message ?? 'is invalid'}`;
  }
}

function rank(e: ErrorObject): number {
  const i = PREFERENCE.indexOf(e.keyword);
  return i < 0 ? PREFERENCE.length : i;
}

function py(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\')}'`;
  return JSON.stringify(value);
}

function pointer(root: unknown, path: string): unknown {
  let node = root;
  for (const part of path.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

// ---------------------------------------------------------------- the server

export type ScriptedAnswer = { readonly status: number; readonly body?: string; readonly contentType?: string } | { readonly hang: true };

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** The parsed body when it was JSON. */
  readonly json?: unknown;
  /** The answer given (0 when the connection was dropped or left hanging). */
  status: number;
  responseBody: string;
}

export interface FakeIdmefv2Options {
  /** Version → schema files the message must pass. Default: the reference server's (pinned V04 only). */
  readonly schemas?: Readonly<Record<string, readonly string[]>>;
  /** Status for a message that fails validation: 500 like the reference server, 400 like the HTTPS transport draft. */
  readonly invalidStatus?: number;
  /** Answer 401 unless this Basic auth is presented (Concerto SIEM). */
  readonly requireAuth?: { readonly username: string; readonly password: string };
}

export interface FakeIdmefv2Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Answers for the next POSTs, in order, given before (instead of) validation. */
  queue(...answers: ScriptedAnswer[]): void;
  /** `ID`s of the POSTed messages, in arrival order. */
  ids(): string[];
  close(): Promise<void>;
}

const MODULE_NUMBER = /^2\.D\.V(\d\d)$/;

export async function startFakeIdmefv2Receiver(options: FakeIdmefv2Options = {}): Promise<FakeIdmefv2Receiver> {
  const schemaFiles = options.schemas ?? { '2.D.V04': [SCHEMA_FIXTURES.v04pinned] };
  const checks = new Map(Object.entries(schemaFiles).map(([version, files]) => [version, files.map(schemaCheck)]));
  const invalidStatus = options.invalidStatus ?? 500;
  const requests: ReceivedRequest[] = [];
  const scripted: ScriptedAnswer[] = [];
  const sockets = new Set<Socket>();

  function answer(res: ServerResponse, record: ReceivedRequest, status: number, body = '', contentType?: string): void {
    record.status = status;
    record.responseBody = body;
    const headers: Record<string, string> = { connection: 'close' };
    if (contentType) headers['content-type'] = contentType;
    res.writeHead(status, headers);
    res.end(body);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      let jsonError: string | undefined;
      try {
        json = body === '' ? undefined : JSON.parse(body);
      } catch (error) {
        jsonError = (error as Error).message;
      }
      const record: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        ...(json !== undefined ? { json } : {}),
        status: 0,
        responseBody: '',
      };
      requests.push(record);

      if (req.method !== 'POST') {
        if (req.method === 'GET') return answer(res, record, 501);
        return answer(res, record, 501, `<!DOCTYPE HTML>\n<html lang="en"><body><p>Error code: 501</p><p>Message: Unsupported method ('${req.method ?? ''}').</p></body></html>\n`, 'text/html;charset=utf-8');
      }
      // The reference handler reads Content-Length and dies without it: no answer at all.
      if (req.headers['content-length'] === undefined) {
        req.socket.destroy();
        return;
      }
      if (options.requireAuth) {
        const expected = `Basic ${Buffer.from(`${options.requireAuth.username}:${options.requireAuth.password}`).toString('base64')}`;
        if (req.headers.authorization !== expected) return answer(res, record, 401, 'Unauthorized\n', 'text/plain; charset=utf-8');
      }
      const next = scripted.shift();
      if (next) {
        if ('hang' in next) return; // never answered; the client must time out
        return answer(res, record, next.status, next.body ?? '', next.contentType ?? (next.body ? 'text/plain; charset=utf-8' : undefined));
      }
      if (jsonError !== undefined) return answer(res, record, invalidStatus, `Invalid JSON: ${jsonError}\n`, 'text/plain; charset=utf-8');
      const version = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>).Version : undefined;
      const versionChecks = typeof version === 'string' ? checks.get(version) : checks.get('2.D.V04');
      if (!versionChecks) {
        const n = typeof version === 'string' ? (MODULE_NUMBER.exec(version)?.[1] ?? version) : String(version);
        return answer(res, record, invalidStatus, `Module not found: idmefv2.schemas.drafts.IDMEFv2.${n}\n`, 'text/plain; charset=utf-8');
      }
      for (const check of versionChecks) {
        const error = check.firstError(json);
        if (error !== undefined) return answer(res, record, invalidStatus, `${error}\n`, 'text/plain; charset=utf-8');
      }
      return answer(res, record, 200);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    queue: (...answers) => scripted.push(...answers),
    ids: () =>
      requests
        .filter((r) => r.method === 'POST')
        .map((r) => (r.json !== null && typeof r.json === 'object' ? String((r.json as Record<string, unknown>).ID) : '')),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
