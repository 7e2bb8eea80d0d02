/**
 * The plumbing every fake vendor server shares: listening on 127.0.0.1 (plain HTTP, or HTTPS with a test
 * certificate from tls.ts), reading bodies, JSON answers, and the faults a real server or the network in between
 * produces: an error status, a stall, a reset connection, a body that is not what it claims, a huge answer,
 * and a server that is down altogether (`down()`/`up()` on the same port).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface TlsPair {
  readonly key: string;
  readonly cert: string;
}

/**
 * An injected fault. `delayMs` stalls first; then `reset` drops the connection, `hugeBytes` streams an answer at
 * least that large (chunked, no length: the client has to count), `status` answers with that status (and `body`
 * as is, which may be malformed JSON or HTML). A delay alone lets the request through afterwards.
 */
export interface HttpFault {
  readonly status?: number;
  readonly body?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly delayMs?: number;
  readonly reset?: boolean;
  readonly hugeBytes?: number;
}

/**
 * Epoch ms of an ISO-8601 time the way the vendors read it: a time without a zone is UTC (never the host's zone,
 * which is what `Date.parse` would use). NaN when it is not a time. Independent of the code under test.
 */
export function utcMs(value: unknown): number {
  if (typeof value === 'number') return value;
  const text = String(value).trim();
  return Date.parse(/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text}Z` : text);
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A JSON answer; a string body is sent as is (so malformed text can pass through). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function waitDrainOrClose(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Streams `prefix`, then padding up to `bytes`, then `suffix`, stopping early when the client hangs up. */
export async function streamHuge(res: ServerResponse, bytes: number, prefix = '{"padding":"', suffix = '"}', headers: Readonly<Record<string, string>> = {}): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.write(prefix);
  const chunk = 'x'.repeat(64 * 1024);
  let sent = 0;
  while (sent < bytes && !res.destroyed) {
    const ok = res.write(chunk);
    sent += chunk.length;
    if (!ok) await waitDrainOrClose(res);
  }
  if (!res.destroyed) res.end(suffix);
}

/** Applies a fault; true when it answered (or dropped) the request, false when the request should go on. */
export async function answerFault(res: ServerResponse, fault: HttpFault): Promise<boolean> {
  if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (res.destroyed) return true;
  if (fault.reset) {
    res.socket?.destroy();
    return true;
  }
  if (fault.hugeBytes !== undefined) {
    await streamHuge(res, fault.hugeBytes, '{"padding":"', '"}', fault.headers);
    return true;
  }
  if (fault.status === undefined) return false;
  res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json', ...fault.headers });
  res.end(fault.body ?? '');
  return true;
}

/** A queue of faults per route; `times` may be Infinity (until cleared). */
export class FaultQueue<R extends string, F extends object = HttpFault> {
  private readonly queue: { route: R; fault: F; remaining: number; skip: number }[] = [];

  add(route: R, fault: F, times = 1, skip = 0): void {
    this.queue.push({ route, fault, remaining: times, skip });
  }

  /** The next fault for `route` whose `match` accepts it, counting it down. */
  take(route: R, match: (fault: F) => boolean = () => true): F | undefined {
    const entry = this.queue.find((q) => q.route === route && match(q.fault));
    if (!entry) return undefined;
    if (entry.skip > 0) {
      entry.skip--;
      return undefined;
    }
    entry.remaining--;
    if (entry.remaining <= 0) this.queue.splice(this.queue.indexOf(entry), 1);
    return entry.fault;
  }

  clear(): void {
    this.queue.length = 0;
  }
}

export interface FakeServer {
  readonly server: Server;
  /** `http://127.0.0.1:<port>` or `https://…` when served with TLS. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections: clients now get "connection refused". */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Listens on 127.0.0.1 with `handler`; a handler that throws answers 500 (or drops the connection mid-answer). */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => unknown, options: { tls?: TlsPair } = {}): Promise<FakeServer> {
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (res.headersSent) res.destroy();
        else sendJson(res, 500, { error: 'fake crashed', message: String(error) });
      });
  };
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createHttpServer(listener);
  const bind = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await bind(0);
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    down: () => stop(server),
    up: () => (server.listening ? Promise.resolve() : bind(port)),
    close: () => stop(server),
  };
}
