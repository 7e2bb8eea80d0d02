/**
 * Late Elastic sub-alerts after a forward to SOAR, through the whole app: the pipeline merges them, its
 * `onUpdated` hands them to `syncForwarders`, and they become new Data Table rows on the same SOAR incident.
 * A sync that fails is retried with backoff, survives a restart, and when SOAR refuses it the card says so and
 * offers → SOAR again. Clocks are moved forward instead of waiting out the backoff.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/core/ports.js';
import { FakeTelegram } from '../../support/fake-telegram.js';
import { memoryState, startFakeSoar, type FakeSoar } from '../../support/fakes/soar.js';
import { greetAdmins, offsetClock, type Harness } from '../telegram/harness.js';
import { buttons, cardIn, cardWhen, ROWS, sshDraft, startForwarding, tempStore } from './helpers.js';

let current: Harness | undefined;
let soar: FakeSoar | undefined;
let cleanup: (() => Promise<void> | void) | undefined;
afterEach(async () => {
  await current?.stop();
  await soar?.close();
  await cleanup?.();
  current = undefined;
  soar = undefined;
  cleanup = undefined;
});

const ref = `elastic:${sshDraft(1).sourceId}`;

async function forwarded(harness: Harness, fake: FakeSoar): Promise<number> {
  const card = await cardIn(harness, harness.admin.id);
  harness.fake.press(harness.admin, harness.admin.id, card.messageId, '→ SOAR');
  await cardWhen(harness, harness.admin.id, card.messageId, (m) => m.text.includes('#incidents/'), 'forwarded card');
  const [remote] = fake.incidents.values();
  if (!remote) throw new Error('no SOAR incident');
  return remote.id;
}

function syncAudit(entries: readonly AuditEntry[]): AuditEntry[] {
  return entries.filter((e) => e.action === 'forward.soar.update');
}

async function waitAudit(harness: Harness, check: (entries: AuditEntry[]) => boolean, what: string): Promise<AuditEntry[]> {
  const deadline = Date.now() + 8000;
  for (;;) {
    const entries = syncAudit(await harness.audit());
    if (check(entries)) return entries;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(entries)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('late sub-alerts after forwarding to SOAR', () => {
  it('become new Data Table rows on the same SOAR incident, once each; audited', async () => {
    soar = await startFakeSoar();
    const h = (current = await startForwarding({ soar }));
    await h.inject(sshDraft(3));
    const id = await forwarded(h, soar);
    expect(soar.rowsOf(id)).toHaveLength(3);

    await h.inject(sshDraft(5));
    await h.fake.waitFor(() => soar?.rowsOf(id).length === 5, 5000, 'two new rows');
    // A repeat of the same sub-alerts adds nothing.
    await h.inject(sshDraft(5));
    await h.inject(sshDraft(6));
    await h.fake.waitFor(() => soar?.rowsOf(id).length === 6, 5000, 'one more row');
    expect(soar.incidents.size).toBe(1);
    const messages = soar.rowsOf(id).map((r) => r.cells.message?.value);
    expect(new Set(messages).size).toBe(6);
    const audit = await waitAudit(h, (a) => a.length >= 2, 'sync audit');
    expect(audit.every((e) => e.outcome === 'ok' && e.target === ref && e.actor === 'socbot')).toBe(true);
    expect(audit.map((e) => e.details)).toEqual(expect.arrayContaining(['2 new sub-events', '1 new sub-events']));
  });

  it('in dry run they are logged, not sent, and the audit says dry run', async () => {
    soar = await startFakeSoar();
    const h = (current = await startForwarding({ soar, soarConfig: { dryRun: true } }));
    await h.inject(sshDraft(3));
    const card = await cardIn(h, h.admin.id);
    h.fake.press(h.admin, h.admin.id, card.messageId, '→ SOAR');
    await cardWhen(h, h.admin.id, card.messageId, (m) => m.visible.includes('🧪 SOAR: dry run'), 'dry-run card');
    await h.inject(sshDraft(5));
    const audit = await waitAudit(h, (a) => a.length > 0, 'dry-run sync audited');
    expect(audit.map((e) => `${e.outcome} ${e.details ?? ''}`)).toEqual(['ok 2 new sub-events (dry run)']);
    expect(soar.requests).toHaveLength(0);
  });

  it('a sync SOAR fails is retried with backoff until the rows are there', async () => {
    const clock = offsetClock();
    soar = await startFakeSoar();
    const h = (current = await startForwarding({ soar, clock, soarConfig: { attempts: 1 } }));
    await h.inject(sshDraft(3));
    const id = await forwarded(h, soar);
    soar.inject({ method: 'POST', path: ROWS, status: 503, times: 2 });
    await h.inject(sshDraft(5));
    const failed = await waitAudit(h, (a) => a.some((e) => e.outcome === 'failed'), 'first failure audited');
    expect(failed[0]?.details).toMatch(/^try 1 of 8, retrying at .*: SOAR incident \d+: 2 of 2 artifacts\/rows not added \(SOAR add table row failed \(HTTP 503\)\)$/);
    expect(soar.rowsOf(id)).toHaveLength(3);

    clock.advance(6000);
    await h.fake.waitFor(() => soar?.rowsOf(id).length === 5, 5000, 'rows after the retry');
    const audit = await waitAudit(h, (a) => a.some((e) => e.outcome === 'ok'), 'success audited');
    expect(audit.find((e) => e.outcome === 'ok')?.details).toBe('2 new sub-events after 2 tries');
    // Still forwarded: the card keeps its link and offers no second forward.
    const card = await cardIn(h, h.admin.id);
    const now = h.fake.findMessage(String(h.admin.id), card.messageId);
    expect(now?.text).toContain(`#incidents/${id}`);
    expect(now && buttons(now)).not.toContain('→ SOAR');
  });

  it('an unfinished sync survives a restart and is finished by the next start', async () => {
    const clock = offsetClock();
    const store = tempStore();
    const fake = await new FakeTelegram().start();
    cleanup = async () => {
      await fake.close();
      store.remove();
    };
    const soarState = memoryState();
    soar = await startFakeSoar();
    const first = (current = await startForwarding({ soar, clock, soarState, fake, storeUrl: store.url, soarConfig: { attempts: 1 } }));
    await greetAdmins(first);
    await first.inject(sshDraft(3));
    const id = await forwarded(first, soar);
    soar.inject({ method: 'POST', path: ROWS, status: 503, times: 2 });
    await first.inject(sshDraft(5));
    await waitAudit(first, (a) => a.some((e) => e.outcome === 'failed'), 'failure before the restart');
    await first.stop();

    const h = (current = await startForwarding({ soar, clock, soarState, fake, storeUrl: store.url, soarConfig: { attempts: 1 } }));
    clock.advance(6000);
    await h.fake.waitFor(() => soar?.rowsOf(id).length === 5, 5000, 'rows after the restart');
    expect(soar.incidents.size).toBe(1);
    await waitAudit(h, (a) => a.some((e) => e.outcome === 'ok' && e.details === 'resumed, 5 sub-events in sync after 2 tries'), 'resumed sync audited');
  });

  it('a sync SOAR refuses is not lost: the card says why and offers → SOAR again, which adds what is missing', async () => {
    soar = await startFakeSoar();
    const h = (current = await startForwarding({ soar, soarConfig: { concurrency: 1 } }));
    await h.inject(sshDraft(3));
    const id = await forwarded(h, soar);
    const card = await cardIn(h, h.admin.id);
    // SOAR answers late, so the card edit for the new sub-events is delivered before the failure is stored: the
    // outbox drops an edit requested while an older edit of the same card is in flight (reported to the lead).
    soar.inject({ method: 'POST', path: ROWS, status: 400, body: { success: false, message: 'Invalid value for field message' }, delayMs: 800 });
    await h.inject(sshDraft(5));
    await cardWhen(h, h.admin.id, card.messageId, (m) => m.visible.includes('port 40004'), 'card with the new sub-events');
    const failed = await cardWhen(h, h.admin.id, card.messageId, (m) => m.visible.includes('❌ SOAR: forwarding failed'), 'card says the sync failed');
    expect(failed.visible).toContain(`SOAR incident ${id}: 2 of 2 artifacts/rows not added`);
    expect(failed.visible).toContain('Invalid value for field message');
    expect(buttons(failed)).toContain('→ SOAR');
    const gaveUp = await waitAudit(h, (a) => a.some((e) => e.outcome === 'failed'), 'give-up audited');
    expect(gaveUp.find((e) => e.outcome === 'failed')?.details).toMatch(/^gave up after 1 tries: SOAR incident \d+: 2 of 2/);

    const q = h.fake.press(h.admin, h.admin.id, card.messageId, '→ SOAR');
    expect((await h.fake.waitFor(() => h.fake.answerOf(q))).text).toBe('Forwarded.');
    await cardWhen(h, h.admin.id, card.messageId, (m) => m.text.includes(`#incidents/${id}`) && !buttons(m).includes('→ SOAR'), 'forwarded again');
    expect(soar.rowsOf(id)).toHaveLength(5);
    expect(soar.incidents.size).toBe(1);
    expect((await h.audit()).filter((e) => e.action === 'forward.soar').map((e) => e.details)).toEqual(expect.arrayContaining([`existing ${id}`]));
  });
});
