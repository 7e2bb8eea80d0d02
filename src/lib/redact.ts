/**
 * The one redaction step for all output: logs, chat messages built from errors, /debug, stored error text.
 * Secrets from the config are registered at load time; token shapes are masked even when never registered,
 * because grammY's network errors embed `bot<token>` in the request URL.
 */

const MASK = '[REDACTED]';
const secrets = new Set<string>();

const SECRET_KEY = /(token|password|passwd|secret|authorization|apikey|api_key|cookie|sig|credential|private)/i;
const TELEGRAM_TOKEN = /\d{6,}:[A-Za-z0-9_-]{30,}/g;
const BOT_URL = /\/bot[^/\s"']+\//g;
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:"']+:[^\s/@"']+@/gi;
const SIG_PARAM = /([?&](?:sig|signature|token|access_token|api_key|apikey|key)=)[^&\s"']+/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

export function registerSecret(value: string | undefined | null): void {
  if (!value) return;
  // Very short values would mask ordinary words; they are not meaningful secrets anyway.
  if (value.length < 4) return;
  secrets.add(value);
  // Basic auth headers carry base64 of "user:secret"; the raw value above covers the rest.
}

/** For short-lived secrets (access tokens renewed every hour) that would otherwise pile up for the process's life. */
export function forgetSecret(value: string | undefined | null): void {
  if (value) secrets.delete(value);
}

export function clearSecretsForTests(): void {
  secrets.clear();
}

export function redactText(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out
    .replace(BOT_URL, `/bot${MASK}/`)
    .replace(TELEGRAM_TOKEN, MASK)
    .replace(URL_USERINFO, `$1${MASK}@`)
    .replace(SIG_PARAM, `$1${MASK}`)
    .replace(BEARER, `$1 ${MASK}`);
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !/^(tokenUrl|authUrl|pingSticker)$/i.test(key);
}

/** Deep copy with secret-named keys masked and every string value redacted. Errors become plain objects. */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[…]';
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) return serializeError(value, depth, seen);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = isSecretKey(key) && (typeof v === 'string' || typeof v === 'number') ? MASK : redactValue(v, depth + 1, seen);
  }
  return out;
}

/**
 * Errors are reduced to name, message, kind/status/code and a redacted stack. Nested `cause` follows.
 * Fields such as grammY's `HttpError.error` or got's `options` are dropped on purpose: they hold full URLs and
 * headers.
 */
export function serializeError(error: Error, depth = 0, seen = new WeakSet<object>()): Record<string, unknown> {
  const e = error as Error & { kind?: unknown; status?: unknown; code?: unknown; error_code?: unknown; description?: unknown; method?: unknown };
  const out: Record<string, unknown> = { name: error.name, message: redactText(error.message) };
  for (const field of ['kind', 'status', 'code', 'error_code', 'description', 'method'] as const) {
    const v = e[field];
    if (typeof v === 'string' || typeof v === 'number') out[field] = typeof v === 'string' ? redactText(v) : v;
  }
  if (error.stack) out.stack = redactText(error.stack);
  if (error.cause !== undefined && depth < 5) out.cause = redactValue(error.cause, depth + 1, seen);
  return out;
}

/** A single line of untrusted text fit for logs: CR/LF and other control characters neutralised. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
}
