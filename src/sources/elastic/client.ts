/**
 * The Elasticsearch side of the source, on the official 8.x client (the 9.x client's `compatible-with=9` media
 * types are rejected by 8.x servers). Only `_search` is used. Every failure leaves here as an `AppError` whose
 * message names the operation and the status or error class, never a header, credential or full URL.
 */
import { readFileSync } from 'node:fs';
import { Client, errors } from '@elastic/elasticsearch';
import { AppError } from '../../core/errors.js';
import { parseRetryAfter } from '../../lib/http.js';
import { registerSecret } from '../../lib/redact.js';
import type { ElasticConfig } from './config.js';
import type { SearchBody } from './query.js';
import { searchResponseSchema, type SearchResponse } from './schema.js';

export interface ElasticClient {
  /** One `_search` on the configured index, validated. `what` names the operation in error messages. */
  search(body: SearchBody, what: string, signal: AbortSignal): Promise<SearchResponse>;
  close(): Promise<void>;
}

type ClientConfig = Pick<ElasticConfig, 'url' | 'apiKey' | 'username' | 'password' | 'caFile' | 'index' | 'timeoutSeconds' | 'maxResponseBytes'>;

function authOf(config: ClientConfig): { apiKey: string } | { username: string; password: string } {
  if (config.apiKey) return { apiKey: config.apiKey };
  if (config.username && config.password) return { username: config.username, password: config.password };
  throw new AppError('config', 'sources.elastic: apiKey or username + password required');
}

function readCa(caFile: string | undefined): Buffer | undefined {
  if (!caFile) return undefined;
  try {
    return readFileSync(caFile);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw new AppError('config', `sources.elastic.caFile: cannot read ${caFile} (${code})`, { cause: error });
  }
}

export function createElasticClient(config: ClientConfig): ElasticClient {
  registerSecret(config.apiKey);
  registerSecret(config.password);
  const ca = readCa(config.caFile);
  const client = new Client({
    node: config.url,
    auth: authOf(config),
    // Verification stays on; an on-premises CA is added, never a bypass.
    tls: { rejectUnauthorized: true, ...(ca ? { ca } : {}) },
    requestTimeout: config.timeoutSeconds * 1000,
    // The scheduler owns retries and backoff; a retry here would only hide an outage and multiply its load.
    maxRetries: 0,
    // Checked while streaming, so a huge answer is cut off instead of being buffered.
    maxResponseSize: config.maxResponseBytes,
    maxCompressedResponseSize: config.maxResponseBytes,
    compression: false,
    name: 'socbot',
  });

  return {
    async search(body, what, signal) {
      let raw: unknown;
      try {
        raw = await client.search({ index: config.index, ...body } as Parameters<Client['search']>[0], { signal });
      } catch (error) {
        throw toAppError(error, what, signal);
      }
      return validate(raw, what);
    },
    close: () => client.close(),
  };
}

function validate(raw: unknown, what: string): SearchResponse {
  if (typeof raw === 'string') {
    // Not JSON at all (an HTML proxy page with status 200): the transport hands the text through.
    throw new AppError('invalid-response', `elastic ${what}: body is not JSON`);
  }
  const parsed = searchResponseSchema.safeParse(raw);
  if (!parsed.success) {
    const paths = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AppError('invalid-response', `elastic ${what}: unexpected shape (${paths.join('; ')})`);
  }
  const response = parsed.data;
  if (response.timed_out === true) throw new AppError('unavailable', `elastic ${what}: search timed out on the server (partial results)`);
  const failed = response._shards?.failed ?? 0;
  if (failed > 0) throw new AppError('unavailable', `elastic ${what}: ${failed} shard(s) failed (partial results)`);
  return response;
}

/** Elasticsearch error type (`index_not_found_exception`), never the reason: reasons can quote the query. */
function errorType(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'object' && error !== null) {
    const type = (error as { type?: unknown }).type;
    if (typeof type === 'string' && /^[a-z_]{1,80}$/.test(type)) return type;
  }
  return undefined;
}

export function toAppError(error: unknown, what: string, signal?: AbortSignal): AppError {
  const where = `elastic ${what}`;
  if (error instanceof AppError) return error;
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    const type = errorType(error.body);
    const suffix = type ? ` (${type})` : '';
    if (status === 401 || status === 403) return new AppError('auth', `${where}: HTTP ${status}${suffix}`, { status });
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(error.headers?.['retry-after']) ?? 60_000;
      return new AppError('rate-limited', `${where}: HTTP 429${suffix}`, { status, retryAfterMs });
    }
    if (status === 404) return new AppError('not-found', `${where}: HTTP 404${suffix}`, { status });
    if (status >= 500 || status === 408) return new AppError('unavailable', `${where}: HTTP ${status}${suffix}`, { status });
    return new AppError('bad-request', `${where}: HTTP ${status}${suffix}`, { status });
  }
  if (error instanceof errors.DeserializationError) return new AppError('invalid-response', `${where}: body is not valid JSON`);
  if (error instanceof errors.ProductNotSupportedError) {
    return new AppError('invalid-response', `${where}: the server did not identify as Elasticsearch`);
  }
  if (error instanceof errors.TimeoutError) return new AppError('unavailable', `${where}: timed out`);
  if (error instanceof errors.RequestAbortedError) {
    if (/bigger than the maximum allowed/.test(error.message)) {
      return new AppError('invalid-response', `${where}: response larger than the configured maxResponseBytes`);
    }
    return new AppError('unavailable', `${where}: ${signal?.aborted ? 'aborted' : 'request aborted'}`);
  }
  if (error instanceof errors.ConnectionError || error instanceof errors.NoLivingConnectionsError) {
    // The message carries local/remote socket addresses; only a TLS hint is kept from it.
    const tls = /certificate|self[- ]signed|CERT_|SSL|TLS|unable to verify|altnames/i.test(error.message);
    if (tls) return new AppError('unavailable', `${where}: TLS verification failed`);
    const code = /\b(E[A-Z]{3,}|UND_ERR_[A-Z_]+)\b/.exec(error.message)?.[1];
    return new AppError('unavailable', `${where}: connection failed${code ? ` (${code})` : ''}`);
  }
  if (error instanceof errors.ConfigurationError) return new AppError('config', `${where}: client configuration rejected`);
  const name = error instanceof Error ? error.name : 'unknown error';
  return new AppError('unavailable', `${where}: ${name}`);
}
