import { describe, expect, it } from 'vitest';
import { clearSecretsForTests, redactText } from '../../../src/lib/redact.js';
import { createTokenCache, usableSeconds, type FetchedToken } from '../../../src/lib/token-cache.js';
import { testClock } from '../../support/state.js';

function counting(lifetimes: (number | undefined)[] = []) {
  let n = 0;
  const calls: number[] = [];
  return {
    calls,
    fetch: (): Promise<FetchedToken> => {
      n++;
      calls.push(n);
      return Promise.resolve({ value: `token-value-${n}`, expiresInS: lifetimes[n - 1] ?? 3600 });
    },
  };
}

describe('token cache', () => {
  it('reuses the token until the renew margin, then fetches a new one', async () => {
    const clock = testClock('2026-01-01T00:00:00Z');
    const f = counting();
    const cache = createTokenCache({ clock, fetch: f.fetch, renewMarginS: 120, defaultLifetimeS: 3600 });
    expect(await cache.get()).toBe('token-value-1');
    clock.advance((3600 - 121) * 1000);
    expect(await cache.get()).toBe('token-value-1');
    clock.advance(2000);
    expect(await cache.get()).toBe('token-value-2');
    expect(f.calls).toHaveLength(2);
  });

  it('renews a short-lived token at half-life and uses the default lifetime when none is given', async () => {
    expect(usableSeconds(3600, 60)).toBe(3540);
    expect(usableSeconds(100, 60)).toBe(50);
    const clock = testClock('2026-01-01T00:00:00Z');
    let n = 0;
    const cache = createTokenCache({
      clock,
      fetch: () => Promise.resolve({ value: `t-${++n}` }),
      renewMarginS: 60,
      defaultLifetimeS: 600,
    });
    await cache.get();
    clock.advance(539_000);
    expect(await cache.get()).toBe('t-1');
    clock.advance(1000);
    expect(await cache.get()).toBe('t-2');
  });

  it('shares one fetch between concurrent callers, and a failed fetch reaches all of them and is retried next time', async () => {
    const clock = testClock('2026-01-01T00:00:00Z');
    let fetches = 0;
    let fail = true;
    const cache = createTokenCache({
      clock,
      renewMarginS: 60,
      defaultLifetimeS: 3600,
      fetch: async () => {
        fetches++;
        await new Promise((r) => setTimeout(r, 5));
        if (fail) throw new Error('token service down');
        return { value: 'fresh-token-x' };
      },
    });
    const results = await Promise.allSettled([cache.get(), cache.get(), cache.get()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(fetches).toBe(1);
    fail = false;
    expect(await Promise.all([cache.get(), cache.get()])).toEqual(['fresh-token-x', 'fresh-token-x']);
    expect(fetches).toBe(2);
  });

  it('invalidate(value) drops only the token that failed, never a newer one', async () => {
    const clock = testClock('2026-01-01T00:00:00Z');
    const f = counting();
    const cache = createTokenCache({ clock, fetch: f.fetch, renewMarginS: 60, defaultLifetimeS: 3600 });
    const first = await cache.get();
    cache.invalidate(first);
    const second = await cache.get();
    expect(second).toBe('token-value-2');
    // A late 401 for the first token must not throw the second away.
    cache.invalidate(first);
    expect(await cache.get()).toBe(second);
    cache.invalidate();
    expect(await cache.get()).toBe('token-value-3');
  });

  it('registers every token for redaction', async () => {
    clearSecretsForTests();
    const clock = testClock('2026-01-01T00:00:00Z');
    const cache = createTokenCache({ clock, fetch: () => Promise.resolve({ value: 'eyJhbGciOi.secret-token' }), renewMarginS: 60, defaultLifetimeS: 3600 });
    const token = await cache.get();
    expect(redactText(`upstream said: bad token ${token}`)).toBe('upstream said: bad token [REDACTED]');
  });
});

describe('token cache and redaction', () => {
  it('keeps the current and the previous token masked, and forgets older ones', async () => {
    clearSecretsForTests();
    const clock = testClock('2026-11-23T00:00:00Z');
    const source = counting([10, 10, 10]);
    const cache = createTokenCache({ fetch: source.fetch, clock, renewMarginS: 1, defaultLifetimeS: 10 });
    await cache.get();
    clock.advance(20_000);
    await cache.get();
    clock.advance(20_000);
    await cache.get();
    expect(redactText('token-value-3 token-value-2')).toBe('[REDACTED] [REDACTED]');
    expect(redactText('token-value-1')).toBe('token-value-1');
  });
});
