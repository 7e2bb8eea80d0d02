/**
 * Telegram counts every message the bot sends to a chat, whichever part of socbot sends it: the outbox's cards
 * and digests and the replies to commands share one budget per chat (about 20 a minute in a group, 1 a second in
 * a private chat) and one for the whole bot (about 30 a second). Each path pacing itself alone lets them add up
 * to a 429 — a storm in a group plus someone asking /ping there. This transformer makes every send wait for a
 * slot in sliding windows shared by both API clients.
 */
import type { Transformer } from 'grammy';
import type { Clock } from '../../core/clock.js';
import type { RateLimits } from './notifier.js';

/** Methods that post a new message (edits, answers and chat actions are not counted against these limits). */
const SEND_METHOD = /^(send(?!ChatAction$)[A-Z]\w*|copyMessages?|forwardMessages?)$/;

interface Window {
  readonly limit: number;
  readonly ms: number;
  stamps: number[];
}

export interface SendBudget {
  /** Waits until a message may go to `chatId` now, and counts it. */
  acquire(chatId: string, signal?: AbortSignal): Promise<void>;
  /** The Bot API transformer that calls `acquire` before each send. */
  readonly transformer: Transformer;
}

/** A few percent of slack against timers firing early and Telegram's clock not being ours, as elsewhere. */
const slack = (ms: number): number => Math.ceil(ms * 1.03) + 2;

/**
 * Telegram states rates (20 a minute per group, 1 a second per private chat, 30 a second overall); a window of
 * `burst` messages spans burst / rate, which is the real rule at the real rates and scales with tuned ones.
 */
const BURST = { group: 20, private: 1, global: 30 } as const;

function windowFor(burst: number, perSecond: number): Window {
  const limit = Math.max(1, Math.min(burst, Math.floor(perSecond * 60)));
  return { limit, ms: slack((1000 * limit) / perSecond), stamps: [] };
}

export function createSendBudget(limits: RateLimits, clock: Clock): SendBudget {
  const windows = new Map<string, Window>();
  const global = windowFor(BURST.global, limits.globalPerSecond);

  function windowOf(chatId: string): Window {
    let w = windows.get(chatId);
    if (!w) {
      w = chatId.startsWith('-') ? windowFor(BURST.group, limits.groupPerMinute / 60) : windowFor(BURST.private, limits.privatePerSecond);
      if (windows.size > 10_000) windows.clear();
      windows.set(chatId, w);
    }
    return w;
  }

  /** Milliseconds until `w` has room (0: now). */
  function waitFor(w: Window, now: number): number {
    w.stamps = w.stamps.filter((t) => t > now - w.ms);
    return w.stamps.length < w.limit ? 0 : (w.stamps[0] as number) + w.ms - now;
  }

  async function acquire(chatId: string, signal?: AbortSignal): Promise<void> {
    const chat = windowOf(chatId);
    for (;;) {
      const now = clock.now().getTime();
      const wait = Math.max(waitFor(chat, now), waitFor(global, now));
      if (wait <= 0) {
        chat.stamps.push(now);
        global.stamps.push(now);
        return;
      }
      await clock.sleep(wait, signal);
      signal?.throwIfAborted();
    }
  }

  const transformer: Transformer = async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (SEND_METHOD.test(method) && (typeof chatId === 'number' || (typeof chatId === 'string' && /^-?\d+$/.test(chatId)))) {
      await acquire(String(chatId), signal as AbortSignal | undefined);
    }
    return prev(method, payload, signal);
  };

  return { acquire, transformer };
}
