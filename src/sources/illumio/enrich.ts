/**
 * Workload enrichment: the workloads and VENs an event names (by href) resolved through the PCE API to a
 * hostname, labels (role, app, env, loc, and any custom keys) and addresses, so the card says which server is
 * affected rather than `/orgs/1/workloads/…`.
 *
 * Best effort by design: a failed look-up never fails the poll (the event is still delivered, without the
 * hostname). Results are cached in memory and in the adapter's state namespace with a TTL, 404s are cached
 * briefly, a 429 stops look-ups for the rest of the poll, and each poll spends at most a fixed number of requests.
 */
import { z } from 'zod';
import { AppError, errorKind, errorMessage } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Collection } from '../../core/ports.js';
import type { JsonValue } from '../../core/reply.js';
import type { IllumioClient } from './client.js';
import { labelSchema, venSchema, workloadSchema, type Workload } from './schema.js';

export interface WorkloadInfo {
  readonly href: string;
  readonly hostname?: string;
  readonly name?: string;
  /** Label key → value (`role`, `app`, `env`, `loc`, custom keys). */
  readonly labels: Readonly<Record<string, string>>;
  readonly ips: readonly string[];
  /** The PCE answered 404: deleted or not visible to this API key. */
  readonly missing?: boolean;
}

const workloadInfoSchema = z.object({
  href: z.string(),
  hostname: z.string().optional(),
  name: z.string().optional(),
  labels: z.record(z.string(), z.string()),
  ips: z.array(z.string()),
  missing: z.boolean().optional(),
});

const cachedLabelSchema = z.object({ key: z.string(), value: z.string() });

const ENRICHABLE_HREF = /^\/orgs\/\d+\/(workloads|vens)\/[A-Za-z0-9_-]+$/;
const MAX_MEMORY_ENTRIES = 5000;
const MISSING_TTL_MS = 10 * 60_000;
const MAX_IPS = 4;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Workload and VEN hrefs an event names, in order of appearance (actor first), the event's own href excluded.
 * Bounded walk: events can carry large change lists.
 */
export function workloadHrefs(event: unknown, limit = 5): string[] {
  const found: string[] = [];
  let visited = 0;
  const walk = (value: unknown, depth: number): void => {
    if (found.length >= limit || depth > 8 || visited > 5000) return;
    visited += 1;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    if (!isRecord(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'href' && depth > 0 && typeof child === 'string' && ENRICHABLE_HREF.test(child) && !found.includes(child)) {
        if (found.length < limit) found.push(child);
      } else {
        walk(child, depth + 1);
      }
    }
  };
  walk(event, 0);
  return found;
}

/** Addresses worth showing: public IP and interface addresses, without loopback and link-local ones. */
function addressesOf(w: Workload): string[] {
  const out: string[] = [];
  const add = (ip: string | null | undefined): void => {
    if (!ip || out.includes(ip) || out.length >= MAX_IPS) return;
    if (/^127\./.test(ip) || ip === '::1' || /^fe80:/i.test(ip)) return;
    out.push(ip);
  };
  for (const i of w.interfaces ?? []) if (!i.loopback) add(i.address);
  add(w.public_ip);
  return out;
}

export interface Enricher {
  /** Resolves what it can within this call's budget; never throws except when `signal` is aborted. */
  resolve(hrefs: readonly string[], signal: AbortSignal): Promise<Map<string, WorkloadInfo>>;
  readonly cacheSize: () => number;
}

export interface EnricherOptions {
  readonly client: IllumioClient;
  readonly state: Collection<JsonValue>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ttlMs: number;
  /** PCE requests one `resolve` call may spend. */
  readonly maxLookups: number;
}

interface MemoryEntry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

class StopLookups extends Error {}

export function createEnricher(options: EnricherOptions): Enricher {
  const { client, state, clock, logger, ttlMs, maxLookups } = options;
  const workloads = new Map<string, MemoryEntry<WorkloadInfo>>();
  const labels = new Map<string, MemoryEntry<{ key: string; value: string }>>();

  // Memory entries expire when the stored copy would: a cache hit never extends the life of a result, so a
  // relabelled workload shows its new labels at most one TTL later however often it appears.
  function remember<T>(map: Map<string, MemoryEntry<T>>, key: string, value: T, expiresAt: number): void {
    if (expiresAt <= clock.now().getTime()) return;
    map.delete(key);
    map.set(key, { value, expiresAt });
    if (map.size > MAX_MEMORY_ENTRIES) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
  }

  function recall<T>(map: Map<string, MemoryEntry<T>>, key: string): T | undefined {
    const entry = map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= clock.now().getTime()) {
      map.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Memory first, then the state namespace (which survives restarts); both honour the original expiry. */
  async function cached<T>(map: Map<string, MemoryEntry<T>>, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const hit = recall(map, key);
    if (hit !== undefined || ttlMs <= 0) return hit;
    try {
      const raw = await state.get(key);
      if (raw === undefined) return undefined;
      const parsed = z.object({ expiresAt: z.number(), value: schema }).safeParse(raw);
      if (!parsed.success || parsed.data.expiresAt <= clock.now().getTime()) return undefined;
      remember(map, key, parsed.data.value, parsed.data.expiresAt);
      return parsed.data.value;
    } catch (error) {
      logger.warn('illumio enrichment cache read failed', { kind: errorKind(error) });
      return undefined;
    }
  }

  async function store<T>(map: Map<string, MemoryEntry<T>>, key: string, value: T, ttl: number): Promise<void> {
    if (ttl <= 0) return;
    const expiresAt = clock.now().getTime() + ttl;
    remember(map, key, value, expiresAt);
    try {
      // Values are plain JSON built here (strings, string arrays and records); no undefined is ever stored.
      await state.set(key, { expiresAt, value } as unknown as JsonValue, ttl);
    } catch (error) {
      logger.warn('illumio enrichment cache write failed', { kind: errorKind(error) });
    }
  }

  return {
    cacheSize: () => workloads.size,
    async resolve(hrefs, signal) {
      const out = new Map<string, WorkloadInfo>();
      let spent = 0;
      let stopped = false;

      async function read<T>(schema: z.ZodType<T>, href: string): Promise<T> {
        if (stopped || spent >= maxLookups) throw new StopLookups();
        spent += 1;
        try {
          return await client.read(schema, href, signal);
        } catch (error) {
          if (signal.aborted) throw error;
          const kind = errorKind(error);
          if (kind === 'rate-limited' || kind === 'auth') {
            stopped = true;
            logger.warn('illumio enrichment stopped for this poll', { kind });
          }
          throw error;
        }
      }

      async function label(ref: { href?: string | undefined; key?: string | null | undefined; value?: string | null | undefined }): Promise<{ key: string; value: string } | undefined> {
        if (ref.key && ref.value) return { key: ref.key, value: ref.value };
        if (!ref.href) return undefined;
        const known = await cached(labels, `lb:${ref.href}`, cachedLabelSchema);
        if (known) return known;
        try {
          const l = await read(labelSchema, ref.href);
          if (!l.key || !l.value) return undefined;
          const value = { key: l.key, value: l.value };
          await store(labels, `lb:${ref.href}`, value, ttlMs);
          return value;
        } catch (error) {
          if (signal.aborted) throw error;
          return undefined;
        }
      }

      // Labels that could not be read: a result missing some is shown but not cached, so a later poll completes it.
      let unresolvedLabels = 0;

      async function describe(w: Workload, href: string): Promise<WorkloadInfo> {
        const resolved: Record<string, string> = {};
        for (const ref of w.labels ?? []) {
          const l = await label(ref);
          if (!l) unresolvedLabels += 1;
          else if (resolved[l.key] === undefined) resolved[l.key] = l.value;
        }
        return {
          href,
          ...(w.hostname ? { hostname: w.hostname } : {}),
          ...(w.name ? { name: w.name } : {}),
          labels: resolved,
          ips: addressesOf(w),
        };
      }

      async function lookup(href: string): Promise<WorkloadInfo> {
        if (href.includes('/vens/')) {
          const ven = await read(venSchema, href);
          const info = await describe(ven, href);
          const workloadHref = ven.workloads?.[0]?.href;
          // A VEN without hostname or labels: its workload has them.
          if ((!info.hostname || Object.keys(info.labels).length === 0) && workloadHref && ENRICHABLE_HREF.test(workloadHref)) {
            try {
              const more = await describe(await read(workloadSchema, workloadHref), workloadHref);
              return { ...more, ...info, hostname: info.hostname ?? more.hostname, labels: { ...more.labels, ...info.labels }, ips: info.ips.length ? info.ips : more.ips, href };
            } catch (error) {
              if (signal.aborted) throw error;
            }
          }
          return info;
        }
        return describe(await read(workloadSchema, href), href);
      }

      for (const href of hrefs) {
        if (!ENRICHABLE_HREF.test(href) || out.has(href)) continue;
        const known = await cached(workloads, `wl:${href}`, workloadInfoSchema);
        if (known) {
          out.set(href, known);
          continue;
        }
        try {
          const unresolvedBefore = unresolvedLabels;
          const info = await lookup(href);
          if (unresolvedLabels === unresolvedBefore) await store(workloads, `wl:${href}`, info, ttlMs);
          out.set(href, info);
        } catch (error) {
          if (signal.aborted) throw error instanceof AppError ? error : new AppError('unavailable', 'illumio: poll aborted');
          if (error instanceof StopLookups) continue;
          if (errorKind(error) === 'not-found') {
            const missing: WorkloadInfo = { href, labels: {}, ips: [], missing: true };
            await store(workloads, `wl:${href}`, missing, Math.min(ttlMs, MISSING_TTL_MS));
            out.set(href, missing);
            continue;
          }
          logger.warn('illumio workload look-up failed', { kind: errorKind(error), error: errorMessage(error).slice(0, 200) });
        }
      }
      return out;
    },
  };
}
