/**
 * The retry budget shared by the Central and Intelix clients (sophos.md "Rate limits"):
 * - 401 once: the token is dropped and fetched again (revoked or expired early);
 * - 429 once, in place, only when Retry-After is short; a longer wait fails the call as `rate-limited`
 *   so the scheduler backs off instead of a poll hanging for minutes;
 * - 500/502/503/504 once after a short pause; 400/403/404 never.
 */
import type { Clock } from '../../core/clock.js';
import { AppError, isAppError } from '../../core/errors.js';

export interface RetryOptions {
  readonly clock: Clock;
  /** Longest Retry-After waited in place. */
  readonly maxRetryWaitMs: number;
  readonly signal: AbortSignal | undefined;
  /** Used in the abort error. */
  readonly name: string;
  /** Called before the single retry after a 401; drops the cached token. */
  readonly onUnauthorized?: () => void;
  /** Pause before retrying a 5xx. */
  readonly unavailableDelayMs?: number;
}

const RETRYABLE_5XX = new Set([500, 502, 503, 504]);

export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  let authRetried = false;
  let rateRetried = false;
  let unavailableRetried = false;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!isAppError(error)) throw error;
      let waitMs: number;
      if (error.kind === 'auth' && error.status === 401 && options.onUnauthorized && !authRetried) {
        authRetried = true;
        options.onUnauthorized();
        waitMs = 0;
      } else if (error.kind === 'rate-limited' && !rateRetried && (error.retryAfterMs ?? Infinity) <= options.maxRetryWaitMs) {
        rateRetried = true;
        waitMs = error.retryAfterMs ?? 0;
      } else if (error.kind === 'unavailable' && error.status !== undefined && RETRYABLE_5XX.has(error.status) && !unavailableRetried) {
        unavailableRetried = true;
        waitMs = options.unavailableDelayMs ?? 1000;
      } else {
        throw error;
      }
      if (waitMs > 0) await options.clock.sleep(waitMs, options.signal);
      if (options.signal?.aborted) throw new AppError('unavailable', `${options.name}: aborted`, { cause: error });
    }
  }
}
