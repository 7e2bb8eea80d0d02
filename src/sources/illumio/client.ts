/**
 * The PCE REST client: Basic auth with the API key, the events query, and single-object reads by href.
 * Built on lib/http (timeouts, size cap, TLS with optional CA, no redirects, 429 → AppError('rate-limited')
 * with the PCE's Retry-After). Paths are relative to the configured URL, so its port and any prefix are kept
 * (the original hard-coded 8443).
 */
import type { ZodType } from 'zod';
import { AppError } from '../../core/errors.js';
import { createHttpClient, type HttpClient } from '../../lib/http.js';
import { registerSecret } from '../../lib/redact.js';
import type { IllumioConfig } from './config.js';
import { eventsPageSchema } from './schema.js';

/** The PCE's own ceiling for `max_results`; above it the docs point to the async API. */
export const PCE_MAX_RESULTS = 10_000;

/**
 * Hrefs we may dereference. Events name hrefs; they are only ever appended to the configured base as a path,
 * and only in these shapes, so an event cannot steer a request anywhere else.
 */
const READABLE_HREF = /^\/(orgs\/\d+\/(workloads|vens|labels|events)\/[A-Za-z0-9_-]+|system_events\/[A-Za-z0-9_-]+)$/;

export function isReadableHref(href: string): boolean {
  return READABLE_HREF.test(href);
}

export interface EventsQuery {
  /** Inclusive lower bound, epoch ms. */
  readonly fromMs: number;
  /** Inclusive upper bound, epoch ms; open-ended when absent. */
  readonly toMs?: number;
  readonly maxResults: number;
}

export interface IllumioClient {
  /** One events query; items are returned unvalidated so a bad event can be quarantined alone. */
  events(query: EventsQuery, signal: AbortSignal): Promise<unknown[]>;
  /** `GET /api/v2{href}`, validated. Throws AppError('not-found') for 404. */
  read<T>(schema: ZodType<T>, href: string, signal: AbortSignal): Promise<T>;
  /** Requests made since created; /debug and tests read it. */
  readonly requests: () => number;
}

export function basicAuth(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;
}

export function createIllumioClient(config: IllumioConfig, http?: HttpClient): IllumioClient {
  const authorization = basicAuth(config.apiUser, config.apiSecret);
  // The loader registers configured secrets; the derived header value is ours to register.
  registerSecret(config.apiSecret);
  registerSecret(authorization.slice('Basic '.length));
  const client =
    http ??
    createHttpClient({
      name: 'illumio',
      baseUrl: config.url,
      ...(config.caFile ? { caFile: config.caFile } : {}),
      timeoutMs: config.requestTimeout * 1000,
      maxBytes: config.maxResponseBytes,
      headers: { authorization },
    });
  const eventsPath = `api/v2/orgs/${config.org}/events`;
  let count = 0;

  return {
    requests: () => count,
    async events(query, signal) {
      count += 1;
      const { body } = await client.request(eventsPageSchema, {
        path: eventsPath,
        query: {
          'timestamp[gte]': new Date(query.fromMs).toISOString(),
          'timestamp[lte]': query.toMs === undefined ? undefined : new Date(query.toMs).toISOString(),
          max_results: Math.min(query.maxResults, PCE_MAX_RESULTS),
        },
        signal,
      });
      return body;
    },
    async read(schema, href, signal) {
      if (!isReadableHref(href)) throw new AppError('bad-request', 'illumio: refusing to read an unexpected href');
      count += 1;
      const { body } = await client.request(schema, { path: `api/v2${href}`, signal });
      return body;
    },
  };
}
