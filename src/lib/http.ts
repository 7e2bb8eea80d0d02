/**
 * The one HTTP client for vendor APIs: timeouts, a response size cap, TLS with an optional CA file,
 * no silent redirects, Retry-After, and zod validation. Failures become `AppError`s with a kind and
 * carry only method, host, path and status: never headers, bodies or query strings (which may hold secrets).
 */
import { readFileSync } from 'node:fs';
import got, { type Method, type OptionsOfTextResponseBody, type CancelableRequest, type Response } from 'got';
import type { ZodType } from 'zod';
import { AppError } from '../core/errors.js';

export interface HttpClientOptions {
  /** Base URL; request paths are resolved against it. */
  baseUrl: string;
  /** PEM file with extra CAs for on-premises installs. TLS verification always stays on. */
  caFile?: string;
  /** Client certificate and its private key (PEM files) for servers that require mutual TLS; both or neither. */
  certFile?: string;
  keyFile?: string;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  /** Responses larger than this are aborted and reported as invalid. */
  maxBytes?: number;
  headers?: Record<string, string>;
  /** Name used in error messages ("maxpatrol", "soar"). */
  name: string;
}

export interface RequestOptions {
  method?: Method;
  /** Relative to baseUrl, or absolute (e.g. a per-tenant API host). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Statuses that are returned rather than thrown (e.g. 404 for "not found is fine"). */
  allowStatus?: readonly number[];
}

export interface HttpResult<T> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

export interface HttpClient {
  readonly name: string;
  request<T>(schema: ZodType<T>, options: RequestOptions): Promise<HttpResult<T>>;
  /** Raw text, for bodies that are not JSON. */
  text(options: RequestOptions): Promise<HttpResult<string>>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(raw);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

/** A PEM file (CA, client certificate or key), read once; an unreadable one is a configuration error naming the client, not a crash. */
function readPemFile(name: string, key: string, file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw new AppError('config', `${name}: ${key} ${file} cannot be read (${code})`, { cause: error });
  }
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const ca = readPemFile(options.name, 'caFile', options.caFile);
  const certificate = readPemFile(options.name, 'certFile', options.certFile);
  const key = readPemFile(options.name, 'keyFile', options.keyFile);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;

  function urlOf(req: RequestOptions): URL {
    return new URL(req.path, options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  }

  /** How a call is named in errors: client, method, host and path; never the query, which may hold secrets. */
  function whereOf(req: RequestOptions): string {
    const url = urlOf(req);
    return `${options.name} ${req.method ?? 'GET'} ${url.host}${url.pathname}`;
  }

  async function send(req: RequestOptions): Promise<HttpResult<string>> {
    const url = urlOf(req);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const where = whereOf(req);
    const gotOptions: OptionsOfTextResponseBody = {
      method: req.method ?? 'GET',
      headers: { accept: 'application/json', ...options.headers, ...req.headers },
      timeout: { request: req.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      // The size cap counts bytes off the wire: a compressed answer could inflate far past it in memory, so none
      // is asked for (no Accept-Encoding) and none is inflated.
      decompress: false,
      responseType: 'text',
      https: { rejectUnauthorized: true, ...(ca ? { certificateAuthority: ca } : {}), ...(certificate && key ? { certificate, key } : {}) },
      ...(req.json !== undefined ? { json: req.json } : {}),
      ...(req.form !== undefined ? { form: req.form } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    };
    let tooLarge = false;
    let response: Response<string>;
    try {
      const pending: CancelableRequest<Response<string>> = got(url, gotOptions);
      pending.on('downloadProgress', (progress: { transferred: number }) => {
        if (progress.transferred > maxBytes && !tooLarge) {
          tooLarge = true;
          pending.cancel();
        }
      });
      response = await pending;
    } catch (error) {
      if (tooLarge) throw new AppError('invalid-response', `${where}: response larger than ${maxBytes} bytes`);
      throw classifyNetworkError(error, where, certificate !== undefined);
    }
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { status, body: response.body, headers: response.headers };
    if (req.allowStatus?.includes(status)) return { status, body: response.body, headers: response.headers };
    throw statusError(status, where, response.headers);
  }

  return {
    name: options.name,
    text: send,
    async request<T>(schema: ZodType<T>, req: RequestOptions): Promise<HttpResult<T>> {
      const res = await send(req);
      const where = whereOf(req);
      let data: unknown;
      try {
        data = res.body === '' ? null : JSON.parse(res.body);
      } catch {
        throw new AppError('invalid-response', `${where}: body is not JSON (status ${res.status})`, { status: res.status });
      }
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        const paths = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
        throw new AppError('invalid-response', `${where}: unexpected shape (${paths.join('; ')})`, { status: res.status });
      }
      return { status: res.status, body: parsed.data, headers: res.headers };
    },
  };
}

export function statusError(status: number, where: string, headers: Record<string, string | string[] | undefined> = {}): AppError {
  if (status === 401 || status === 403) return new AppError('auth', `${where}: HTTP ${status}`, { status });
  if (status === 429) {
    return new AppError('rate-limited', `${where}: HTTP 429`, { status, retryAfterMs: parseRetryAfter(headers['retry-after']) ?? 60_000 });
  }
  if (status === 404) return new AppError('not-found', `${where}: HTTP 404`, { status });
  if (status >= 500 || status === 408) return new AppError('unavailable', `${where}: HTTP ${status}`, { status });
  if (status >= 300 && status < 400) return new AppError('invalid-response', `${where}: unexpected redirect (HTTP ${status}), not followed`, { status });
  return new AppError('bad-request', `${where}: HTTP ${status}`, { status });
}

function classifyNetworkError(error: unknown, where: string, clientCertificate: boolean): AppError {
  const e = error as { code?: string; name?: string };
  const code = e.code ?? e.name ?? 'network';
  // The server ended the handshake over our (missing) client certificate: mutual TLS, which no retry fixes.
  if (/CERTIFICATE_REQUIRED/.test(code)) {
    return new AppError('auth', `${where}: the server requires a client certificate (mutual TLS)${clientCertificate ? ' and did not take the one configured' : ', and none is configured (certFile, keyFile)'} (${code})`);
  }
  if (clientCertificate && /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED)/.test(code)) {
    return new AppError('auth', `${where}: the server refused the client certificate (${code})`);
  }
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code)) {
    return new AppError('unavailable', `${where}: TLS verification failed (${code})`);
  }
  if (e.name === 'AbortError' || code === 'ERR_ABORTED') return new AppError('unavailable', `${where}: aborted`);
  if (code === 'ETIMEDOUT' || e.name === 'TimeoutError') return new AppError('unavailable', `${where}: timed out`);
  return new AppError('unavailable', `${where}: ${code}`);
}
