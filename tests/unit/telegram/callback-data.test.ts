import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createButtonStore, parseCallback, type ButtonStore } from '../../../src/bot/telegram/callback-data.js';
import type { Store } from '../../../src/core/ports.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { openStore } from '../../../src/store/keyv.js';
import { manualClock } from '../../support/memory.js';

let store: Store;
let buttons: ButtonStore;
const clock = manualClock();

beforeEach(async () => {
  store = await openStore('memory://', { logger: silentLogger });
  buttons = createButtonStore(store, clock);
});
afterEach(async () => {
  await store.close();
});

describe('callback data', () => {
  it('is a short versioned token pointing at a server-side record bound to one chat', async () => {
    const data = await buttons.issue({ action: 'users', payload: { v: 'show', id: '-1001234567890' }, chatId: '-1001234567890', requires: 'admin' });
    expect(data).toMatch(/^v1:[A-Za-z0-9_-]{16}$/);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    const ok = await buttons.resolve(data, ['-1001234567890']);
    expect(ok).toMatchObject({ kind: 'ok', record: { action: 'users', payload: { v: 'show', id: '-1001234567890' }, requires: 'admin' } });
    expect(await buttons.resolve(data, ['42'])).toEqual({ kind: 'wrong-chat' });
    // A migrated group still accepts the keyboards issued under its old id.
    expect((await buttons.resolve(data, ['-100999', '-1001234567890'])).kind).toBe('ok');
  });

  it('refuses forged, altered, foreign-format and expired data', async () => {
    const data = await buttons.issue({ action: 'x', payload: null, chatId: '1', requires: 'approved', ttlSeconds: 60 });
    const altered = `${data.slice(0, -1)}${data.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of [altered, 'v1:AAAAAAAAAAAAAAAA', 'v2' + data.slice(2), `${data}x`, 'accept123', '', 'v1:' + 'Ж'.repeat(16)]) {
      expect(await buttons.resolve(forged, ['1'])).toEqual({ kind: 'invalid' });
    }
    expect(parseCallback(undefined)).toBeUndefined();
    clock.advance(61_000);
    expect((await buttons.resolve(data, ['1'])).kind).toBe('expired');
  });

  it('stable tokens repeat per chat and key, differ between chats, and survive a restart of the store', async () => {
    const spec = { action: 'card', payload: { ref: 'mp:1', id: 'ack' }, chatId: '-1', requires: 'analyst' as const };
    const a = await buttons.issueStable('card|mp:1|ack', spec);
    expect(await buttons.issueStable('card|mp:1|ack', spec)).toBe(a);
    expect(await buttons.issueStable('card|mp:1|ack', { ...spec, chatId: '-2' })).not.toBe(a);
    expect(await createButtonStore(store, clock).issueStable('card|mp:1|ack', spec)).toBe(a);
    expect((await buttons.resolve(a, ['-1'])).kind).toBe('ok');
  });
});
