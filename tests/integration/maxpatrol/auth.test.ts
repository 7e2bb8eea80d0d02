import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { LOGIN_REFUSED_COOLDOWN_MS } from '../../../src/sources/maxpatrol/client.js';
import { startFakeMaxpatrol, type FakeMaxpatrol } from '../../support/fakes/maxpatrol.js';
import { CLIENT_SECRET, PASSWORD, makeItems, testClock, signal, sourceFor } from './helpers.js';

const NOW = '2024-11-28T07:00:00.000Z';

describe('maxpatrol auth', () => {
  let fake: FakeMaxpatrol;

  beforeEach(async () => {
    fake = await startFakeMaxpatrol({ expiresIn: 3600 });
    fake.add(...makeItems(3, '2024-11-28T06:00:00.000Z', 1000));
  });
  afterEach(async () => {
    await fake.close();
  });

  it('logs in with a properly encoded password-grant form and sends the bearer token', async () => {
    const source = sourceFor(fake, testClock(NOW));
    const result = await source.poll(undefined, signal());
    expect(result.drafts).toHaveLength(3);

    const login = fake.requests.filter((r) => r.route === 'token');
    expect(login).toHaveLength(1);
    expect(login[0]?.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(login[0]?.body).toEqual({
      grant_type: 'password',
      username: 'socbot',
      password: PASSWORD,
      client_id: 'mpx',
      client_secret: CLIENT_SECRET,
      response_type: 'code id_token',
      scope: 'authorization offline_access mpx.api ptkb.api',
    });
    const token = fake.issuedTokens[0];
    const apiCalls = fake.requests.filter((r) => r.route !== 'token');
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const call of apiCalls) expect(call.authorization).toBe(`Bearer ${token}`);
  });

  it('reuses the token across polls until shortly before it expires, then logs in again', async () => {
    const clock = testClock(NOW);
    const source = sourceFor(fake, clock);
    await source.poll(undefined, signal());
    clock.advance(30 * 60_000);
    await source.poll(undefined, signal());
    expect(fake.count('token')).toBe(1);

    // 3600 s token, renewed a minute early: at +59.5 min a new login happens before any API call.
    clock.advance(29 * 60_000 + 30_000);
    const before = fake.requests.length;
    await source.poll(undefined, signal());
    expect(fake.count('token')).toBe(2);
    const after = fake.requests.slice(before);
    expect(after[0]?.route).toBe('token');
    // No call was refused: the token was renewed, not discovered expired.
    expect(after.filter((r) => r.route !== 'token').every((r) => r.authorization === `Bearer ${fake.issuedTokens[1]}`)).toBe(true);
  });

  it('on a 401 logs in once again and retries the call', async () => {
    const source = sourceFor(fake, testClock(NOW));
    await source.poll(undefined, signal());
    fake.revokeTokens();
    const result = await source.poll(undefined, signal());
    expect(result.drafts.length).toBe(3);
    expect(fake.count('token')).toBe(2);
    const lists = fake.requests.filter((r) => r.route === 'list');
    // The refused call and its retry with the new token.
    expect(lists.at(-2)?.authorization).toBe(`Bearer ${fake.issuedTokens[0]}`);
    expect(lists.at(-1)?.authorization).toBe(`Bearer ${fake.issuedTokens[1]}`);
  });

  it('a second 401 after a fresh login is an auth error, without a login loop', async () => {
    const source = sourceFor(fake, testClock(NOW));
    fake.refuseAllTokens = true;
    const error = await source.poll(undefined, signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('auth');
    expect(fake.count('token')).toBe(2);
    expect(fake.count('list')).toBe(2);
    for (const token of fake.issuedTokens) expect((error as AppError).message).not.toContain(token);
  });

  it('wrong credentials are a clear auth error, with no API call and no login retried for a while', async () => {
    const clock = testClock(NOW);
    const source = sourceFor(fake, clock, { password: 'wrong-password' });
    const error = await source.poll(undefined, signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('auth');
    expect((error as AppError).message).toMatch(/wrong username or password/);
    expect((error as AppError).message).not.toContain('wrong-password');
    expect(fake.count('token')).toBe(1);
    expect(fake.requests.filter((r) => r.route !== 'token')).toHaveLength(0);

    // Polls, refreshes and button presses in the next minutes fail the same way without asking the token service.
    clock.advance(60_000);
    await expect(source.poll(undefined, signal())).rejects.toMatchObject({ kind: 'auth', message: expect.stringMatching(/wrong username or password/) });
    expect(fake.count('token')).toBe(1);
    // After the cool-down the next attempt asks once more.
    clock.advance(LOGIN_REFUSED_COOLDOWN_MS);
    await expect(source.poll(undefined, signal())).rejects.toMatchObject({ kind: 'auth' });
    expect(fake.count('token')).toBe(2);
  });

  it('a wrong client secret is named as such', async () => {
    const source = sourceFor(fake, testClock(NOW), { clientSecret: 'not-the-secret' });
    await expect(source.poll(undefined, signal())).rejects.toMatchObject({ kind: 'auth', message: expect.stringMatching(/client secret/) });
  });

  it('the token service being down is "unavailable", not "auth"', async () => {
    fake.fail('token', { status: 503, body: 'down' });
    const source = sourceFor(fake, testClock(NOW));
    await expect(source.poll(undefined, signal())).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('probe logs in afresh and reads one page of one item', async () => {
    const source = sourceFor(fake, testClock(NOW));
    await source.poll(undefined, signal());
    await source.probe?.(signal());
    expect(fake.count('token')).toBe(2);
    const list = fake.requests.filter((r) => r.route === 'list').at(-1);
    expect(list?.body).toMatchObject({ offset: 0, limit: 1 });

    const bad = sourceFor(fake, testClock(NOW), { username: 'nobody' });
    await expect(bad.probe?.(signal())).rejects.toMatchObject({ kind: 'auth' });
    // An explicit probe asks the token service even during the cool-down after a refused login.
    const logins = fake.count('token');
    await expect(bad.probe?.(signal())).rejects.toMatchObject({ kind: 'auth' });
    expect(fake.count('token')).toBe(logins + 1);
  });
});
