/**
 * Buttons carry no state: callback data is `v1:<token>` (19 bytes, far below Telegram's 64), and the token names
 * a server-side record (action, payload, the chat it was issued to, the role it needs, expiry). Anything else a
 * client sends — an unknown token, altered bytes, another chat's token, an expired one — resolves to nothing.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Requirement } from '../../core/access.js';
import type { Clock } from '../../core/clock.js';
import type { Store } from '../../core/ports.js';
import type { JsonValue } from '../../core/reply.js';

export const CALLBACK_VERSION = 'v1';
const TOKEN_LENGTH = 16;
const CALLBACK = /^v1:([A-Za-z0-9_-]{16})$/;
/** Telegram's limit on callback_data, in bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

export interface ButtonRecord {
  readonly action: string;
  readonly payload: JsonValue;
  /** The chat the keyboard was sent to; a press from any other chat is refused. */
  readonly chatId: string;
  readonly requires: Requirement;
  readonly createdAt: string;
  readonly expiresAt?: string;
}

const json: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]));

const buttonSchema: z.ZodType<ButtonRecord> = z.object({
  action: z.string().min(1),
  payload: json,
  chatId: z.string(),
  requires: z.enum(['anyone', 'approved', 'viewer', 'analyst', 'admin']),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
});

export function encodeCallback(token: string): string {
  return `${CALLBACK_VERSION}:${token}`;
}

/** The token, or undefined for anything that is not current-version callback data. */
export function parseCallback(data: string | undefined): string | undefined {
  if (data === undefined) return undefined;
  return CALLBACK.exec(data)?.[1];
}

export type ButtonSpec = Omit<ButtonRecord, 'createdAt' | 'expiresAt'> & { readonly ttlSeconds?: number };

export type Resolution =
  | { readonly kind: 'ok'; readonly record: ButtonRecord }
  | { readonly kind: 'invalid' } // not our format, unknown or forged token
  | { readonly kind: 'wrong-chat' }
  | { readonly kind: 'expired'; readonly record: ButtonRecord };

export interface ButtonStore {
  /** A fresh random token; returns the callback data. */
  issue(spec: ButtonSpec): Promise<string>;
  /**
   * The same token every time for the same `stableKey` (a card's buttons are re-rendered on every edit, so tokens
   * must not pile up). Derived with a per-install random key, so nobody can compute another chat's token.
   */
  issueStable(stableKey: string, spec: ButtonSpec): Promise<string>;
  /** `chatIds`: the pressing chat's id and its former ids (a migrated group keeps its old keyboards). */
  resolve(data: string | undefined, chatIds: readonly string[]): Promise<Resolution>;
}

/** Long enough for a card to stay usable for months; the record is re-written on every edit anyway. */
const DEFAULT_TTL_SECONDS = 180 * 24 * 3600;

export function createButtonStore(store: Store, clock: Clock): ButtonStore {
  const buttons = store.collection('buttons', buttonSchema);
  const settings = store.collection('telegram', z.string());
  let keyPromise: Promise<string> | undefined;

  const hmacKey = (): Promise<string> =>
    (keyPromise ??= (async () => {
      const existing = await settings.get('callback-hmac-key');
      if (existing) return existing;
      const fresh = randomBytes(32).toString('base64url');
      await settings.set('callback-hmac-key', fresh);
      return fresh;
    })().catch((error: unknown) => {
      keyPromise = undefined;
      throw error;
    }));

  async function save(token: string, spec: ButtonSpec): Promise<string> {
    const ttlSeconds = spec.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    const now = clock.now();
    const record: ButtonRecord = {
      action: spec.action,
      payload: spec.payload,
      chatId: spec.chatId,
      requires: spec.requires,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    };
    // The store's own TTL only cleans up; expiry is decided by `expiresAt` against the injected clock.
    await buttons.set(token, record, (ttlSeconds + 24 * 3600) * 1000);
    const data = encodeCallback(token);
    if (Buffer.byteLength(data) > CALLBACK_DATA_MAX_BYTES) throw new Error('callback data too long');
    return data;
  }

  return {
    issue: (spec) => save(randomBytes(12).toString('base64url'), spec),
    async issueStable(stableKey, spec) {
      const token = createHmac('sha256', await hmacKey()).update(`${spec.chatId}|${stableKey}`).digest('base64url').slice(0, TOKEN_LENGTH);
      return save(token, spec);
    },
    async resolve(data, chatIds) {
      const token = parseCallback(data);
      if (token === undefined) return { kind: 'invalid' };
      const record = await buttons.get(token);
      if (!record) return { kind: 'invalid' };
      if (!chatIds.includes(record.chatId)) return { kind: 'wrong-chat' };
      if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= clock.now().getTime()) return { kind: 'expired', record };
      return { kind: 'ok', record };
    },
  };
}
