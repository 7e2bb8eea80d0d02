import { describe, expect, it } from 'vitest';
import { createKeyedMutex } from '../../../src/core/keyed-mutex.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('keyed mutex', () => {
  it('runs work for one key one after the other, in call order', async () => {
    const mutex = createKeyedMutex();
    const log: string[] = [];
    const gate = deferred();
    const first = mutex.run('a', async () => {
      log.push('first start');
      await gate.promise;
      log.push('first end');
      return 1;
    });
    const second = mutex.run('a', () => {
      log.push('second');
      return Promise.resolve(2);
    });
    await Promise.resolve();
    expect(log).toEqual(['first start']);
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(log).toEqual(['first start', 'first end', 'second']);
  });

  it('runs different keys in parallel', async () => {
    const mutex = createKeyedMutex();
    const gate = deferred();
    const blocked = mutex.run('a', () => gate.promise);
    expect(await mutex.run('b', () => Promise.resolve('b ran'))).toBe('b ran');
    gate.resolve();
    await blocked;
  });

  it('a failure reaches its caller only and does not block the next run', async () => {
    const mutex = createKeyedMutex();
    const failing = mutex.run('a', () => Promise.reject(new Error('boom')));
    const next = mutex.run('a', () => Promise.resolve('next'));
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('next');
  });

  it('forgets idle keys', async () => {
    const mutex = createKeyedMutex();
    await Promise.all([mutex.run('a', () => Promise.resolve()), mutex.run('b', () => Promise.reject(new Error('x'))).catch(() => undefined)]);
    expect(mutex.size).toBe(0);
  });
});
