/**
 * End to end inside the core: `/forward` → the real incident service (retries, stored state, audit) → the
 * IDMEFv2 forwarder → the fake receiver. Proves the caller retries a 503 with the same ID, leaves a 400 alone,
 * stores the outcome on the incident and never forwards for a viewer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createForwardCommand } from '../../../src/commands/forward.js';
import type { Actor, Role } from '../../../src/core/access.js';
import { systemClock } from '../../../src/core/clock.js';
import type { IncidentDraft } from '../../../src/core/incident.js';
import { lineText } from '../../../src/core/reply.js';
import { idmefv2ConfigSchema } from '../../../src/forwarders/idmefv2/config.js';
import { createIdmefv2Forwarder, messageId } from '../../../src/forwarders/idmefv2/index.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { startFakeIdmefv2Receiver, type FakeIdmefv2Receiver } from '../../support/fakes/idmefv2.js';
import { FakeSource, createHarness } from '../../support/pipeline-harness.js';
import { elasticGroupIncident } from '../../unit/idmefv2/incidents.js';
import { serviceOn } from '../forwarding/helpers.js';

function actor(role: Role): Actor {
  return { platform: 'telegram', userId: '42', name: 'Anna', role, locale: 'en', chat: { id: '42', type: 'private' } };
}

/** The stored-incident fields stripped: what the Elastic source would hand the pipeline. */
function elasticDraft(): IncidentDraft {
  const { source: _s, key: _k, firstSeenAt: _f, revision: _r, ...draft } = elasticGroupIncident();
  return draft;
}

let fake: FakeIdmefv2Receiver | undefined;
let closeStore: (() => Promise<void>) | undefined;
afterEach(async () => {
  await fake?.close();
  await closeStore?.();
  fake = undefined;
  closeStore = undefined;
});

async function setup() {
  fake = await startFakeIdmefv2Receiver();
  const harness = await createHarness({ source: new FakeSource('elastic') });
  closeStore = () => harness.store.close();
  harness.source.items = [elasticDraft()];
  await harness.pipeline.pollOnce('elastic', new AbortController().signal);
  const forwarder = createIdmefv2Forwarder(idmefv2ConfigSchema.parse({ url: fake.url, analyzerIp: '10.0.0.5', timeout: 2 }), {
    logger: silentLogger,
    clock: systemClock,
    state: harness.store.collection('idmefv2-state', { parse: (v: unknown) => v as never }),
  });
  const service = serviceOn(harness, [forwarder]);
  const command = createForwardCommand({ incidents: service });
  const run = async (args: string, role: Role = 'analyst') => {
    const reply = await command.run({ actor: actor(role), args, t: (key, vars) => `${key} ${JSON.stringify(vars ?? {})}`, signal: new AbortController().signal });
    return reply.lines.map(lineText).join('\n');
  };
  const ref = `elastic:${elasticGroupIncident().sourceId}`;
  return { harness, service, run, ref, fake };
}

describe('/forward through the incident service to the IDMEFv2 receiver', () => {
  it('503 then 200: retried by the service with the same ID; the card state and the audit say done', async () => {
    const { harness, run, ref, fake } = await setup();
    fake.queue({ status: 503, body: 'queue full' });
    const reply = await run(`${ref} idmefv2`);
    const id = messageId(elasticGroupIncident());
    expect(reply).toContain('forward-done');
    expect(reply).toContain(id);
    expect(fake.ids()).toEqual([id, id]);
    expect(fake.requests.map((r) => r.status)).toEqual([503, 200]);
    const stored = await harness.incidents.get(ref);
    expect(stored?.forwards?.idmefv2).toMatchObject({ state: 'done', ref: id });
    const audit = await harness.audit.recent(10);
    expect(audit.some((e) => e.action === 'forward.idmefv2' && e.outcome === 'ok' && e.target === ref)).toBe(true);
  });

  it('a 400 is tried once; the person sees the receiver reason and the state stays retryable', async () => {
    const { harness, run, ref, fake } = await setup();
    fake.queue({ status: 400, body: 'Improper message' });
    const reply = await run(`${ref} idmefv2`);
    expect(reply).toContain('forward-failed');
    expect(reply).toContain('HTTP 400, receiver refused the message: Improper message');
    expect(reply).toContain('forward-retry-hint');
    expect(fake.requests).toHaveLength(1);
    expect((await harness.incidents.get(ref))?.forwards?.idmefv2?.state).toBe('failed');

    // A retry from the card or the command goes through with the same ID.
    const again = await run(`${ref} idmefv2`);
    expect(again).toContain('forward-done');
    expect(fake.ids()).toEqual([messageId(elasticGroupIncident()), messageId(elasticGroupIncident())]);
  });

  it('a viewer is refused and nothing reaches the receiver', async () => {
    const { harness, run, ref, fake } = await setup();
    expect(await run(`${ref} idmefv2`, 'viewer')).toContain('forward-refused');
    expect(fake.requests).toHaveLength(0);
    expect((await harness.incidents.get(ref))?.forwards).toBeUndefined();
  });

  it('soar is named as not configured when only IDMEFv2 is', async () => {
    const { run, ref, fake } = await setup();
    expect(await run(`${ref} soar`)).toContain('forward-not-configured');
    expect(fake.requests).toHaveLength(0);
  });
});
