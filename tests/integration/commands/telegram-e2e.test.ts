/**
 * The on-demand commands through the whole app (`createApp`): the real Telegram platform against the fake Bot API,
 * the real on-demand wiring against the fake Sophos Central and Intelix servers.
 */
import type { User } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/core/clock.js';
import { startFakeCentral, startFakeIntelix, sophosFixture, TENANT_IDS, type FakeCentral, type FakeIntelix } from '../../support/fakes/sophos.js';
import { ADMIN_ID, ADMIN2_ID, offsetClock, startHarness, type Harness } from '../telegram/harness.js';
import { LOOPBACK, translator } from './support.js';

let h: Harness | undefined;
let central: FakeCentral | undefined;
let intelix: FakeIntelix | undefined;
afterEach(async () => {
  await h?.stop();
  await central?.close();
  await intelix?.close();
  h = undefined;
  central = undefined;
  intelix = undefined;
});

type Json = Record<string, unknown>;
const template = (sophosFixture<{ items: Json[] }>('common-alerts-qnasters-page1.json').items[0] ?? {}) as Json;

async function start(clock?: Clock): Promise<{ h: Harness; central: FakeCentral; intelix: FakeIntelix }> {
  central = await startFakeCentral({ idType: 'partner' });
  intelix = await startFakeIntelix();
  h = await startHarness({
    ...(clock ? { clock } : {}),
    config: {
      sources: {
        sophos: { clientId: 'central-client-id', clientSecret: 'central-secret&value=1%', authUrl: central.url, apiUrl: central.url, apiHostPattern: LOOPBACK, pollInterval: 3600 },
        intelix: { clientId: 'intelix-client', clientSecret: 'intelix-secret:with+chars', authUrl: intelix.url, apiUrl: intelix.url },
      },
    },
  });
  return { h, central, intelix };
}

describe('on-demand commands in the running app', () => {
  it('/alerts pages by editing the message and exports documents; the fake Sophos is asked once', async () => {
    const { h, central } = await start();
    // Descriptions with markup characters must arrive as text, never as HTML.
    central.tenant(TENANT_IDS.QNASTERS).alerts = Array.from({ length: 25 }, (_, i) => ({
      ...template,
      id: `e2e-${i}`,
      raisedAt: new Date(Date.now() - (i + 1) * 60_000).toISOString(),
      description: `<b>Threat</b> & co #${i}`,
    }));
    const chat = h.fake.privateChat(h.admin);
    h.fake.message(h.admin, chat, '/alerts 1');
    const list = await h.fake.waitFor(() => h.fake.messagesIn(ADMIN_ID).find((m) => m.visible.includes('Alerts of the last day')), 10_000, 'alerts list');
    expect(list.visible).toContain('Qnasters: 25 — High 25');
    expect(list.visible).toContain('<b>Threat</b> & co #0');
    expect(list.visible).toContain('Page 1 of 3');
    const alertCalls = central.count('alerts');

    h.fake.press(h.admin, ADMIN_ID, list.messageId, 'Next ▶');
    await h.fake.waitFor(() => h.fake.findMessage(String(ADMIN_ID), list.messageId)?.visible.includes('Page 2 of 3'), 10_000, 'page 2');
    h.fake.press(h.admin, ADMIN_ID, list.messageId, /Full list/);
    const docs = await h.fake.waitFor(() => {
      const d = h.fake.messagesIn(ADMIN_ID).filter((m) => m.kind === 'document');
      return d.length === 2 ? d : undefined;
    }, 10_000, 'export documents');
    expect(docs.map((d) => d.document?.filename)).toEqual([expect.stringMatching(/^alerts-1d-\d{8}-\d{4}\.csv$/), expect.stringMatching(/^alerts-1d-\d{8}-\d{4}\.json$/)]);
    const json = JSON.parse(docs[1]?.document?.content.toString('utf8') ?? '{}') as { alerts: unknown[] };
    expect(json.alerts).toHaveLength(25);
    expect(central.count('alerts')).toBe(alertCalls);
  });

  it('/cleanls dry run and confirmation through Telegram buttons', async () => {
    const { h, central } = await start();
    const chat = h.fake.privateChat(h.admin);
    h.fake.message(h.admin, chat, '/cleanls Qnasters HIGH');
    const report = await h.fake.waitFor(() => h.fake.messagesIn(ADMIN_ID).find((m) => m.visible.includes('Would delete: 3 sites') && m.replyMarkup), 10_000, 'dry run');
    await h.fake.waitFor(() => h.fake.messagesIn(ADMIN_ID).filter((m) => m.kind === 'document').length === 2, 10_000, 'dry-run documents');
    expect(central.count('local-site-delete')).toBe(0);
    h.fake.press(h.admin, ADMIN_ID, report.messageId, /Delete 3 sites/);
    await h.fake.waitFor(() => h.fake.messagesIn(ADMIN_ID).find((m) => m.visible.includes('Qnasters: deleted 3, failed 0, unknown 0')), 10_000, 'deletion report');
    expect(central.tenant(TENANT_IDS.QNASTERS).deleted.sort()).toEqual(['3c1f9a52-8e4b-4d6a-b0c2-1a2b3c4d5e01', '3c1f9a52-8e4b-4d6a-b0c2-1a2b3c4d5e07', '3c1f9a52-8e4b-4d6a-b0c2-1a2b3c4d5e12']);
    // The report message lost its buttons and says who confirmed.
    const edited = h.fake.findMessage(String(ADMIN_ID), report.messageId);
    expect(edited?.visible).toContain('Already confirmed by Admin');
    expect(edited?.replyMarkup).toBeUndefined();
    const audit = await h.audit();
    expect(audit.filter((a) => a.action === 'cleanls.delete' && a.outcome === 'ok')).toHaveLength(3);
  });
  it('/cleanls without arguments is a guided conversation in the running app, ending in the same dry run', async () => {
    const { h, central } = await start();
    const chat = h.fake.privateChat(h.admin);
    h.fake.message(h.admin, chat, '/cleanls');
    const prompt = await h.fake.waitFor(
      () => h.fake.messagesIn(ADMIN_ID).find((m) => m.replyMarkup && JSON.stringify(m.replyMarkup).includes('Qnasters')),
      10_000,
      'tenant keyboard',
    );
    h.fake.press(h.admin, ADMIN_ID, prompt.messageId, 'Qnasters');
    await h.fake.waitFor(() => h.fake.findMessage(String(ADMIN_ID), prompt.messageId)?.visible.includes('Choose the clean level'), 10_000, 'level keyboard');
    h.fake.press(h.admin, ADMIN_ID, prompt.messageId, /^HIGH —/);
    await h.fake.waitFor(() => h.fake.messagesIn(ADMIN_ID).find((m) => m.visible.includes('Would delete: 3 sites')), 10_000, 'dry run');
    expect(central.count('local-site-delete')).toBe(0);
  });

  it('usage errors come in the sender’s language and cost no Sophos call', async () => {
    const { h, central } = await start();
    const ru = h.fake.user(ADMIN_ID, 'Admin', { language_code: 'ru' });
    const hu = h.fake.user(ADMIN2_ID, 'Second', { language_code: 'hu' });
    const answer = async (user: User, command: string): Promise<string> => {
      const before = h.fake.messagesIn(user.id).length;
      h.fake.message(user, h.fake.privateChat(user), command);
      return (await h.fake.waitFor(() => h.fake.messagesIn(user.id)[before], 10_000, command)).visible;
    };
    const ruUsage = translator('ru')('alerts-usage', { min: 1, max: 90, default: 1 });
    expect(ruUsage).toContain('Использование: /alerts');
    for (const bad of ['/alerts 0', '/alerts 500', '/alerts abc', '/alerts 7 days', '/alerts 1e1']) expect(await answer(ru, bad)).toBe(ruUsage);
    expect(central.count('alerts')).toBe(0);
    expect(central.count('tenants')).toBe(0);
    const huUsage = translator('hu')('alerts-usage', { min: 1, max: 90, default: 1 });
    expect(await answer(hu, '/alerts 91')).toBe(huUsage);
    const level = await answer(hu, '/cleanls Qnasters HIGHEST');
    expect(level).toContain('Ismeretlen takarítási szint: „HIGHEST”.');
    expect(level).toContain('Használat: /cleanls');
    expect(central.count('alerts') + central.count('local-sites')).toBe(0);
  });

  it('/cleanls in a group: an analyst’s Confirm is refused, changed sites and an expired report need a new dry run; nothing is deleted', async () => {
    const clock = offsetClock();
    const { h, central } = await start(clock);
    const { fake, admin } = h;
    const group = fake.group(-1004000000004, 'SOC shift');
    fake.myChatMember(admin, group, 'left', 'member');
    const request = await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.visible.includes('SOC shift') && m.replyMarkup), 10_000, 'group request');
    fake.press(admin, ADMIN_ID, request.messageId, '✅ Approve');
    await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes('approved this chat')), 10_000, 'group approved');
    const analyst = fake.user(424242424, 'Olga', { language_code: 'en' });
    fake.message(analyst, fake.privateChat(analyst), '/start');
    const access = await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.visible.includes('Olga') && m.replyMarkup), 10_000, 'user request');
    fake.press(admin, ADMIN_ID, access.messageId, '✅ Approve');
    await fake.waitFor(() => fake.messagesIn(analyst.id).find((m) => m.visible.includes('approved your access')), 10_000, 'user approved');

    const dryRun = async (): Promise<number> => {
      const before = fake.messagesIn(group.id).length;
      fake.message(admin, group, '/cleanls@socbot_test_bot Qnasters HIGH');
      const report = await fake.waitFor(() => fake.messagesIn(group.id).slice(before).find((m) => m.visible.includes('Would delete: 3 sites') && m.replyMarkup), 10_000, 'dry run');
      return report.messageId;
    };

    // The analyst may read the report in the group but not confirm it.
    const first = await dryRun();
    const refused = fake.press(analyst, group.id, first, /Delete 3 sites/);
    expect(await fake.waitFor(() => fake.answerOf(refused), 10_000, 'refusal')).toMatchObject({ show_alert: true });
    expect((await h.audit()).some((a) => a.action.includes('cleanls') && a.outcome === 'refused' && a.actor.includes('424242424'))).toBe(true);

    // A site added since the dry run: the report is stale and says so.
    central.tenant(TENANT_IDS.QNASTERS).localSites.push({ id: 'late-site', url: 'late.example.org', tags: [] });
    const stale = fake.press(admin, group.id, first, /Delete 3 sites/);
    expect((await fake.waitFor(() => fake.answerOf(stale), 10_000, 'stale answer')).text).toBe('The local sites changed since this dry run. Run a new dry run.');
    await fake.waitFor(() => fake.messagesIn(group.id).find((m) => m.visible.includes('Run /cleanls again for a new dry run.')), 10_000, 'new dry run asked');
    await fake.waitFor(() => fake.findMessage(String(group.id), first)?.replyMarkup === undefined, 10_000, 'stale report without buttons');

    // A new report left longer than the confirmation time is refused.
    const second = await dryRun();
    clock.advance(11 * 60_000);
    const late = fake.press(admin, group.id, second, /Delete 3 sites/);
    expect((await fake.waitFor(() => fake.answerOf(late), 10_000, 'expired answer')).text).toBe('This dry run has expired. Run a new dry run.');
    await fake.waitFor(() => fake.findMessage(String(group.id), second)?.visible.includes('⌛ This dry run has expired'), 10_000, 'expired report');
    expect(central.count('local-site-delete')).toBe(0);
  });

  it('/inventory with a filter and a refusing tenant, then the export, through the running app', async () => {
    const { h, central } = await start();
    central.tenant(TENANT_IDS.ACME).forbidden.add('endpoints');
    h.fake.message(h.admin, h.fake.privateChat(h.admin), '/inventory all health:good');
    const list = await h.fake.waitFor(() => h.fake.messagesIn(ADMIN_ID).find((m) => m.visible.includes('Endpoints — all tenants')), 10_000, 'inventory');
    expect(list.visible).toContain('Acme Corp: access denied (403), skipped');
    expect(list.visible).toContain('Filter “health:good”: 3 of 5\n');
    h.fake.press(h.admin, ADMIN_ID, list.messageId, /Full list/);
    const docs = await h.fake.waitFor(() => {
      const d = h.fake.messagesIn(ADMIN_ID).filter((m) => m.kind === 'document');
      return d.length === 2 ? d : undefined;
    }, 10_000, 'export documents');
    const csv = docs[0]?.document?.content.toString('utf8') ?? '';
    expect(docs[0]?.document?.filename).toMatch(/^inventory-\d{8}-\d{4}\.csv$/);
    const rows = csv.trim().split('\r\n').slice(1);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.split(',').includes('good'))).toBe(true);
  });
});
