/**
 * A reverse proxy in front of a fake vendor server (or the fake Telegram) that can turn hostile per request:
 * answer 401/403, answer 500 with a body and headers that echo the full request URL, the Authorization header
 * and the request body (what a misconfigured gateway or a debug page does), redirect elsewhere, stall, or be
 * down altogether (connection refused). Everything else passes through untouched. It records the requests it saw,
 * so a test can collect the access tokens the fakes issued and that the bot then sent.
 */
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, readBody, type FakeServer } from '../../support/http-fake.js';

export type Behaviour =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'echo' }
  | { readonly kind: 'redirect'; readonly location: string; readonly status?: number }
  | { readonly kind: 'stall'; readonly ms: number };

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

export interface HostileProxy extends FakeServer {
  readonly seen: SeenRequest[];
  /** Requests whose path matches `path` get `behaviour` from now on (the latest matching rule wins). */
  when(path: RegExp, behaviour: Behaviour): void;
  /** Back to passing everything through. */
  reset(): void;
  /** Every credential the bot presented here: Bearer tokens, ApiKey values, Basic blobs. */
  credentials(): string[];
}

export async function startHostileProxy(target: string): Promise<HostileProxy> {
  const upstream = new URL(target);
  const rules: { path: RegExp; behaviour: Behaviour }[] = [];
  const seen: SeenRequest[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = req.url ?? '/';
    const authorization = req.headers.authorization;
    seen.push({ method: req.method ?? 'GET', url, authorization, body });
    const rule = [...rules].reverse().find((r) => r.path.test(url.split('?')[0] ?? url));
    const behaviour = rule?.behaviour;
    if (behaviour?.kind === 'stall') await new Promise((resolve) => setTimeout(resolve, behaviour.ms));
    if (behaviour?.kind === 'status') {
      res.writeHead(behaviour.status, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' });
      res.end(JSON.stringify({ ok: false, error_code: behaviour.status, description: 'Unauthorized', error: 'invalid_client', message: 'Unauthorized' }));
      return;
    }
    if (behaviour?.kind === 'echo') {
      const full = `http://${req.headers.host ?? upstream.host}${url}`;
      const echo = `upstream failed for ${req.method ?? 'GET'} ${full} Authorization: ${authorization ?? '-'} body: ${body}`;
      res.writeHead(500, { 'content-type': 'application/json', 'x-echo-url': encodeURI(full), 'x-echo-authorization': authorization ?? '-' });
      // Every field a client might quote: Telegram's description, SOAR's message, Elasticsearch's error.reason.
      res.end(JSON.stringify({ ok: false, error_code: 500, description: echo, message: echo, title: echo, error: { type: 'proxy_error', reason: echo }, detail: echo }));
      return;
    }
    if (behaviour?.kind === 'redirect') {
      res.writeHead(behaviour.status ?? 302, { location: behaviour.location, 'content-type': 'application/json' });
      res.end('{}');
      return;
    }
    await forward(req, url, body, res);
  }

  function forward(req: IncomingMessage, url: string, body: string, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const headers = { ...req.headers, host: upstream.host };
      delete headers['content-length'];
      const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: url, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', () => resolve());
      });
      out.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
        resolve();
      });
      out.end(body);
    });
  }

  const server = await listen(handle);
  return {
    ...server,
    seen,
    when(path, behaviour) {
      rules.push({ path, behaviour });
    },
    reset() {
      rules.length = 0;
    },
    credentials() {
      const out = new Set<string>();
      for (const s of seen) {
        const match = /^(?:Bearer|ApiKey|Basic)\s+(\S+)$/i.exec(s.authorization ?? '');
        if (match?.[1]) out.add(match[1]);
      }
      return [...out];
    },
  };
}

/** A server that must never be reached: it counts what arrives (the target of a redirect). */
export async function startTrap(): Promise<FakeServer & { readonly hits: string[] }> {
  const hits: string[] = [];
  const server = await listen((req, res) => {
    hits.push(`${req.method ?? 'GET'} ${req.url ?? '/'}`);
    res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
    res.end('{"access_token":"trap-token","token_type":"Bearer","expires_in":3600}');
  });
  return { ...server, hits };
}
