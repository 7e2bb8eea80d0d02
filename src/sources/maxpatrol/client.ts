/**
 * MaxPatrol SIEM HTTP client: password-grant login, token reuse, one re-login on 401, and the few calls socbot
 * makes. The access token lives in this closure only (never in state, logs or errors).
 */
import { z, type ZodType } from 'zod';
import type { Clock } from '../../core/clock.js';
import { AppError, isAppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { createHttpClient, type HttpClient, type RequestOptions } from '../../lib/http.js';
import { registerSecret } from '../../lib/redact.js';
import { createTokenCache, type FetchedToken } from '../../lib/token-cache.js';
import type { MaxpatrolConfig } from './config.js';
import {
  eventsCountSchema,
  incidentCardSchema,
  incidentEventSchema,
  incidentEventsSchema,
  incidentListSchema,
  tokenErrorSchema,
  tokenResponseSchema,
  type IncidentCard,
  type IncidentEvent,
} from './schema.js';
import { formatMpTime } from './time.js';

/** `filter.select` is fixed: Core R27.6 answers 400/500 to other sets. `id`, `severity`, `isConfirmed` come anyway. */
export const LIST_SELECT = ['key', 'name', 'category', 'type', 'status', 'created', 'assigned'] as const;

/** Used when the token answer has no `expires_in` (the seed says about 24 h; one hour is the safe guess). */
const DEFAULT_TOKEN_LIFETIME_S = 3600;
/** Renew this long before expiry (short-lived tokens at half-life). */
const RENEW_MARGIN_S = 60;
/**
 * After the token service refused the credentials, calls fail with the same error for this long without asking
 * again: button presses and refreshes must not hammer the login (LDAP accounts lock after a few failures).
 */
export const LOGIN_REFUSED_COOLDOWN_MS = 5 * 60_000;

/** The card is validated after the call so its raw form can be kept for `raw`. */
const cardBodySchema = z.record(z.string(), z.unknown());

export interface ListPageQuery {
  readonly timeFromMs: number;
  readonly offset: number;
  readonly limit: number;
}

export interface ListPage {
  /** Items as received; validated one by one by the caller. */
  readonly items: readonly unknown[];
  readonly totalItems: number | undefined;
}

export interface CardResult {
  readonly card: IncidentCard;
  readonly raw: unknown;
}

export interface EventsResult {
  readonly events: readonly IncidentEvent[];
  readonly raw: readonly unknown[];
  /** Items without an id or of the wrong shape, left out. */
  readonly dropped: number;
}

export type TransitionTarget = 'Approved' | 'InProgress' | 'Resolved' | 'Closed';

export interface TransitionBody {
  readonly id: TransitionTarget;
  readonly measures: string;
  readonly message: string;
}

export interface MaxpatrolClient {
  /** Logs in now, replacing any cached token. */
  login(signal?: AbortSignal): Promise<void>;
  listIncidents(query: ListPageQuery, signal?: AbortSignal): Promise<ListPage>;
  /** Undefined when the incident does not exist (404 on both card routes). */
  getCard(id: string, signal?: AbortSignal): Promise<CardResult | undefined>;
  getEvents(id: string, limit: number, signal?: AbortSignal): Promise<EventsResult>;
  countEvents(id: string, signal?: AbortSignal): Promise<number>;
  transition(id: string, body: TransitionBody, signal?: AbortSignal): Promise<void>;
}

export interface ClientDeps {
  readonly logger: Logger;
  readonly clock: Clock;
}

/** The list request body; the order has a unique tiebreaker (`key`) so offset paging is deterministic. */
export function listRequestBody(query: ListPageQuery): Record<string, unknown> {
  return {
    offset: query.offset,
    limit: query.limit,
    groups: { filterType: 'no_filter' },
    timeFrom: formatMpTime(query.timeFromMs),
    timeTo: null,
    filterTimeType: 'creation',
    filter: {
      select: [...LIST_SELECT],
      orderby: [
        { field: 'created', sortOrder: 'ascending' },
        { field: 'key', sortOrder: 'ascending' },
      ],
    },
    queryIds: ['all_incidents'],
  };
}

function safeCode(value: string | undefined): string | undefined {
  return value && /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? value : undefined;
}

export function createMaxpatrolClient(config: MaxpatrolConfig, deps: ClientDeps): MaxpatrolClient {
  // The config loader registers these too; a client built any other way (tests, tools) must not depend on it.
  registerSecret(config.password);
  registerSecret(config.clientSecret);
  const timeoutMs = config.requestTimeout * 1000;
  const common = { caFile: config.caFile, timeoutMs, maxBytes: config.maxResponseBytes };
  const api: HttpClient = createHttpClient({ name: 'maxpatrol', baseUrl: config.url, ...common });
  const auth: HttpClient = createHttpClient({ name: 'maxpatrol-auth', baseUrl: config.authUrl, ...common });
  const log = deps.logger;
  let refused: { readonly untilMs: number; readonly error: AppError } | undefined;

  async function requestToken(signal?: AbortSignal): Promise<FetchedToken> {
    const res = await auth.text({
      method: 'POST',
      path: 'connect/token',
      // got encodes the form properly (the original hand-built it and only encoded the password).
      form: {
        grant_type: 'password',
        username: config.username,
        password: config.password,
        client_id: config.clientId,
        client_secret: config.clientSecret,
        response_type: 'code id_token',
        scope: config.scope,
      },
      allowStatus: [400, 401, 403],
      ...(signal ? { signal } : {}),
    });
    if (res.status !== 200) throw loginRefused(res.status, res.body);
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      throw new AppError('invalid-response', 'maxpatrol login: token answer is not JSON', { status: res.status });
    }
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success) throw new AppError('invalid-response', 'maxpatrol login: token answer has no access_token', { status: res.status });
    if (parsed.data.refresh_token) registerSecret(parsed.data.refresh_token);
    const expiresInS = parsed.data.expires_in ?? DEFAULT_TOKEN_LIFETIME_S;
    log.info('maxpatrol login ok', { expiresInS: Math.round(expiresInS) });
    return { value: parsed.data.access_token, expiresInS };
  }

  function loginRefused(status: number, text: string): AppError {
    let error: string | undefined;
    let description: string | undefined;
    try {
      const parsed = tokenErrorSchema.safeParse(JSON.parse(text));
      if (parsed.success) {
        error = parsed.data.error;
        description = parsed.data.error_description;
      }
    } catch {
      // Not JSON: the status alone decides.
    }
    if (text.includes('invalid_username_or_password') || error === 'invalid_grant') {
      return new AppError('auth', 'maxpatrol login refused: wrong username or password (sources.maxpatrol.username/password)', { status });
    }
    if (error === 'invalid_client' || error === 'unauthorized_client') {
      return new AppError('auth', 'maxpatrol login refused: client id or client secret rejected (sources.maxpatrol.clientId/clientSecret)', { status });
    }
    const code = safeCode(error) ?? safeCode(description);
    return new AppError('auth', `maxpatrol login refused (HTTP ${status}${code ? `, ${code}` : ''})`, { status });
  }

  const tokens = createTokenCache({
    clock: deps.clock,
    renewMarginS: RENEW_MARGIN_S,
    defaultLifetimeS: DEFAULT_TOKEN_LIFETIME_S,
    async fetch(signal) {
      const nowMs = deps.clock.now().getTime();
      if (refused && nowMs < refused.untilMs) {
        throw new AppError('auth', `${refused.error.message}; not retried before ${new Date(refused.untilMs).toISOString()}`, { status: refused.error.status });
      }
      try {
        const fresh = await requestToken(signal);
        refused = undefined;
        return fresh;
      } catch (error) {
        if (isAppError(error) && error.kind === 'auth') refused = { untilMs: deps.clock.now().getTime() + LOGIN_REFUSED_COOLDOWN_MS, error };
        throw error;
      }
    },
  });

  /** Runs `call` with a bearer token; on 401 logs in once more and retries once. */
  async function withAuth<T>(call: (authorization: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const first = await tokens.get(signal);
    try {
      return await call(`Bearer ${first}`);
    } catch (error) {
      if (!(isAppError(error) && error.kind === 'auth' && error.status === 401)) throw error;
      tokens.invalidate(first);
      log.info('maxpatrol token refused, logging in again');
      const second = await tokens.get(signal);
      try {
        return await call(`Bearer ${second}`);
      } catch (retryError) {
        if (isAppError(retryError) && retryError.kind === 'auth' && retryError.status === 401) {
          tokens.invalidate(second);
          throw new AppError('auth', 'maxpatrol API refused a fresh token (HTTP 401): check the account and its API access', {
            status: 401,
            cause: retryError,
          });
        }
        throw retryError;
      }
    }
  }

  function apiRequest<T>(schema: ZodType<T>, req: RequestOptions): Promise<T> {
    return withAuth(async (authorization) => {
      const res = await api.request(schema, { ...req, headers: { ...req.headers, authorization } });
      return res.body;
    }, req.signal);
  }

  function signalOpt(signal: AbortSignal | undefined): { signal?: AbortSignal } {
    return signal ? { signal } : {};
  }

  async function cardAt(path: string, signal?: AbortSignal): Promise<CardResult | undefined> {
    let raw: unknown;
    try {
      raw = await apiRequest(cardBodySchema, { path, ...signalOpt(signal) });
    } catch (error) {
      if (isAppError(error) && error.kind === 'not-found') return undefined;
      throw error;
    }
    const parsed = incidentCardSchema.safeParse(raw);
    if (!parsed.success) {
      const paths = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new AppError('invalid-response', `maxpatrol GET incident card: unexpected shape (${paths.join('; ')})`);
    }
    return { card: parsed.data, raw };
  }

  return {
    async login(signal) {
      // An explicit check (probe) always asks the token service, even during the cool-down.
      tokens.invalidate();
      refused = undefined;
      await tokens.get(signal);
    },

    async listIncidents(query, signal) {
      // Trailing slash: Core R25+ routes `/api/v2/incidents/` (R24 and older took it without).
      const body = await apiRequest(incidentListSchema, {
        method: 'POST',
        path: 'api/v2/incidents/',
        json: listRequestBody(query),
        ...signalOpt(signal),
      });
      return { items: body.incidents, totalItems: body.totalItems };
    },

    async getCard(id, signal) {
      const encoded = encodeURIComponent(id);
      // R23+ read model first; older Cores only have `/api/incidents/{id}`.
      return (await cardAt(`api/incidentsReadModel/incidents/${encoded}`, signal)) ?? (await cardAt(`api/incidents/${encoded}`, signal));
    },

    async getEvents(id, limit, signal) {
      if (limit <= 0) return { events: [], raw: [], dropped: 0 };
      const raw = await apiRequest(incidentEventsSchema, {
        path: `api/incidents/${encodeURIComponent(id)}/events`,
        query: { offset: 0, limit },
        ...signalOpt(signal),
      });
      const events: IncidentEvent[] = [];
      let dropped = 0;
      for (const item of raw) {
        const parsed = incidentEventSchema.safeParse(item);
        if (parsed.success) events.push(parsed.data);
        else dropped++;
      }
      return { events, raw, dropped };
    },

    async countEvents(id, signal) {
      const body = await apiRequest(eventsCountSchema, { path: `api/incidents/${encodeURIComponent(id)}/events/count`, ...signalOpt(signal) });
      return body.count;
    },

    async transition(id, body, signal) {
      await withAuth(async (authorization) => {
        const res = await api.text({
          method: 'PUT',
          path: `api/incidents/${encodeURIComponent(id)}/transitions`,
          json: body,
          headers: { authorization },
          ...signalOpt(signal),
        });
        // Documented answer is 204; the client has already thrown for anything but 2xx.
        if (res.status !== 204) log.debug('maxpatrol transition answered', { status: res.status });
      }, signal);
    },
  };
}
