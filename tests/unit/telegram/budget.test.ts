import { describe, expect, it } from 'vitest';
import { createSendBudget } from '../../../src/bot/telegram/budget.js';
import { manualClock } from '../../support/memory.js';

const REAL = { groupPerMinute: 20, privatePerSecond: 1, globalPerSecond: 30 };

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('send budget', () => {
  it('lets 20 messages into a group per minute, then makes the next wait for the oldest to leave the window', async () => {
    const clock = manualClock();
    const budget = createSendBudget(REAL, clock);
    for (let i = 0; i < 20; i++) await budget.acquire('-1001234567890');
    let sent = false;
    const next = budget.acquire('-1001234567890').then(() => {
      sent = true;
    });
    await settle();
    expect(sent).toBe(false);
    // Another chat is not held up by this group's full window.
    await budget.acquire('-1009999999999');
    await budget.acquire('123456789');
    clock.advance(59_000);
    await settle();
    expect(sent).toBe(false);
    clock.advance(3_000);
    await next;
    expect(sent).toBe(true);
  });

  it('counts sends only, by chat id as number or string, and scales with tuned limits', async () => {
    const clock = manualClock();
    const budget = createSendBudget({ groupPerMinute: 1200, privatePerSecond: 60, globalPerSecond: 1800 }, clock);
    const calls: string[] = [];
    const prev = ((method: string) => {
      calls.push(method);
      return Promise.resolve({ ok: true, result: true });
    }) as never;
    const call = (method: string, payload: Record<string, unknown>) => budget.transformer(prev, method as never, payload as never);
    // Edits and answers never wait.
    for (let i = 0; i < 50; i++) await call('editMessageText', { chat_id: -100123, message_id: 1, text: 'x' });
    await call('answerCallbackQuery', { callback_query_id: 'q' });
    expect(calls).toHaveLength(51);
    // 1200 a minute is 20 a second: the 21st message within a second waits.
    for (let i = 0; i < 20; i++) await call('sendMessage', { chat_id: '-100123', text: 'x' });
    let done = false;
    const waiting = call('sendDocument', { chat_id: -100123 }).then(() => {
      done = true;
    });
    await settle();
    expect(done).toBe(false);
    clock.advance(1100);
    await waiting;
    expect(done).toBe(true);
  });
});
