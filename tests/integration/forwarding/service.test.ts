/**
 * The forward orchestration of the incident service on the real pipeline and store, with a scripted forwarder
 * whose calls the test holds and releases: state while running, sub-events that arrive mid-forward, dry run
 * then real, concurrent acknowledge, and the retry / give-up / resume rules of late-sub-event syncs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/access.js';
import { AppError } from '../../../src/core/errors.js';
import type { Incident } from '../../../src/core/incident.js';
import { pendingSyncRecord, type PendingSync } from '../../../src/core/incident-service.js';
import type { Forwarder, ForwardResult } from '../../../src/core/ports.js';
import { createHarness, eventually, FakeSource } from '../../support/pipeline-harness.js';
import { KEY, serviceOn, sshDraft } from './helpers.js';

const analyst: Actor = { platform: 'telegram', userId: '42', name: 'Anna', role: 'analyst', locale: 'en', chat: { id: '42', type: 'private' } };
const signal = new AbortController().signal;
const ref = `elastic:${sshDraft(1).sourceId}`;

/** A forwarder whose calls wait for the test when `hold` is set, and fail as scripted. */
class ScriptedForwarder implements Forwarder {
  readonly id = 'soar';
  readonly labelKey = 'fwd-soar';
  forwards: Incident[] = [];
  updates: Array<{ incident: Incident; previous: Incident }> = [];
  dryRun = false;
  /** Errors thrown by the next update calls, in order. */
  updateFailures: Error[] = [];
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open?.();
    this.gate = undefined;
  }
  /** Errors thrown by the next forward calls, in order. */
  forwardFailures: Error[] = [];
  async forward(incident: Incident): Promise<ForwardResult> {
    this.forwards.push(incident);
    await this.gate;
    const failure = this.forwardFailures.shift();
    if (failure) throw failure;
    return this.dryRun ? { ref: 'dry-run', created: false, dryRun: true } : { ref: '2315', link: 'https://soar.example.org/#incidents/2315', created: this.forwards.length === 1 };
  }
  async update(incident: Incident, previous: Incident): Promise<void> {
    await this.gate;
    const failure = this.updateFailures.shift();
    if (failure) throw failure;
    this.updates.push({ incident, previous });
  }
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function setup(options: { syncAttempts?: number } = {}) {
  const harness = await createHarness({ source: new FakeSource('elastic') });
  const forwarder = new ScriptedForwarder();
  const pendingSyncs = harness.store.collection('forward-syncs', pendingSyncRecord);
  const make = () =>
    serviceOn(harness, [forwarder], { pendingSyncs, syncBackoffMs: 5, syncMaxBackoffMs: 20, ...(options.syncAttempts ? { syncAttempts: options.syncAttempts } : {}) });
  const service = make();
  close = async () => {
    forwarder.release();
    await service.stop();
    await harness.store.close();
  };
  const poll = async (count: number) => {
    harness.source.items.push(sshDraft(count));
    await harness.pipeline.pollOnce('elastic', signal);
  };
  await poll(3);
  const stored = async (): Promise<Incident> => {
    const incident = await harness.incidents.get(ref);
    if (!incident) throw new Error('not stored');
    return incident;
  };
  const records = async (): Promise<PendingSync[]> => {
    const out: PendingSync[] = [];
    for await (const [, r] of pendingSyncs.entries()) out.push(r);
    return out;
  };
  return { harness, forwarder, service, make, poll, stored, records, pendingSyncs };
}

describe('forward orchestration', () => {
  it('a second forward of the same incident waits for the first and sends nothing; the outcome edits every card', async () => {
    const { harness, forwarder, service, stored } = await setup();
    harness.worker.start();
    try {
      await eventually(() => expect(harness.notifier.postedKeys()).toContain(KEY));
      forwarder.hold();
      const first = service.forward(ref, 'soar', analyst, signal);
      const second = service.forward(ref, 'soar', analyst, signal);
      await eventually(() => expect(forwarder.forwards).toHaveLength(1));
      expect((await stored()).forwards).toBeUndefined();
      forwarder.release();
      const [a, b] = await Promise.all([first, second]);
      expect(forwarder.forwards).toHaveLength(1);
      expect(a.forwards?.soar).toMatchObject({ state: 'done', ref: '2315', by: 'Anna [telegram:42]' });
      expect(b.forwards?.soar).toEqual(a.forwards?.soar);
      expect(service.cardActions(a).map((x) => x.id)).not.toContain('fwd:soar');
      await eventually(() => expect(harness.notifier.sent.some((x) => x.kind === 'edit' && x.revision === a.revision)).toBe(true));
    } finally {
      await harness.worker.stop(1000);
    }
  });

  it('sub-events that arrive while the forward runs are sent right after it', async () => {
    const { forwarder, service, poll, stored } = await setup();
    forwarder.hold();
    const running = service.forward(ref, 'soar', analyst, signal);
    await eventually(() => expect(forwarder.forwards).toHaveLength(1));
    await poll(5);
    forwarder.release();
    await running;
    await eventually(() => expect(forwarder.updates).toHaveLength(1));
    expect(forwarder.forwards[0]?.subEvents).toHaveLength(3);
    expect(forwarder.updates[0]?.incident.subEvents).toHaveLength(5);
    expect(forwarder.updates[0]?.previous.subEvents).toHaveLength(3);
    expect((await stored()).forwards?.soar?.state).toBe('done');
  });

  it('an acknowledgement during a forward is kept next to the forward outcome', async () => {
    const { forwarder, service, stored } = await setup();
    forwarder.hold();
    const running = service.forward(ref, 'soar', analyst, signal);
    await eventually(() => expect(forwarder.forwards).toHaveLength(1));
    await service.acknowledge(ref, analyst);
    forwarder.release();
    await running;
    const final = await stored();
    expect(final.ack?.by).toBe('Anna [telegram:42]');
    expect(final.forwards?.soar?.state).toBe('done');
  });

  it('a dry run keeps the button and does not block a real forward later', async () => {
    const { forwarder, service } = await setup();
    forwarder.dryRun = true;
    const dry = await service.forward(ref, 'soar', analyst, signal);
    expect(dry.forwards?.soar).toMatchObject({ state: 'done', dryRun: true });
    expect(service.cardActions(dry).map((a) => a.id)).toContain('fwd:soar');
    forwarder.dryRun = false;
    const real = await service.forward(ref, 'soar', analyst, signal);
    expect(real.forwards?.soar).toMatchObject({ state: 'done', ref: '2315' });
    expect(real.forwards?.soar && 'dryRun' in real.forwards.soar).toBe(false);
    expect(forwarder.forwards).toHaveLength(2);
    // Delivered for real: a further press sends nothing.
    await service.forward(ref, 'soar', analyst, signal);
    expect(forwarder.forwards).toHaveLength(2);
  });

  it('a retryable failure is tried again; the second try succeeds', async () => {
    const { forwarder, service } = await setup();
    forwarder.forwardFailures.push(new AppError('unavailable', 'HTTP 503'));
    const retried = await service.forward(ref, 'soar', analyst, signal);
    expect(retried.forwards?.soar?.state).toBe('done');
    expect(forwarder.forwards).toHaveLength(2);
  });

  it('a receiver asking to wait minutes is not waited for: failed now, retryable from the card', async () => {
    const { forwarder, service } = await setup();
    forwarder.forwardFailures.push(new AppError('rate-limited', 'idmefv2 POST receiver/: HTTP 429', { retryAfterMs: 120_000 }));
    const limited = await service.forward(ref, 'soar', analyst, signal);
    expect(limited.forwards?.soar).toMatchObject({ state: 'failed', error: 'idmefv2 POST receiver/: HTTP 429' });
    expect(forwarder.forwards).toHaveLength(1);
    expect(service.cardActions(limited).map((a) => a.id)).toContain('fwd:soar');
  });

  it('a viewer is refused before anything is sent, and the refusal is audited', async () => {
    const { harness, forwarder, service, stored } = await setup();
    await expect(service.forward(ref, 'soar', { ...analyst, role: 'viewer' }, signal)).rejects.toMatchObject({ kind: 'auth' });
    expect(forwarder.forwards).toHaveLength(0);
    expect((await stored()).forwards).toBeUndefined();
    expect((await harness.audit.recent(10)).map((e) => `${e.action} ${e.outcome}`)).toEqual(['forward.soar refused']);
  });
});

describe('syncs of late sub-events', () => {
  it('a retryable failure is retried; nothing stays stored once it succeeds', async () => {
    const { forwarder, service, poll, stored, records } = await setup();
    await service.forward(ref, 'soar', analyst, signal);
    forwarder.updateFailures.push(new AppError('unavailable', 'SOAR add table row failed (HTTP 503)'));
    const before = await stored();
    await poll(5);
    await service.syncForwarders(await stored(), before);
    expect(await records()).toEqual([expect.objectContaining({ forwarder: 'soar', ref, attempts: 1, lastError: 'SOAR add table row failed (HTTP 503)' })]);
    await eventually(() => expect(forwarder.updates).toHaveLength(1));
    await eventually(async () => expect(await records()).toEqual([]));
    expect((await stored()).forwards?.soar?.state).toBe('done');
  });

  it('gives up after the configured tries: the forward is marked failed with the reason, and the button is back', async () => {
    const { harness, forwarder, service, poll, stored, records } = await setup({ syncAttempts: 2 });
    await service.forward(ref, 'soar', analyst, signal);
    forwarder.updateFailures.push(new AppError('unavailable', 'HTTP 503 one'), new AppError('unavailable', 'HTTP 503 two'));
    const before = await stored();
    await poll(5);
    await service.syncForwarders(await stored(), before);
    await eventually(async () => expect((await stored()).forwards?.soar).toMatchObject({ state: 'failed', by: 'socbot', error: 'HTTP 503 two' }));
    expect(service.cardActions(await stored()).map((a) => a.id)).toContain('fwd:soar');
    await eventually(async () => expect(await records()).toEqual([]));
    const audit = (await harness.audit.recent(20)).filter((e) => e.action === 'forward.soar.update').map((e) => e.details);
    expect(audit).toEqual([expect.stringMatching(/^gave up after 2 tries: HTTP 503 two$/), expect.stringMatching(/^try 1 of 2, retrying at .*: HTTP 503 one$/)]);
  });

  it('a permanent refusal gives up at once', async () => {
    const { forwarder, service, poll, stored } = await setup();
    await service.forward(ref, 'soar', analyst, signal);
    forwarder.updateFailures.push(new AppError('bad-request', 'SOAR add table row refused (HTTP 400): no column'));
    const before = await stored();
    await poll(5);
    await service.syncForwarders(await stored(), before);
    expect((await stored()).forwards?.soar).toMatchObject({ state: 'failed', error: 'SOAR add table row refused (HTTP 400): no column' });
    expect(forwarder.updates).toHaveLength(0);
  });

  it('a sync in backoff at stop is resumed by the next service on the same store', async () => {
    const { forwarder, service, make, poll, stored, records } = await setup();
    await service.forward(ref, 'soar', analyst, signal);
    forwarder.updateFailures.push(new AppError('unavailable', 'HTTP 503'));
    const before = await stored();
    await poll(5);
    await service.syncForwarders(await stored(), before);
    await service.stop();
    expect(await records()).toHaveLength(1);
    expect(forwarder.updates).toHaveLength(0);

    const next = make();
    await next.resumeSyncs();
    await eventually(() => expect(forwarder.updates).toHaveLength(1));
    expect(forwarder.updates[0]?.incident.subEvents).toHaveLength(5);
    await eventually(async () => expect(await records()).toEqual([]));
    await next.stop();
  });

  it('nothing is synced for an incident that is not forwarded, or only new counts without content', async () => {
    const { forwarder, service, poll, stored, records } = await setup();
    const before = await stored();
    await poll(5);
    await service.syncForwarders(await stored(), before);
    expect(forwarder.updates).toHaveLength(0);
    await service.forward(ref, 'soar', analyst, signal);
    const done = await stored();
    await service.syncForwarders({ ...done, count: 9 }, done);
    expect(forwarder.updates).toHaveLength(0);
    expect(await records()).toEqual([]);
  });

  it('a resumed record of an incident no longer forwarded is dropped', async () => {
    const { forwarder, service, pendingSyncs, records } = await setup();
    await pendingSyncs.set(`soar|${ref}`, { forwarder: 'soar', ref, attempts: 2, nextAt: new Date(0).toISOString() });
    await service.resumeSyncs();
    await eventually(async () => expect(await records()).toEqual([]));
    expect(forwarder.updates).toHaveLength(0);
  });
});
