/**
 * Forwarding as IDMEFv2 through the whole app: the card's → IDMEFv2 button → the incident service (retries with
 * the same message ID) → the real forwarder (schema-validated message) → the fake receiver, which validates it
 * against the schema files itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { messageId } from '../../../src/forwarders/idmefv2/index.js';
import { startFakeIdmefv2Receiver, type FakeIdmefv2Receiver } from '../../support/fakes/idmefv2.js';
import { startFakeSoar, type FakeSoar } from '../../support/fakes/soar.js';
import type { Harness } from '../telegram/harness.js';
import { buttons, cardIn, cardWhen, sshDraft, startForwarding } from './helpers.js';

let current: Harness | undefined;
let receiver: FakeIdmefv2Receiver | undefined;
let soar: FakeSoar | undefined;
afterEach(async () => {
  await current?.stop();
  await receiver?.close();
  await soar?.close();
  current = undefined;
  receiver = undefined;
  soar = undefined;
});

const ref = `elastic:${sshDraft(1).sourceId}`;

async function expectedId(harness: Harness): Promise<string> {
  const incident = await harness.app.incidents.get(ref);
  if (!incident) throw new Error('incident not stored');
  return messageId(incident);
}

describe('→ IDMEFv2 through the whole app', () => {
  it('503 then 200: retried with the same ID, accepted by the validating receiver; the card shows the ID', async () => {
    receiver = await startFakeIdmefv2Receiver();
    receiver.queue({ status: 503, body: 'queue full' });
    const h = (current = await startForwarding({ idmefv2: receiver }));
    await h.inject(sshDraft(5));
    const card = await cardIn(h, h.admin.id);
    const id = await expectedId(h);
    h.fake.press(h.admin, h.admin.id, card.messageId, '→ IDMEFv2');
    const edited = await cardWhen(h, h.admin.id, card.messageId, (m) => m.visible.includes(`IDMEFv2: forwarded by Admin (@siem_admin) as ${id}`), 'accepted card');
    expect(buttons(edited)).not.toContain('→ IDMEFv2');
    expect(receiver.ids()).toEqual([id, id]);
    expect(receiver.requests.map((r) => r.status)).toEqual([503, 200]);
    const audit = (await h.audit()).filter((e) => e.action === 'forward.idmefv2');
    expect(audit).toEqual([expect.objectContaining({ outcome: 'ok', target: ref, details: `created ${id}` })]);
  });

  it('400: not retried; the person sees the receiver reason on the card, and a retry from the card is accepted with the same ID', async () => {
    receiver = await startFakeIdmefv2Receiver({ invalidStatus: 400 });
    receiver.queue({ status: 400, body: 'Improper message: Target[0].Hostname is not allowed here' });
    const h = (current = await startForwarding({ idmefv2: receiver }));
    await h.inject(sshDraft(3));
    const card = await cardIn(h, h.admin.id);
    const q = h.fake.press(h.admin, h.admin.id, card.messageId, '→ IDMEFv2');
    expect(await h.fake.waitFor(() => h.fake.answerOf(q))).toEqual({ text: 'Forwarding failed; the card says why.', show_alert: true });
    const failed = await cardWhen(h, h.admin.id, card.messageId, (m) => m.visible.includes('❌ IDMEFv2: forwarding failed'), 'failed card');
    expect(failed.visible).toContain('HTTP 400, receiver refused the message: Improper message: Target[0].Hostname is not allowed here');
    expect(buttons(failed)).toContain('→ IDMEFv2');
    expect(receiver.requests).toHaveLength(1);

    const again = h.fake.press(h.admin, h.admin.id, card.messageId, '→ IDMEFv2');
    expect((await h.fake.waitFor(() => h.fake.answerOf(again))).text).toBe('Forwarded.');
    const id = await expectedId(h);
    await cardWhen(h, h.admin.id, card.messageId, (m) => m.visible.includes(`IDMEFv2: forwarded by Admin (@siem_admin) as ${id}`) && !m.visible.includes('❌'), 'accepted after the retry');
    expect(receiver.ids()).toEqual([id, id]);
    expect(receiver.requests.map((r) => r.status)).toEqual([400, 200]);
    const audit = (await h.audit()).filter((e) => e.action === 'forward.idmefv2').map((e) => e.outcome);
    expect(audit.sort()).toEqual(['failed', 'ok']);
  });

  it('both forwarders on one card are independent: a failed IDMEFv2 leaves SOAR done, and each keeps its own button', async () => {
    receiver = await startFakeIdmefv2Receiver();
    receiver.queue({ status: 422, body: 'unprocessable' });
    soar = await startFakeSoar();
    const h = (current = await startForwarding({ idmefv2: receiver, soar }));
    await h.inject(sshDraft(2));
    const card = await cardIn(h, h.admin.id);
    expect(buttons(card)).toEqual(expect.arrayContaining(['→ SOAR', '→ IDMEFv2']));
    h.fake.press(h.admin, h.admin.id, card.messageId, '→ SOAR');
    await cardWhen(h, h.admin.id, card.messageId, (m) => m.text.includes('#incidents/'), 'SOAR done');
    h.fake.press(h.admin, h.admin.id, card.messageId, '→ IDMEFv2');
    const both = await cardWhen(h, h.admin.id, card.messageId, (m) => m.visible.includes('❌ IDMEFv2'), 'IDMEFv2 failed');
    expect(both.text).toContain('#incidents/');
    expect(buttons(both)).toContain('→ IDMEFv2');
    expect(buttons(both)).not.toContain('→ SOAR');
  });
});
