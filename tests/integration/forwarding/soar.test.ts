/**
 * Forwarding to IBM SOAR through the whole app: a press on the card (or `/forward`) → the incident service →
 * the real SOAR forwarder → the fake SOAR; the card, the other chats' cards and the audit show the outcome.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dedupeKey } from '../../../src/forwarders/soar/index.js';
import { startFakeSoar, type FakeSoar, type StoredIncident } from '../../support/fakes/soar.js';
import { approveGroup, type Harness } from '../telegram/harness.js';
import { buttons, cardIn, cardWhen, CREATE, KEY, sshDraft, startForwarding } from './helpers.js';

let current: Harness | undefined;
let soar: FakeSoar | undefined;
afterEach(async () => {
  await current?.stop();
  await soar?.close();
  current = undefined;
  soar = undefined;
});

function only(fake: FakeSoar): StoredIncident {
  expect(fake.incidents.size).toBe(1);
  const [incident] = fake.incidents.values();
  if (!incident) throw new Error('no SOAR incident');
  return incident;
}

const ref = `elastic:${sshDraft(1).sourceId}`;

describe('→ SOAR through the whole app', () => {
  it('an analyst press creates one SOAR incident with typed artifacts and a row per sub-event; every card shows its link; audited', async () => {
    soar = await startFakeSoar();
    const h = (current = await startForwarding({ soar }));
    await h.inject(sshDraft(5));
    const card = await cardIn(h, h.admin.id);
    const other = await cardIn(h, h.admin2.id);
    expect(buttons(card)).toContain('→ SOAR');

    const q = h.fake.press(h.admin, h.admin.id, card.messageId, '→ SOAR');
    expect((await h.fake.waitFor(() => h.fake.answerOf(q))).text).toBe('Forwarded.');
    const remote = only(soar);
    const link = `${soar.url}/#incidents/${remote.id}`;
    const edited = await cardWhen(h, h.admin.id, card.messageId, (m) => m.text.includes(`<a href="${link}">${remote.id}</a>`), 'card with the SOAR link');
    expect(edited.visible).toContain(`SOAR: forwarded by Admin`);
    expect(buttons(edited)).not.toContain('→ SOAR');
    await cardWhen(h, h.admin2.id, other.messageId, (m) => m.text.includes(link), 'the other chat’s card with the link');

    expect(remote.body.name).toBe(`[${KEY}] TRI_Potential SSH Brute Force (EQL sequence)`);
    expect(remote.body.properties).toEqual({ socbot_key: dedupeKey({ source: 'elastic', sourceId: sshDraft(1).sourceId, correlation: sshDraft(1).correlation }) });
    const artifacts = remote.artifacts.map((a) => `${a.type}=${a.value}`);
    expect(artifacts).toEqual(expect.arrayContaining(['System Name=web-01', 'IP Address=203.0.113.45', 'User Account=root']));
    expect(artifacts).not.toContain('String=web-01');
    const rows = soar.rowsOf(remote.id);
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.cells.source_ip?.value)).toEqual(Array(5).fill('203.0.113.45'));

    const audit = (await h.audit()).filter((e) => e.action === 'forward.soar');
    expect(audit).toEqual([expect.objectContaining({ outcome: 'ok', target: ref, details: `created ${remote.id}` })]);
    expect(audit[0]?.actor).toContain('Admin');
  });

  it('a double press (two chats and a repeat, in parallel) leaves exactly one SOAR incident with its rows once', async () => {
    soar = await startFakeSoar();
    // A slow create keeps the first forward running while the other presses arrive.
    soar.inject({ method: 'POST', path: CREATE, delayMs: 400 });
    const h = (current = await startForwarding({ soar, options: { quickAnswerMs: 50 } }));
    await h.inject(sshDraft(5));
    const card = await cardIn(h, h.admin.id);
    const other = await cardIn(h, h.admin2.id);
    const presses = [
      h.fake.press(h.admin, h.admin.id, card.messageId, '→ SOAR'),
      h.fake.press(h.admin2, h.admin2.id, other.messageId, '→ SOAR'),
      h.fake.press(h.admin, h.admin.id, card.messageId, '→ SOAR'),
    ];
    const answers = await Promise.all(presses.map((q) => h.fake.waitFor(() => h.fake.answerOf(q))));
    for (const a of answers) expect(a?.text).not.toBe('Forwarding failed; the card says why.');
    await cardWhen(h, h.admin.id, card.messageId, (m) => m.text.includes('#incidents/'), 'first card done');
    await cardWhen(h, h.admin2.id, other.messageId, (m) => m.text.includes('#incidents/'), 'second card done');
    const remote = only(soar);
    expect(h.fake.findMessage(String(h.admin.id), card.messageId)?.text).toContain(`#incidents/${remote.id}`);
    expect(h.fake.findMessage(String(h.admin2.id), other.messageId)?.text).toContain(`#incidents/${remote.id}`);
    expect(soar.calls('POST', CREATE)).toHaveLength(1);
    expect(soar.rowsOf(remote.id)).toHaveLength(5);
    expect((await h.audit()).filter((e) => e.action === 'forward.soar' && e.outcome === 'ok')).toHaveLength(1);
  });

  it('a viewer is refused with an alert, by button and by /forward, and nothing reaches SOAR', async () => {
    soar = await startFakeSoar();
    const h = (current = await startForwarding({ soar }));
    // Members of an approved group who are not users of the bot are viewers.
    const { group } = await approveGroup(h, -1005000000005, 'Watchers');
    await h.inject(sshDraft(3));
    const card = await cardIn(h, group.id);
    const viewer = h.fake.user(505050505, 'Viewer');
    const q = h.fake.press(viewer, group.id, card.messageId, '→ SOAR');
    expect(await h.fake.waitFor(() => h.fake.answerOf(q))).toEqual({ text: 'Your role does not allow this.', show_alert: true });
    h.fake.message(viewer, group, `/forward ${KEY} soar`);
    await h.fake.waitFor(() => h.fake.messagesIn(group.id).find((m) => m.visible.includes('Your role does not allow this command.')), 5000, 'command refused');
    expect(soar.requests).toHaveLength(0);
    const refused = (await h.audit()).filter((e) => e.outcome === 'refused' && e.actor.includes('505050505'));
    expect(refused.length).toBe(2);
    expect(h.fake.findMessage(String(group.id), card.messageId)?.visible).not.toContain('SOAR:');
    expect((await h.app.incidents.get(ref))?.forwards).toBeUndefined();
  });

  it('/forward <key> soar does the same: one incident, a reply with the link, the card edited; a repeat names the same id', async () => {
    soar = await startFakeSoar();
    const h = (current = await startForwarding({ soar }));
    await h.inject(sshDraft(4));
    const card = await cardIn(h, h.admin.id);
    const chat = h.fake.privateChat(h.admin);
    h.fake.message(h.admin, chat, `/forward ${KEY.toLowerCase()} SOAR`);
    const reply = await h.fake.waitFor(() => h.fake.messagesIn(h.admin.id).find((m) => m.visible.includes('IBM SOAR accepted incident')), 5000, '/forward reply');
    const remote = only(soar);
    expect(reply.visible).toContain(`✅ IBM SOAR accepted incident ${KEY}, reference ${remote.id}.`);
    expect(reply.text).toContain(`<a href="${soar.url}/#incidents/${remote.id}">Open in IBM SOAR</a>`);
    await cardWhen(h, h.admin.id, card.messageId, (m) => m.text.includes(`#incidents/${remote.id}`) && !buttons(m).includes('→ SOAR'), 'card edited');
    expect(soar.rowsOf(remote.id)).toHaveLength(4);

    h.fake.message(h.admin, chat, `/forward ${KEY} soar`);
    await h.fake.waitFor(() => (h.fake.messagesIn(h.admin.id).filter((m) => m.visible.includes('IBM SOAR accepted incident')).length ?? 0) >= 2, 5000, 'second reply');
    expect(soar.calls('POST', CREATE)).toHaveLength(1);
    expect(soar.incidents.size).toBe(1);
  });

  it('dryRun: nothing is sent, the card says dry run and keeps the button; /forward says so too', async () => {
    soar = await startFakeSoar();
    const h = (current = await startForwarding({ soar, soarConfig: { dryRun: true } }));
    await h.inject(sshDraft(3));
    const card = await cardIn(h, h.admin.id);
    const q = h.fake.press(h.admin, h.admin.id, card.messageId, '→ SOAR');
    expect((await h.fake.waitFor(() => h.fake.answerOf(q))).text).toBe('Dry run: nothing was sent.');
    const edited = await cardWhen(h, h.admin.id, card.messageId, (m) => m.visible.includes('🧪 SOAR: dry run by Admin'), 'dry-run card');
    // Nothing was forwarded, so forwarding for real stays possible.
    expect(buttons(edited)).toContain('→ SOAR');
    h.fake.message(h.admin, h.fake.privateChat(h.admin), `/forward ${KEY} soar`);
    await h.fake.waitFor(() => h.fake.messagesIn(h.admin.id).find((m) => m.visible.includes('Dry run: the IBM SOAR request')), 5000, 'dry-run reply');
    expect(soar.requests).toHaveLength(0);
    const audit = (await h.audit()).filter((e) => e.action === 'forward.soar');
    expect(audit.map((e) => e.details)).toEqual(['dry run, nothing sent', 'dry run, nothing sent']);
  });

  it('a create that times out after SOAR created the incident is reconciled by key: one incident, one confirmation', async () => {
    soar = await startFakeSoar();
    // SOAR creates it, then answers after the client (timeout 0.3 s) has given up.
    soar.inject({ method: 'POST', path: CREATE, holdAfterMs: 1000 });
    const h = (current = await startForwarding({ soar, soarConfig: { timeout: 0.3 }, options: { quickAnswerMs: 5000 } }));
    await h.inject(sshDraft(3));
    const card = await cardIn(h, h.admin.id);
    const q = h.fake.press(h.admin, h.admin.id, card.messageId, '→ SOAR');
    expect((await h.fake.waitFor(() => h.fake.answerOf(q), 8000)).text).toBe('Forwarded.');
    const remote = only(soar);
    await cardWhen(h, h.admin.id, card.messageId, (m) => m.text.includes(`#incidents/${remote.id}`), 'card with the one incident');
    expect(soar.calls('POST', CREATE)).toHaveLength(1);
    expect(soar.rowsOf(remote.id)).toHaveLength(3);
    expect(new Set(remote.artifacts.map((a) => `${a.type}=${a.value}`)).size).toBe(remote.artifacts.length);
    expect((await h.audit()).filter((e) => e.action === 'forward.soar')).toEqual([expect.objectContaining({ outcome: 'ok', details: `created ${remote.id}` })]);
  });
});
