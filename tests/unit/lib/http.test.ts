import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../src/core/errors.js';
import { createHttpClient, parseRetryAfter } from '../../../src/lib/http.js';
import { listen, sendJson, type FakeServer } from '../../support/http-fake.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('http client', () => {
  it('reports an unreadable caFile as a config error naming the client and the file', () => {
    let thrown: unknown;
    try {
      createHttpClient({ name: 'maxpatrol', baseUrl: 'https://127.0.0.1:1', caFile: '/nonexistent/ca.pem' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).kind).toBe('config');
    expect((thrown as AppError).message).toBe('maxpatrol: caFile /nonexistent/ca.pem cannot be read (ENOENT)');
  });

  it('asks for no compression and never inflates a compressed answer past the cap', async () => {
    let acceptEncoding: string | undefined;
    // 8 MB of JSON that gzip squeezes to a few kB: inflating it would blow past a 64 kB cap in memory.
    const bomb = gzipSync(Buffer.from(`{"padding":"${'0'.repeat(8 * 1024 * 1024)}"}`));
    server = await listen((req, res) => {
      acceptEncoding = req.headers['accept-encoding'] as string | undefined;
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      res.end(bomb);
    });
    const client = createHttpClient({ name: 'illumio', baseUrl: server.url, maxBytes: 64 * 1024 });
    const error = await failure(client.request(z.unknown(), { path: 'x' }));
    expect(acceptEncoding).toBeUndefined();
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toMatch(/^illumio GET 127\.0\.0\.1:\d+\/x: body is not JSON \(status 200\)$/);
  });

  it('does not follow a redirect (it could point at an internal address)', async () => {
    let hits = 0;
    server = await listen((_req, res) => {
      hits++;
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    });
    const client = createHttpClient({ name: 'sophos', baseUrl: server.url });
    const error = await failure(client.request(z.unknown(), { path: 'whoami/v1' }));
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain('unexpected redirect (HTTP 302), not followed');
    expect(hits).toBe(1);
  });

  it('names method, host and path in errors but never the query string, for relative and absolute paths alike', async () => {
    server = await listen((_req, res) => sendJson(res, 200, '<html>maintenance</html>'));
    const client = createHttpClient({ name: 'sophos', baseUrl: server.url });
    const relative = await failure(client.request(z.unknown(), { path: 'common/v1/alerts', query: { pageFromKey: 'k-secret-1' } }));
    const absolute = await failure(client.request(z.unknown(), { path: `${server.url}/common/v1/alerts?x=1`, query: { token: 'k-secret-2' } }));
    expect(relative.message).toBe(`sophos GET 127.0.0.1:${server.port}/common/v1/alerts: body is not JSON (status 200)`);
    expect(absolute.message).toBe(relative.message);
  });

  it('reads Retry-After as seconds or as an HTTP date, and falls back to a minute for 429 without it', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    server = await listen((_req, res) => sendJson(res, 429, { error: 'slow down' }));
    const client = createHttpClient({ name: 'illumio', baseUrl: server.url });
    const error = await failure(client.request(z.unknown(), { path: 'api/v2/orgs/1/events' }));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterMs).toBe(60_000);
  });
});
