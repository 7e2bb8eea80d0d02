/**
 * A receiver that requires mutual TLS (HTTPS transport draft: TLS 1.3 with client certificates): without a
 * client certificate an explicit, permanent error naming the cause, never a retried "network" failure; with
 * `certFile`/`keyFile` from the receiver's CA the message is accepted; a certificate it does not trust is
 * reported as refused.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/access.js';
import { systemClock } from '../../../src/core/clock.js';
import type { AppError } from '../../../src/core/errors.js';
import { idmefv2ConfigSchema } from '../../../src/forwarders/idmefv2/config.js';
import { createIdmefv2Forwarder } from '../../../src/forwarders/idmefv2/index.js';
import { soarConfigSchema } from '../../../src/forwarders/soar/config.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { memoryState } from '../../support/fakes/soar.js';
import { createTestPki, haveOpenssl, type TestPki } from '../../support/tls.js';
import { elasticGroupIncident } from '../../unit/idmefv2/incidents.js';

const actor: Actor = { platform: 'telegram', userId: '42', name: 'Anna', role: 'analyst', locale: 'en', chat: { id: '42', type: 'private' } };

let pki: TestPki | undefined;
let server: Server | undefined;
let url = '';
const handled: string[] = [];
/** PEM files of a client certificate signed by the test CA, and of one that signs itself. */
const client = { cert: '', key: '', strangerCert: '', strangerKey: '' };

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** A client certificate (clientAuth) signed by the per-run test CA, whose key sits next to its certificate. */
function clientCertificate(dir: string): void {
  const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  client.key = join(dir, 'client.key');
  client.cert = join(dir, 'client.pem');
  const csr = join(dir, 'client.csr');
  const ext = join(dir, 'client.ext');
  writeFileSync(ext, 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n');
  openssl(['req', ...EC, '-keyout', client.key, '-out', csr, '-subj', '/CN=socbot']);
  openssl(['x509', '-req', '-in', csr, '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-out', client.cert, '-days', '2', '-extfile', ext]);
  client.strangerKey = join(dir, 'stranger.key');
  client.strangerCert = join(dir, 'stranger.pem');
  openssl(['req', '-x509', ...EC, '-keyout', client.strangerKey, '-out', client.strangerCert, '-days', '2', '-subj', '/CN=stranger', '-addext', 'extendedKeyUsage=clientAuth']);
}

beforeAll(async () => {
  if (!haveOpenssl()) return;
  pki = createTestPki();
  clientCertificate(dirname(pki.caFile));
  server = createServer({ ...pki.server, ca: readFileSync(pki.caFile), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' }, (req, res) => {
    req.resume();
    req.on('end', () => {
      handled.push(req.method ?? '');
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  pki?.dispose();
});

async function forwardWith(extra: Record<string, unknown>): Promise<AppError | string> {
  const config = idmefv2ConfigSchema.parse({ url, caFile: pki?.caFile, analyzerIp: '10.0.0.5', timeout: 2, ...extra });
  const forwarder = createIdmefv2Forwarder(config, { logger: silentLogger, clock: systemClock, state: memoryState() });
  return forwarder.forward(elasticGroupIncident(), actor, new AbortController().signal).then(
    (r) => r.ref,
    (e: unknown) => e as AppError,
  );
}

describe.skipIf(!haveOpenssl())('IDMEFv2 receiver requiring mutual TLS', () => {
  it('without a client certificate: a permanent auth error that says so, and nothing handled', async () => {
    const error = await forwardWith({});
    expect(typeof error).not.toBe('string');
    const e = error as AppError;
    expect(e.kind).toBe('auth');
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/^idmefv2 POST 127\.0\.0\.1:\d+\/: the server requires a client certificate \(mutual TLS\), and none is configured \(certFile, keyFile\)/);
    expect(handled).toEqual([]);
  });

  it('with certFile and keyFile from the receiver’s CA: delivered', async () => {
    const ref = await forwardWith({ certFile: client.cert, keyFile: client.key });
    expect(ref).toMatch(/^[0-9a-f-]{36}$/);
    expect(handled).toEqual(['POST']);
  });

  it('with a certificate the receiver does not trust: not delivered, and the failure is reported', async () => {
    handled.length = 0;
    const error = await forwardWith({ certFile: client.strangerCert, keyFile: client.strangerKey });
    expect(typeof error).not.toBe('string');
    // Under TLS 1.3 the server's alert ("unknown CA") may arrive only as a reset of the connection, so the
    // message is the alert when Node sees it and the reset otherwise.
    expect((error as AppError).message).toMatch(/the server refused the client certificate|ECONNRESET/);
    expect(handled).toEqual([]);
  });

  it('config: certFile and keyFile go together, for IDMEFv2 and SOAR', () => {
    expect(idmefv2ConfigSchema.safeParse({ url: 'https://r.example/', certFile: '/c.pem' }).success).toBe(false);
    expect(idmefv2ConfigSchema.safeParse({ url: 'https://r.example/', keyFile: '/k.pem' }).success).toBe(false);
    const soar = { url: 'https://soar.example.org', org: 201, apiKeyId: 'id', apiKeySecret: 'secret' };
    expect(soarConfigSchema.safeParse({ ...soar, certFile: '/c.pem' }).success).toBe(false);
    expect(soarConfigSchema.safeParse({ ...soar, certFile: '/c.pem', keyFile: '/k.pem' }).success).toBe(true);
  });
});
