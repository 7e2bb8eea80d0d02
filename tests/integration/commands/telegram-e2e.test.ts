/**
 * The on-demand commands through the whole app (`createApp`): the real Telegram platform against the fake Bot API,
 * the real on-demand wiring against the fake Sophos Central and Intelix servers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeCentral, startFakeIntelix, sophosFixture, TENANT_IDS, type FakeCentral, type FakeIntelix } from '../../support/fakes/sophos.js';
import { ADMIN_ID, startHarness, type Harness } from '../telegram/harness.js';
import { LOOPBACK } from './support.js';

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

async function start(): Promise<{ h: Harness; central: FakeCentral; intelix: FakeIntelix }> {
  central = await startFakeCentral({ idType: 'partner' });
  intelix = await startFakeIntelix();
  h = await startHarness({
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
});
