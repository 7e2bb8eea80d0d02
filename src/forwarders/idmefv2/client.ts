/**
 * Delivery of one IDMEFv2 message: `POST` JSON (got sets Content-Length, never a chunked body, which the
 * reference test server cannot read) to the configured URL, optional HTTP Basic.
 *
 * Classification (docs/apis/idmefv2.md): 2xx delivered; 5xx, 408 and network failures or timeouts are
 * `unavailable` (the caller retries with the same `ID`); 429 `rate-limited`; 401/403 `auth`; any other 4xx is
 * `bad-request` carrying the receiver's own reason, never retried. Bodies of failures are shown shortened
 * and redacted, because the receiver's text is what tells the person what to fix.
 */
import { AppError } from '../../core/errors.js';
import { createHttpClient, parseRetryAfter, type HttpClient } from '../../lib/http.js';
import { oneLine, redactText, registerSecret } from '../../lib/redact.js';
import type { Idmefv2Message } from './convert.js';

export interface Idmefv2ClientOptions {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly caFile?: string;
  /** Client certificate and key (PEM files) for a receiver that requires mutual TLS. */
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly timeoutMs: number;
}

export interface DeliveryReceipt {
  readonly status: number;
}

export interface Idmefv2Client {
  send(message: Idmefv2Message, signal?: AbortSignal): Promise<DeliveryReceipt>;
}

/** Every failure status is returned to us rather than thrown, so the receiver's reason can be read. */
const FAILURE_STATUSES: readonly number[] = Array.from({ length: 200 }, (_, i) => 400 + i);
const MAX_REASON = 300;

export function createIdmefv2Client(options: Idmefv2ClientOptions, http?: HttpClient): Idmefv2Client {
  const client =
    http ??
    createHttpClient({
      name: 'idmefv2',
      baseUrl: options.url,
      caFile: options.caFile,
      ...(options.certFile && options.keyFile ? { certFile: options.certFile, keyFile: options.keyFile } : {}),
      timeoutMs: options.timeoutMs,
      maxBytes: 1024 * 1024,
    });
  const headers: Record<string, string> = {};
  if (options.username !== undefined && options.password !== undefined) {
    const token = Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64');
    // The header value is as secret as the password it encodes.
    registerSecret(token);
    headers.authorization = `Basic ${token}`;
  }
  const target = new URL(options.url);
  const where = `idmefv2 POST ${target.host}${target.pathname}`;

  return {
    async send(message, signal) {
      const res = await client.text({
        method: 'POST',
        // Absolute, so a URL without a trailing slash (`…/ingest`) is used exactly as configured.
        path: options.url,
        json: message,
        headers,
        allowStatus: FAILURE_STATUSES,
        ...(signal ? { signal } : {}),
      });
      if (res.status < 400) return { status: res.status };
      throw classify(res.status, reasonOf(res.body), where, res.headers['retry-after']);
    },
  };
}

function reasonOf(body: string): string {
  const text = oneLine(redactText(body.replace(/<[^>]*>/g, ' '))).replace(/\s+/g, ' ').trim();
  if (!text) return '';
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

function classify(status: number, reason: string, where: string, retryAfter: string | string[] | undefined): AppError {
  const suffix = reason ? `: ${reason}` : '';
  if (status === 401 || status === 403) return new AppError('auth', `${where}: HTTP ${status}, credentials refused${suffix}`, { status });
  if (status === 429) {
    return new AppError('rate-limited', `${where}: HTTP 429${suffix}`, { status, retryAfterMs: parseRetryAfter(retryAfter) ?? 60_000 });
  }
  if (status >= 500 || status === 408) return new AppError('unavailable', `${where}: HTTP ${status}${suffix}`, { status });
  return new AppError('bad-request', `${where}: HTTP ${status}, receiver refused the message${suffix}`, { status });
}
