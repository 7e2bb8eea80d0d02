import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HealthTracker } from '../core/health.js';
import type { Logger } from '../core/logger.js';
import type { Outbox } from '../core/outbox.js';
import type { Diagnostics, SourceAdapter } from '../core/ports.js';
import { packageRoot } from '../lib/paths.js';
import { oneLine, redactText } from '../lib/redact.js';

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface ErrorRing {
  push(message: string, meta?: Record<string, unknown>): void;
  list(limit: number): readonly { at: string; message: string }[];
}

export function createErrorRing(size = 50): ErrorRing {
  const items: { at: string; message: string }[] = [];
  return {
    push(message, meta) {
      const detail = typeof meta?.error === 'string' ? `: ${meta.error}` : '';
      const where = typeof meta?.source === 'string' ? ` [${meta.source}]` : typeof meta?.destination === 'string' ? ` [${meta.destination}]` : '';
      items.push({ at: new Date().toISOString(), message: oneLine(redactText(`${message}${where}${detail}`)).slice(0, 300) });
      if (items.length > size) items.shift();
    },
    list(limit) {
      return items.slice(-limit).reverse();
    },
  };
}

/** A logger that also remembers warnings and errors for /debug. */
export function withErrorRing(logger: Logger, ring: ErrorRing): Logger {
  return {
    error: (m, meta) => {
      ring.push(m, meta);
      logger.error(m, meta);
    },
    warn: (m, meta) => {
      ring.push(m, meta);
      logger.warn(m, meta);
    },
    info: (m, meta) => logger.info(m, meta),
    debug: (m, meta) => logger.debug(m, meta),
    child: (meta) => withErrorRing(logger.child(meta), {
      push: (m, extra) => ring.push(m, { ...meta, ...extra }),
      list: (l) => ring.list(l),
    }),
  };
}

export function createDiagnostics(deps: { health: HealthTracker; outbox: Outbox; ring: ErrorRing; startedAt: Date; sources: ReadonlyMap<string, SourceAdapter> }): Diagnostics {
  return {
    version: packageVersion(),
    startedAt: deps.startedAt,
    health: () =>
      Promise.resolve(
        deps.health.snapshot().map((h) => {
          const details = deps.sources.get(h.source)?.details?.();
          return details && details.length > 0 ? { ...h, details } : h;
        }),
      ),
    outbox: () => Promise.resolve(deps.outbox.stats()),
    deadLetters: (limit) => Promise.resolve(deps.outbox.deadLetters(limit)),
    recentErrors: (limit) => deps.ring.list(limit),
  };
}
