import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { draft } from '../../support/memory.js';
import { createHarness, eventually } from '../../support/pipeline-harness.js';

const signal = new AbortController().signal;

describe('pipeline and delivery', () => {
  it('delivers 250 incidents across pages once each, in order', async () => {
    const h = await createHarness({ chats: ['1', '2'] });
    h.source.items = Array.from({ length: 250 }, (_, i) => draft(`id-${i}`));
    const summary = await h.pipeline.pollOnce('fake', signal);
    expect(summary.created).toBe(250);
    expect(h.source.polls).toBe(5);
    h.worker.start();
    await eventually(() => expect(h.notifier.postedKeys('1')).toHaveLength(250));
    await eventually(() => expect(h.notifier.postedKeys('2')).toHaveLength(250));
    expect(h.notifier.postedKeys('1')).toEqual(h.source.items.map((d) => d.sourceId));
    // A second poll of the same data announces nothing.
    await h.pipeline.pollOnce('fake', signal);
    await h.worker.stop();
    expect(new Set(h.notifier.postedKeys()).size).toBe(250);
    expect(h.notifier.postedKeys()).toHaveLength(500);
  });

  it('a crash after enqueue and before the cursor is saved causes no duplicate', async () => {
    const h = await createHarness();
    h.source.items = Array.from({ length: 30 }, (_, i) => draft(`c-${i}`));
    await h.pipeline.pollOnce('fake', signal);
    // The crash: everything was enqueued, the cursor write never happened.
    await h.store.collection('cursors', { parse: (v: unknown) => v as string }).delete('fake');
    const again = await h.pipeline.pollOnce('fake', signal);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 30 });
    h.worker.start();
    await eventually(() => expect(h.notifier.postedKeys()).toHaveLength(30));
    await h.worker.stop();
    expect(new Set(h.notifier.postedKeys()).size).toBe(30);
  });

  it('a crash between storing an incident and enqueueing it still delivers it once', async () => {
    const h = await createHarness();
    h.source.items = [draft('half-1'), draft('half-2')];
    await h.pipeline.pollOnce('fake', signal);
    // Undo the enqueue and ledger of one incident, as if the process died right after the incident write.
    const outbox = h.store.collection('outbox', { parse: (v: unknown) => v });
    await outbox.delete('fake:100|fake:half-2|post');
    await h.store.collection('ledger', { parse: (v: unknown) => v }).delete('fake:half-2');
    await h.store.collection('cursors', { parse: (v: unknown) => v as string }).delete('fake');
    await h.outbox.load();
    await h.pipeline.pollOnce('fake', signal);
    h.worker.start();
    await eventually(() => expect(h.notifier.postedKeys()).toEqual(['half-1', 'half-2']));
    await h.worker.stop();
  });

  it('a source failure leaves the cursor where it was and marks the source failing once', async () => {
    const h = await createHarness();
    h.source.items = [draft('a')];
    await h.pipeline.pollOnce('fake', signal);
    h.source.items.push(draft('b'));
    h.source.failNext = new AppError('unavailable', 'HTTP 500');
    await expect(h.pipeline.pollOnce('fake', signal)).rejects.toThrow('HTTP 500');
    await h.health.failed('fake', new AppError('unavailable', 'HTTP 500'), 10);
    await h.health.failed('fake', new AppError('unavailable', 'HTTP 500'), 10);
    expect(h.notices).toEqual(['health-source-failing']);
    expect(h.health.snapshot()[0]).toMatchObject({ state: 'failing', lastErrorKind: 'unavailable', cursor: '1' });
    await h.pipeline.pollOnce('fake', signal);
    expect(h.notices).toEqual(['health-source-failing', 'health-source-recovered']);
    expect(await h.incidents.get('fake:b')).toBeDefined();
  });

  it('a notifier outage loses nothing and resumes in order', async () => {
    const h = await createHarness();
    h.source.items = Array.from({ length: 20 }, (_, i) => draft(`o-${i}`));
    h.notifier.failures = Array.from({ length: 6 }, () => ({ kind: 'transient' as const, reason: 'HTTP 502' }));
    await h.pipeline.pollOnce('fake', signal);
    h.worker.start();
    await eventually(() => expect(h.notifier.postedKeys()).toHaveLength(20));
    await h.worker.stop();
    expect(h.notifier.postedKeys()).toEqual(h.source.items.map((d) => d.sourceId));
    expect(h.outbox.stats()).toMatchObject({ pending: 0, dead: 0 });
    // Six failures in a row passed maxAttempts (3) once: one "degraded" notice, then one "recovered".
    expect(h.notices).toEqual(['delivery-degraded', 'delivery-recovered']);
  });

  it('an outage of every chat is one degraded and one recovered notice, not one per chat', async () => {
    const h = await createHarness({ chats: ['1', '2', '3'] });
    h.source.items = [draft('m-1'), draft('m-2')];
    h.notifier.failures = Array.from({ length: 15 }, () => ({ kind: 'transient' as const, reason: 'HTTP 502' }));
    await h.pipeline.pollOnce('fake', signal);
    h.worker.start();
    await eventually(() => expect(h.notifier.postedKeys()).toHaveLength(6));
    await h.worker.stop();
    expect(h.notices).toEqual(['delivery-degraded', 'delivery-recovered']);
    for (const chat of ['1', '2', '3']) expect(h.notifier.postedKeys(chat)).toEqual(['m-1', 'm-2']);
  });

  it('waits retry_after on 429 for that chat only', async () => {
    const h = await createHarness({ chats: ['1', '2'] });
    h.source.items = [draft('r-1'), draft('r-2')];
    h.notifier.failures = [{ kind: 'retry-after', retryAfterMs: 300 }];
    await h.pipeline.pollOnce('fake', signal);
    const started = Date.now();
    h.worker.start();
    await eventually(() => expect(h.notifier.postedKeys('2')).toEqual(['r-1', 'r-2']));
    await eventually(() => expect(h.notifier.postedKeys('1')).toEqual(['r-1', 'r-2']));
    await h.worker.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('folds a backlog into digests that name every incident', async () => {
    const h = await createHarness();
    h.notifier.limitsValue = { minIntervalMs: 0, digestThreshold: 5, digestMax: 40 };
    h.source.items = Array.from({ length: 100 }, (_, i) => draft(`d-${i}`));
    await h.pipeline.pollOnce('fake', signal);
    h.worker.start();
    await eventually(() => expect(h.notifier.postedKeys()).toHaveLength(100));
    await h.worker.stop();
    const digests = h.notifier.sent.filter((s) => s.kind === 'digest');
    expect(digests.map((d) => d.keys.length)).toEqual([40, 40, 20]);
    expect(h.notifier.postedKeys()).toEqual(h.source.items.map((d) => d.sourceId));
  });

  it('late sub-events update the stored incident and edit the sent card', async () => {
    const h = await createHarness();
    h.source.items = [draft('g-1', { subEvents: [{ id: 's1', title: 'first' }] })];
    await h.pipeline.pollOnce('fake', signal);
    h.worker.start();
    await eventually(() => expect(h.notifier.postedKeys()).toEqual(['g-1']));
    h.source.items.push(draft('g-1', { subEvents: [{ id: 's2', title: 'late' }] }));
    const summary = await h.pipeline.pollOnce('fake', signal);
    expect(summary).toMatchObject({ created: 0, updated: 1 });
    await eventually(() => expect(h.notifier.sent.filter((s) => s.kind === 'edit')).toHaveLength(1));
    await h.worker.stop();
    const stored = await h.incidents.get('fake:g-1');
    expect(stored?.subEvents.map((e) => e.id)).toEqual(['s1', 's2']);
    expect(h.notifier.postedKeys()).toEqual(['g-1']);
  });

  it('dead-letters permanent failures, marks 403 chats inactive and follows migrations', async () => {
    const h = await createHarness({ chats: ['1', '2', '3'] });
    h.source.items = [draft('p-1')];
    await h.pipeline.pollOnce('fake', signal);
    // Lanes run in the order of their destinations; each gets one failure.
    h.notifier.failures = [{ kind: 'permanent', reason: 'chat not found' }, { kind: 'inactive', reason: 'bot was blocked' }, { kind: 'migrated', newChatId: '-1009' }];
    h.worker.start();
    await eventually(() => expect(h.notifier.postedKeys('-1009')).toEqual(['p-1']));
    await h.worker.stop();
    expect(h.outbox.stats().dead).toBe(2);
    expect(h.lifecycleEvents).toEqual(expect.arrayContaining(['inactive fake:2', 'migrate fake:3 fake:-1009']));
    expect(h.notices).toEqual(expect.arrayContaining(['delivery-dead-letter', 'delivery-chat-inactive']));
  });
});

describe('retention', () => {
  it('forgets old incidents whose deliveries are settled, keeps recent and undelivered ones', async () => {
    const h = await createHarness();
    h.source.items = [draft('old-1', { key: 'INC-OLD' }), draft('old-2')];
    await h.pipeline.pollOnce('fake', signal);
    h.worker.start();
    await eventually(() => expect(h.notifier.postedKeys()).toHaveLength(2));
    await h.worker.stop();
    h.source.items.push(draft('fresh'));
    // The incident still waiting for delivery must survive pruning.
    await h.pipeline.pollOnce('fake', signal);
    const removed = await h.pipeline.prune(new Date(Date.now() + 60_000));
    expect(removed).toBe(2);
    expect(await h.incidents.get('fake:old-1')).toBeUndefined();
    expect(await h.service.findByKey('INC-OLD')).toBeUndefined();
    expect(await h.incidents.get('fake:fresh')).toBeDefined();
    expect(await h.pipeline.prune(new Date(Date.now() - 60_000))).toBe(0);
  });
});

describe('incident service', () => {
  it('acknowledges once, audits it and edits the card', async () => {
    const h = await createHarness();
    h.source.items = [draft('k-1', { key: 'INC-1' })];
    await h.pipeline.pollOnce('fake', signal);
    h.worker.start();
    await eventually(() => expect(h.notifier.postedKeys()).toEqual(['INC-1']));
    const actor = { platform: 'telegram', userId: '42', name: 'Анна', role: 'analyst' as const, locale: 'ru', chat: { id: '100', type: 'private' as const } };
    const viewer = { ...actor, userId: '43', role: 'viewer' as const };
    await expect(h.service.acknowledge('fake:k-1', viewer)).rejects.toThrow(/analyst/);
    const [a, b] = await Promise.all([h.service.acknowledge('fake:k-1', actor), h.service.acknowledge('fake:k-1', actor)]);
    expect(a.ack?.by).toContain('Анна');
    expect(b.revision).toBe(a.revision);
    expect((await h.service.findByKey('INC-1'))?.ack).toBeDefined();
    await eventually(() => expect(h.notifier.sent.filter((s) => s.kind === 'edit')).toHaveLength(1));
    await h.worker.stop();
    const audit = await h.audit.recent(10);
    expect(audit.map((e) => e.action)).toEqual(['incident.ack']);
  });
});

describe('card edits racing deliveries', () => {
  it('a change stored while a card or an edit is in flight still reaches the card', async () => {
    const h = await createHarness();
    h.source.items = [draft('race-1', { key: 'INC-R' })];
    await h.pipeline.pollOnce('fake', signal);
    const actor = { platform: 'telegram', userId: '42', name: 'Ann', role: 'analyst' as const, locale: 'en', chat: { id: '100', type: 'private' as const } };
    // Acknowledge exactly while the notifier is posting the card (revision 1 rendered).
    const post = h.notifier.post.bind(h.notifier);
    let raced = false;
    h.notifier.post = async (chatId, incident) => {
      const ref = await post(chatId, incident);
      if (!raced) {
        raced = true;
        await h.service.acknowledge('fake:race-1', actor);
      }
      return ref;
    };
    h.worker.start();
    await eventually(() => expect(h.notifier.sent.filter((s) => s.kind === 'edit').map((s) => s.revision)).toContain(2));
    // And again for an edit in flight: a second change while the first edit is being sent.
    const edit = h.notifier.edit.bind(h.notifier);
    let racedEdit = false;
    h.notifier.edit = async (chatId, messageRef, incident) => {
      await edit(chatId, messageRef, incident);
      if (!racedEdit && incident.revision === 3) {
        racedEdit = true;
        h.source.items.push(draft('race-1', { key: 'INC-R', subEvents: [{ id: 'late', title: 'late' }] }));
        await h.pipeline.pollOnce('fake', signal);
      }
    };
    h.source.items.push(draft('race-1', { key: 'INC-R', status: 'Closed' }));
    await h.pipeline.pollOnce('fake', signal);
    await eventually(() => expect(h.notifier.sent.filter((s) => s.kind === 'edit').map((s) => s.revision)).toContain(4));
    await h.worker.stop();
    expect(h.notifier.postedKeys()).toEqual(['INC-R']);
  });
});

describe('concurrent writers of one incident', () => {
  it('a poll merging late sub-events and a person acknowledging at the same moment both survive', async () => {
    const h = await createHarness();
    h.source.items = [draft('w-1', { subEvents: [{ id: 'a', title: 'first' }] })];
    await h.pipeline.pollOnce('fake', signal);
    // Slow down the poll's read of the stored incident so the acknowledgement lands inside its merge.
    const get = h.incidents.get.bind(h.incidents);
    let slow = true;
    h.incidents.get = async (id) => {
      const value = await get(id);
      if (slow && id === 'fake:w-1') {
        slow = false;
        await new Promise((r) => setTimeout(r, 50));
      }
      return value;
    };
    h.source.items.push(draft('w-1', { subEvents: [{ id: 'b', title: 'late' }] }));
    const actor = { platform: 'telegram', userId: '7', name: 'Ann', role: 'analyst' as const, locale: 'en', chat: { id: '100', type: 'private' as const } };
    const poll = h.pipeline.pollOnce('fake', signal);
    await new Promise((r) => setTimeout(r, 10));
    await Promise.all([poll, h.service.acknowledge('fake:w-1', actor)]);
    const stored = await get('fake:w-1');
    expect(stored?.ack?.by).toContain('Ann');
    expect(stored?.subEvents.map((e) => e.id)).toEqual(['a', 'b']);
  });
});
