/**
 * One access token per vendor client (MaxPatrol password grant, Sophos Central and Intelix client credentials):
 * reused until shortly before it expires, fetched by one request at a time however many calls need it, and
 * dropped after the API refused it. The value lives in this closure only and is registered for redaction, so a
 * vendor error that echoes it cannot carry it into a log or a chat.
 */
import type { Clock } from '../core/clock.js';
import { forgetSecret, registerSecret } from './redact.js';

export interface FetchedToken {
  readonly value: string;
  /** Lifetime in seconds as the token service said (`expires_in`); the default lifetime applies when absent. */
  readonly expiresInS?: number | undefined;
}

export interface TokenCacheOptions {
  readonly clock: Clock;
  /** Asks the token service; its errors reach every caller waiting for this fetch. */
  readonly fetch: (signal: AbortSignal | undefined) => Promise<FetchedToken>;
  /** Renew this many seconds before expiry; a token living less than twice as long is renewed at half-life. */
  readonly renewMarginS: number;
  /** Assumed lifetime when the answer has no `expires_in`. */
  readonly defaultLifetimeS: number;
}

export interface TokenCache {
  /** A usable token: the cached one, or a fresh one (concurrent callers share one fetch). */
  get(signal?: AbortSignal): Promise<string>;
  /**
   * Forgets the cached token. With `value`, only when it is still the cached one: another call may already have
   * replaced the token that failed, and that fresh one must not be thrown away.
   */
  invalidate(value?: string): void;
}

/** Seconds a token is used before it is renewed. */
export function usableSeconds(lifetimeS: number, marginS: number): number {
  return lifetimeS > marginS * 2 ? lifetimeS - marginS : lifetimeS / 2;
}

export function createTokenCache(options: TokenCacheOptions): TokenCache {
  let current: { readonly value: string; readonly renewAtMs: number } | undefined;
  let inflight: Promise<string> | undefined;
  // Tokens stay masked for one generation after being replaced: a request in flight may still echo the old one.
  let retired: string | undefined;

  async function fetchNew(signal: AbortSignal | undefined): Promise<string> {
    const fetched = await options.fetch(signal);
    registerSecret(fetched.value);
    if (current && current.value !== fetched.value) {
      forgetSecret(retired);
      retired = current.value;
    }
    const lifetimeS = fetched.expiresInS !== undefined && fetched.expiresInS > 0 ? fetched.expiresInS : options.defaultLifetimeS;
    current = { value: fetched.value, renewAtMs: options.clock.now().getTime() + usableSeconds(lifetimeS, options.renewMarginS) * 1000 };
    return fetched.value;
  }

  return {
    get(signal) {
      if (current && options.clock.now().getTime() < current.renewAtMs) return Promise.resolve(current.value);
      inflight ??= fetchNew(signal).finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate(value) {
      if (value === undefined || current?.value === value) current = undefined;
    },
  };
}
