/**
 * SophosLabs Intelix client: URL and IP reputation for local-site clean-up (/cleanls).
 *
 * - Token: client credentials with HTTP Basic on `{authUrl}/oauth2/token`, kept in memory until shortly before
 *   it expires; an expired/rejected token ("The incoming token has expired") triggers one new login.
 * - Lookups send the bare token in `Authorization` (no `Bearer`, as the official client does).
 * - Risk is normalised to HIGH | MEDIUM | LOW | TRUSTED | UNCLASSIFIED | UNKNOWN:
 *   URLs use `riskLevel`; IPs take the highest risk of their categories (connector's intelix_config.ini),
 *   unknown categories and no category are UNCLASSIFIED; an answer without any risk, or no answer at all
 *   (lookup failed), is UNKNOWN. Neither UNCLASSIFIED nor UNKNOWN is ever deleted by any clean level.
 * - `lookupMany` normalises (case, scheme, trailing slash), looks each distinct value up once with bounded
 *   concurrency, and caches answers for their `ttl`.
 */
import { isIP } from 'node:net';
import type { ZodType } from 'zod';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import { AppError, errorMessage, isAppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { createHttpClient, type HttpResult } from '../../lib/http.js';
import { redactText, registerSecret } from '../../lib/redact.js';
import { createTokenCache, type FetchedToken } from '../../lib/token-cache.js';
import { mapLimit } from './concurrency.js';
import type { IntelixConfig } from './config.js';
import { withRetries } from './retry.js';
import { intelixIpLookupSchema, intelixMessageSchema, intelixTokenSchema, intelixUrlLookupSchema } from './schema.js';

export const INTELIX_RISKS = ['HIGH', 'MEDIUM', 'LOW', 'TRUSTED', 'UNCLASSIFIED', 'UNKNOWN'] as const;
export type IntelixRisk = (typeof INTELIX_RISKS)[number];

export type LookupType = 'url' | 'ip';

/** Fluent id of a risk label (`sophos-risk-high` …), defined in locales/*.ftl. */
export function riskLabelKey(risk: IntelixRisk): string {
  return `sophos-risk-${risk.toLowerCase()}`;
}

/** IP category → risk rank (sophos-central-api-connector intelix_config.ini). Anything else is 0. */
export const IP_CATEGORY_RISK: Readonly<Record<string, number>> = {
  malware: 4,
  botnet: 4,
  spam_mta: 4,
  psh: 4,
  spammers: 4,
  bot: 4,
  illegal: 4,
  bulk_mta: 3,
  bulk_mta_grey: 3,
  enduser_network: 2,
  generic_mta: 2,
  free_mta: 2,
  isp_mta: 2,
  biz_mta: 2,
  news_mta: 2,
  notifications_mta: 2,
  clean_mta: 1,
};

const RANK_RISK: readonly IntelixRisk[] = ['UNCLASSIFIED', 'TRUSTED', 'LOW', 'MEDIUM', 'HIGH'];

export interface IntelixResult {
  /** The normalised value that was looked up. */
  readonly value: string;
  readonly lookupType: LookupType;
  readonly risk: IntelixRisk;
  readonly requestId?: string;
  readonly correlationId?: string;
  /** URL lookups. */
  readonly productivityCategory?: string;
  readonly securityCategory?: string;
  /** The `riskLevel` as Intelix sent it (URL lookups). */
  readonly riskLevel?: string;
  /** IP lookups: the category list as sent (empty when absent). */
  readonly ipCategory?: readonly string[];
  readonly ttl?: number;
  /** Set when the lookup failed (risk UNKNOWN); redacted, one line. */
  readonly error?: string;
  /** The answer body as received. */
  readonly raw?: unknown;
}

export interface IntelixBatch {
  /** One entry per input value (as given); duplicates share the same result. */
  readonly results: ReadonlyMap<string, IntelixResult>;
  /** Distinct values looked up over the network in this call (cache hits excluded). */
  readonly lookups: number;
  /** Distinct normalised values in the input. */
  readonly distinct: number;
}

export interface IntelixClient {
  lookupUrl(url: string, signal?: AbortSignal): Promise<IntelixResult>;
  lookupIp(ip: string, signal?: AbortSignal): Promise<IntelixResult>;
  /** IP lookup when the value parses as an IP address, URL lookup otherwise (including CIDR). */
  lookup(value: string, signal?: AbortSignal): Promise<IntelixResult>;
  /**
   * Looks each distinct value up once. A failed lookup yields risk UNKNOWN with `error`; an `auth` failure
   * (credentials refused) throws, because every other lookup would fail the same way.
   */
  lookupMany(values: Iterable<string>, options?: { readonly concurrency?: number; readonly signal?: AbortSignal }): Promise<IntelixBatch>;
}

export interface IntelixClientDeps {
  readonly logger: Logger;
  readonly clock: Clock;
}

const TOKEN_MARGIN_S = 60;
/** Answers are cached for their ttl, but never longer than this. */
const MAX_CACHE_MS = 24 * 3600 * 1000;
const DEFAULT_CACHE_MS = 3600 * 1000;
const CACHE_MAX = 10_000;

/** Decides URL or IP lookup and normalises for dedupe: scheme dropped, host lower-cased, trailing slashes cut. */
export function lookupKey(value: string): { readonly type: LookupType; readonly key: string } {
  const trimmed = value.trim();
  const bare = trimmed.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare)) return { type: 'ip', key: bare.toLowerCase() };
  const noScheme = trimmed.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const cut = noScheme.search(/[/?#]/);
  const host = (cut === -1 ? noScheme : noScheme.slice(0, cut)).toLowerCase();
  const rest = (cut === -1 ? '' : noScheme.slice(cut)).replace(/\/+$/, '');
  const hostBare = host.replace(/^\[(.*)\]$/, '$1');
  if (rest === '' && isIP(hostBare)) return { type: 'ip', key: hostBare };
  return { type: 'url', key: `${host}${rest}` };
}

export function ipRisk(categories: readonly string[] | undefined): IntelixRisk {
  let rank = 0;
  for (const c of categories ?? []) rank = Math.max(rank, IP_CATEGORY_RISK[c.trim().toLowerCase()] ?? 0);
  return RANK_RISK[rank] ?? 'UNCLASSIFIED';
}

export function urlRisk(riskLevel: string | undefined): IntelixRisk {
  const level = riskLevel?.trim().toUpperCase();
  return level === 'HIGH' || level === 'MEDIUM' || level === 'LOW' || level === 'TRUSTED' || level === 'UNCLASSIFIED' ? level : 'UNKNOWN';
}

export function createIntelixClient(config: IntelixConfig, deps: IntelixClientDeps): IntelixClient {
  registerSecret(config.clientSecret);
  const basic = Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64');
  registerSecret(basic);
  const log = deps.logger.child({ component: 'intelix' });
  const common = { ...(config.caFile ? { caFile: config.caFile } : {}), timeoutMs: config.requestTimeout * 1000, maxBytes: config.maxResponseBytes };
  const auth = createHttpClient({ name: 'intelix-auth', baseUrl: config.authUrl, ...common });
  const api = createHttpClient({ name: 'intelix', baseUrl: config.apiUrl, ...common });
  const maxRetryWaitMs = config.maxRetryWait * 1000;

  const cache = new Map<string, { result: IntelixResult; expiresAt: number }>();

  async function fetchToken(signal: AbortSignal | undefined): Promise<FetchedToken> {
    const res = await withRetries(
      () =>
        auth.request(z.unknown(), {
          method: 'POST',
          path: 'oauth2/token',
          headers: { authorization: `Basic ${basic}` },
          form: { grant_type: 'client_credentials' },
          allowStatus: [400, 401, 403],
          ...(signal ? { signal } : {}),
        }),
      { clock: deps.clock, maxRetryWaitMs, signal, name: 'intelix token' },
    );
    const parsed = intelixTokenSchema.safeParse(res.body);
    if (res.status !== 200 || !parsed.success) {
      if (res.status === 200) throw new AppError('invalid-response', 'intelix token: unexpected shape');
      throw new AppError('auth', `intelix token request rejected (HTTP ${res.status})`, { status: res.status });
    }
    return { value: parsed.data.access_token, expiresInS: parsed.data.expires_in };
  }

  const tokens = createTokenCache({ clock: deps.clock, fetch: fetchToken, renewMarginS: TOKEN_MARGIN_S, defaultLifetimeS: 3600 });

  async function get<T>(schema: ZodType<T>, path: string, signal: AbortSignal | undefined): Promise<HttpResult<T>> {
    return withRetries(
      async () => {
        const bearer = await tokens.get(signal);
        const res = await api.request(z.unknown(), {
          path,
          headers: { authorization: bearer },
          allowStatus: [401, 403],
          ...(signal ? { signal } : {}),
        });
        if (res.status === 401 || res.status === 403) {
          const message = intelixMessageSchema.safeParse(res.body);
          const expired = message.success && /expired|invalid.*token|unauthori[sz]ed/i.test(message.data.message ?? '');
          // A 401, or a 403 that says the token is bad, earns one fresh login (withRetries); other 403s do not.
          throw new AppError('auth', `intelix GET ${path.split('/').slice(0, 3).join('/')}: HTTP ${res.status}${expired ? ' (token expired)' : ''}`, {
            status: res.status === 401 || expired ? 401 : 403,
          });
        }
        const parsed = schema.safeParse(res.body);
        if (!parsed.success) throw new AppError('invalid-response', `intelix GET ${path.split('/').slice(0, 3).join('/')}: unexpected shape`);
        return { ...res, body: parsed.data };
      },
      {
        clock: deps.clock,
        maxRetryWaitMs,
        signal,
        name: 'intelix',
        onUnauthorized: () => tokens.invalidate(),
      },
    );
  }

  function cached(cacheKey: string): IntelixResult | undefined {
    const hit = cache.get(cacheKey);
    if (!hit) return undefined;
    if (hit.expiresAt > deps.clock.now().getTime()) return hit.result;
    cache.delete(cacheKey);
    return undefined;
  }

  function remember(cacheKey: string, result: IntelixResult): void {
    const ttlMs = result.ttl !== undefined && result.ttl > 0 ? Math.min(result.ttl * 1000, MAX_CACHE_MS) : DEFAULT_CACHE_MS;
    if (cache.size >= CACHE_MAX) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(cacheKey, { result, expiresAt: deps.clock.now().getTime() + ttlMs });
  }

  async function lookupUrlKey(key: string, signal: AbortSignal | undefined): Promise<IntelixResult> {
    const res = await get(intelixUrlLookupSchema, `lookup/urls/v1/${encodeURIComponent(key)}`, signal);
    const b = res.body;
    return {
      value: key,
      lookupType: 'url',
      risk: urlRisk(b.riskLevel),
      ...(b.requestId !== undefined ? { requestId: b.requestId } : {}),
      ...(b.correlationId !== undefined ? { correlationId: b.correlationId } : {}),
      ...(b.productivityCategory !== undefined ? { productivityCategory: b.productivityCategory } : {}),
      ...(b.securityCategory !== undefined ? { securityCategory: b.securityCategory } : {}),
      ...(b.riskLevel !== undefined ? { riskLevel: b.riskLevel } : {}),
      ...(b.ttl !== undefined ? { ttl: b.ttl } : {}),
      raw: b,
    };
  }

  async function lookupIpKey(key: string, signal: AbortSignal | undefined): Promise<IntelixResult> {
    const res = await get(intelixIpLookupSchema, `lookup/ips/v1/${encodeURIComponent(key)}`, signal);
    const b = res.body;
    return {
      value: key,
      lookupType: 'ip',
      risk: ipRisk(b.category),
      ipCategory: b.category ?? [],
      ...(b.requestId !== undefined ? { requestId: b.requestId } : {}),
      ...(b.correlationId !== undefined ? { correlationId: b.correlationId } : {}),
      ...(b.ttl !== undefined ? { ttl: b.ttl } : {}),
      raw: b,
    };
  }

  async function lookupKeyed(type: LookupType, key: string, signal: AbortSignal | undefined): Promise<{ result: IntelixResult; fetched: boolean }> {
    const cacheKey = `${type}:${key}`;
    const hit = cached(cacheKey);
    if (hit) return { result: hit, fetched: false };
    const result = type === 'ip' ? await lookupIpKey(key, signal) : await lookupUrlKey(key, signal);
    remember(cacheKey, result);
    return { result, fetched: true };
  }

  function checkedIp(ip: string): string {
    const bare = ip.trim().replace(/^\[(.*)\]$/, '$1');
    if (!isIP(bare)) throw new AppError('bad-request', 'intelix: not an IP address');
    return bare.toLowerCase();
  }

  return {
    async lookupUrl(url, signal) {
      const key = lookupKey(url).key;
      if (!key) throw new AppError('bad-request', 'intelix: empty URL');
      return (await lookupKeyed('url', key, signal)).result;
    },

    async lookupIp(ip, signal) {
      return (await lookupKeyed('ip', checkedIp(ip), signal)).result;
    },

    async lookup(value, signal) {
      const { type, key } = lookupKey(value);
      if (!key) throw new AppError('bad-request', 'intelix: empty value');
      return (await lookupKeyed(type, key, signal)).result;
    },

    async lookupMany(values, options = {}) {
      const inputs = [...values];
      const distinct = new Map<string, { type: LookupType; key: string }>();
      for (const v of inputs) {
        const k = lookupKey(v);
        if (k.key) distinct.set(`${k.type}:${k.key}`, k);
      }
      const entries = [...distinct.entries()];
      let lookups = 0;
      const resolved = await mapLimit(entries, options.concurrency ?? config.concurrency, async ([cacheKey, k]) => {
        try {
          const { result, fetched } = await lookupKeyed(k.type, k.key, options.signal);
          if (fetched) lookups++;
          return [cacheKey, result] as const;
        } catch (error) {
          if (isAppError(error) && error.kind === 'auth') throw error;
          lookups++;
          log.warn('intelix lookup failed; treated as unknown', { lookupType: k.type, error: errorMessage(error) });
          const failed: IntelixResult = { value: k.key, lookupType: k.type, risk: 'UNKNOWN', error: redactText(errorMessage(error)).replace(/[\r\n]+/g, ' ') };
          return [cacheKey, failed] as const;
        }
      });
      const byKey = new Map(resolved);
      const results = new Map<string, IntelixResult>();
      for (const v of inputs) {
        const k = lookupKey(v);
        const hit = byKey.get(`${k.type}:${k.key}`);
        results.set(v, hit ?? { value: k.key, lookupType: k.type, risk: 'UNKNOWN', error: 'empty value' });
      }
      return { results, lookups, distinct: distinct.size };
    },
  };
}
