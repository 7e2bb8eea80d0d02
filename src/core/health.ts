/**
 * Per-source health with backoff. Admins hear about transitions only (ok → failing → ok), never every failure.
 */
import { errorKind, errorMessage, isAppError } from './errors.js';
import type { AdminNotifier, Clock, SourceHealth } from './ports.js';

export interface HealthTracker {
  /** May the source be polled now, or is it backing off? */
  due(source: string): boolean;
  succeeded(source: string, details: { cursor: string | undefined; quarantined: number }): Promise<void>;
  failed(source: string, error: unknown, pollIntervalMs: number): Promise<void>;
  snapshot(): readonly SourceHealth[];
  register(source: string, cursor: string | undefined): void;
}

interface State {
  state: SourceHealth['state'];
  since: string | undefined;
  lastSuccessAt: string | undefined;
  lastErrorKind: string | undefined;
  lastError: string | undefined;
  consecutiveFailures: number;
  cursor: string | undefined;
  quarantined: number;
  nextAttemptAt: number;
}

const MAX_BACKOFF_MS = 15 * 60_000;

export function backoffMs(failures: number, baseMs: number, retryAfterMs?: number): number {
  const exp = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.min(failures - 1, 16));
  return Math.max(exp, retryAfterMs ?? 0);
}

export function createHealthTracker(deps: { clock: Clock; admins: () => AdminNotifier | undefined; redact: (s: string) => string }): HealthTracker {
  const states = new Map<string, State>();
  const stateOf = (source: string): State => {
    let s = states.get(source);
    if (!s) {
      s = { state: 'unknown', since: undefined, lastSuccessAt: undefined, lastErrorKind: undefined, lastError: undefined, consecutiveFailures: 0, cursor: undefined, quarantined: 0, nextAttemptAt: 0 };
      states.set(source, s);
    }
    return s;
  };
  const notify = async (key: string, vars: Record<string, string | number>): Promise<void> => {
    // A notice that cannot be sent must not turn a poll into a failure.
    await deps.admins()?.notifyAdmins(key, vars).catch(() => undefined);
  };

  return {
    register(source, cursor) {
      stateOf(source).cursor = cursor;
    },
    due(source) {
      return deps.clock.now().getTime() >= stateOf(source).nextAttemptAt;
    },
    async succeeded(source, details) {
      const s = stateOf(source);
      const now = deps.clock.now().toISOString();
      const wasFailing = s.state === 'failing';
      if (s.state !== 'ok') s.since = now;
      s.state = 'ok';
      s.lastSuccessAt = now;
      s.consecutiveFailures = 0;
      s.nextAttemptAt = 0;
      s.cursor = details.cursor ?? s.cursor;
      s.quarantined += details.quarantined;
      if (wasFailing) await notify('health-source-recovered', { source });
    },
    async failed(source, error, pollIntervalMs) {
      const s = stateOf(source);
      const now = deps.clock.now();
      const wasFailing = s.state === 'failing';
      if (!wasFailing) s.since = now.toISOString();
      s.state = 'failing';
      s.consecutiveFailures += 1;
      s.lastErrorKind = errorKind(error);
      s.lastError = deps.redact(errorMessage(error)).replace(/\s+/g, ' ').slice(0, 300);
      const retryAfter = isAppError(error) ? error.retryAfterMs : undefined;
      s.nextAttemptAt = now.getTime() + backoffMs(s.consecutiveFailures, pollIntervalMs, retryAfter);
      if (!wasFailing) await notify('health-source-failing', { source, kind: s.lastErrorKind, error: s.lastError });
    },
    snapshot() {
      return [...states.entries()].map(([source, s]) => ({
        source,
        state: s.state,
        since: s.since,
        lastSuccessAt: s.lastSuccessAt,
        lastErrorKind: s.lastErrorKind,
        lastError: s.lastError,
        consecutiveFailures: s.consecutiveFailures,
        cursor: s.cursor,
        quarantined: s.quarantined,
      }));
    },
  };
}
