/**
 * The fake receiver must answer like the reference test server did (testserver-observed-responses.json),
 * otherwise the forwarder tests prove nothing about the real endpoint.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixture, startFakeIdmefv2Receiver, type FakeIdmefv2Receiver } from '../../support/fakes/idmefv2.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDMEFV2_FIXTURES } from '../../support/fakes/idmefv2.js';

interface ObservedCase {
  case: string;
  request: { method: string; path: string; content_type?: string; authorization?: string; transfer_encoding?: string; body_file?: string; body?: string };
  response: { status: number | null; content_type?: string | null; body?: string; error?: string };
}

const observed = readFixture<{ cases: ObservedCase[] }>('testserver-observed-responses.json').cases;

function bodyOf(c: ObservedCase): string {
  if (c.request.body_file) return readFileSync(join(IDMEFV2_FIXTURES, c.request.body_file), 'utf8');
  return c.request.body ?? '';
}

describe('fake IDMEFv2 receiver vs the observed reference test server', () => {
  let fake: FakeIdmefv2Receiver;
  beforeAll(async () => {
    fake = await startFakeIdmefv2Receiver();
  });
  afterAll(async () => {
    await fake.close();
  });

  const answered = observed.filter((c) => c.response.status !== null);
  it.each(answered.map((c) => [c.case, c] as const))('%s', async (_name, c) => {
    const headers: Record<string, string> = {};
    if (c.request.content_type) headers['content-type'] = c.request.content_type;
    if (c.request.authorization) headers.authorization = `Basic ${Buffer.from('admin:password').toString('base64')}`;
    const method = c.request.method;
    const res = await fetch(new URL(c.request.path, fake.url), {
      method,
      headers,
      ...(method === 'GET' ? {} : { body: bodyOf(c) }),
    });
    const text = await res.text();
    expect(res.status).toBe(c.response.status);
    // The validator messages are Python jsonschema's; the fake speaks the same for the cases that matter.
    if (c.response.status === 500 && !c.response.body?.startsWith('Invalid JSON') && !c.case.startsWith('JSON array')) {
      expect(text).toBe(c.response.body);
    }
  });

  it('drops a chunked POST without Content-Length, as the reference server does', async () => {
    const body = bodyOf(observed.find((c) => c.request.transfer_encoding === 'chunked') ?? observed[0]!);
    const outcome = await new Promise<string>((resolve) => {
      const req = request(new URL(fake.url), { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        resolve(`status ${res.statusCode ?? 0}`);
      });
      req.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? error.message}`));
      req.write(body);
      req.end();
    });
    expect(outcome).toMatch(/^error /);
  });
});
