/**
 * Every source under the same faults (reliability.md 12, 40, 41), through the real pipeline on a store:
 * down, a reset connection, a stall past the timeout, 5xx, malformed, truncated, HTML-with-200, wrongly shaped
 * and huge answers, 401, 403 and 429 with Retry-After. Each time the poll fails with the right AppError kind and
 * a message that names the source and carries no secret, the stored cursor stays where it was, the admins
 * hear of it once, and after the fault clears the item that arrived meanwhile is delivered exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, type ErrorKind } from '../../../src/core/errors.js';
import { incidentRef } from '../../../src/core/incident.js';
import { serializeError } from '../../../src/lib/redact.js';
import { stringRecord } from '../../../src/store/records.js';
import { createHarness } from '../../support/pipeline-harness.js';
import { SOURCES, startDriver, type Driver, type FaultSpec, type SourceName } from './drivers.js';

const NOW = '2026-03-02T08:00:00.000Z';
const CAP = 64 * 1024;
/** Small limits so a stall and a huge answer fail fast. */
const LIMITS: Record<SourceName, Record<string, unknown>> = {
  maxpatrol: { requestTimeout: 1, maxResponseBytes: CAP },
  elastic: { timeoutSeconds: 1, maxResponseBytes: CAP },
  sophos: { requestTimeout: 1, maxResponseBytes: CAP },
  illumio: { requestTimeout: 1, maxResponseBytes: CAP },
};

interface Row {
  readonly label: string;
  readonly fault: FaultSpec | 'down';
  readonly kind: ErrorKind;
  readonly retryAfterMs?: number;
}

const ROWS: readonly Row[] = [
  { label: 'down (connection refused)', fault: 'down', kind: 'unavailable' },
  { label: 'a reset connection', fault: { kind: 'reset' }, kind: 'unavailable' },
  { label: 'a stall past the timeout', fault: { kind: 'delay', ms: 2500 }, kind: 'unavailable' },
  { label: 'HTTP 500', fault: { kind: 'status', status: 500 }, kind: 'unavailable' },
  { label: 'HTTP 503', fault: { kind: 'status', status: 503 }, kind: 'unavailable' },
  { label: 'malformed JSON', fault: { kind: 'body', body: '{"items": [1, 2,, }' }, kind: 'invalid-response' },
  { label: 'a truncated JSON body', fault: { kind: 'body', body: '{"incidents":[{"id":"a1","name":"Подозрительный вход' }, kind: 'invalid-response' },
  {
    label: 'an HTML page with status 200',
    fault: { kind: 'body', body: '<html><body><h1>502 Bad Gateway</h1></body></html>', contentType: 'text/html' },
    kind: 'invalid-response',
  },
  { label: 'JSON of the wrong shape', fault: { kind: 'body', body: '{"unexpected":{"nested":true}}' }, kind: 'invalid-response' },
  { label: 'a huge answer (past maxResponseBytes)', fault: { kind: 'huge', bytes: 4 * 1024 * 1024 }, kind: 'invalid-response' },
  { label: 'HTTP 401', fault: { kind: 'status', status: 401 }, kind: 'auth' },
  { label: 'HTTP 403', fault: { kind: 'status', status: 403 }, kind: 'auth' },
  { label: 'HTTP 429 with Retry-After', fault: { kind: 'status', status: 429, headers: { 'retry-after': '120' } }, kind: 'rate-limited', retryAfterMs: 120_000 },
];

let driver: Driver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function expectNoSecret(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/authorization|bearer |basic [a-z0-9+/=]{8,}|apikey /i);
  // A URL with its query string may carry tokens (Intelix, SIEM links): none in an error.
  expect(text).not.toMatch(/\?[\w[\]%-]+=/);
}

describe.each(SOURCES)('%s under faults', (name) => {
  it.each(ROWS)('$label: fails as expected, keeps the cursor, tells admins once, then delivers what came meanwhile once', async ({ fault, kind, retryAfterMs }) => {
    driver = await startDriver(name, { now: NOW, config: LIMITS[name] });
    const d = driver;
    const h = await createHarness({ source: d.source });
    const cursors = h.store.collection('cursors', stringRecord);
    const signal = new AbortController().signal;

    const first = d.addItem();
    expect(await h.pipeline.pollOnce(name, signal)).toMatchObject({ created: 1 });
    const saved = await cursors.get(name);
    expect(saved).toBeDefined();

    const second = d.addItem();
    d.clock.advance(60_000);
    if (fault === 'down') await d.down();
    else d.fault(fault);

    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await h.pipeline.pollOnce(name, signal).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      const appError = error as AppError;
      expect(appError.kind).toBe(kind);
      if (retryAfterMs !== undefined) expect(appError.retryAfterMs).toBe(retryAfterMs);
      expect(appError.message).toContain(name);
      expectNoSecret(JSON.stringify(serializeError(appError)), d.secrets());
      // What the scheduler does with a failed poll.
      await h.health.failed(name, appError, 60_000);
      expect(await cursors.get(name)).toBe(saved);
    }
    expect(h.notices).toEqual(['health-source-failing']);
    const health = h.health.snapshot().find((s) => s.source === name);
    expect(health?.lastErrorKind).toBe(kind);
    expectNoSecret(health?.lastError ?? '', d.secrets());
    expect(await h.incidents.get(incidentRef(name, second))).toBeUndefined();

    if (fault === 'down') await d.up();
    else d.clearFaults();
    d.clock.advance(60_000);
    expect(await h.pipeline.pollOnce(name, signal)).toMatchObject({ created: 1 });
    expect(h.notices).toEqual(['health-source-failing', 'health-source-recovered']);
    expect((await h.incidents.get(incidentRef(name, second)))?.revision).toBe(1);
    expect((await h.incidents.get(incidentRef(name, first)))?.revision).toBe(1);
    expect(d.cursorTime(await cursors.get(name))).toBeGreaterThanOrEqual(d.cursorTime(saved) ?? Number.POSITIVE_INFINITY);
    // Nor did anything the adapter logged on the way, or what it kept in the cursor.
    expectNoSecret(JSON.stringify(d.logs()), d.secrets());
    for (const secret of d.secrets()) expect(await cursors.get(name)).not.toContain(secret);
    await h.store.close();
  });
});
