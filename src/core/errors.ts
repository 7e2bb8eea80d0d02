/**
 * Errors carry a kind that decides what happens next (retry, back off, give up) and never a secret.
 */

export type ErrorKind =
  | 'auth' // 401/403 or bad credentials: do not retry until config changes
  | 'rate-limited' // 429: wait retryAfterMs
  | 'unavailable' // 5xx, network, timeout: back off and retry
  | 'invalid-response' // schema failure, malformed or oversized body
  | 'not-found'
  | 'bad-request' // 4xx that retrying cannot fix
  | 'config'
  | 'store' // state could not be read or written
  | 'internal';

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(kind: ErrorKind, message: string, options: { cause?: unknown; retryAfterMs?: number; status?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }

  get retryable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'unavailable' || this.kind === 'invalid-response';
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

export function errorKind(error: unknown): ErrorKind {
  return isAppError(error) ? error.kind : 'internal';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
