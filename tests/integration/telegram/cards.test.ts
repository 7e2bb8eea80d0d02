/**
 * Incident cards through the whole app: content and escaping, the 4096-unit limit, buttons from the incident
 * service (only what is configured), acknowledge, details, source actions and forwarding, and who may press.
 */
import type { User } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/access.js';
import type { Incident, IncidentDraft } from '../../../src/core/incident.js';
import type { ActionOutcome, Forwarder, ForwardResult, IncidentAction } from '../../../src/core/ports.js';
import { AppError } from '../../../src/core/errors.js';
import { draft } from '../../support/memory.js';
import { FakeSource } from '../../support/pipeline-harness.js';
import { greetAdmins, startHarness, type Harness } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

class ActionSource extends FakeSource {
  confirmed: string[] = [];
  readonly actions: readonly IncidentAction[] = [
    {
      id: 'confirm',
      labelKey: 'mp-action-confirm',
      requires: 'analyst',
      appliesTo: (incident: Incident) => incident.status !== 'approved',
      run: (incident: Incident, actor: Actor): Promise<ActionOutcome> => {
        this.confirmed.push(`${incident.key} by ${actor.userId}`);
        return Promise.resolve({ noticeKey: 'mp-notice-confirmed', vars: { key: incident.key }, draft: { ...this.find(incident.sourceId), status: 'approved', statusKey: 'mp-status-approved' } });
      },
    },
  ];
  refresh(incident: Incident): Promise<IncidentDraft> {
    return Promise.resolve({ ...this.find(incident.sourceId), count: 7 });
  }
  private find(id: string): IncidentDraft {
    const found = this.items.find((d) => d.sourceId === id);
    if (!found) throw new Error('unknown');
    return found;
  }
}

class FakeForwarder implements Forwarder {
  calls = 0;
  mode: 'ok' | 'dry' | 'fail' | 'slow' = 'ok';
  constructor(
    readonly id: string,
    readonly labelKey: string,
  ) {}
  async forward(incident: Incident): Promise<ForwardResult> {
    this.calls++;
    if (this.mode === 'fail') throw new AppError('bad-request', 'SOAR said 400: field x is invalid');
    if (this.mode === 'slow') await new Promise((r) => setTimeout(r, 400));
    return { ref: `${this.id.toUpperCase()}-${incident.sourceId}`, link: `https://soar.example.org/#incidents/${incident.sourceId}`, created: true, ...(this.mode === 'dry' ? { dryRun: true } : {}) };
  }
}

const rich = (id: string, extra: Partial<IncidentDraft> = {}): IncidentDraft =>
  draft(id, {
    key: `INC-${id}`,
    title: 'Подбор пароля к учетной записи администратора домена',
    severity: 'high',
    status: 'new',
    statusKey: 'mp-status-new',
    createdAt: '2026-11-23T06:41:03.124Z',
    link: 'https://siem.local/#/incident/incidents/view/5d0f3c1e',
    count: 3,
    assets: { hosts: ['dc01.corp.local'], ips: ['10.10.5.17'], users: ['admin-dc'], urls: [], hashes: [] },
    subEvents: Array.from({ length: 8 }, (_, i) => ({ id: `e${i}`, title: `Неудачная попытка входа ${i}`, time: `2026-11-23T06:40:5${i}Z` })),
    ...extra,
  });

async function approvedUser(h: Harness, id: number, name: string): Promise<User> {
  const { fake, admin } = h;
  const user = fake.user(id, name, { language_code: 'en' });
  fake.message(user, fake.privateChat(user), '/start');
  const prompt = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes(name) && m.visible.includes('Access request')));
  fake.press(admin, admin.id, prompt.messageId, '✅ Approve');
  await fake.waitFor(() => fake.messagesIn(id).find((m) => m.visible.includes('approved your access')));
  return user;
}

describe('incident cards', () => {
  it('show everything escaped in the configured zone, with the configured buttons only', async () => {
    const source = new ActionSource('maxpatrol');
    const soar = new FakeForwarder('soar', 'fwd-soar');
    h = await startHarness({ source, forwarders: [soar] });
    await greetAdmins(h);
    const { fake, admin } = h;
    await h.inject(rich('1528'));
    const card = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('INC-1528')));
    expect(card.parseMode).toBe('HTML');
    expect(card.visible).toContain('🔴 Подбор пароля');
    expect(card.visible).toContain('Severity: High · Key: INC-1528');
    expect(card.visible).toContain('Source: MaxPatrol SIEM · Status: New');
    expect(card.visible).toContain('Time: 2026-11-23 09:41:03 +03:00');
    expect(card.visible).toContain('Occurrences: 3');
    expect(card.visible).toContain('Hosts: dc01.corp.local');
    expect(card.visible).toContain('IP addresses: 10.10.5.17');
    expect(card.text).toContain('<a href="https://siem.local/#/incident/incidents/view/5d0f3c1e">Open in the source</a>');
    expect(card.visible).toContain('Events (5 of 8):');
    expect(card.visible).toContain('• 11-23 09:40:50 — Неудачная попытка входа 0');
    expect(card.visible).toContain('… 3 more: press Details.');
    const labels = (card.replyMarkup?.inline_keyboard ?? []).map((row) => row.map((b) => b.text));
    expect(labels).toEqual([['📄 Details', '✅ Acknowledge', '🔄 Refresh'], ['▶️ Confirm'], ['→ SOAR']]);
    for (const b of (card.replyMarkup?.inline_keyboard ?? []).flat()) {
      expect('callback_data' in b && Buffer.byteLength(b.callback_data ?? '')).toBeLessThanOrEqual(64);
    }
  });

  it('without forwarders or refresh there are no such buttons', async () => {
    h = await startHarness();
    await greetAdmins(h);
    await h.inject(rich('1'));
    const card = await h.fake.waitFor(() => h.fake.messagesIn(h.admin.id).find((m) => m.visible.includes('INC-1')));
    expect((card.replyMarkup?.inline_keyboard ?? []).flat().map((b) => b.text)).toEqual(['📄 Details', '✅ Acknowledge']);
  });

  it('acknowledge records who and when, edits this card at once and the other chats\u2019 cards; later presses are told', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin, admin2 } = h;
    const analyst = await approvedUser(h, 424242424, 'Analyst');
    await h.inject(rich('77'));
    const card = await fake.waitFor(() => fake.messagesIn(analyst.id).find((m) => m.visible.includes('INC-77')));
    const other = await fake.waitFor(() => fake.messagesIn(admin2.id).find((m) => m.visible.includes('INC-77')));
    const ackData = (card.replyMarkup?.inline_keyboard ?? []).flat().find((b) => b.text === '✅ Acknowledge');
    const q = fake.press(analyst, analyst.id, card.messageId, '✅ Acknowledge');
    expect(await fake.waitFor(() => fake.answerOf(q))).toEqual({ text: 'Acknowledged.' });
    await fake.waitFor(() => fake.findMessage(String(analyst.id), card.messageId)?.visible.includes('✅ Acknowledged by Analyst'));
    expect((fake.findMessage(String(analyst.id), card.messageId)?.replyMarkup?.inline_keyboard ?? []).flat().map((b) => b.text)).toEqual(['📄 Details']);
    await fake.waitFor(() => fake.findMessage(String(admin2.id), other.messageId)?.visible.includes('Acknowledged by Analyst'), 5000, 'other chat edited');
    const late = fake.pressData(admin, analyst.id, card.messageId, ackData && 'callback_data' in ackData ? (ackData.callback_data ?? '') : '');
    const answer = await fake.waitFor(() => fake.answerOf(late));
    expect(answer.show_alert).toBe(true);
    expect(answer.text).toMatch(/^Already acknowledged by Analyst/);
    expect((await h.audit()).filter((e) => e.action === 'incident.ack')).toHaveLength(1);
  });

  it('a viewer in a group may open details but not acknowledge; the refusal is audited', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    const group = fake.group(-1007000000007, 'Watchers');
    fake.myChatMember(admin, group, 'left', 'member');
    const prompt = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('Watchers')));
    fake.press(admin, admin.id, prompt.messageId, '✅ Approve');
    await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes('approved this chat')));
    await h.inject(rich('5'));
    const card = await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes('INC-5')));
    const viewer = fake.user(505050505, 'Viewer');
    const q = fake.press(viewer, group.id, card.messageId, '✅ Acknowledge');
    expect(await fake.waitFor(() => fake.answerOf(q))).toEqual({ text: 'Your role does not allow this.', show_alert: true });
    expect((await h.audit()).some((e) => e.outcome === 'refused' && e.actor.includes('505050505'))).toBe(true);
    const d = fake.press(viewer, group.id, card.messageId, '📄 Details');
    await fake.waitFor(() => fake.answerOf(d));
    const details = await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes('All events (8)')));
    expect(details.replyTo).toBe(card.messageId);
    expect(details.visible).toContain('Неудачная попытка входа 7');
    expect(fake.findMessage(String(group.id), card.messageId)?.visible).not.toContain('Acknowledged by');
  });

  it('source actions and refresh run through the service and update the card', async () => {
    const source = new ActionSource('maxpatrol');
    h = await startHarness({ source });
    await greetAdmins(h);
    const { fake, admin } = h;
    await h.inject(rich('9'));
    const card = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('INC-9')));
    const q = fake.press(admin, admin.id, card.messageId, '▶️ Confirm');
    expect((await fake.waitFor(() => fake.answerOf(q))).text).toBe('Incident INC-9 confirmed in MaxPatrol SIEM');
    await fake.waitFor(() => fake.findMessage(String(admin.id), card.messageId)?.visible.includes('Status: Approved'));
    expect(source.confirmed).toEqual([`INC-9 by ${admin.id}`]);
    const r = fake.press(admin, admin.id, card.messageId, '🔄 Refresh');
    expect((await fake.waitFor(() => fake.answerOf(r))).text).toBe('Refreshed from the source.');
    await fake.waitFor(() => fake.findMessage(String(admin.id), card.messageId)?.visible.includes('Occurrences: 7'));
  });

  it('forwarding: done with a link, dry run, failure, and a slow forwarder answered before it finishes', async () => {
    const soar = new FakeForwarder('soar', 'fwd-soar');
    const idmef = new FakeForwarder('idmefv2', 'fwd-idmefv2');
    h = await startHarness({ forwarders: [soar, idmef], options: { quickAnswerMs: 150 } });
    await greetAdmins(h);
    const { fake, admin } = h;
    await h.inject(rich('11'), rich('12'));
    const card = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('INC-11')));
    const soarButton = (card.replyMarkup?.inline_keyboard ?? []).flat().find((b) => b.text === '→ SOAR');
    const q = fake.press(admin, admin.id, card.messageId, '→ SOAR');
    expect((await fake.waitFor(() => fake.answerOf(q))).text).toBe('Forwarded.');
    const edited = await fake.waitFor(() => fake.findMessage(String(admin.id), card.messageId)?.visible.includes('SOAR: forwarded by Admin') && fake.findMessage(String(admin.id), card.messageId));
    expect(edited.text).toContain('<a href="https://soar.example.org/#incidents/11">SOAR-11</a>');
    expect((edited.replyMarkup?.inline_keyboard ?? []).flat().map((b) => b.text)).not.toContain('→ SOAR');
    // The old button, pressed from a stale keyboard: refused, nothing forwarded again.
    const stale = fake.pressData(admin, admin.id, card.messageId, soarButton && 'callback_data' in soarButton ? (soarButton.callback_data ?? '') : '');
    expect(await fake.waitFor(() => fake.answerOf(stale))).toEqual({ text: 'This button is out of date; the message has been refreshed.', show_alert: true });
    expect(soar.calls).toBe(1);

    idmef.mode = 'fail';
    const f = fake.press(admin, admin.id, card.messageId, '→ IDMEFv2');
    expect(await fake.waitFor(() => fake.answerOf(f))).toEqual({ text: 'Forwarding failed; the card says why.', show_alert: true });
    await fake.waitFor(() => fake.findMessage(String(admin.id), card.messageId)?.visible.includes('❌ IDMEFv2: forwarding failed: SOAR said 400'));

    soar.mode = 'slow';
    const card12 = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('INC-12')));
    const s = fake.press(admin, admin.id, card12.messageId, '→ SOAR');
    expect((await fake.waitFor(() => fake.answerOf(s))).text).toBe('Working on it…');
    await fake.waitFor(() => fake.findMessage(String(admin.id), card12.messageId)?.visible.includes('SOAR: forwarded by Admin'), 5000, 'slow forward lands');

    idmef.mode = 'dry';
    const d = fake.press(admin, admin.id, card12.messageId, '→ IDMEFv2');
    expect((await fake.waitFor(() => fake.answerOf(d))).text).toBe('Dry run: nothing was sent.');
    await fake.waitFor(() => fake.findMessage(String(admin.id), card12.messageId)?.visible.includes('🧪 IDMEFv2: dry run by Admin'));
  });

  it('a huge incident fits in 4096 UTF-16 units with an emoji at the cut, and its details come as a document', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake, admin } = h;
    await h.inject(
      rich('big', {
        title: '😀'.repeat(2049),
        description: 'x&amp;'.repeat(2000),
        assets: { hosts: Array.from({ length: 400 }, (_, i) => `host-${i}.corp.local`), ips: [], users: [], urls: [], hashes: [] },
        subEvents: Array.from({ length: 300 }, (_, i) => ({ id: `s${i}`, title: `${'😀'.repeat(90)} & <b>${i}</b>` })),
      }),
    );
    const card = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.includes('INC-big')));
    expect(card.visible.length).toBeLessThanOrEqual(4096);
    expect(card.visible.length).toBeGreaterThan(1000);
    expect(card.visible).toContain('more: press Details');
    expect(fake.calls.filter((c) => !c.ok && c.method === 'sendMessage')).toHaveLength(0);
    const q = fake.press(admin, admin.id, card.messageId, '📄 Details');
    await fake.waitFor(() => fake.answerOf(q));
    const doc = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.kind === 'document'));
    expect(doc.document?.filename).toBe('INC-big.txt');
    const content = doc.document?.content.toString('utf8') ?? '';
    expect(content).toContain(`${'😀'.repeat(90)} & <b>299</b>`);
    expect(content).toContain('host-399.corp.local');
  });
});
