import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { openStore, storeKind } from '../../../src/store/keyv.js';
import { draft } from '../../support/memory.js';
import { createHarness, eventually } from '../../support/pipeline-harness.js';

const isRoot = process.getuid?.() === 0;
const signal = new AbortController().signal;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'socbot-store-'));
}

describe('keyv store on SQLite', () => {
  it('creates the file with its folder and keeps versioned records across a reopen', async () => {
    const file = join(tempDir(), 'nested', 'deeper', 'state.sqlite');
    const store = await openStore(`sqlite://${file}`, { logger: silentLogger });
    const things = store.collection('things', z.object({ n: z.number() }));
    await things.set('a', { n: 1 });
    await things.set('b', { n: 2 });
    await store.close();
    const again = await openStore(`sqlite://${file}`, { logger: silentLogger });
    const reopened = again.collection('things', z.object({ n: z.number() }));
    expect(await reopened.get('a')).toEqual({ n: 1 });
    const all: string[] = [];
    for await (const [id] of reopened.entries()) all.push(id);
    expect(all.sort()).toEqual(['a', 'b']);
    // Other namespaces do not leak into this one.
    expect(await again.collection('other', z.object({ n: z.number() })).get('a')).toBeUndefined();
    await again.close();
  });

  it('ignores records of another shape instead of crashing', async () => {
    const file = join(tempDir(), 's.sqlite');
    const store = await openStore(`sqlite://${file}`, { logger: silentLogger });
    await store.collection('mixed', z.unknown()).set('x', { wrong: true });
    expect(await store.collection('mixed', z.object({ n: z.number() })).get('x')).toBeUndefined();
    await store.close();
  });

  it('fails clearly at start when the state file is not a database', async () => {
    const file = join(tempDir(), 'garbage.sqlite');
    writeFileSync(file, 'this is not sqlite at all, just text '.repeat(200));
    await expect(openStore(`sqlite://${file}`, { logger: silentLogger })).rejects.toMatchObject({ kind: 'store' });
  });

  it.skipIf(isRoot)('fails clearly at start when the state file is unreadable', async () => {
    const dir = tempDir();
    const file = join(dir, 'locked.sqlite');
    writeFileSync(file, '');
    chmodSync(file, 0o000);
    await expect(openStore(`sqlite://${file}`, { logger: silentLogger })).rejects.toBeInstanceOf(AppError);
  });

  it('fails clearly when the folder cannot be created', async () => {
    const dir = tempDir();
    const blocker = join(dir, 'file-not-dir');
    writeFileSync(blocker, 'x');
    await expect(openStore(`sqlite://${join(blocker, 'state.sqlite')}`, { logger: silentLogger })).rejects.toMatchObject({ kind: 'store' });
  });

  it('waits for a short lock, and reports a long one as a store error instead of a false success', async () => {
    const file = join(tempDir(), 'locked.sqlite');
    const store = await openStore(`sqlite://${file}`, { logger: silentLogger, busyTimeoutMs: 300 });
    const things = store.collection('things', z.number());
    await things.set('ok', 1);
    const sqlite3 = (await import('sqlite3')).default;
    const other = new sqlite3.Database(file);
    const exec = (sql: string) => new Promise<void>((resolve, reject) => other.exec(sql, (e) => (e ? reject(e) : resolve())));
    await exec('BEGIN EXCLUSIVE');
    // Short lock: released before the busy timeout, the write goes through.
    setTimeout(() => void exec('COMMIT'), 100);
    await things.set('short', 2);
    expect(await things.get('short')).toBe(2);
    // Long lock: the write fails loudly.
    await exec('BEGIN EXCLUSIVE');
    await expect(things.set('long', 3)).rejects.toMatchObject({ kind: 'store' });
    await exec('COMMIT');
    await new Promise<void>((resolve) => other.close(() => resolve()));
    await store.close();
  });

  it('a restart resumes from the stored state: no re-announcement, new incidents delivered', async () => {
    const file = join(tempDir(), 'restart.sqlite');
    const first = await createHarness({ storeUrl: `sqlite://${file}` });
    first.source.items = Array.from({ length: 10 }, (_, i) => draft(`r-${i}`));
    await first.pipeline.pollOnce('fake', signal);
    first.worker.start();
    await eventually(() => expect(first.notifier.postedKeys()).toHaveLength(10));
    await first.worker.stop();
    await first.store.close();

    const second = await createHarness({ storeUrl: `sqlite://${file}`, source: first.source });
    first.source.items.push(draft('r-new'));
    await second.pipeline.pollOnce('fake', signal);
    second.worker.start();
    await eventually(() => expect(second.notifier.postedKeys()).toEqual(['r-new']));
    await second.worker.stop();
    await second.store.close();
  });

  it('chooses the backend by URL scheme', () => {
    expect(storeKind('sqlite://./data/x.sqlite')).toBe('sqlite');
    expect(storeKind('redis://127.0.0.1:6379')).toBe('redis');
    expect(storeKind('postgresql://u@h/db')).toBe('postgres');
    expect(() => storeKind('mongodb://x')).toThrow();
  });
});
