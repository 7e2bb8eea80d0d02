/**
 * IBM SOAR forwarder: one SOAR incident per socbot incident, with artifacts for its assets and one Data Table
 * row per sub-event. Idempotent by a dedupe key kept in a custom incident field: the local record
 * (`deps.state`) is a cache, SOAR's `query_paged` is the authority. See README.md.
 */
import { z } from 'zod';
import type { Actor } from '../../core/access.js';
import { AppError, isAppError } from '../../core/errors.js';
import type { Incident } from '../../core/incident.js';
import type { AdapterDeps, Forwarder, ForwardResult } from '../../core/ports.js';
import type { HttpClient } from '../../lib/http.js';
import { createKeyedMutex } from '../../core/keyed-mutex.js';
import { redactValue } from '../../lib/redact.js';
import { createSoarClient, isTransient } from './client.js';
import type { SoarConfig } from './config.js';
import {
  ARTIFACT_TYPE_IDS,
  ARTIFACT_TYPES,
  artifactKey,
  buildArtifacts,
  buildIncidentPayload,
  buildRows,
  columnMap,
  dedupeKey,
  incidentLink,
  rowSignature,
  type ArtifactPayload,
  type Handle,
  type IncidentPayload,
  type RowPayload,
} from './map.js';
import {
  artifactListSchema,
  createdArtifactsSchema,
  fieldSchema,
  incidentSchema,
  pagedIncidentsSchema,
  sessionSchema,
  tableDataSchema,
  tableRowSchema,
  typeSchema,
} from './schema.js';

export type { SoarConfig } from './config.js';
export { dedupeKey, incidentLink } from './map.js';

export interface SoarDeps extends AdapterDeps {
  /** Localises fact labels in the SOAR description (the bot's default locale). */
  readonly translate?: (key: string) => string;
  /** For tests: replaces the HTTP client built from the config. */
  readonly http?: HttpClient;
}

export interface SoarForwarder extends Forwarder {
  /** For `socbot check --probe`: org, incident types, dedupe field, artifact types and Data Table columns exist. */
  probe(signal: AbortSignal): Promise<void>;
}

/** What socbot remembers per forwarded incident (state key `incident:<dedupe key>`). */
const recordSchema = z.object({
  /** SOAR incident id. */
  id: z.number().int(),
  /** Sub-event id → SOAR row id (null when the row id is unknown). */
  rows: z.record(z.string(), z.number().int().nullable()),
  /** `artifactKey`s of the artifacts known to be on the incident. */
  artifacts: z.array(z.string()),
});
type SoarRecord = z.infer<typeof recordSchema>;

const DRY_RUN: ForwardResult = { ref: 'dry-run', dryRun: true, created: false };

/** Runs `fn` on every item with at most `limit` in flight. */
async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Coalesces record writes during a bulk sync: at most one write in flight, the latest content wins, and
 * `flush()` guarantees a final write. keyv has no transactions, so one writer per record keeps it consistent.
 */
class RecordWriter {
  private pending: Promise<void> | undefined;
  private dirty = false;
  private failure: unknown;

  constructor(private readonly write: () => Promise<void>) {}

  touch(): void {
    this.dirty = true;
    this.pending ??= this.drain().finally(() => {
      this.pending = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      try {
        await this.write();
      } catch (error) {
        this.failure = error;
      }
    }
  }

  async flush(): Promise<void> {
    this.touch();
    while (this.pending) await this.pending;
    if (this.failure !== undefined) throw this.failure;
  }
}

/** A transient failure after which SOAR may still have done the work: no answer, or a gateway's. */
function unanswered(error: AppError): boolean {
  return error.status === undefined || error.status === 502 || error.status === 504;
}

/** `artifactKey` of an artifact as SOAR returns it, when its type is known. */
function keyOf(artifact: { type?: unknown; value?: string | null }): string | undefined {
  const type = typeNameOf(artifact.type);
  return type && artifact.value ? artifactKey(type, artifact.value) : undefined;
}

function typeNameOf(type: unknown): string | undefined {
  if (typeof type === 'string') return type;
  if (typeof type === 'number') return ARTIFACT_TYPE_IDS[type];
  if (type && typeof type === 'object') {
    const o = type as { name?: unknown; id?: unknown };
    if (typeof o.name === 'string') return o.name;
    if (typeof o.id === 'number') return ARTIFACT_TYPE_IDS[o.id];
  }
  return undefined;
}

export function createSoarForwarder(config: SoarConfig, deps: SoarDeps): SoarForwarder {
  const logger = deps.logger.child({ forwarder: 'soar' });
  const client = createSoarClient(config, { logger, clock: deps.clock, ...(deps.http ? { http: deps.http } : {}) });
  const columns = columnMap(config);
  const table = encodeURIComponent(config.dataTable);
  let orgPromise: Promise<number> | undefined;
  let typesPromise: Promise<readonly Handle[]> | undefined;

  /** One operation per incident key at a time in this process: a double press waits and then finds the record. */
  const perKey = createKeyedMutex();

  // ---------------------------------------------------------------- resolution (once per process)

  async function resolveOrg(signal: AbortSignal): Promise<number> {
    const org = config.org;
    if (typeof org === 'number') return org;
    if (/^\d+$/.test(org)) return Number(org);
    const session = await client.retrying('read session', signal, () =>
      client.request(sessionSchema, 'read session', { path: 'rest/session', signal }),
    );
    const wanted = org.trim().toLowerCase();
    const match =
      session.orgs.find((o) => o.name === org) ?? session.orgs.find((o) => o.name.toLowerCase() === wanted || o.uuid?.toLowerCase() === wanted);
    if (!match) {
      throw new AppError('config', `forwarders.soar.org: this API key has no organisation named "${org}" (it has: ${session.orgs.map((o) => o.name).join(', ') || 'none'})`);
    }
    if (match.enabled === false) throw new AppError('config', `forwarders.soar.org: organisation "${match.name}" is disabled in SOAR`);
    logger.info('soar organisation resolved', { org: match.name, orgId: match.id });
    return match.id;
  }

  function orgId(signal: AbortSignal): Promise<number> {
    orgPromise ??= resolveOrg(signal).catch((error: unknown) => {
      orgPromise = undefined;
      throw error;
    });
    return orgPromise;
  }

  async function resolveTypes(org: number, signal: AbortSignal): Promise<readonly Handle[]> {
    const wanted = config.incidentTypes.map((t): Handle => (typeof t === 'string' && /^\d+$/.test(t) ? Number(t) : t));
    if (wanted.every((t) => typeof t === 'number')) return wanted;
    let values;
    try {
      const field = await client.retrying('read incident types', signal, () =>
        client.request(fieldSchema, 'read incident types', { path: `rest/orgs/${org}/types/incident/fields/incident_type_ids`, signal }),
      );
      values = field.values ?? [];
    } catch (error) {
      if (isAppError(error) && error.kind === 'bad-request') {
        // Older servers or restricted keys: names are valid handles too, so let SOAR resolve them.
        logger.warn('soar incident types not readable, sending names', { error: error.message });
        return wanted;
      }
      throw error;
    }
    return wanted.map((t) => {
      if (typeof t === 'number') return t;
      const hit = values.find((v) => v.label.toLowerCase() === t.toLowerCase());
      if (!hit || typeof hit.value !== 'number') {
        throw new AppError('config', `forwarders.soar.incidentTypes: SOAR has no incident type "${t}"`);
      }
      if (hit.enabled === false) throw new AppError('config', `forwarders.soar.incidentTypes: incident type "${t}" is disabled in SOAR`);
      return hit.value;
    });
  }

  function incidentTypes(org: number, signal: AbortSignal): Promise<readonly Handle[]> {
    typesPromise ??= resolveTypes(org, signal).catch((error: unknown) => {
      typesPromise = undefined;
      throw error;
    });
    return typesPromise;
  }

  // ---------------------------------------------------------------- state

  const stateId = (key: string): string => `incident:${key}`;

  async function loadRecord(key: string): Promise<SoarRecord | undefined> {
    const raw = await deps.state.get(stateId(key));
    if (raw === undefined) return undefined;
    const parsed = recordSchema.safeParse(raw);
    if (!parsed.success) {
      logger.warn('soar state record ignored (unexpected shape)', { key });
      return undefined;
    }
    return parsed.data;
  }

  async function saveRecord(key: string, record: SoarRecord): Promise<void> {
    await deps.state.set(stateId(key), { id: record.id, rows: { ...record.rows }, artifacts: [...record.artifacts] });
  }

  // ---------------------------------------------------------------- SOAR calls

  /** The SOAR incident carrying this dedupe key, the oldest if a past race left several. */
  async function findByKey(org: number, key: string, signal: AbortSignal): Promise<number | undefined> {
    const body = {
      filters: [{ conditions: [{ field_name: `properties.${config.dedupeField}`, method: 'equals', value: key }] }],
      sorts: [{ field_name: 'create_date', type: 'asc' }],
      start: 0,
      length: 10,
    };
    const page = await client.retrying('find incident', signal, () =>
      client.request(pagedIncidentsSchema, 'find incident', {
        method: 'POST',
        path: `rest/orgs/${org}/incidents/query_paged`,
        query: { return_level: 'normal' },
        json: body,
        signal,
      }),
    );
    // Trust the filter, but not blindly: a record that shows a different key is not ours.
    const hits = page.data.filter((i) => i.properties?.[config.dedupeField] === undefined || i.properties[config.dedupeField] === key);
    if (hits.length > 1) logger.warn('soar has several incidents for one key; using the oldest', { key, ids: hits.map((h) => h.id) });
    return hits[0]?.id;
  }

  /**
   * Creates the incident. A create is not idempotent: after a timeout or 5xx the server may have created it
   * anyway, so look it up by key before trying again, and once more before giving up.
   */
  async function createIncident(org: number, payload: IncidentPayload, key: string, signal: AbortSignal): Promise<{ id: number; confirmed: boolean }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const incident = await client.request(incidentSchema, 'create incident', {
          method: 'POST',
          path: `rest/orgs/${org}/incidents`,
          query: { want_full_data: false },
          json: payload,
          signal,
        });
        return { id: incident.id, confirmed: true };
      } catch (error) {
        const unclear = isTransient(error) || (isAppError(error) && error.kind === 'invalid-response');
        if (!unclear) throw error;
        logger.warn('soar create failed; reconciling by key', { key, kind: error.kind, status: error.status, attempt });
        const last = !isTransient(error) || attempt >= config.attempts || signal.aborted;
        if (!last) await client.backoff('create incident', error, attempt, signal);
        const found = await findByKey(org, key, signal);
        if (found !== undefined) {
          logger.info('soar incident found after a failed create', { key, id: found });
          return { id: found, confirmed: false };
        }
        if (last) throw error;
      }
    }
  }

  function readArtifacts(org: number, id: number, signal: AbortSignal): Promise<z.infer<typeof artifactListSchema>> {
    return client.retrying('read artifacts', signal, () =>
      client.request(artifactListSchema, 'read artifacts', { path: `rest/orgs/${org}/incidents/${id}/artifacts`, query: { handle_format: 'names' }, signal }),
    );
  }

  async function readRows(org: number, id: number, signal: AbortSignal): Promise<z.infer<typeof tableRowSchema>[]> {
    const data = await client.retrying('read table rows', signal, () =>
      client.request(tableDataSchema, 'read table rows', { path: `rest/orgs/${org}/incidents/${id}/table_data/${table}`, query: { handle_format: 'names' }, signal }),
    );
    return data.rows ?? [];
  }

  /**
   * Adding a row or an artifact is not idempotent either: when no answer came (timeout, dropped connection,
   * gateway error) SOAR may have added it, so look for it before trying again, and once more before giving up.
   */
  async function addReconciled<T>(op: string, signal: AbortSignal, send: () => Promise<T>, lookup: () => Promise<T | undefined>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if (!isTransient(error)) throw error;
        const last = attempt >= config.attempts || signal.aborted;
        if (!last) await client.backoff(op, error, attempt, signal);
        if (unanswered(error) && !signal.aborted) {
          const found = await lookup();
          if (found !== undefined) {
            logger.info('soar item found after a failed add', { op, attempt });
            return found;
          }
        }
        if (last) throw error;
      }
    }
  }

  /** False only when SOAR says the incident does not exist (404); other failures are thrown. */
  async function incidentExists(org: number, id: number, signal: AbortSignal): Promise<boolean> {
    try {
      await client.retrying('read incident', signal, () => client.request(incidentSchema, 'read incident', { path: `rest/orgs/${org}/incidents/${id}`, query: { want_full_data: false }, signal }));
      return true;
    } catch (error) {
      if (isAppError(error) && error.status === 404) return false;
      throw error;
    }
  }

  /** Builds the local record of an incident socbot did not see created: reads its artifacts and rows. */
  async function adopt(org: number, id: number, rows: readonly RowPayload[], signal: AbortSignal): Promise<SoarRecord> {
    const record: SoarRecord = { id, rows: {}, artifacts: [] };
    const keys = new Set<string>();
    for (const a of await readArtifacts(org, id, signal)) {
      const k = keyOf(a);
      if (k) keys.add(k);
    }
    record.artifacts = [...keys];
    // Rows carry no sub-event id, so match by content: each existing row accounts for one identical planned row.
    const existing = new Map<string, number[]>();
    for (const row of await readRows(org, id, signal)) {
      const sig = rowSignature(row.cells ?? {}, columns);
      existing.set(sig, [...(existing.get(sig) ?? []), row.id]);
    }
    for (const row of rows) {
      const ids = existing.get(rowSignature(row.cells, columns));
      const rowId = ids?.shift();
      if (rowId !== undefined) record.rows[row.subEventId] = rowId;
    }
    logger.info('soar existing incident adopted', { id, artifacts: record.artifacts.length, rows: Object.keys(record.rows).length });
    return record;
  }

  /** Adds the artifacts and rows the record does not have yet, `concurrency` requests at a time. */
  async function sync(org: number, key: string, record: SoarRecord, artifacts: readonly ArtifactPayload[], rows: readonly RowPayload[], signal: AbortSignal): Promise<{ artifacts: number; rows: number }> {
    const known = new Set(record.artifacts);
    const newArtifacts = artifacts.filter((a) => !known.has(artifactKey(a.type.name, a.value)));
    const newRows = rows.filter((r) => !(r.subEventId in record.rows));
    if (newArtifacts.length === 0 && newRows.length === 0) return { artifacts: 0, rows: 0 };
    const writer = new RecordWriter(() => saveRecord(key, record));
    const failures: AppError[] = [];
    let stop = false;
    type Task = { kind: 'artifact'; artifact: ArtifactPayload } | { kind: 'row'; row: RowPayload };
    const tasks: Task[] = [...newArtifacts.map((artifact): Task => ({ kind: 'artifact', artifact })), ...newRows.map((row): Task => ({ kind: 'row', row }))];
    let addedArtifacts = 0;
    let addedRows = 0;
    await mapLimit(tasks, config.concurrency, async (task) => {
      // After a permanent refusal (bad column, missing table) every further item would fail alike: stop sending.
      if (stop || signal.aborted) return;
      try {
        if (task.kind === 'artifact') {
          const wanted = artifactKey(task.artifact.type.name, task.artifact.value);
          const answer = await addReconciled(
            'add artifact',
            signal,
            () =>
              client.request(createdArtifactsSchema, 'add artifact', {
                method: 'POST',
                path: `rest/orgs/${org}/incidents/${record.id}/artifacts`,
                query: { handle_format: 'names' },
                json: task.artifact,
                signal,
              }),
            async () => {
              const present = await readArtifacts(org, record.id, signal);
              return present.some((a) => keyOf(a) === wanted) ? present : undefined;
            },
          );
          const keys = new Set(record.artifacts);
          keys.add(artifactKey(task.artifact.type.name, task.artifact.value));
          // SOAR may create more artifacts automatically (e.g. a DNS name for a URL); remember those too.
          for (const a of Array.isArray(answer) ? answer : [answer]) {
            const k = keyOf(a);
            if (k) keys.add(k);
          }
          record.artifacts = [...keys];
          addedArtifacts++;
        } else {
          const answer = await addReconciled(
            'add table row',
            signal,
            () =>
              client.request(tableRowSchema, 'add table row', {
                method: 'POST',
                path: `rest/orgs/${org}/incidents/${record.id}/table_data/${table}/row_data`,
                json: { cells: task.row.cells },
                signal,
              }),
            async () => {
              // A row with the same content that no other sub-event accounts for is the one this request added.
              const claimed = new Set(Object.values(record.rows));
              const wanted = rowSignature(task.row.cells, columns);
              return (await readRows(org, record.id, signal)).find((r) => !claimed.has(r.id) && rowSignature(r.cells ?? {}, columns) === wanted);
            },
          );
          record.rows[task.row.subEventId] = answer.id;
          addedRows++;
        }
        writer.touch();
      } catch (error) {
        const failure = isAppError(error) ? error : new AppError('internal', 'SOAR sync failed', { cause: error });
        failures.push(failure);
        if (!failure.retryable) stop = true;
      }
    });
    await writer.flush();
    const missing = tasks.length - addedArtifacts - addedRows;
    if (missing > 0) {
      const first = failures.find((f) => !f.retryable) ?? failures[0];
      const kind = first && !first.retryable ? first.kind : 'unavailable';
      logger.warn('soar sync incomplete', { id: record.id, missing, of: tasks.length, kind });
      const reason = first ? ` (${first.message})` : ' (cancelled)';
      throw new AppError(kind, `SOAR incident ${record.id}: ${missing} of ${tasks.length} artifacts/rows not added${reason}`, {
        ...(first ? { cause: first } : {}),
        ...(first?.status === undefined ? {} : { status: first.status }),
      });
    }
    return { artifacts: addedArtifacts, rows: addedRows };
  }

  function payloadFor(incident: Incident, types: readonly Handle[], actor: Actor | undefined): IncidentPayload {
    return buildIncidentPayload(incident, {
      dedupeField: config.dedupeField,
      severities: config.severities,
      incidentTypes: types,
      dataTable: config.dataTable,
      now: deps.clock.now(),
      ...(actor ? { actor } : {}),
      ...(deps.translate ? { translate: deps.translate } : {}),
    });
  }

  function logDryRun(what: string, key: string, payload: unknown, rows: readonly RowPayload[]): void {
    logger.info('soar dry run: nothing sent', { what, key, org: config.org, payload: redactValue(payload), rows: rows.length });
    if (rows.length > 0) logger.debug('soar dry run: data table rows', { key, table: config.dataTable, rows: redactValue(rows) });
  }

  // ---------------------------------------------------------------- the port

  return {
    id: 'soar',
    labelKey: 'fwd-soar',

    forward(incident: Incident, actor: Actor, signal: AbortSignal): Promise<ForwardResult> {
      const key = dedupeKey(incident);
      return perKey.run(key, async () => {
        const rows = buildRows(incident.subEvents, columns);
        if (config.dryRun) {
          const types = config.incidentTypes.map((t): Handle => t);
          logDryRun('create incident', key, payloadFor(incident, types, actor), rows);
          return DRY_RUN;
        }
        const org = await orgId(signal);
        const attempt = async (): Promise<ForwardResult> => {
          let record = await loadRecord(key);
          let created = false;
          if (!record) {
            const found = await findByKey(org, key, signal);
            if (found !== undefined) {
              record = await adopt(org, found, rows, signal);
            } else {
              const payload = payloadFor(incident, await incidentTypes(org, signal), actor);
              const made = await createIncident(org, payload, key, signal);
              created = true;
              record = made.confirmed
                ? { id: made.id, rows: {}, artifacts: payload.artifacts.map((a) => artifactKey(a.type.name, a.value)) }
                : await adopt(org, made.id, rows, signal);
              logger.info('soar incident created', { key, id: made.id, confirmed: made.confirmed });
            }
            // The key → id mapping is written before any row, so a crash mid-sync resumes on the same incident.
            await saveRecord(key, record);
          }
          const added = await sync(org, key, record, buildArtifacts(incident), rows, signal);
          logger.info('soar forward done', { key, id: record.id, created, addedRows: added.rows, addedArtifacts: added.artifacts });
          return { ref: String(record.id), link: incidentLink(config.url, record.id), created };
        };
        try {
          return await attempt();
        } catch (error) {
          // A person asked to forward, and the SOAR incident the record names was deleted: forward anew, once.
          const record = isAppError(error) && error.status === 404 ? await loadRecord(key) : undefined;
          if (!record || (await incidentExists(org, record.id, signal))) throw error;
          logger.warn('soar incident of the local record no longer exists; forwarding anew', { key, id: record.id });
          await deps.state.delete(stateId(key));
          return attempt();
        }
      });
    },

    update(incident: Incident, previous: Incident, signal: AbortSignal): Promise<void> {
      const key = dedupeKey(incident);
      return perKey.run(key, async () => {
        const rows = buildRows(incident.subEvents, columns);
        if (config.dryRun) {
          const knownEvents = new Set(previous.subEvents.map((e) => e.id));
          const knownArtifacts = new Set(buildArtifacts(previous).map((a) => artifactKey(a.type.name, a.value)));
          const artifacts = buildArtifacts(incident).filter((a) => !knownArtifacts.has(artifactKey(a.type.name, a.value)));
          logDryRun('update incident', key, { artifacts }, rows.filter((r) => !knownEvents.has(r.subEventId)));
          return;
        }
        const org = await orgId(signal);
        let record = await loadRecord(key);
        if (!record) {
          const found = await findByKey(org, key, signal);
          if (found === undefined) {
            logger.info('soar update skipped: incident was never forwarded', { key });
            return;
          }
          record = await adopt(org, found, rows, signal);
          await saveRecord(key, record);
        }
        const added = await sync(org, key, record, buildArtifacts(incident), rows, signal);
        logger.info('soar update done', { key, id: record.id, addedRows: added.rows, addedArtifacts: added.artifacts });
      });
    },

    async probe(signal: AbortSignal): Promise<void> {
      const org = await orgId(signal);
      await incidentTypes(org, signal);
      const problems: string[] = [];
      try {
        await client.request(fieldSchema, 'read dedupe field', { path: `rest/orgs/${org}/types/incident/fields/${encodeURIComponent(config.dedupeField)}`, signal });
      } catch (error) {
        if (!isAppError(error) || error.kind !== 'bad-request') throw error;
        problems.push(`forwarders.soar.dedupeField: SOAR has no incident field "${config.dedupeField}" (create it as a text field)`);
      }
      const artifactType = await client.request(typeSchema, 'read artifact types', { path: `rest/orgs/${org}/types/artifact`, signal });
      const labels = new Set((artifactType.fields.type?.values ?? []).map((v) => v.label));
      for (const name of Object.values(ARTIFACT_TYPES)) if (!labels.has(name)) problems.push(`SOAR has no artifact type "${name}"`);
      try {
        const dt = await client.request(typeSchema, 'read data table', { path: `rest/orgs/${org}/types/${table}`, signal });
        for (const column of Object.keys(columns)) {
          if (!dt.fields[column]) problems.push(`forwarders.soar.columns: Data Table "${config.dataTable}" has no column "${column}"`);
        }
      } catch (error) {
        if (!isAppError(error) || error.kind !== 'bad-request') throw error;
        problems.push(`forwarders.soar.dataTable: SOAR has no Data Table "${config.dataTable}"`);
      }
      if (problems.length > 0) throw new AppError('config', problems.join('; '));
    },
  };
}
