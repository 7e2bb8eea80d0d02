/**
 * The SOAR REST client: HTTP Basic with the API key on every request, SOAR's own error text surfaced on 4xx,
 * and bounded retries with backoff for transient failures. Built on `lib/http.ts` (timeouts, TLS, size cap).
 */
import type { ZodType } from 'zod';
import { AppError, isAppError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { createHttpClient, type HttpClient, type RequestOptions } from '../../lib/http.js';
import { oneLine, redactText, registerSecret } from '../../lib/redact.js';
import type { SoarConfig } from './config.js';
import { statusSchema } from './schema.js';

/** 4xx answers we read ourselves to show SOAR's message. 408 and 429 stay with the HTTP client (retryable). */
const CLIENT_ERRORS: readonly number[] = Array.from({ length: 100 }, (_, i) => 400 + i).filter((s) => s !== 408 && s !== 429);

/** Longest Retry-After we wait in place; longer ones are the caller's to retry. */
const MAX_RETRY_AFTER_MS = 60_000;

export interface SoarClient {
  /** One request, no retry. Throws `AppError` (auth / bad-request / rate-limited / unavailable / invalid-response). */
  request<T>(schema: ZodType<T>, op: string, options: RequestOptions): Promise<T>;
  /** Runs `fn` again on transient failures (unavailable, rate-limited) up to `attempts` times with backoff. */
  retrying<T>(op: string, signal: AbortSignal | undefined, fn: (attempt: number) => Promise<T>): Promise<T>;
  /** Waits before try `attempt + 1` (exponential backoff, or the server's Retry-After when rate-limited). */
  backoff(op: string, error: AppError, attempt: number, signal: AbortSignal | undefined): Promise<void>;
}

export interface SoarClientDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  /** For tests: an HTTP client other than the default one. */
  readonly http?: HttpClient;
}

export function isTransient(error: unknown): error is AppError {
  return isAppError(error) && (error.kind === 'unavailable' || error.kind === 'rate-limited');
}

/** SOAR's StatusDTO message, made safe for chat and logs. */
function soarMessage(body: string): string | undefined {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = statusSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const text = parsed.data.message ?? parsed.data.title ?? undefined;
  return text ? redactText(oneLine(text)).slice(0, 300) : undefined;
}

export function createSoarClient(config: SoarConfig, deps: SoarClientDeps): SoarClient {
  registerSecret(config.apiKeySecret);
  registerSecret(config.apiKeyId);
  const basic = Buffer.from(`${config.apiKeyId}:${config.apiKeySecret}`).toString('base64');
  registerSecret(basic);

  const http =
    deps.http ??
    createHttpClient({
      name: 'soar',
      baseUrl: config.url,
      ...(config.caFile ? { caFile: config.caFile } : {}),
      ...(config.certFile && config.keyFile ? { certFile: config.certFile, keyFile: config.keyFile } : {}),
      timeoutMs: Math.round(config.timeout * 1000),
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
    });

  async function request<T>(schema: ZodType<T>, op: string, options: RequestOptions): Promise<T> {
    let res;
    try {
      res = await http.text({ ...options, allowStatus: CLIENT_ERRORS });
    } catch (error) {
      if (isAppError(error)) {
        // Keep the kind and status; say which SOAR operation it was rather than the URL.
        const status = error.status === undefined ? '' : ` (HTTP ${error.status})`;
        const reason = error.status === undefined ? `: ${error.message.replace(/^soar \S+ \S+: /, '')}` : '';
        throw new AppError(error.kind, `SOAR ${op} failed${status}${reason}`, {
          cause: error,
          ...(error.status === undefined ? {} : { status: error.status }),
          ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
        });
      }
      throw error;
    }
    if (res.status >= 400) {
      const said = soarMessage(res.body);
      const kind = res.status === 401 || res.status === 403 ? 'auth' : 'bad-request';
      throw new AppError(kind, `SOAR ${op} refused (HTTP ${res.status})${said ? `: ${said}` : ''}`, { status: res.status });
    }
    let data: unknown;
    try {
      data = res.body === '' ? null : JSON.parse(res.body);
    } catch {
      throw new AppError('invalid-response', `SOAR ${op}: answer is not JSON (HTTP ${res.status})`, { status: res.status });
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const paths = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new AppError('invalid-response', `SOAR ${op}: unexpected answer (${paths.join('; ')})`, { status: res.status });
    }
    return parsed.data;
  }

  async function backoff(op: string, error: AppError, attempt: number, signal: AbortSignal | undefined): Promise<void> {
    const base = config.retryDelay * 1000 * 2 ** (attempt - 1);
    const wait = error.kind === 'rate-limited' ? Math.min(error.retryAfterMs ?? base, MAX_RETRY_AFTER_MS) : base;
    deps.logger.warn('soar call failed, retrying', { op, kind: error.kind, status: error.status, attempt, waitMs: wait });
    await deps.clock.sleep(wait, signal);
    if (signal?.aborted) throw new AppError('unavailable', `SOAR ${op}: cancelled`);
  }

  async function retrying<T>(op: string, signal: AbortSignal | undefined, fn: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(attempt);
      } catch (error) {
        if (!isTransient(error) || attempt >= config.attempts || signal?.aborted) throw error;
        await backoff(op, error, attempt, signal);
      }
    }
  }

  return { request, retrying, backoff };
}
