/**
 * Per-run test certificates made with the system's `openssl` (Debian ships it; `haveOpenssl()` lets a test skip
 * with a visible reason where it is missing): a private CA, a server certificate for 127.0.0.1/localhost signed
 * by it, and one for another host name signed by the same CA (for the hostname-mismatch case). Nothing is
 * written outside a temporary directory, which `dispose()` removes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TlsPair } from './http-fake.js';

export interface TestPki {
  /** PEM file of the CA: what a source's `caFile` points to. */
  readonly caFile: string;
  /** Server key and certificate for 127.0.0.1 and localhost. */
  readonly server: TlsPair;
  /** Server key and certificate for `wrong.example` only (same CA): a hostname mismatch at 127.0.0.1. */
  readonly wrongHost: TlsPair;
  /** A certificate that signs itself (no CA): what most on-premises SIEMs ship with. */
  readonly selfSigned: TlsPair & { readonly file: string };
  dispose(): void;
}

export function haveOpenssl(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

function leaf(dir: string, name: string, san: string, caCert: string, caKey: string): TlsPair {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
  openssl(['req', ...EC, '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  openssl(['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'socbot-pki-'));
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.pem');
  openssl([
    'req', '-x509', ...EC, '-keyout', caKey, '-out', caCert, '-days', '2', '-subj', '/CN=socbot test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const server = leaf(dir, 'server', 'IP:127.0.0.1,DNS:localhost', caCert, caKey);
  const wrongHost = leaf(dir, 'wrong', 'DNS:wrong.example', caCert, caKey);
  const selfKey = join(dir, 'self.key');
  const selfCert = join(dir, 'self.pem');
  openssl(['req', '-x509', ...EC, '-keyout', selfKey, '-out', selfCert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
  return {
    caFile: caCert,
    server,
    wrongHost,
    selfSigned: { key: readFileSync(selfKey, 'utf8'), cert: readFileSync(selfCert, 'utf8'), file: selfCert },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
