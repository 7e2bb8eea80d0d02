/**
 * TLS for every source (reliability.md 33): a server whose certificate comes from a private CA, or signs itself,
 * is refused with an error naming the source; the same server is accepted once its CA is the source's `caFile`;
 * a certificate for another host name is refused even with the right CA; `NODE_TLS_REJECT_UNAUTHORIZED=0` in the
 * environment changes none of this; an unreadable `caFile` is a configuration error, not a crash.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { createTestPki, haveOpenssl, type TestPki } from '../../support/tls.js';
import { SOURCES, startDriver, type Driver } from './drivers.js';

const NOW = '2026-03-02T08:00:00.000Z';
const signal = (): AbortSignal => new AbortController().signal;

let pki: TestPki | undefined;
let driver: Driver | undefined;

beforeAll(() => {
  if (haveOpenssl()) pki = createTestPki();
});
afterAll(() => pki?.dispose());
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function refusal(d: Driver): Promise<AppError> {
  d.addItem();
  const error = await d.source.poll(undefined, signal()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

function expectTlsRefusal(error: AppError, d: Driver): void {
  expect(error.kind).toBe('unavailable');
  expect(error.message).toContain(d.name);
  expect(error.message).toMatch(/TLS verification failed/);
  // The handshake failed before any request reached the server.
  expect(d.dataRequests()).toBe(0);
}

describe.skipIf(!haveOpenssl())('TLS', () => {
  describe.each(SOURCES)('%s', (name) => {
    it('refuses a server whose certificate comes from an unknown CA, and accepts it with that CA as caFile', async () => {
      const p = pki as TestPki;
      driver = await startDriver(name, { now: NOW, tls: p.server });
      expectTlsRefusal(await refusal(driver), driver);
      await driver.close();

      driver = await startDriver(name, { now: NOW, tls: p.server, caFile: p.caFile });
      const id = driver.addItem();
      const result = await driver.source.poll(undefined, signal());
      expect(result.drafts.map((d) => d.sourceId)).toEqual([id]);
      expect(driver.dataRequests()).toBeGreaterThan(0);
    });

    it('refuses a self-signed server, and accepts it with its own certificate as caFile', async () => {
      const p = pki as TestPki;
      driver = await startDriver(name, { now: NOW, tls: p.selfSigned });
      expectTlsRefusal(await refusal(driver), driver);
      await driver.close();

      driver = await startDriver(name, { now: NOW, tls: p.selfSigned, caFile: p.selfSigned.file });
      const id = driver.addItem();
      expect((await driver.source.poll(undefined, signal())).drafts.map((d) => d.sourceId)).toEqual([id]);
    });

    it('refuses a certificate for another host name even when its CA is trusted', async () => {
      const p = pki as TestPki;
      driver = await startDriver(name, { now: NOW, tls: p.wrongHost, caFile: p.caFile });
      expectTlsRefusal(await refusal(driver), driver);
    });

    it('keeps verifying when NODE_TLS_REJECT_UNAUTHORIZED=0 is set in the environment', async () => {
      const p = pki as TestPki;
      const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
      try {
        driver = await startDriver(name, { now: NOW, tls: p.server });
        expectTlsRefusal(await refusal(driver), driver);
      } finally {
        if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
      }
    });

    it('reports an unreadable caFile as a config error naming the source', async () => {
      const p = pki as TestPki;
      const missing = join(p.caFile, '..', 'no-such-ca.pem');
      const error = await startDriver(name, { now: NOW, tls: p.server, caFile: missing }).then(
        (d) => {
          driver = d;
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).kind).toBe('config');
      expect((error as AppError).message).toContain(name);
      expect((error as AppError).message).toMatch(/caFile.*no-such-ca\.pem.*ENOENT/);
    });
  });
});
