/**
 * One contract for every store backend: SQLite, Redis and PostgreSQL, each a real server.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Store } from '../../../src/core/ports.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { openStore } from '../../../src/store/keyv.js';
import { draft } from '../../support/memory.js';
import { createHarness, eventually } from '../../support/pipeline-harness.js';
import { haveRedis, havePostgres, startPostgres, startRedis, type RunningServer } from '../../support/servers.js';

const signal = new AbortController().signal;

interface Backend {
  name: string;
  available: boolean;
  start: () => Promise<RunningServer>;
}

const backends: Backend[] = [
  { name: 'sqlite', available: true, start: () => Promise.resolve({ url: `sqlite://${join(mkdtempSync(join(tmpdir(), 'socbot-b-')), 's.sqlite')}`, stop: () => Promise.resolve() }) },
  { name: 'redis', available: haveRedis(), start: startRedis },
  { name: 'postgres', available: havePostgres(), start: startPostgres },
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`store contract on ${backend.name}`, () => {
    let server: RunningServer;
    let store: Store;

    beforeAll(async () => {
      server = await backend.start();
      store = await openStore(server.url, { logger: silentLogger });
    }, 60_000);

    afterAll(async () => {
      await store?.close();
      await server?.stop();
    }, 60_000);

    it('reads back what it wrote, per namespace, and lists entries', async () => {
      const a = store.collection(`contract-a-${backend.name}`, z.object({ n: z.number() }));
      const b = store.collection(`contract-b-${backend.name}`, z.object({ n: z.number() }));
      await a.set('x', { n: 1 });
      await a.set('-1001234567890', { n: 2 });
      await b.set('x', { n: 3 });
      expect(await a.get('x')).toEqual({ n: 1 });
      expect(await b.get('x')).toEqual({ n: 3 });
      const ids: string[] = [];
      for await (const [id] of a.entries()) ids.push(id);
      expect(ids.sort()).toEqual(['-1001234567890', 'x']);
      expect(await a.delete('x')).toBe(true);
      expect(await a.get('x')).toBeUndefined();
    });

    it('expires records with a TTL', async () => {
      const c = store.collection(`contract-ttl-${backend.name}`, z.string());
      await c.set('short', 'v', 50);
      await new Promise((r) => setTimeout(r, 120));
      expect(await c.get('short')).toBeUndefined();
    });

    it('runs the pipeline: 60 incidents delivered once, none again after a restart', async () => {
      const h = await createHarness({ store });
      h.source.items = Array.from({ length: 60 }, (_, i) => draft(`b-${backend.name}-${i}`));
      await h.pipeline.pollOnce('fake', signal);
      h.worker.start();
      await eventually(() => expect(h.notifier.postedKeys()).toHaveLength(60), 15_000);
      await h.worker.stop();
      const again = await createHarness({ store, source: h.source });
      await again.pipeline.pollOnce('fake', signal);
      again.worker.start();
      await new Promise((r) => setTimeout(r, 100));
      await again.worker.stop();
      expect(again.notifier.postedKeys()).toEqual([]);
    }, 30_000);
  });
}
