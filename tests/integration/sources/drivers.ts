/**
 * One driver per source for the cross-source tests: the real adapter against its fake server, with the same
 * handles everywhere (add an item, inject a fault on the main data route, take the server down, read the
 * cursor's time), so one table of faults, certificates and clocks runs against all four sources alike.
 */
import { randomUUID } from 'node:crypto';
import type { AdapterDeps, SourceAdapter } from '../../../src/core/ports.js';
import { createElasticSource } from '../../../src/sources/elastic/index.js';
import { illumioConfigSchema } from '../../../src/sources/illumio/config.js';
import { createIllumioSource } from '../../../src/sources/illumio/index.js';
import { maxpatrolConfigSchema } from '../../../src/sources/maxpatrol/config.js';
import { createMaxpatrolSource } from '../../../src/sources/maxpatrol/index.js';
import { createSophosSource } from '../../../src/sources/sophos/index.js';
import { startFakeElasticsearch, type Fault as EsFault } from '../../support/fakes/elasticsearch.js';
import { eventAt, illumioFixture, PCE_SECRET, PCE_USER, startFakePce, type Json } from '../../support/fakes/illumio.js';
import { startFakeMaxpatrol } from '../../support/fakes/maxpatrol.js';
import { CENTRAL_SECRET, centralConfig, sophosFixture, startFakeCentral, TENANT_IDS } from '../../support/fakes/sophos.js';
import type { HttpFault, TlsPair } from '../../support/http-fake.js';
import { memoryState, recordingLogger, testClock, type LogRecord, type TestClock } from '../../support/state.js';
import { C2_ID, deriveAlert, singleAlerts } from '../../unit/elastic/fixtures.js';
import { API_KEY, config as elasticConfig } from '../elastic/support.js';

export const SOURCES = ['maxpatrol', 'elastic', 'sophos', 'illumio'] as const;
export type SourceName = (typeof SOURCES)[number];

/** A fault on a source's main data route (MP incident list, ES `_search`, Central alerts, PCE events). */
export type FaultSpec =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>> }
  /** A 200 answer with this body. */
  | { readonly kind: 'body'; readonly body: string; readonly contentType?: string }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'huge'; readonly bytes: number };

export interface ItemSpec {
  /** The vendor's time text as the server sends it (any offset, or none). Default: a minute before the clock. */
  readonly time?: string;
  /** Put where the source takes its title from. */
  readonly title?: string;
  /** The vendor's severity word. */
  readonly severity?: string;
}

export interface Driver {
  readonly name: SourceName;
  readonly source: SourceAdapter;
  readonly clock: TestClock;
  /** Values that must never show in an error, a log line or state. */
  secrets(): string[];
  /** What the adapter logged. */
  logs(): readonly LogRecord[];
  /** Adds one new item on the server; returns its sourceId. */
  addItem(spec?: ItemSpec): string;
  /** The fault answers every call of the main data route until cleared. */
  fault(spec: FaultSpec): void;
  clearFaults(): void;
  down(): Promise<void>;
  up(): Promise<void>;
  /** Requests the fake answered on its data route (0 when TLS refused the connection first). */
  dataRequests(): number;
  /** The time a cursor has reached (epoch ms), to check it never rewinds. */
  cursorTime(cursor: string | undefined): number | undefined;
  /** A new adapter on the same config, state and clock: the process restarted. */
  rebuild(): SourceAdapter;
  close(): Promise<void>;
}

export interface DriverOptions {
  readonly now: string;
  readonly tls?: TlsPair;
  readonly caFile?: string;
  /** Source config overrides (timeouts, caps). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Items per page (or per PCE answer), and one page per poll round: a stream then takes several rounds. */
  readonly pageSize?: number;
}

const LOOKBACK = { lookback: 300, initialLookback: 6 * 3600 };

function httpFault(spec: FaultSpec): HttpFault {
  switch (spec.kind) {
    case 'status':
      return { status: spec.status, body: JSON.stringify({ error: 'injected', message: `HTTP ${spec.status}` }), ...(spec.headers ? { headers: spec.headers } : {}) };
    case 'body':
      return { status: 200, body: spec.body, contentType: spec.contentType ?? 'application/json' };
    case 'delay':
      return { delayMs: spec.ms };
    case 'reset':
      return { reset: true };
    case 'huge':
      return { hugeBytes: spec.bytes };
  }
}

function esFault(spec: FaultSpec): EsFault {
  switch (spec.kind) {
    case 'status':
      return { type: 'status', status: spec.status, ...(spec.headers ? { headers: { ...spec.headers } } : {}) };
    case 'body':
      return { type: 'body', body: spec.body, ...(spec.contentType ? { contentType: spec.contentType } : {}) };
    case 'delay':
      return { type: 'delay', ms: spec.ms };
    case 'reset':
      return { type: 'reset' };
    case 'huge':
      return { type: 'oversized', bytes: spec.bytes };
  }
}

function timeOr(spec: ItemSpec, clock: TestClock): string {
  return spec.time ?? new Date(clock.now().getTime() - 60_000).toISOString();
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  return JSON.parse(text) as Record<string, unknown>;
}

const msOf = (value: unknown): number | undefined => (typeof value === 'string' ? Date.parse(value) : undefined);

/** Config keys every driver sets the same way: look-back, CA file, then the test's own overrides. */
function common(options: DriverOptions, paging: Record<string, unknown>): Record<string, unknown> {
  return { ...LOOKBACK, ...(options.caFile ? { caFile: options.caFile } : {}), ...(options.pageSize ? paging : {}), ...options.config };
}

interface FakeHandle {
  down(): Promise<void>;
  up(): Promise<void>;
  clearFaults(): void;
  close(): Promise<void>;
}

/** What differs between sources; `assemble` adds the adapter, its state, logger and lifecycle. */
interface Parts extends Pick<Driver, 'name' | 'clock' | 'secrets' | 'addItem' | 'fault' | 'dataRequests' | 'cursorTime'> {
  readonly fake: FakeHandle;
  build(deps: AdapterDeps): SourceAdapter;
}

/** Builds the adapter; when that throws (bad config), the fake is closed before the error goes on. */
async function assemble(parts: Parts): Promise<Driver> {
  const { fake, build: buildWith, ...specific } = parts;
  const logger = recordingLogger();
  const deps: AdapterDeps = { logger, clock: parts.clock, state: memoryState(parts.clock) };
  const build = (): SourceAdapter => buildWith(deps);
  let source: SourceAdapter;
  try {
    source = build();
  } catch (error) {
    await fake.close();
    throw error;
  }
  return {
    ...specific,
    source,
    rebuild: build,
    logs: () => logger.records,
    clearFaults: () => fake.clearFaults(),
    down: () => fake.down(),
    up: () => fake.up(),
    async close() {
      await source.close?.();
      await fake.close();
    },
  };
}

async function maxpatrolDriver(options: DriverOptions): Promise<Driver> {
  const fake = await startFakeMaxpatrol({ expiresIn: 3600, ...(options.tls ? { tls: options.tls } : {}) });
  const clock = testClock(options.now);
  const password = 'S3cr3t&p@ss=word+%';
  const clientSecret = 'client-secret-value';
  const config = maxpatrolConfigSchema.parse({
    url: fake.url,
    authUrl: fake.url,
    username: 'socbot',
    password,
    clientSecret,
    ...common(options, { pageSize: options.pageSize, maxPagesPerPoll: 1 }),
  });
  let seq = 0;
  return assemble({
    name: 'maxpatrol',
    fake,
    clock,
    build: (deps) => createMaxpatrolSource(config, deps),
    secrets: () => [password, clientSecret, ...fake.issuedTokens],
    addItem(spec = {}) {
      seq++;
      const id = `${String(seq).padStart(8, '0')}-0000-4000-8000-${randomUUID().slice(-12)}`;
      fake.add({
        id,
        key: `INC-${1000 + seq}`,
        name: spec.title ?? `Incident ${seq}`,
        category: 'Attack',
        type: 'Test',
        status: 'New',
        severity: spec.severity ?? 'Medium',
        created: timeOr(spec, clock),
        assigned: null,
        isConfirmed: false,
      });
      return id;
    },
    fault: (spec) => fake.fail('list', httpFault(spec), Infinity),
    dataRequests: () => fake.count('list'),
    cursorTime: (cursor) => msOf(parseJson(cursor)?.created),
  });
}

async function elasticDriver(options: DriverOptions): Promise<Driver> {
  const fake = await startFakeElasticsearch({ apiKey: API_KEY, docs: [], ...(options.tls ? { tls: options.tls } : {}) });
  const clock = testClock(options.now);
  const config = elasticConfig(fake.url, common(options, { pageSize: options.pageSize, maxPagesPerPoll: 1 }));
  const base = singleAlerts().find((a) => a._id === C2_ID);
  if (!base) throw new Error('elastic fixture missing');
  let seq = 0;
  return assemble({
    name: 'elastic',
    fake,
    clock,
    build: (deps) => createElasticSource(config, deps),
    secrets: () => [API_KEY],
    addItem(spec = {}) {
      seq++;
      const overrides: Record<string, unknown> = {};
      if (spec.title !== undefined) overrides['kibana.alert.rule.name'] = spec.title;
      if (spec.severity !== undefined) overrides['kibana.alert.severity'] = spec.severity;
      const doc = deriveAlert(base, `driver-${seq}-${randomUUID()}`, timeOr(spec, clock), overrides);
      fake.docs.push(doc);
      return doc._id;
    },
    fault: (spec) => fake.fault(esFault(spec), { times: Infinity }),
    dataRequests: () => fake.searches().length,
    cursorTime: (cursor) => msOf(parseJson(cursor)?.t),
  });
}

async function sophosDriver(options: DriverOptions): Promise<Driver> {
  const fake = await startFakeCentral({ idType: 'tenant', ...(options.tls ? { tls: options.tls } : {}), ...(options.pageSize ? { alertPageCap: options.pageSize } : {}) });
  const tenant = fake.tenant(TENANT_IDS.QNASTERS);
  tenant.alerts = [];
  const clock = testClock(options.now);
  const config = centralConfig(fake, common(options, { maxPages: 1 }));
  const template = sophosFixture<{ items: Json[] }>('common-alerts-qnasters-page1.json').items[0];
  if (!template) throw new Error('sophos fixture missing');
  return assemble({
    name: 'sophos',
    fake,
    clock,
    build: (deps) => createSophosSource(config, deps),
    secrets: () => [CENTRAL_SECRET, ...fake.issuedTokens],
    addItem(spec = {}) {
      const id = randomUUID();
      tenant.alerts.push({
        ...template,
        id,
        raisedAt: timeOr(spec, clock),
        ...(spec.title !== undefined ? { description: spec.title } : {}),
        ...(spec.severity !== undefined ? { severity: spec.severity } : {}),
      });
      return id;
    },
    fault: (spec) => fake.fail('alerts', httpFault(spec), Infinity),
    dataRequests: () => fake.count('alerts'),
    cursorTime(cursor) {
      const tenants = parseJson(cursor)?.tenants as Record<string, { at?: string }> | undefined;
      return msOf(tenants?.[TENANT_IDS.QNASTERS]?.at);
    },
  });
}

async function illumioDriver(options: DriverOptions): Promise<Driver> {
  const fake = await startFakePce({ ...(options.tls ? { tls: options.tls } : {}) });
  const clock = testClock(options.now);
  const config = illumioConfigSchema.parse({
    url: fake.url,
    org: 1,
    apiUser: PCE_USER,
    apiSecret: PCE_SECRET,
    watchers: [{ eventType: '*' }],
    enrichWorkloads: false,
    // A few requests per round: every round re-reads the look-back overlap, which alone fills a small answer.
    ...common(options, { maxResults: options.pageSize, maxRequestsPerPoll: 8 }),
  });
  const template = illumioFixture<Json[]>('events_pretty_cool_events_sample.json')[0];
  if (!template) throw new Error('illumio fixture missing');
  return assemble({
    name: 'illumio',
    fake,
    clock,
    build: (deps) => createIllumioSource(config, deps),
    secrets: () => [PCE_SECRET, Buffer.from(`${PCE_USER}:${PCE_SECRET}`).toString('base64')],
    addItem(spec = {}) {
      const patch: Json = {};
      // The card title names the changed resource: a user name here.
      if (spec.title !== undefined) patch.resource_changes = [{ uuid: randomUUID(), resource: { user: { href: '/users/7', username: spec.title } }, changes: null, change_type: 'update' }];
      if (spec.severity !== undefined) patch.severity = spec.severity;
      const event = eventAt(template, timeOr(spec, clock), patch);
      fake.events.push(event);
      return String(event.href);
    },
    fault: (spec) => fake.fail('events', httpFault(spec), Infinity),
    dataRequests: () => fake.eventRequests().length,
    cursorTime: (cursor) => msOf(parseJson(cursor)?.ts),
  });
}

export function startDriver(name: SourceName, options: DriverOptions): Promise<Driver> {
  switch (name) {
    case 'maxpatrol':
      return maxpatrolDriver(options);
    case 'elastic':
      return elasticDriver(options);
    case 'sophos':
      return sophosDriver(options);
    case 'illumio':
      return illumioDriver(options);
  }
}
