/**
 * grammY errors in socbot's terms. Only `{ method, error_code, description }` ever leaves this file: an
 * `HttpError` wraps node-fetch's error whose message holds the full request URL, token included.
 */
import { GrammyError, HttpError } from 'grammy';
import { DeliveryError, type DeliveryFailure } from '../../core/delivery-error.js';
import { errorMessage } from '../../core/errors.js';
import { oneLine, redactText } from '../../lib/redact.js';

/** Log metadata for any error thrown by the Bot API client, without URLs or payloads. */
export function telegramErrorMeta(error: unknown): Record<string, unknown> {
  if (error instanceof GrammyError) return { method: error.method, error_code: error.error_code, description: redactText(error.description) };
  if (error instanceof HttpError) return { kind: 'network', message: redactText(error.message) };
  return { message: oneLine(redactText(errorMessage(error))).slice(0, 300) };
}

const description = (error: GrammyError): string => error.description.toLowerCase();

export function isParseError(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /can't parse entities|can't find end|unsupported start tag|unexpected end tag|entity/.test(description(error));
}

export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && description(error).includes('message is not modified');
}

/** The message to edit is gone or can no longer be edited. */
export function isMessageGone(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /message to edit not found|message can't be edited|message_id_invalid|message not found/.test(description(error))
  );
}

/** Network failures where the request certainly never reached Telegram (nothing can have been delivered). */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);

/**
 * A failed send whose message may nevertheless have been delivered: a timeout or a connection lost after the
 * request went out. Resending it may show the message twice.
 */
export function isAmbiguousFailure(error: unknown): boolean {
  if (!(error instanceof HttpError)) return false;
  const inner: unknown = error.error;
  const code = typeof inner === 'object' && inner !== null && 'code' in inner ? String((inner as { code: unknown }).code) : undefined;
  return code === undefined || !NOT_SENT_CODES.has(code);
}

export function isQueryTooOld(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /query is too old|query id is invalid/.test(description(error));
}

/** Maps what the Bot API said into what the outbox worker should do. */
export function deliveryFailure(error: unknown): DeliveryFailure {
  if (error instanceof GrammyError) {
    const reason = oneLine(redactText(error.description)).slice(0, 200);
    const migrateTo = error.parameters.migrate_to_chat_id;
    if (migrateTo !== undefined) return { kind: 'migrated', newChatId: String(migrateTo) };
    if (error.error_code === 429) return { kind: 'retry-after', retryAfterMs: Math.max(1, error.parameters.retry_after ?? 5) * 1000 };
    if (error.error_code === 403) return { kind: 'inactive', reason };
    if (error.error_code === 400) {
      // Terminal for the chat, not just this card: every later card would fail the same way (and tell admins again).
      if (/chat not found|user not found|peer_id_invalid|chat_id is empty/.test(description(error))) return { kind: 'inactive', reason };
      if (/not enough rights|have no rights|chat_write_forbidden|need administrator rights/.test(description(error))) return { kind: 'inactive', reason };
      return { kind: 'permanent', reason };
    }
    // 401 (token revoked), 409, 5xx: nothing about this chat or item is wrong; keep it and retry.
    return { kind: 'transient', reason: `${error.error_code} ${reason}` };
  }
  if (error instanceof HttpError) return { kind: 'transient', reason: 'network error' };
  return { kind: 'transient', reason: oneLine(redactText(errorMessage(error))).slice(0, 200) };
}

export function toDeliveryError(error: unknown): DeliveryError {
  return error instanceof DeliveryError ? error : new DeliveryError(deliveryFailure(error));
}
