/**
 * The Sophos source through the real pipeline (ledger, outbox, cursors on a store): a restart mid-stream
 * delivers every alert once, with overlap repeats absorbed by the ledger.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthTracker } from '../../../src/core/health.js';
import { createOutbox } from '../../../src/core/outbox.js';
import { createPipeline } from '../../../src/core/pipeline.js';
import type { Store } from '../../../src/core/ports.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createSophosSource } from '../../../src/sources/sophos/index.js';
import { openStore } from '../../../src/store/keyv.js';
import { incidentRecord, ledgerRecord, outboxRecord, stringRecord } from '../../../src/store/records.js';
import { centralConfig, memoryState, recordingLogger, startFakeCentral, steppingClock, TENANT_IDS, type FakeCentral } from '../../support/fakes/sophos.js';

let fake: FakeCentral | undefined;
let store: Store | undefined;
afterEach(async () => {
  await fake?.close();
  await store?.close();
  fake = undefined;
  store = undefined;
});

const signal = new AbortController().signal;

describe('Sophos source in the pipeline', () => {
  it('restart mid-stream: every alert of every callable tenant is enqueued exactly once', async () => {
    fake = await startFakeCentral({ idType: 'partner', alertPageCap: 1 });
    fake.tenant(TENANT_IDS.TRICORE).forbidden.add('alerts');
    const config = centralConfig(fake, { initialLookback: 89 * 24 * 3600, maxPages: 1 });
    const clock = steppingClock('2021-02-13T00:00:00.000Z');
    store = await openStore('memory://', { logger: silentLogger });
    const outbox = createOutbox(store.collection('outbox', outboxRecord), clock);
    await outbox.load();
    const cursors = store.collection('cursors', stringRecord);
    const pipelineFor = () =>
      createPipeline({
        sources: new Map([['sophos', createSophosSource(config, { logger: recordingLogger(), clock, state: memoryState() })]]),
        incidents: store!.collection('incidents', incidentRecord),
        keys: store!.collection('incident-keys', stringRecord),
        ledger: store!.collection('ledger', ledgerRecord),
        cursors,
        outbox,
        resolver: () => ({ destinationsFor: () => Promise.resolve(['fake:100']) }),
        health: createHealthTracker({ clock, admins: () => undefined, redact: (s) => s }),
        clock,
        logger: silentLogger,
        maxRounds: 1,
      });

    // One alert per page. Central keeps 90 days, so the 3 Qnasters alerts of 2020-11-04 are out of reach;
    // its 3 of 2020-11-25 and Acme's 2 are expected. TriCore answers 403.
    const floor = Date.parse('2021-02-13T00:00:00.000Z') - 89 * 24 * 3600_000;
    const expected = [...fake.tenant(TENANT_IDS.QNASTERS).alerts, ...fake.tenant(TENANT_IDS.ACME).alerts]
      .filter((a) => Date.parse(String(a.raisedAt)) >= floor)
      .map((a) => `sophos:${String(a.id)}`);
    expect(expected).toHaveLength(5);
    let created = 0;
    let unchanged = 0;
    let rounds = 0;
    let more = true;
    // Each round is a fresh process (new source, client and pipeline) on the same store.
    for (; more && rounds < 12; rounds++) {
      const summary = await pipelineFor().pollOnce('sophos', signal);
      created += summary.created;
      unchanged += summary.unchanged;
      const cursor = JSON.parse((await cursors.get('sophos')) ?? '{}') as { tenants: Record<string, { resume?: unknown }> };
      more = Object.values(cursor.tenants).some((t) => t.resume !== undefined);
    }
    // Qnasters needs three pages, so the stream was cut and the process restarted at least twice; the
    // overlap re-reads alerts already stored, which the ledger turns into no-ops.
    expect(more).toBe(false);
    expect(rounds).toBeGreaterThanOrEqual(3);
    expect(unchanged).toBeGreaterThan(0);
    expect(created).toBe(expected.length);
    const posts = outbox.pendingFor('fake:100').filter((e) => e.op === 'post').map((e) => e.ref);
    expect(posts.sort()).toEqual(expected.sort());
    const cursor = JSON.parse((await cursors.get('sophos')) ?? '{}') as { tenants: Record<string, unknown> };
    expect(cursor.tenants[TENANT_IDS.TRICORE]).toBeUndefined();
  });
});
