/** `/ping`: alive, uptime and the health of each source; the configured sticker or animation when set. */
import type { Clock } from '../core/clock.js';
import type { ErrorKind } from '../core/errors.js';
import type { CommandModule, Diagnostics, SourceHealth } from '../core/ports.js';
import type { Line } from '../core/reply.js';

export interface PingDeps {
  readonly diagnostics: Diagnostics;
  readonly clock: Clock;
  /** ISO time → text in the configured time zone. */
  readonly formatTime: (iso: string) => string;
  /** Sticker file_id or animation URL; empty for none. */
  readonly sticker?: string;
}

type T = (key: string, vars?: Readonly<Record<string, string | number>>) => string;

/** Error kinds with a phrase of their own; anything else is shown as it is. */
export const KNOWN_KINDS: ReadonlySet<string> = new Set(['auth', 'rate-limited', 'unavailable', 'invalid-response', 'not-found', 'bad-request', 'config', 'store', 'internal'] satisfies ErrorKind[]);

/** What a failure kind means to the person reading /ping ("auth" alone says little, least of all in Russian). */
export function kindText(kind: string | undefined, t: T): string {
  if (kind === undefined) return '?';
  return KNOWN_KINDS.has(kind) ? t(`ping-kind-${kind}`) : kind;
}

export function uptimeParts(startedAt: Date, now: Date): { days: number; hours: number; minutes: number } {
  const totalMinutes = Math.max(0, Math.floor((now.getTime() - startedAt.getTime()) / 60_000));
  return { days: Math.floor(totalMinutes / 1440), hours: Math.floor((totalMinutes % 1440) / 60), minutes: totalMinutes % 60 };
}

export function healthLine(h: SourceHealth, t: T, formatTime: (iso: string) => string): Line {
  switch (h.state) {
    case 'ok':
      return [`✅ `, { b: h.source }, `: ${t('ping-source-ok')}`];
    case 'failing':
      return [
        `❌ `,
        { b: h.source },
        `: ${t('ping-source-failing', { since: h.since ? formatTime(h.since) : '?', kind: kindText(h.lastErrorKind, t), failures: h.consecutiveFailures })}`,
      ];
    case 'unknown':
      return [`❔ `, { b: h.source }, `: ${t('ping-source-unknown')}`];
  }
}

export function createPingCommand(deps: PingDeps): CommandModule {
  return {
    name: 'ping',
    descriptionKey: 'cmd-ping-description',
    requires: 'approved',
    async run(ctx) {
      const { t } = ctx;
      const lines: Line[] = [`🏓 ${t('ping-alive', uptimeParts(deps.diagnostics.startedAt, deps.clock.now()))}`];
      const health = await deps.diagnostics.health();
      if (health.length === 0) lines.push(t('ping-no-sources'));
      for (const h of health) lines.push(healthLine(h, t, deps.formatTime));
      return { lines, ...(deps.sticker ? { sticker: deps.sticker } : {}) };
    },
  };
}
