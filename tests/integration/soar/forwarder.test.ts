import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/access.js';
import { systemClock } from '../../../src/core/clock.js';
import { AppError } from '../../../src/core/errors.js';
import type { Incident } from '../../../src/core/incident.js';
import type { Logger } from '../../../src/core/logger.js';
import { soarConfigSchema } from '../../../src/forwarders/soar/config.js';
import { createSoarForwarder, dedupeKey, type SoarForwarder } from '../../../src/forwarders/soar/index.js';
import { largeGroupIncident, memoryState, soarFixture, sshGroupIncident, startFakeSoar, type FakeSoar } from '../../support/fakes/soar.js';
import { realSourceIncidents } from '../../unit/idmefv2/real-sources.js';

const actor: Actor = { platform: 'telegram', userId: '42', name: 'Ann Analyst', username: 'ann', role: 'analyst', locale: 'en', chat: { id: '-100', type: 'group' } };
const signal = new AbortController().signal;
const CREATE = /^\/rest\/orgs\/\d+\/incidents$/;
const QUERY = /\/incidents\/query_paged$/;
const ROWS = /\/table_data\/event_information\/row_data$/;
const ARTIFACTS = /\/incidents\/\d+\/artifacts$/;

interface LogRecord {
  level: string;
  message: string;
  meta: Record<string, unknown> | undefined;
}

function recordingLogger(records: LogRecord[]): Logger {
  const logger: Logger = {
    error: (message, meta) => records.push({ level: 'error', message, meta }),
    warn: (message, meta) => records.push({ level: 'warn', message, meta }),
    info: (message, meta) => records.push({ level: 'info', message, meta }),
    debug: (message, meta) => records.push({ level: 'debug', message, meta }),
    child: () => logger,
  };
  return logger;
}

let soar: FakeSoar;
let logs: LogRecord[];

beforeEach(async () => {
  soar = await startFakeSoar();
  logs = [];
});
afterEach(async () => {
  await soar.close();
});

function forwarder(overrides: Record<string, unknown> = {}, state = memoryState()): SoarForwarder {
  const config = soarConfigSchema.parse({
    url: soar.url,
    org: 201,
    apiKeyId: soar.apiKeyId,
    apiKeySecret: soar.apiKeySecret,
    incidentTypes: ['System Intrusion'],
    timeout: 2,
    retryDelay: 0,
    ...overrides,
  });
  return createSoarForwarder(config, { logger: recordingLogger(logs), clock: systemClock, state });
}

function only(fake: FakeSoar) {
  expect(fake.incidents.size).toBe(1);
  const [incident] = fake.incidents.values();
  if (!incident) throw new Error('no incident');
  return incident;
}

function withSubEvents(incident: Incident, count: number): Incident {
  return { ...incident, subEvents: incident.subEvents.slice(0, count) };
}

async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('SOAR forwarder against the fake SOAR', () => {
  it('creates one incident with fields, dedupe property, typed artifacts and a row per building block', async () => {
    const incident = sshGroupIncident();
    const result = await forwarder().forward(incident, actor, signal);

    const stored = only(soar);
    expect(result).toEqual({ ref: String(stored.id), link: `${soar.url}/#incidents/${stored.id}`, created: true });
    expect(stored.org).toBe(201);
    expect(stored.body).toMatchObject({
      name: 'TRI_Potential SSH Brute Force (EQL sequence)',
      discovered_date: 1748855861502,
      start_date: 1748855643118,
      severity_code: 'Medium',
      incident_type_ids: [20],
      plan_status: 'A',
      properties: { socbot_key: dedupeKey(incident) },
    });
    expect(stored.artifacts.map((a) => `${a.type}=${a.value}`).sort()).toEqual(
      ['IP Address=10.20.0.15', 'IP Address=203.0.113.45', 'IP Address=fe80::5054:ff:fe12:3456', 'System Name=web-01', 'User Account=root'].sort(),
    );
    const rows = soar.rowsOf(stored.id);
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.cells.message?.value).sort()).toEqual(incident.subEvents.map((e) => e.details?.message).sort());
    expect(rows.every((r) => r.cells.event_name?.value === 'TRI_Potential SSH Brute Force (EQL sequence)')).toBe(true);
    // Looked up by key before creating; every request authenticated with the API key.
    const query = soar.calls('POST', QUERY)[0];
    expect(query?.body).toMatchObject({ filters: [{ conditions: [{ field_name: 'properties.socbot_key', method: 'equals', value: dedupeKey(incident) }] }] });
    const basic = `Basic ${Buffer.from(`${soar.apiKeyId}:${soar.apiKeySecret}`).toString('base64')}`;
    expect(soar.requests.every((r) => r.authorization === basic)).toBe(true);
  });

  it('answers a second forward from the local record without creating again', async () => {
    const fwd = forwarder();
    const first = await fwd.forward(sshGroupIncident(), actor, signal);
    const before = soar.requests.length;
    const second = await fwd.forward(sshGroupIncident(), actor, signal);
    expect(second).toEqual({ ...first, created: false });
    expect(soar.requests.length).toBe(before);
    expect(soar.incidents.size).toBe(1);
  });

  it('a double press (two concurrent forwards) leaves one SOAR incident', async () => {
    const fwd = forwarder();
    const [a, b] = await Promise.all([fwd.forward(sshGroupIncident(), actor, signal), fwd.forward(sshGroupIncident(), actor, signal)]);
    const stored = only(soar);
    expect(a.ref).toBe(String(stored.id));
    expect(b.ref).toBe(String(stored.id));
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(soar.calls('POST', CREATE)).toHaveLength(1);
    expect(soar.rowsOf(stored.id)).toHaveLength(5);
    expect(stored.artifacts).toHaveLength(5);
  });

  it('a create that times out after SOAR created the incident is reconciled by key: one incident, nothing doubled', async () => {
    soar.inject({ method: 'POST', path: CREATE, holdAfterMs: 1500 });
    const result = await forwarder({ timeout: 0.3 }).forward(sshGroupIncident(), actor, signal);
    const stored = only(soar);
    expect(result.ref).toBe(String(stored.id));
    expect(soar.calls('POST', CREATE)).toHaveLength(1);
    expect(soar.calls('POST', QUERY)).toHaveLength(2); // before creating, and after the timeout
    expect(soar.rowsOf(stored.id)).toHaveLength(5);
    expect(stored.artifacts).toHaveLength(5); // the inline artifacts were read back, not sent again
    expect(soar.calls('POST', ARTIFACTS)).toHaveLength(0);
  });

  it('a timed-out create whose retry comes later (new process, empty state) still finds the one incident', async () => {
    soar.inject({ method: 'POST', path: CREATE, holdAfterMs: 1500 });
    soar.inject({ method: 'POST', path: QUERY, status: 503, skip: 1 }); // SOAR search briefly down after the create
    const first = forwarder({ timeout: 0.3, attempts: 1 });
    const error = await caught(first.forward(sshGroupIncident(), actor, signal));
    expect(error.kind).toBe('unavailable');
    expect(error.retryable).toBe(true);

    const restarted = forwarder({ timeout: 0.3 });
    const result = await restarted.forward(sshGroupIncident(), actor, signal);
    const stored = only(soar);
    expect(result).toMatchObject({ ref: String(stored.id), created: false });
    expect(soar.calls('POST', CREATE)).toHaveLength(1);
    expect(soar.rowsOf(stored.id)).toHaveLength(5);
  });

  it('retries a 503 on create after checking the key, and creates once', async () => {
    soar.inject({ method: 'POST', path: CREATE, status: 503 });
    const result = await forwarder().forward(sshGroupIncident(), actor, signal);
    const stored = only(soar);
    expect(result.ref).toBe(String(stored.id));
    const order = soar.requests.filter((r) => r.method === 'POST' && (CREATE.test(r.path) || QUERY.test(r.path))).map((r) => (QUERY.test(r.path) ? 'query' : 'create'));
    expect(order).toEqual(['query', 'create', 'query', 'create']);
  });

  it('reports a 503 as retryable when tries run out; the caller retry with the same key succeeds once', async () => {
    soar.inject({ method: 'POST', path: CREATE, status: 503 });
    const fwd = forwarder({ attempts: 1 });
    const error = await caught(fwd.forward(sshGroupIncident(), actor, signal));
    expect(error).toMatchObject({ kind: 'unavailable', status: 503 });
    expect(error.message).toBe('SOAR create incident failed (HTTP 503)');
    expect(soar.incidents.size).toBe(0);
    const result = await fwd.forward(sshGroupIncident(), actor, signal);
    expect(result.created).toBe(true);
    expect(only(soar).id).toBe(Number(result.ref));
  });

  it('retries transient failures of single rows', async () => {
    soar.inject({ method: 'POST', path: ROWS, status: 502, times: 2 });
    const result = await forwarder().forward(sshGroupIncident(), actor, signal);
    expect(soar.rowsOf(Number(result.ref))).toHaveLength(5);
    expect(soar.calls('POST', ROWS)).toHaveLength(7);
  });

  it('sends the rows of a large group with bounded concurrency, one row per sub-event', async () => {
    await soar.close();
    soar = await startFakeSoar({ delayMs: 5 });
    const result = await forwarder({ concurrency: 4 }).forward(largeGroupIncident(60), actor, signal);
    const rows = soar.rowsOf(Number(result.ref));
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => r.cells.message?.value)).size).toBe(60);
    expect(soar.maxInFlight).toBeGreaterThan(1);
    expect(soar.maxInFlight).toBeLessThanOrEqual(4);
  });

  it('a 400 is permanent: not retried, and the error says what SOAR said, without secrets', async () => {
    const error = await caught(forwarder({ incidentTypes: [2] }).forward(sshGroupIncident(), actor, signal));
    const said = soarFixture<{ message: string }>('error-response.example.json').message;
    expect(error.kind).toBe('bad-request');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`SOAR create incident refused (HTTP 400): ${said}`);
    expect(soar.calls('POST', CREATE)).toHaveLength(1);
    expect(soar.incidents.size).toBe(0);
  });

  it('a wrong API key is an auth error that names no secret', async () => {
    const error = await caught(forwarder({ apiKeySecret: 'wrong-secret-value-123' }).forward(sshGroupIncident(), actor, signal));
    expect(error.kind).toBe('auth');
    expect(error.message).not.toContain('wrong-secret-value-123');
    expect(error.message).toContain('HTTP 401');
    expect(soar.calls('POST', QUERY)).toHaveLength(1); // not retried
  });

  it('a refused row stops the sync with a permanent error that names the SOAR reason', async () => {
    const fwd = forwarder({ concurrency: 1, columns: { event_name: 'title', no_such_column: 'id' } });
    const error = await caught(fwd.forward(sshGroupIncident(), actor, signal));
    expect(error.kind).toBe('bad-request');
    expect(error.message).toMatch(/^SOAR incident \d+: 5 of 5 artifacts\/rows not added \(SOAR add table row refused \(HTTP 400\): Unable to find object with name no_such_column\)$/);
    expect(soar.calls('POST', ROWS)).toHaveLength(1);
    expect(soar.incidents.size).toBe(1);
  });

  it('late sub-events become new rows on the same incident; nothing is added twice', async () => {
    const state = memoryState();
    const fwd = forwarder({}, state);
    const full = sshGroupIncident();
    const early = withSubEvents(full, 3);
    const first = await fwd.forward(early, actor, signal);
    const id = Number(first.ref);
    expect(soar.rowsOf(id)).toHaveLength(3);

    const lateIp = '198.51.100.77';
    const [fourth, fifth] = full.subEvents.slice(3);
    if (!fourth || !fifth) throw new Error('fixture changed');
    const late: Incident = { ...full, subEvents: [...early.subEvents, { ...fourth, assets: { ...fourth.assets, ips: [lateIp] } }, fifth] };
    await fwd.update?.(late, early, signal);
    expect(soar.incidents.size).toBe(1);
    const rows = soar.rowsOf(id);
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.cells.message?.value)).size).toBe(5);
    const artifacts = only(soar).artifacts.map((a) => `${a.type}=${a.value}`);
    expect(artifacts.filter((a) => a === `IP Address=${lateIp}`)).toHaveLength(1);
    expect(new Set(artifacts).size).toBe(artifacts.length);

    const before = soar.requests.length;
    await fwd.update?.(late, late, signal);
    await forwarder({}, state).update?.(late, early, signal); // a restart with the persisted record
    expect(soar.requests.length).toBe(before);
    expect(soar.rowsOf(id)).toHaveLength(5);
  });

  it('a row or artifact add that times out after SOAR added it is found by reading back, not added twice', async () => {
    const fwd = forwarder({ timeout: 0.3, concurrency: 1 });
    const full = sshGroupIncident();
    const early = withSubEvents(full, 3);
    const id = Number((await fwd.forward(early, actor, signal)).ref);
    const lateIp = '198.51.100.78';
    const [fourth, fifth] = full.subEvents.slice(3);
    if (!fourth || !fifth) throw new Error('fixture changed');
    const late: Incident = { ...full, subEvents: [...early.subEvents, { ...fourth, assets: { ...fourth.assets, ips: [lateIp] } }, fifth] };
    // SOAR adds the artifact and the first new row, then answers after the client has given up.
    soar.inject({ method: 'POST', path: ARTIFACTS, holdAfterMs: 800 });
    soar.inject({ method: 'POST', path: ROWS, holdAfterMs: 800 });
    await fwd.update?.(late, early, signal);
    const rows = soar.rowsOf(id);
    expect(rows.map((r) => r.cells.message?.value)).toEqual(late.subEvents.map((e) => e.details?.message));
    expect(soar.calls('POST', ROWS)).toHaveLength(5);
    const artifacts = only(soar).artifacts.map((a) => `${a.type}=${a.value}`);
    expect(artifacts.filter((a) => a === `IP Address=${lateIp}`)).toHaveLength(1);
    expect(soar.calls('GET', ARTIFACTS)).toHaveLength(1);
    expect(soar.calls('GET', /\/table_data\/event_information$/)).toHaveLength(1);
    // Nothing is left for a later sync either.
    const before = soar.requests.length;
    await fwd.update?.(late, late, signal);
    expect(soar.requests.length).toBe(before);
  });

  it('a SOAR incident deleted after forwarding: a late sync says so, a new forward creates it again', async () => {
    const state = memoryState();
    const fwd = forwarder({}, state);
    const full = sshGroupIncident();
    const first = Number((await fwd.forward(withSubEvents(full, 3), actor, signal)).ref);
    soar.incidents.delete(first);
    const error = await caught(fwd.update?.(full, withSubEvents(full, 3), signal) ?? Promise.resolve());
    expect(error.kind).toBe('bad-request');
    expect(error.status).toBe(404);
    expect(error.message).toContain(`SOAR incident ${first}: 2 of 2 artifacts/rows not added`);
    expect(soar.incidents.size).toBe(0);

    const again = await fwd.forward(full, actor, signal);
    const remote = only(soar);
    expect(again).toMatchObject({ ref: String(remote.id), created: true });
    expect(remote.id).not.toBe(first);
    expect(soar.rowsOf(remote.id)).toHaveLength(5);
    // The record now names the new incident: a further forward adds nothing.
    const before = soar.requests.length;
    expect(await fwd.forward(full, actor, signal)).toMatchObject({ ref: String(remote.id), created: false });
    expect(soar.requests.length).toBe(before);
  });

  it('adopts an incident found by key when the local record is lost, adding only what is missing', async () => {
    const full = sshGroupIncident();
    await forwarder().forward(withSubEvents(full, 4), actor, signal);
    const result = await forwarder().forward(full, actor, signal); // fresh state
    const stored = only(soar);
    expect(result).toMatchObject({ ref: String(stored.id), created: false });
    expect(soar.rowsOf(stored.id)).toHaveLength(5);
    expect(stored.artifacts).toHaveLength(5);
  });

  it('does not create anything on update of an incident that was never forwarded', async () => {
    await forwarder().update?.(sshGroupIncident(), withSubEvents(sshGroupIncident(), 1), signal);
    expect(soar.incidents.size).toBe(0);
    expect(soar.calls('POST', CREATE)).toHaveLength(0);
  });

  it('dryRun sends nothing and logs the redacted payloads', async () => {
    const fwd = forwarder({ dryRun: true, org: 'Test Organization' });
    const result = await fwd.forward(sshGroupIncident(), actor, signal);
    expect(result).toEqual({ ref: 'dry-run', dryRun: true, created: false });
    await fwd.update?.(sshGroupIncident(), withSubEvents(sshGroupIncident(), 2), signal);
    expect(soar.requests).toHaveLength(0);
    const info = logs.find((l) => l.level === 'info' && l.message === 'soar dry run: nothing sent');
    expect(info?.meta?.payload).toMatchObject({ name: 'TRI_Potential SSH Brute Force (EQL sequence)', properties: { socbot_key: dedupeKey(sshGroupIncident()) } });
    const rowsLog = logs.filter((l) => l.level === 'debug' && l.message === 'soar dry run: data table rows');
    expect((rowsLog[0]?.meta?.rows as unknown[]).length).toBe(5);
    expect((rowsLog[1]?.meta?.rows as unknown[]).length).toBe(3);
    const dump = JSON.stringify(logs);
    expect(dump).not.toContain(soar.apiKeySecret);
    expect(dump).not.toContain(Buffer.from(`${soar.apiKeyId}:${soar.apiKeySecret}`).toString('base64'));
  });

  it('resolves an org given by name once, and uses its id', async () => {
    const fwd = forwarder({ org: 'Test Organization 2' });
    const a = await fwd.forward(sshGroupIncident(), actor, signal);
    await fwd.forward({ ...sshGroupIncident(), sourceId: 'other', key: 'other', correlation: {} }, actor, signal);
    expect(soar.calls('GET', /^\/rest\/session$/)).toHaveLength(1);
    expect(soar.incidents.get(Number(a.ref))?.org).toBe(202);
    expect(soar.requests.filter((r) => r.path.startsWith('/rest/orgs/')).every((r) => r.path.startsWith('/rest/orgs/202/'))).toBe(true);
    expect(soar.incidents.size).toBe(2);
  });

  it('refuses an unknown or disabled org by name with a config error', async () => {
    expect(await caught(forwarder({ org: 'Nope' }).forward(sshGroupIncident(), actor, signal))).toMatchObject({ kind: 'config' });
    const disabled = await caught(forwarder({ org: 'Disabled Org' }).forward(sshGroupIncident(), actor, signal));
    expect(disabled.kind).toBe('config');
    expect(disabled.message).toContain('disabled');
    expect(soar.incidents.size).toBe(0);
  });

  it('refuses an unknown incident type name before creating', async () => {
    const error = await caught(forwarder({ incidentTypes: ['Malware', 'Alien Invasion'] }).forward(sshGroupIncident(), actor, signal));
    expect(error.kind).toBe('config');
    expect(error.message).toContain('Alien Invasion');
    expect(soar.calls('POST', CREATE)).toHaveLength(0);
  });

  it('probe checks org, types, dedupe field, artifact types and Data Table columns', async () => {
    await expect(forwarder().probe(signal)).resolves.toBeUndefined();
    const error = await caught(forwarder({ dedupeField: 'missing_field', columns: { event_name: 'title', ghost: 'id' } }).probe(signal));
    expect(error.kind).toBe('config');
    expect(error.message).toContain('missing_field');
    expect(error.message).toContain('"ghost"');
    const noTable = await caught(forwarder({ dataTable: 'no_table' }).probe(signal));
    expect(noTable.message).toContain('no Data Table "no_table"');
  });

  it.each(realSourceIncidents())('%s: accepted by SOAR with typed artifacts and a row per sub-event', async (_name, incident) => {
    const result = await forwarder().forward(incident, actor, signal);
    const remote = only(soar);
    expect(result).toMatchObject({ ref: String(remote.id), created: true });
    expect(soar.rowsOf(remote.id)).toHaveLength(incident.subEvents.length);
    const assets = Object.values(incident.assets).flat().length + incident.subEvents.flatMap((e) => (e.assets ? Object.values(e.assets).flat() : [])).length;
    if (assets > 0) expect(remote.artifacts.length).toBeGreaterThan(0);
    for (const a of remote.artifacts) expect(a.type).not.toBe('String');
  });
});
