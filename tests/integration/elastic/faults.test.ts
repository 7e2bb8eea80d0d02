import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { serializeError } from '../../../src/lib/redact.js';
import { createElasticSource } from '../../../src/sources/elastic/index.js';
import type { Fault, FakeHit } from '../../support/fakes/elasticsearch.js';
import { C2_ID, deriveAlert, singleAlerts } from '../../unit/elastic/fixtures.js';
import { API_KEY, config, controller, deps, elasticLifecycle, testClock } from './support.js';

const { start, track } = elasticLifecycle();

function docs(count: number): FakeHit[] {
  const c2 = singleAlerts().find((a) => a._id === C2_ID);
  if (!c2) throw new Error('fixture');
  return Array.from({ length: count }, (_, i) => deriveAlert(c2, `f-${i}`, new Date(Date.parse('2025-06-02T10:00:00.000Z') + i * 1000).toISOString()));
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  // No error the source throws may carry a credential, a header or the request URL.
  const serialized = JSON.stringify(serializeError(error));
  expect(serialized).not.toContain(API_KEY);
  expect(serialized).not.toMatch(/authorization|ApiKey /i);
  expect(serialized).not.toContain('127.0.0.1');
  return error;
}

const NOW = '2025-06-02T10:30:00.000Z';

describe('elastic source: faults', () => {
  it('fails the whole poll on a 500 in the middle of paging (no partial result), then recovers from the same cursor', async () => {
    const fake = await start(docs(120));
    const clock = testClock(NOW);
    const source = track(createElasticSource(config(fake.url), deps(clock)));
    const cursor = JSON.stringify({ v: 1, t: '2025-06-02T09:59:00.000Z' });

    fake.fault({ type: 'status', status: 500 }, { skip: 2, times: 3 });
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await failure(source.poll(cursor, controller()));
      expect(error.kind).toBe('unavailable');
      expect(error.status).toBe(500);
      expect(error.message).toBe('elastic alert search: HTTP 500 (fake_failure)');
    }
    // Outage over: the unchanged cursor yields everything.
    const recovered = await source.poll(cursor, controller());
    expect(recovered.drafts).toHaveLength(120);
  });

  it('recovers on the same client after a reset connection', async () => {
    const fake = await start(docs(3));
    const source = track(createElasticSource(config(fake.url), deps(testClock(NOW))));
    fake.fault({ type: 'reset' }, { times: 2 });
    expect((await failure(source.poll(undefined, controller()))).message).toBe('elastic alert search: connection failed');
    expect((await failure(source.poll(undefined, controller()))).kind).toBe('unavailable');
    expect((await source.poll(undefined, controller())).drafts).toHaveLength(3);
  });

  it.each<[string, Fault, string, string]>([
    ['malformed JSON', { type: 'malformed' }, 'invalid-response', 'elastic alert search: body is not valid JSON'],
    ['an HTML page with status 200', { type: 'html' }, 'invalid-response', 'elastic alert search: body is not JSON'],
    ['a partial shard failure', { type: 'partial-shards' }, 'unavailable', 'elastic alert search: 1 shard(s) failed (partial results)'],
    ['a 503', { type: 'status', status: 503 }, 'unavailable', 'elastic alert search: HTTP 503 (fake_failure)'],
    ['a 401', { type: 'status', status: 401, errorType: 'security_exception' }, 'auth', 'elastic alert search: HTTP 401 (security_exception)'],
    ['a 403', { type: 'status', status: 403, errorType: 'security_exception' }, 'auth', 'elastic alert search: HTTP 403 (security_exception)'],
    ['a 400', { type: 'status', status: 400, errorType: 'parsing_exception' }, 'bad-request', 'elastic alert search: HTTP 400 (parsing_exception)'],
  ])('reports %s as %s and then recovers', async (_name, fault, kind, message) => {
    const fake = await start(docs(2));
    const source = track(createElasticSource(config(fake.url), deps(testClock(NOW))));
    fake.fault(fault);
    const error = await failure(source.poll(undefined, controller()));
    expect(error.kind).toBe(kind);
    expect(error.message).toBe(message);
    expect((await source.poll(undefined, controller())).drafts).toHaveLength(2);
  });

  it('honours Retry-After on 429', async () => {
    const fake = await start(docs(1));
    const source = track(createElasticSource(config(fake.url), deps(testClock(NOW))));
    fake.fault({ type: 'status', status: 429, errorType: 'es_rejected_execution_exception', headers: { 'retry-after': '7' } });
    const error = await failure(source.poll(undefined, controller()));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterMs).toBe(7000);
  });

  it('cuts an oversized answer off at maxResponseBytes and reports it as invalid-response', async () => {
    const fake = await start(docs(1));
    const source = track(createElasticSource(config(fake.url, { maxResponseBytes: 256 * 1024 }), deps(testClock(NOW))));
    fake.fault({ type: 'oversized', bytes: 8 * 1024 * 1024 });
    const error = await failure(source.poll(undefined, controller()));
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toBe('elastic alert search: response larger than the configured maxResponseBytes');
    expect((await source.poll(undefined, controller())).drafts).toHaveLength(1);
  });

  it('times out a stalled answer after timeoutSeconds', async () => {
    const fake = await start(docs(1));
    const source = track(createElasticSource(config(fake.url, { timeoutSeconds: 1 }), deps(testClock(NOW))));
    fake.fault({ type: 'delay', ms: 1500 });
    const error = await failure(source.poll(undefined, controller()));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toBe('elastic alert search: timed out');
  });

  it('quarantines malformed hits and delivers the rest of the page', async () => {
    const [good] = docs(1);
    if (!good) throw new Error('fixture');
    const fake = await start([]);
    const noTime = { ...good, _id: 'no-time', _source: { ...good._source, '@timestamp': 'not a date' }, sort: [1, 'no-time'] };
    const hits = [{ _index: 'x', _source: {}, sort: [0, 'a'] }, { ...good, sort: [1, good._id] }, noTime];
    fake.fault({ type: 'body', body: JSON.stringify({ took: 1, timed_out: false, _shards: { total: 1, successful: 1, failed: 0 }, hits: { hits } }) });
    const source = track(createElasticSource(config(fake.url), deps(testClock(NOW))));
    const result = await source.poll(undefined, controller());
    expect(result.drafts.map((d) => d.sourceId)).toEqual([good._id]);
    expect(result.quarantined).toBe(2);
  });
});
