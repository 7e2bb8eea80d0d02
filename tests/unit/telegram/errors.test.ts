import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { deliveryFailure, isMessageGone, isNotModified, isParseError, telegramErrorMeta } from '../../../src/bot/telegram/errors.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ';
const api = (code: number, description: string, parameters: Record<string, number> = {}): GrammyError =>
  new GrammyError(`Call to 'sendMessage' failed! (${code}: ${description})`, { ok: false, error_code: code, description, parameters }, 'sendMessage', { chat_id: 1, text: 'x' });

describe('Bot API errors in delivery terms', () => {
  it.each([
    [api(429, 'Too Many Requests: retry after 7', { retry_after: 7 }), { kind: 'retry-after', retryAfterMs: 7000 }],
    [api(403, 'Forbidden: bot was blocked by the user'), { kind: 'inactive', reason: 'Forbidden: bot was blocked by the user' }],
    [api(403, 'Forbidden: bot was kicked from the supergroup chat'), { kind: 'inactive', reason: 'Forbidden: bot was kicked from the supergroup chat' }],
    [api(400, 'Bad Request: chat not found'), { kind: 'inactive', reason: 'Bad Request: chat not found' }],
    [api(400, 'Bad Request: message text is empty'), { kind: 'permanent', reason: 'Bad Request: message text is empty' }],
    [api(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1001234567890 }), { kind: 'migrated', newChatId: '-1001234567890' }],
    [api(400, 'Bad Request: not enough rights to send text messages to the chat'), { kind: 'inactive', reason: 'Bad Request: not enough rights to send text messages to the chat' }],
    [api(502, 'Bad Gateway'), { kind: 'transient', reason: '502 Bad Gateway' }],
    [api(401, 'Unauthorized'), { kind: 'transient', reason: '401 Unauthorized' }],
  ])('%s', (error, expected) => {
    expect(deliveryFailure(error)).toEqual(expected);
  });

  it('classifies the errors the senders recover from', () => {
    expect(isParseError(api(400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3"))).toBe(true);
    expect(isNotModified(api(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same'))).toBe(true);
    expect(isMessageGone(api(400, 'Bad Request: message to edit not found'))).toBe(true);
    expect(isParseError(api(400, 'Bad Request: chat not found'))).toBe(false);
  });

  it('never carries the token out of a network error', () => {
    const cause = new Error(`request to https://api.telegram.org/bot${TOKEN}/sendMessage failed, reason: connect ECONNREFUSED`);
    const error = new HttpError("Network request for 'sendMessage' failed!", cause);
    const meta = JSON.stringify(telegramErrorMeta(error));
    expect(meta).not.toContain(TOKEN);
    expect(meta).not.toMatch(/\d{6,}:[A-Za-z0-9_-]{30,}/);
    expect(deliveryFailure(error)).toEqual({ kind: 'transient', reason: 'network error' });
    expect(JSON.stringify(telegramErrorMeta(new Error(`boom ${TOKEN}`)))).not.toContain(TOKEN);
  });
});
