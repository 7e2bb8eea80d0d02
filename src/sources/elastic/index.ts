/**
 * Elastic Security source: reads detection alerts from the alerts index, one incident per main alert, building
 * blocks attached as sub-events (also when they arrive in a later poll). See README.md in this folder.
 */
import { AppError, errorMessage } from '../../core/errors.js';
import type { Incident, IncidentDraft } from '../../core/incident.js';
import type { AdapterDeps, PollResult, SourceAdapter } from '../../core/ports.js';
import type { JsonValue } from '../../core/reply.js';
import { createElasticClient } from './client.js';
import type { ElasticConfig } from './config.js';
import { alertId, classify, groupRecordOf, mapLateSubAlerts, mapMainAlert, timestampOf, type MapOptions } from './map.js';
import {
  alertByIdQuery,
  alertWindowQuery,
  earlierTime,
  groupMainsQuery,
  groupMembersQuery,
  laterTime,
  parseCursor,
  searchBody,
  serializeCursor,
  type Query,
} from './query.js';
import { groupRecordSchema, hitSchema, sortOnlySchema, type AlertHit, type ElasticCursor, type GroupRecord, type SortValue } from './schema.js';

/** A building-block group whose main alert cannot be found is retried this long, then reported and dropped. */
export const PENDING_MAX_AGE_MS = 24 * 3600_000;
/** Bound on pending groups carried in the cursor; the oldest are dropped (and logged) beyond it. */
export const PENDING_MAX = 500;
/** Group ids per lookup query. */
const GROUP_BATCH = 100;
/** Upper bound on one group's members read for a draft (Elastic's SSH rule writes 61 per match). */
const GROUP_MEMBERS_MAX = 10_000;

interface Page {
  readonly hits: AlertHit[];
  /** Sort values of the last raw hit, for `search_after`. */
  readonly last: SortValue[] | undefined;
  readonly rawCount: number;
  readonly quarantined: number;
}

export function createElasticSource(config: ElasticConfig, deps: AdapterDeps): SourceAdapter {
  const client = createElasticClient(config);
  const logger = deps.logger.child({ source: 'elastic' });
  const mapOptions: MapOptions = { kibanaUrl: config.kibanaUrl };
  const groupTtlMs = config.groupRetentionDays * 24 * 3600_000;

  async function page(query: Query, size: number, after: readonly SortValue[] | undefined, what: string, signal: AbortSignal): Promise<Page> {
    const response = await client.search(searchBody(query, size, after), what, signal);
    const hits: AlertHit[] = [];
    let quarantined = 0;
    for (const raw of response.hits.hits) {
      const parsed = hitSchema.safeParse(raw);
      if (parsed.success) hits.push(parsed.data);
      else {
        quarantined++;
        logger.warn('elastic hit quarantined', { issues: parsed.error.issues.slice(0, 3).map((i) => i.path.join('.') || '(root)') });
      }
    }
    const lastRaw = response.hits.hits.at(-1);
    const sort = lastRaw === undefined ? undefined : sortOnlySchema.safeParse(lastRaw);
    return { hits, last: sort?.success ? sort.data.sort : undefined, rawCount: response.hits.hits.length, quarantined };
  }

  /** Every hit of a query, paged with search_after until a short page, bounded by `maxHits`. */
  async function all(query: Query, what: string, maxHits: number, signal: AbortSignal): Promise<{ hits: AlertHit[]; quarantined: number }> {
    const out: AlertHit[] = [];
    let quarantined = 0;
    let after: SortValue[] | undefined;
    for (;;) {
      const p = await page(query, config.pageSize, after, what, signal);
      out.push(...p.hits);
      quarantined += p.quarantined;
      if (p.rawCount < config.pageSize) break;
      if (out.length >= maxHits) {
        logger.warn('elastic group larger than the read limit; rows beyond it are not attached', { what, limit: maxHits });
        break;
      }
      if (!p.last) throw new AppError('invalid-response', `elastic ${what}: hit without sort values, cannot page`);
      after = p.last;
    }
    return { hits: out, quarantined };
  }

  async function readGroupRecord(groupId: string): Promise<GroupRecord | undefined> {
    const value = await deps.state.get(`group:${groupId}`);
    if (value === undefined) return undefined;
    const parsed = groupRecordSchema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  }

  async function rememberGroup(groupId: string, draft: IncidentDraft): Promise<void> {
    await deps.state.set(`group:${groupId}`, groupRecordOf(draft) as unknown as JsonValue, groupTtlMs);
  }

  /** Main alerts of these groups, looked up regardless of time (the main may be older than the window). */
  async function findMains(groupIds: readonly string[], signal: AbortSignal): Promise<{ mains: Map<string, AlertHit>; quarantined: number }> {
    const mains = new Map<string, AlertHit>();
    let quarantined = 0;
    for (let i = 0; i < groupIds.length; i += GROUP_BATCH) {
      const batch = groupIds.slice(i, i + GROUP_BATCH);
      const found = await all(groupMainsQuery(batch), 'group lookup', GROUP_MEMBERS_MAX, signal);
      quarantined += found.quarantined;
      for (const hit of found.hits) {
        const role = classify(hit);
        if (role.kind === 'main' && role.groupId !== undefined && batch.includes(role.groupId) && !mains.has(role.groupId)) mains.set(role.groupId, hit);
      }
    }
    return { mains, quarantined };
  }

  /** All building blocks of a group (the main alert itself is skipped, defect 3 of the old connector). */
  async function groupSubs(groupId: string, signal: AbortSignal): Promise<{ subs: AlertHit[]; quarantined: number }> {
    const found = await all(groupMembersQuery(groupId), 'group members', GROUP_MEMBERS_MAX, signal);
    const subs = found.hits.filter((h) => {
      const role = classify(h);
      return role.kind === 'sub' && role.groupId === groupId;
    });
    return { subs, quarantined: found.quarantined };
  }

  function mergeSubs(a: readonly AlertHit[], b: readonly AlertHit[]): AlertHit[] {
    const byId = new Map<string, AlertHit>();
    for (const hit of [...a, ...b]) byId.set(hit._id, hit);
    return [...byId.values()];
  }

  async function poll(cursorText: string | undefined, signal: AbortSignal): Promise<PollResult> {
    const now = deps.clock.now();
    const cursor = parseCursor(cursorText);
    if (cursorText && !cursor) logger.warn('elastic cursor unreadable; starting from the initial look-back');
    const nowIso = now.toISOString();
    const from =
      cursor?.resume?.from ??
      (cursor?.t !== undefined
        ? new Date(Date.parse(cursor.t) - config.lookback * 1000).toISOString()
        : new Date(now.getTime() - config.initialLookback * 1000).toISOString());

    // 1. Read the window, page by page, deduplicated on the alert id (a re-written alert keeps its latest copy).
    const query = alertWindowQuery(config, from);
    const seen = new Map<string, AlertHit>();
    let quarantined = 0;
    let after: SortValue[] | undefined = cursor?.resume?.after;
    let newest = cursor?.t;
    let pages = 0;
    let more = false;
    for (;;) {
      const p = await page(query, config.pageSize, after, 'alert search', signal);
      pages++;
      quarantined += p.quarantined;
      for (const hit of p.hits) {
        seen.delete(hit._id);
        seen.set(hit._id, hit);
        // An alert stamped ahead of our clock moves the cursor only up to now: the next window still starts
        // before it, so alerts written in between by a correctly set Kibana are not skipped.
        const ts = timestampOf(hit);
        newest = laterTime(newest, ts === undefined ? undefined : earlierTime(ts, nowIso));
      }
      if (p.rawCount < config.pageSize) break;
      if (!p.last) throw new AppError('invalid-response', 'elastic alert search: hit without sort values, cannot page');
      after = p.last;
      if (pages >= config.maxPagesPerPoll) {
        more = true;
        break;
      }
    }

    // 2. Main alerts and building blocks, grouped.
    const mains: AlertHit[] = [];
    const subsByGroup = new Map<string, AlertHit[]>();
    for (const hit of seen.values()) {
      const role = classify(hit);
      if (role.kind === 'main') mains.push(hit);
      else {
        const list = subsByGroup.get(role.groupId);
        if (list) list.push(hit);
        else subsByGroup.set(role.groupId, [hit]);
      }
    }

    const pending: Record<string, string> = { ...(cursor?.pending ?? {}) };
    const drafts = new Map<string, IncidentDraft>();
    const mainsByGroup = new Map<string, AlertHit>();
    const emitMain = async (main: AlertHit, subs: readonly AlertHit[]): Promise<void> => {
      try {
        const draft = mapMainAlert(main, subs, mapOptions);
        drafts.set(draft.sourceId, draft);
        const { groupId } = classify(main);
        if (groupId !== undefined) await rememberGroup(groupId, draft);
      } catch (error) {
        if (error instanceof AppError) throw error;
        quarantined++;
        logger.warn('elastic alert quarantined', { id: main._id, error: errorMessage(error) });
      }
    };

    for (const main of mains) {
      const { groupId } = classify(main);
      if (groupId !== undefined) mainsByGroup.set(groupId, main);
    }

    // 3. Groups needing a full read: pending from earlier polls, and late blocks whose main this source never
    //    recorded (state lost or expired). Both get the main alert and every block from Elasticsearch.
    const resolve = new Set<string>(Object.keys(pending));
    for (const main of mains) {
      const { groupId } = classify(main);
      if (groupId !== undefined && resolve.has(groupId)) continue; // emitted below with every block of its group
      await emitMain(main, groupId !== undefined ? (subsByGroup.get(groupId) ?? []) : []);
    }
    for (const [groupId, subs] of subsByGroup) {
      if (mainsByGroup.has(groupId) || resolve.has(groupId)) continue;
      const record = await readGroupRecord(groupId);
      if (record) drafts.set(record.mainId, mergeLate(drafts.get(record.mainId), mapLateSubAlerts(record, groupId, subs, mapOptions)));
      else resolve.add(groupId);
    }
    if (resolve.size > 0) {
      const lookup = [...resolve].filter((g) => !mainsByGroup.has(g));
      const found = lookup.length > 0 ? await findMains(lookup, signal) : { mains: new Map<string, AlertHit>(), quarantined: 0 };
      quarantined += found.quarantined;
      for (const groupId of resolve) {
        const main = mainsByGroup.get(groupId) ?? found.mains.get(groupId);
        if (!main) {
          if (pending[groupId] === undefined) {
            pending[groupId] = now.toISOString();
            logger.warn('elastic building blocks wait for their main alert', { groupId });
          }
          continue;
        }
        const members = await groupSubs(groupId, signal);
        quarantined += members.quarantined;
        await emitMain(main, mergeSubs(members.subs, subsByGroup.get(groupId) ?? []));
        delete pending[groupId];
      }
    }

    // 4. Pending groups: retried each poll, dropped (loudly) only after PENDING_MAX_AGE_MS or beyond PENDING_MAX.
    const stillPending = Object.entries(pending).sort((a, b) => a[1].localeCompare(b[1]));
    for (const [groupId, since] of stillPending) {
      const tooOld = now.getTime() - Date.parse(since) > PENDING_MAX_AGE_MS;
      const tooMany = Object.keys(pending).length > PENDING_MAX;
      if (tooOld || tooMany) {
        delete pending[groupId];
        quarantined++;
        logger.error('elastic building blocks dropped: their main alert was never found', { groupId, since, reason: tooOld ? 'age' : 'limit' });
      }
    }

    const next: ElasticCursor = { v: 1, ...(newest !== undefined ? { t: newest } : {}), pending };
    if (more && after) next.resume = { from, after };
    logger.debug('elastic poll', { pages, hits: seen.size, drafts: drafts.size, more, pending: Object.keys(pending).length, quarantined });
    return {
      drafts: [...drafts.values()],
      nextCursor: serializeCursor(next),
      ...(more ? { more: true } : {}),
      ...(quarantined > 0 ? { quarantined } : {}),
    };
  }

  async function probe(signal: AbortSignal): Promise<void> {
    // A zero-size search proves the credentials and the read privilege on the index; GET / would need `monitor`.
    await client.search({ query: { match_none: {} }, size: 0, track_total_hits: false }, 'probe', signal);
  }

  async function refresh(incident: Incident, signal: AbortSignal): Promise<IncidentDraft> {
    const found = await page(alertByIdQuery(incident.sourceId), 10, undefined, 'refresh', signal);
    const main = found.hits.find((h) => h._id === incident.sourceId || alertId(h) === incident.sourceId);
    if (!main) throw new AppError('not-found', 'elastic refresh: alert not found');
    const { groupId } = classify(main);
    const subs = groupId !== undefined ? (await groupSubs(groupId, signal)).subs : [];
    return mapMainAlert(main, subs, mapOptions);
  }

  return {
    id: 'elastic',
    poll,
    probe,
    refresh,
    close: () => client.close(),
  };
}

/** Two late drafts for one incident in one poll (blocks of one group only ever map to one main). */
function mergeLate(existing: IncidentDraft | undefined, late: IncidentDraft): IncidentDraft {
  if (!existing) return late;
  const known = new Set(existing.subEvents.map((e) => e.id));
  return { ...existing, subEvents: [...existing.subEvents, ...late.subEvents.filter((e) => !known.has(e.id))] };
}
