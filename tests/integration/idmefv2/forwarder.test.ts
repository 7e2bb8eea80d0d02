/**
 * The IDMEFv2 forwarder against the fake receiver on 127.0.0.1: delivery, Basic auth, retry classification
 * with a stable ID, local validation before sending, and no secret in errors or logs.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/access.js';
import { systemClock } from '../../../src/core/clock.js';
import { AppError } from '../../../src/core/errors.js';
import type { Incident } from '../../../src/core/incident.js';
import type { AdapterDeps, Collection, ForwardResult } from '../../../src/core/ports.js';
import type { JsonValue } from '../../../src/core/reply.js';
import { idmefv2ConfigSchema, type Idmefv2Config } from '../../../src/forwarders/idmefv2/config.js';
import { createIdmefv2Forwarder, messageId } from '../../../src/forwarders/idmefv2/index.js';
import { createLogger } from '../../../src/lib/logger.js';
import { registerSecret } from '../../../src/lib/redact.js';
import { SCHEMA_FIXTURES, schemaCheck, startFakeIdmefv2Receiver, type FakeIdmefv2Options, type FakeIdmefv2Receiver } from '../../support/fakes/idmefv2.js';
import { allSourceIncidents, elasticGroupIncident, illumioIncident, maxpatrolIncident, sophosIncident } from '../../unit/idmefv2/incidents.js';

const analyst: Actor = {
  platform: 'telegram',
  userId: '42',
  name: 'Anna Analyst',
  role: 'analyst',
  locale: 'en',
  chat: { id: '42', type: 'private' },
};

/** Both V04 schemas (the fixed one and the copy the reference server enforces), and V08. */
const STRICT: FakeIdmefv2Options['schemas'] = {
  '2.D.V04': [SCHEMA_FIXTURES.v04pinned, SCHEMA_FIXTURES.v04],
  '2.D.V08': [SCHEMA_FIXTURES.v08],
};

function memoryState(): Collection<JsonValue> {
  const map = new Map<string, JsonValue>();
  return {
    get: (id) => Promise.resolve(map.get(id)),
    set: (id, value) => Promise.resolve(void map.set(id, value)),
    delete: (id) => Promise.resolve(map.delete(id)),
    entries: async function* () {
      yield* map.entries();
    },
  };
}

function capture(): { deps: AdapterDeps; output: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const logger = createLogger({ level: 'debug', stream });
  return { deps: { logger, clock: systemClock, state: memoryState() }, output: () => chunks.join('') };
}

function config(url: string, extra: Record<string, unknown> = {}): Idmefv2Config {
  return idmefv2ConfigSchema.parse({ url, analyzerIp: '10.0.0.5', timeout: 2, ...extra });
}

async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** The caller's side (the incident service): retries retryable failures with the same incident, up to n. */
async function forwardWithRetries(forward: () => Promise<ForwardResult>, attempts = 3): Promise<{ result?: ForwardResult; errors: AppError[] }> {
  const errors: AppError[] = [];
  for (let i = 0; i < attempts; i++) {
    try {
      return { result: await forward(), errors };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      errors.push(error);
      if (!error.retryable) break;
    }
  }
  return { errors };
}

let fake: FakeIdmefv2Receiver | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const signal = new AbortController().signal;

describe('delivery', () => {
  it.each(allSourceIncidents())('%s: V04 message accepted by a receiver that enforces both V04 schemas', async (_name, incident) => {
    fake = await startFakeIdmefv2Receiver({ schemas: STRICT, invalidStatus: 400 });
    const fwd = createIdmefv2Forwarder(config(fake.url), capture().deps);
    const result = await fwd.forward(incident, analyst, signal);
    expect(result).toEqual({ ref: messageId(incident), created: true });
    expect(fake.requests.map((r) => r.status)).toEqual([200]);
    expect(fake.ids()).toEqual([messageId(incident)]);
  });

  it('V08 when configured, accepted by a V08 receiver', async () => {
    fake = await startFakeIdmefv2Receiver({ schemas: STRICT, invalidStatus: 400 });
    const fwd = createIdmefv2Forwarder(config(fake.url, { version: '2.D.V08' }), capture().deps);
    await fwd.forward(elasticGroupIncident(), analyst, signal);
    const [req] = fake.requests;
    expect(req?.status).toBe(200);
    expect((req?.json as Record<string, unknown>).Version).toBe('2.D.V08');
    expect(schemaCheck(SCHEMA_FIXTURES.v08)(req?.json)).toBe(true);
  });

  it('POSTs JSON with Content-Length to the configured URL exactly, with no auth header when none is configured', async () => {
    fake = await startFakeIdmefv2Receiver();
    const fwd = createIdmefv2Forwarder(config(`${fake.url}api_idmefv2/ingest`), capture().deps);
    await fwd.forward(maxpatrolIncident(), analyst, signal);
    const [req] = fake.requests;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/api_idmefv2/ingest');
    expect(req?.headers['content-type']).toMatch(/^application\/json/);
    expect(Number(req?.headers['content-length'])).toBe(Buffer.byteLength(req?.body ?? ''));
    expect(req?.headers['transfer-encoding']).toBeUndefined();
    expect(req?.headers.authorization).toBeUndefined();
  });

  it('sends HTTP Basic auth when username and password are configured (Concerto SIEM)', async () => {
    fake = await startFakeIdmefv2Receiver({ requireAuth: { username: 'admin', password: 'S3cret-Idmef' } });
    const fwd = createIdmefv2Forwarder(config(fake.url, { username: 'admin', password: 'S3cret-Idmef' }), capture().deps);
    await fwd.forward(sophosIncident(0), analyst, signal);
    expect(fake.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('admin:S3cret-Idmef').toString('base64')}`);
    expect(fake.requests[0]?.status).toBe(200);
  });

  it('wrong credentials: auth error, not retried, and neither password nor header in the error or the log', async () => {
    registerSecret('wr0ng-Passw0rd');
    fake = await startFakeIdmefv2Receiver({ requireAuth: { username: 'admin', password: 'right' } });
    const { deps, output } = capture();
    const fwd = createIdmefv2Forwarder(config(fake.url, { username: 'admin', password: 'wr0ng-Passw0rd' }), deps);
    const { result, errors } = await forwardWithRetries(() => fwd.forward(sophosIncident(0), analyst, signal));
    expect(result).toBeUndefined();
    expect(errors.map((e) => e.kind)).toEqual(['auth']);
    expect(fake.requests).toHaveLength(1);
    const token = Buffer.from('admin:wr0ng-Passw0rd').toString('base64');
    for (const text of [errors[0]?.message ?? '', output()]) {
      expect(text).not.toContain('wr0ng-Passw0rd');
      expect(text).not.toContain(token);
    }
    expect(output()).toContain('idmefv2 delivery failed');
  });
});

describe('retries keep the ID', () => {
  it('503 then 200: the caller retries and the receiver sees the same ID twice', async () => {
    fake = await startFakeIdmefv2Receiver({ schemas: STRICT });
    fake.queue({ status: 503, body: 'queue full' });
    const incident = elasticGroupIncident();
    const fwd = createIdmefv2Forwarder(config(fake.url), capture().deps);
    const { result, errors } = await forwardWithRetries(() => fwd.forward(incident, analyst, signal));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.kind).toBe('unavailable');
    expect(errors[0]?.retryable).toBe(true);
    expect(errors[0]?.message).toContain('HTTP 503: queue full');
    expect(result).toEqual({ ref: messageId(incident), created: true });
    expect(fake.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(fake.ids()).toEqual([messageId(incident), messageId(incident)]);
    // Not just the ID: the same message both times.
    expect(fake.requests[0]?.body).toBe(fake.requests[1]?.body);
  });

  it('a timeout is retryable, and the retry reuses the ID', async () => {
    fake = await startFakeIdmefv2Receiver();
    fake.queue({ hang: true });
    const incident = maxpatrolIncident();
    const fwd = createIdmefv2Forwarder(config(fake.url, { timeout: 0.3 }), capture().deps);
    const { result, errors } = await forwardWithRetries(() => fwd.forward(incident, analyst, signal));
    expect(errors.map((e) => e.kind)).toEqual(['unavailable']);
    expect(errors[0]?.message).toContain('timed out');
    expect(result?.ref).toBe(messageId(incident));
    expect(fake.ids()).toEqual([messageId(incident), messageId(incident)]);
  });

  it('a re-forward of a changed incident (late sub-events) still uses the same ID', async () => {
    fake = await startFakeIdmefv2Receiver();
    const incident = elasticGroupIncident();
    const fwd = createIdmefv2Forwarder(config(fake.url), capture().deps);
    await fwd.forward({ ...incident, subEvents: incident.subEvents.slice(0, 2) }, analyst, signal);
    await fwd.forward({ ...incident, revision: incident.revision + 1 }, analyst, signal);
    expect(new Set(fake.ids())).toEqual(new Set([messageId(incident)]));
  });

  it("the reference server's 500 (its answer to schema errors) is retryable and its text is shown", async () => {
    fake = await startFakeIdmefv2Receiver();
    fake.queue({ status: 500, body: "Additional properties are not allowed ('foo' was unexpected)\n" });
    const fwd = createIdmefv2Forwarder(config(fake.url), capture().deps);
    const error = await caught(fwd.forward(sophosIncident(0), analyst, signal));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain("HTTP 500: Additional properties are not allowed ('foo' was unexpected)");
  });
});

describe('permanent failures', () => {
  it('a 400 is bad-request with the receiver reason, and the caller does not retry it', async () => {
    fake = await startFakeIdmefv2Receiver();
    fake.queue({ status: 400, body: 'Improper IDMEFv2 message: Analyzer.IP is not routable' });
    const fwd = createIdmefv2Forwarder(config(fake.url), capture().deps);
    const { result, errors } = await forwardWithRetries(() => fwd.forward(illumioIncident(), analyst, signal));
    expect(result).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.kind).toBe('bad-request');
    expect(errors[0]?.retryable).toBe(false);
    expect(errors[0]?.message).toContain('HTTP 400, receiver refused the message: Improper IDMEFv2 message: Analyzer.IP is not routable');
    expect(fake.requests).toHaveLength(1);
  });

  it('a receiver on the pinned V04 schema refuses a category our fixed schema allows: reported with its reason', async () => {
    // The five "Information. Unauthorized…" spellings are the documented quirk of the pinned schema.
    fake = await startFakeIdmefv2Receiver({ invalidStatus: 400 });
    const rules = [{ match: 'request.authentication_failed', v04: ['Information.UnauthorizedAccess'] }];
    const fwd = createIdmefv2Forwarder(config(fake.url, { categories: rules }), capture().deps);
    const error = await caught(fwd.forward(illumioIncident(), analyst, signal));
    expect(error.kind).toBe('bad-request');
    expect(error.message).toContain("'Information.UnauthorizedAccess' is not one of");
    expect(fake.requests).toHaveLength(1);
  });

  it('an invalid message is never sent, and the error names the failing paths', async () => {
    fake = await startFakeIdmefv2Receiver();
    const { deps, output } = capture();
    const fwd = createIdmefv2Forwarder(config(fake.url, { categories: [{ match: 'brute', v04: ['Bogus.Category'] }] }), deps);
    const broken: Incident = { ...maxpatrolIncident(), createdAt: 'yesterday afternoon' };
    const { result, errors } = await forwardWithRetries(() => fwd.forward(broken, analyst, signal));
    expect(result).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.kind).toBe('bad-request');
    expect(errors[0]?.message).toContain('not valid IDMEFv2 2.D.V04, not sent');
    expect(errors[0]?.message).toContain('/CreateTime must match pattern');
    expect(errors[0]?.message).toContain('/Category/0 must be equal to one of the allowed values (got "Bogus.Category")');
    expect(fake.requests).toHaveLength(0);
    expect(output()).toContain('failed local validation, not sent');
  });
});

describe('analyzer address', () => {
  it('per-source address first, then an IP in the incident link, then the configured, then the detected one', async () => {
    fake = await startFakeIdmefv2Receiver();
    const base = { url: fake.url };
    const ipOf = (extra: Record<string, unknown>, incident: Incident): unknown => {
      const fwd = createIdmefv2Forwarder(idmefv2ConfigSchema.parse({ ...base, ...extra }), capture().deps, { hostIp: () => '192.0.2.99' });
      return (fwd.build(incident).Analyzer as Record<string, unknown>).IP;
    };
    const withIpLink: Incident = { ...sophosIncident(0), link: 'https://192.0.2.7/alerts' };
    expect(ipOf({ analyzerIps: { sophos: '192.0.2.1' }, analyzerIp: '192.0.2.2' }, withIpLink)).toBe('192.0.2.1');
    expect(ipOf({ analyzerIp: '192.0.2.2' }, withIpLink)).toBe('192.0.2.7');
    expect(ipOf({ analyzerIp: '192.0.2.2' }, sophosIncident(0))).toBe('192.0.2.2');
    expect(ipOf({}, sophosIncident(0))).toBe('192.0.2.99');
  });

  it('config refuses half of the Basic credentials and a bad analyzer IP', () => {
    const paths = (input: Record<string, unknown>): string[] => {
      const parsed = idmefv2ConfigSchema.safeParse({ url: 'https://x.example/', ...input });
      return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
    };
    expect(paths({ username: 'admin' })).toEqual(['password']);
    expect(paths({ password: 'p' })).toEqual(['username']);
    expect(paths({ analyzerIp: 'FILTERED' })).toEqual(['analyzerIp']);
    expect(paths({ username: 'admin', password: 'p', analyzerIps: { elastic: '2001:db8::1' } })).toEqual([]);
  });
});
