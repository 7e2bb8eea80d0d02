/**
 * A receiver that requires mutual TLS (HTTPS transport draft: TLS 1.3 with client certificates) and socbot
 * presenting none: an explicit, permanent error naming the cause, never a retried "network" failure.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/access.js';
import { systemClock } from '../../../src/core/clock.js';
import type { AppError } from '../../../src/core/errors.js';
import type { Incident } from '../../../src/core/incident.js';
import { idmefv2ConfigSchema } from '../../../src/forwarders/idmefv2/config.js';
import { createIdmefv2Forwarder } from '../../../src/forwarders/idmefv2/index.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { memoryState } from '../../support/fakes/soar.js';
import { createTestPki, haveOpenssl, type TestPki } from '../../support/tls.js';
import { elasticGroupIncident } from '../../unit/idmefv2/incidents.js';

const actor: Actor = { platform: 'telegram', userId: '42', name: 'Anna', role: 'analyst', locale: 'en', chat: { id: '42', type: 'private' } };

let pki: TestPki | undefined;
let server: Server | undefined;
let url = '';
let handled = 0;

beforeAll(async () => {
  if (!haveOpenssl()) return;
  pki = createTestPki();
  server = createServer({ ...pki.server, ca: readFileSync(pki.caFile), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' }, (_req, res) => {
    handled++;
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  pki?.dispose();
});

describe.skipIf(!haveOpenssl())('IDMEFv2 receiver requiring mutual TLS', () => {
  it('without a client certificate: a permanent auth error that says so, and nothing handled', async () => {
    const forwarder = createIdmefv2Forwarder(idmefv2ConfigSchema.parse({ url, caFile: pki?.caFile, analyzerIp: '10.0.0.5', timeout: 2 }), {
      logger: silentLogger,
      clock: systemClock,
      state: memoryState(),
    });
    const incident: Incident = elasticGroupIncident();
    const error = await forwarder.forward(incident, actor, new AbortController().signal).then(
      () => undefined,
      (e: unknown) => e as AppError,
    );
    expect(error?.kind).toBe('auth');
    expect(error?.retryable).toBe(false);
    expect(error?.message).toMatch(/^idmefv2 POST 127\.0\.0\.1:\d+\/: the receiver refused the TLS handshake; it requires a client certificate \(mutual TLS\)/);
    expect(handled).toBe(0);
  });
});
