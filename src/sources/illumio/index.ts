/**
 * Illumio PCE audit events as a socbot source.
 *
 * One poll: read every event at or after `watermark − lookback` (first run: `now − initialLookback`), narrowing
 * windows whenever an answer is full (window.ts); validate each event alone (bad ones are quarantined, the rest
 * go on); skip events already handled in the overlap (`seen` in the cursor); pick the most specific watcher;
 * apply its throttle; resolve the workloads the emitted events name; map to drafts. The new cursor (watermark,
 * seen, throttle windows) is returned, never written here: the pipeline saves it only after the drafts are
 * durably enqueued, so a crash or a failed chat send re-reads rather than loses (unlike the original notifier,
 * which kept its watermark in memory and counted chat failures as successes).
 */
import { AppError, isAppError } from '../../core/errors.js';
import type { Incident, IncidentDraft } from '../../core/incident.js';
import type { AdapterDeps, PollResult, SourceAdapter } from '../../core/ports.js';
import { createIllumioClient } from './client.js';
import type { IllumioConfig } from './config.js';
import { describeIllumioDiagnostics, illumioDiagnostics, pruneSeen, readCursor, writeCursor, type IllumioDiagnostics } from './cursor.js';
import { createEnricher, workloadHrefs, type Enricher, type WorkloadInfo } from './enrich.js';
import { mapCollapsed, mapEvent, repeatSubEvent, severityOf, type MapContext } from './map.js';
import { eventSchema, parsePceTime, type IllumioEvent } from './schema.js';
import { admit, collapseSourceId, pruneWindows, type ThrottleWindow } from './throttle.js';
import { compileWatchers, selectWatcher, type CompiledWatcher } from './watchers.js';
import { collectEvents } from './window.js';

export { illumioDiagnostics, describeIllumioDiagnostics, type IllumioDiagnostics, type DebugLine } from './cursor.js';
export { validateWatchers, type WatcherWarning } from './watchers.js';
export { illumioConfigSchema, type IllumioConfig } from './config.js';

export interface IllumioPollStats {
  readonly at: string;
  readonly requests: number;
  readonly splits: number;
  readonly events: number;
  readonly selected: number;
  readonly emitted: number;
  readonly suppressed: number;
  readonly quarantined: number;
  readonly more: boolean;
}

export interface IllumioRuntimeDiagnostics extends Partial<IllumioDiagnostics> {
  readonly lastPoll: IllumioPollStats | undefined;
  readonly workloadCache: number;
}

export interface IllumioSource extends SourceAdapter {
  readonly id: 'illumio';
  /** Suppression counts, open throttle windows and the last poll's figures, for /debug. */
  diagnostics(): IllumioRuntimeDiagnostics;
}

interface Selected {
  readonly event: IllumioEvent;
  readonly watcher: CompiledWatcher;
  readonly hrefs: string[];
}

interface PendingCollapse {
  readonly key: string;
  readonly watcher: CompiledWatcher;
  readonly eventType: string;
  readonly spec: string;
  readonly window: ThrottleWindow;
  readonly repeats: Selected[];
}

const ISSUE_PATHS = 5;

export function createIllumioSource(config: IllumioConfig, deps: AdapterDeps): IllumioSource {
  const logger = deps.logger.child({ source: 'illumio' });
  const client = createIllumioClient(config);
  const watchers = compileWatchers(config.watchers);
  const enricher: Enricher | undefined = config.enrichWorkloads
    ? createEnricher({ client, state: deps.state, clock: deps.clock, logger, ttlMs: config.enrichTtl * 1000, maxLookups: config.maxLookupsPerPoll })
    : undefined;
  const lookbackMs = config.lookback * 1000;
  let lastCursor: string | undefined;
  let lastPoll: IllumioPollStats | undefined;

  async function resolveWorkloads(hrefs: readonly string[], signal: AbortSignal): Promise<Map<string, WorkloadInfo>> {
    if (!enricher || hrefs.length === 0) return new Map();
    return enricher.resolve(hrefs, signal);
  }

  function mapContext(workloads: ReadonlyMap<string, WorkloadInfo>): MapContext {
    return { baseUrl: config.url, org: config.org, workloads };
  }

  async function poll(cursorText: string | undefined, signal: AbortSignal): Promise<PollResult> {
    const state = readCursor(cursorText, logger);
    const nowMs = deps.clock.now().getTime();
    const watermarkMs = state.ts === undefined ? undefined : Date.parse(state.ts);
    const fromMs = watermarkMs === undefined ? nowMs - config.initialLookback * 1000 : watermarkMs - lookbackMs;
    const requestsBefore = client.requests();

    const collected = await collectEvents((q, s) => client.events(q, s), {
      fromMs,
      maxResults: config.maxResults,
      budget: config.maxRequestsPerPoll,
      progressAfterMs: watermarkMs ?? fromMs - 1,
      nowMs,
      logger,
      signal,
    });
    if (signal.aborted) throw new AppError('unavailable', 'illumio: poll aborted');

    // Validate one by one: a malformed event is logged and skipped, never allowed to sink the page.
    let quarantined = 0;
    const events: { event: IllumioEvent; ms: number }[] = [];
    let newest = watermarkMs ?? fromMs;
    for (const item of collected.items) {
      const parsed = eventSchema.safeParse(item);
      if (parsed.success) {
        const ms = parsePceTime(parsed.data.timestamp) ?? fromMs;
        events.push({ event: parsed.data, ms });
        newest = Math.max(newest, Math.min(ms, nowMs));
        continue;
      }
      const href = typeof item === 'object' && item !== null && typeof (item as { href?: unknown }).href === 'string' ? (item as { href: string }).href : undefined;
      if (href !== undefined && state.seen[href] !== undefined) continue;
      quarantined += 1;
      logger.warn('illumio event quarantined', {
        href: href?.slice(0, 120),
        issues: parsed.error.issues.slice(0, ISSUE_PATHS).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      });
      const ts = typeof item === 'object' && item !== null ? (item as { timestamp?: unknown }).timestamp : undefined;
      const ms = typeof ts === 'string' ? parsePceTime(ts) : undefined;
      // A quarantined event was read all the same: it counts for the watermark and is not re-reported.
      if (ms !== undefined) newest = Math.max(newest, Math.min(ms, nowMs));
      if (href !== undefined) state.seen[href] = ms ?? newest;
    }
    // Event-time order (href as tie-breaker) so throttles decide the same way on a replayed poll.
    events.sort((a, b) => a.ms - b.ms || (a.event.href < b.event.href ? -1 : a.event.href > b.event.href ? 1 : 0));

    const emitted: Selected[] = [];
    const collapses = new Map<string, PendingCollapse>();
    let selected = 0;
    let suppressed = 0;
    for (const { event, ms } of events) {
      if (state.seen[event.href] !== undefined) continue;
      const watcher = selectWatcher(watchers, event);
      if (!watcher) continue;
      selected += 1;
      state.seen[event.href] = ms;
      const decision = admit(state.throttle, watcher.key, event.event_type, watcher.throttle, ms, severityOf(event, watcher.severity));
      if (decision.kind === 'emit') {
        emitted.push({ event, watcher, hrefs: workloadHrefs(event) });
        continue;
      }
      suppressed += 1;
      if (decision.kind === 'mute') continue;
      const sourceId = collapseSourceId(decision.key, decision.window);
      let pending = collapses.get(sourceId);
      if (!pending) {
        pending = { key: decision.key, watcher, eventType: event.event_type, spec: watcher.throttle?.text ?? '', window: decision.window, repeats: [] };
        collapses.set(sourceId, pending);
      }
      if (decision.attach) pending.repeats.push({ event, watcher, hrefs: workloadHrefs(event) });
    }

    const workloads = await resolveWorkloads([...new Set(emitted.flatMap((s) => s.hrefs))], signal);
    const ctx = mapContext(workloads);
    const drafts: IncidentDraft[] = [];
    for (const s of emitted) {
      try {
        drafts.push(mapEvent(s.event, s.watcher, ctx, s.hrefs));
      } catch (error) {
        // A mapping bug must not lose the rest of the page.
        quarantined += 1;
        logger.error('illumio event could not be mapped', { href: s.event.href.slice(0, 120), error: error instanceof Error ? error.message : 'unknown' });
      }
    }
    for (const [sourceId, c] of collapses) {
      drafts.push(
        mapCollapsed({
          sourceId,
          throttleKey: c.key,
          eventType: c.eventType,
          watcher: c.watcher,
          spec: c.spec,
          window: { ...c.window },
          repeats: c.repeats.map((r) => repeatSubEvent(r.event, r.watcher, ctx, r.hrefs)),
        }),
      );
    }

    // The watermark is the newest event time read in finished windows, never older than before, and never ahead
    // of our clock: one event stamped in the future (a skewed PCE, a bogus item) must not move the next window's
    // start past events that are still to come. Future events stay in `seen`, so their re-reads are no-ops.
    const nextTs = new Date(Math.max(newest, watermarkMs ?? Number.NEGATIVE_INFINITY)).toISOString();
    const nextFrom = Date.parse(nextTs) - lookbackMs;
    const pruned = pruneSeen(state.seen, nextFrom);
    if (pruned.dropped > 0) logger.warn('illumio overlap memory full; oldest entries dropped', { dropped: pruned.dropped });
    pruneWindows(state.throttle, nextFrom);
    const nextCursor = writeCursor({ ts: nextTs, seen: pruned.seen, throttle: state.throttle, truncated: state.truncated + collected.truncated });
    lastCursor = nextCursor;
    // Asking again at once only helps when the watermark moved; otherwise the next scheduled poll retries.
    const more = !collected.complete && (watermarkMs === undefined || Date.parse(nextTs) > watermarkMs);
    lastPoll = {
      at: new Date(nowMs).toISOString(),
      requests: client.requests() - requestsBefore,
      splits: collected.splits,
      events: events.length,
      selected,
      emitted: emitted.length,
      suppressed,
      quarantined,
      more,
    };
    logger.debug('illumio poll done', { ...lastPoll });
    return { drafts, nextCursor, ...(more ? { more } : {}), ...(quarantined > 0 ? { quarantined } : {}) };
  }

  return {
    id: 'illumio',
    poll,
    async probe(signal) {
      await client.events({ fromMs: deps.clock.now().getTime() - 60_000, maxResults: 1 }, signal);
    },
    async refresh(incident: Incident, signal: AbortSignal): Promise<IncidentDraft> {
      // Collapse incidents have no single PCE object behind them; their content comes from polls.
      if (incident.sourceId.startsWith('throttle:')) return incident;
      let event: IllumioEvent;
      try {
        const raw = await client.read(eventSchema, incident.sourceId, signal);
        event = raw;
      } catch (error) {
        if (isAppError(error)) throw error;
        throw new AppError('invalid-response', 'illumio: event could not be read');
      }
      const watcher = selectWatcher(watchers, event) ?? { key: incident.correlation?.watcher ?? '-', severity: incident.severity };
      const hrefs = workloadHrefs(event);
      const workloads = await resolveWorkloads(hrefs, signal);
      return mapEvent(event, watcher, mapContext(workloads), hrefs);
    },
    details() {
      return describeIllumioDiagnostics(illumioDiagnostics(lastCursor));
    },
    diagnostics(): IllumioRuntimeDiagnostics {
      return { ...(illumioDiagnostics(lastCursor) ?? {}), lastPoll, workloadCache: enricher?.cacheSize() ?? 0 };
    },
  };
}
