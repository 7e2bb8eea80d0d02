import { describe, expect, it } from 'vitest';
import { emptyAssets, type Incident } from '../../../src/core/incident.js';
import { sophosFixture, TENANT_IDS } from '../../support/fakes/sophos.js';
import { actor, buttons, documentText, NOW, rigPerTest, text, type Rig } from './support.js';

const setup = rigPerTest();

type Json = Record<string, unknown>;
const template = (sophosFixture<{ items: Json[] }>('common-alerts-qnasters-page1.json').items[0] ?? {}) as Json;

function alertAt(id: string, minutesAgo: number, extra: Json = {}): Json {
  return { ...template, id, raisedAt: new Date(Date.parse(NOW) - minutesAgo * 60_000).toISOString(), ...extra };
}

/** RFC 4180 reader, independent of the code under test. */
function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = csv.replace(/^\ufeff/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && s[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

describe('/alerts arguments', () => {
  it.each(['0', '91', '500', '-1', '7.5', '1e1', '0x10', '٣', 'abc', '7 days', '99999999999999999999', '""', '+5', '07', '1,5'])(
    '`/alerts %s` is one usage error and reaches no API',
    async (args) => {
      const r = await setup();
      const reply = await r.run('alerts', args);
      expect(reply.lines).toHaveLength(1);
      expect(text(reply)).toContain('Usage: /alerts');
      expect(text(reply)).toContain('from 1 to 90');
      expect(reply.buttons).toBeUndefined();
      expect(r.requestCount()).toBe(0);
      expect(r.incidents.calls).toHaveLength(0);
    },
  );

  it.each([
    ['1', 1],
    ['90', 90],
    ['', 1],
  ])('`/alerts %s` asks Central for %i day(s)', async (args, days) => {
    const r = await setup();
    const reply = await r.run('alerts', args);
    expect(text(reply)).not.toContain('Usage');
    const calls = r.central.requests.filter((q) => q.route === 'alerts');
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.query.from).toBe(new Date(Date.parse(NOW) - days * 86_400_000).toISOString());
      expect(call.query.to).toBe(NOW);
    }
  });
});

describe('/alerts results', () => {
  it('a partner with several tenants: counts per tenant and severity first, the failing tenant named, the others shown', async () => {
    const r = await setup();
    r.central.tenant(TENANT_IDS.ACME).forbidden.add('alerts');
    r.central.tenant(TENANT_IDS.TRICORE).alerts = [alertAt('tri-1', 60, { severity: 'low', category: 'general', tenant: { id: TENANT_IDS.TRICORE } })];
    const reply = await r.run('alerts', '30');
    const out = text(reply);
    // Qnasters' fixture alerts of 4 and 25 Nov: 5 high, 1 medium.
    expect(out).toContain('Alerts of the last 30 days — all tenants');
    expect(out).toContain('Total: 7');
    expect(out).toContain('Qnasters: 6 — High 5 · Medium 1');
    expect(out).toContain('TriCore Solutions: 1 — Low 1');
    expect(out).toContain('Acme Corp: access denied (403), skipped');
    expect(out).toContain('Pending Trial Customer: no API host (pending or trial tenant), skipped');
    expect(out).toContain('No alerts (1): NinjaRMM LLC');
    // Counts come before the list, the list is grouped by tenant then severity.
    const lines = out.split('\n');
    const firstItem = lines.findIndex((l) => l.startsWith('• '));
    expect(lines.findIndex((l) => l.startsWith('Qnasters: 6'))).toBeLessThan(firstItem);
    const headings = lines.filter((l) => l.startsWith('▸ '));
    expect(headings).toEqual(['▸ Qnasters · High (5)', '▸ Qnasters · Medium (1)', '▸ TriCore Solutions · Low (1)']);
    // The failing tenant was asked once, the others were read.
    expect(r.central.count('alerts', TENANT_IDS.ACME)).toBe(1);
    expect(r.central.count('alerts', TENANT_IDS.NINJA)).toBe(1);
  });

  it('a tenant whose region is down is reported as unreachable and the rest still answers', async () => {
    const r = await setup();
    r.central.fail('alerts', { status: 503, tenantId: TENANT_IDS.NINJA }, 10);
    const reply = await r.run('alerts', '30');
    expect(text(reply)).toContain('NinjaRMM LLC: not reachable right now');
    expect(text(reply)).toContain('Qnasters: 6');
  });

  it('a tenant is matched by name (any case), unique prefix or id; an unknown one lists candidates and reads no alerts', async () => {
    const r = await setup();
    expect(text(await r.run('alerts', '30 qnasters'))).toContain('tenant Qnasters');
    expect(text(await r.run('alerts', '30 tric'))).toContain('tenant TriCore Solutions');
    expect(text(await r.run('alerts', `30 ${TENANT_IDS.NINJA}`))).toContain('tenant NinjaRMM LLC');
    const alertsBefore = r.central.count('alerts');
    const unknown = text(await r.run('alerts', '30 Globex'));
    expect(unknown).toContain('No tenant matches “Globex”');
    expect(unknown).toMatch(/Tenants: (Qnasters|Acme Corp|TriCore Solutions|NinjaRMM LLC)(, .+)+/);
    expect(r.central.count('alerts')).toBe(alertsBefore);
    const pending = text(await r.run('alerts', '5 Pending Trial Customer'));
    expect(pending).toContain('Tenant Pending Trial Customer cannot be queried: no API host');
    expect(r.central.count('alerts')).toBe(alertsBefore);
    // Only the named tenant is read.
    const reply = await r.run('alerts', '30 Acme Corp');
    expect(text(reply)).toContain('tenant Acme Corp');
    expect(r.central.requests.filter((q) => q.route === 'alerts').slice(-1)[0]?.tenantId).toBe(TENANT_IDS.ACME);
  });

  it('`all` and `*` mean every tenant, as they do for /inventory and /cleanls', async () => {
    const r = await setup();
    for (const word of ['all', '*']) {
      const out = text(await r.run('alerts', `30 ${word}`));
      expect(out).toContain('Alerts of the last 30 days — all tenants');
      expect(out).toContain('Qnasters: 6');
    }
    expect(r.central.count('alerts', TENANT_IDS.TRICORE)).toBe(2);
  });

  it('an ambiguous prefix is refused with the matching names', async () => {
    const r = await setup();
    r.central.tenant(TENANT_IDS.NINJA).name = 'Acme Labs';
    const reply = text(await r.run('alerts', '3 acme'));
    expect(reply).toContain('More than one tenant matches “acme”');
    expect(reply).toContain('Acme Corp, Acme Labs');
  });

  it('adds the incidents socbot stored for the period from other sources, but not when a tenant is named', async () => {
    const incident = (source: string, key: string, hoursAgo: number, severity: Incident['severity']): Incident => ({
      source,
      sourceId: key,
      key,
      title: `Brute force ${key}`,
      severity,
      createdAt: new Date(Date.parse(NOW) - hoursAgo * 3600_000).toISOString(),
      firstSeenAt: new Date(Date.parse(NOW) - hoursAgo * 3600_000).toISOString(),
      revision: 1,
      assets: { ...emptyAssets(), hosts: ['dc01.corp.example'] },
      subEvents: [],
      facts: [],
      raw: null,
    });
    const r = await setup({
      incidents: [incident('maxpatrol', 'INC-7', 2, 'critical'), incident('maxpatrol', 'INC-8', 30, 'low'), incident('sophos', 'dup-1', 1, 'high')],
      sources: { maxpatrol: { url: 'http://127.0.0.1:9', authUrl: 'http://127.0.0.1:9', username: 'u', password: 'p', clientId: 'mpx', clientSecret: 's' } },
    });
    const out = text(await r.run('alerts', '1'));
    expect(out).toContain('Stored incidents · maxpatrol: 1 — Critical 1');
    expect(out).toContain('INC-7');
    expect(out).not.toContain('INC-8');
    // Sophos alerts come from Central itself, not twice.
    expect(out).not.toContain('dup-1');
    expect(r.incidents.calls.map((d) => d.toISOString())).toEqual([new Date(Date.parse(NOW) - 86_400_000).toISOString()]);
    const scoped = text(await r.run('alerts', '1 Qnasters'));
    expect(scoped).not.toContain('INC-7');
    expect(r.incidents.calls).toHaveLength(1);
  });

  it('says so when there is nothing', async () => {
    const r = await setup();
    r.central.tenant(TENANT_IDS.QNASTERS).alerts = [];
    const reply = await r.run('alerts', '1');
    expect(text(reply)).toContain('No alerts in the last day.');
    expect(reply.buttons).toBeUndefined();
  });
});

describe('/alerts paging and export', () => {
  async function many(count: number): Promise<Rig> {
    const r = await setup();
    r.central.tenant(TENANT_IDS.QNASTERS).alerts = Array.from({ length: count }, (_, i) =>
      alertAt(`a-${String(i).padStart(3, '0')}`, i + 1, { severity: i % 3 === 0 ? 'medium' : 'high', description: `Threat number ${i}` }),
    );
    return r;
  }

  it('pages with Previous/Next from the stored list without asking Sophos again', async () => {
    const r = await many(30);
    const first = await r.run('alerts', '1');
    expect(text(first)).toContain('Total: 30');
    expect(text(first)).toContain('Page 1 of 3');
    expect(buttons(first).map((b) => b.text)).toEqual(['Next ▶', '📄 Full list as CSV + JSON']);
    const before = r.requestCount();

    const second = await r.press(first, 'Next ▶');
    expect(second.edit).toBeDefined();
    expect(text(second.edit)).toContain('Page 2 of 3');
    expect(buttons(second.edit).map((b) => b.text)).toEqual(['◀ Previous', 'Next ▶', '📄 Full list as CSV + JSON']);
    const third = await r.press(second.edit ?? first, 'Next ▶');
    expect(text(third.edit)).toContain('Page 3 of 3');
    expect(buttons(third.edit).map((b) => b.text)).toEqual(['◀ Previous', '📄 Full list as CSV + JSON']);
    const back = await r.press(third.edit ?? first, '◀ Previous');
    expect(text(back.edit)).toContain('Page 2 of 3');

    // Every alert appears exactly once over the three pages.
    const items = [first, second.edit, third.edit].flatMap((p) => text(p).split('\n').filter((l) => l.startsWith('• ')));
    expect(items).toHaveLength(30);
    expect(new Set(items.map((l) => /Threat number (\d+)/.exec(l)?.[1])).size).toBe(30);
    expect(r.requestCount()).toBe(before);
  });

  it('a page press after the view expired, or from another chat, is refused', async () => {
    const r = await many(30);
    const first = await r.run('alerts', '1');
    const other = await r.press(first, 'Next ▶', actor('analyst', { chat: { id: '555', type: 'private' } }));
    expect(other.edit).toBeUndefined();
    expect(other.alert).toBe(true);
    r.clock.advance(6 * 3600_000 + 1000);
    const late = await r.press(first, 'Next ▶');
    expect(late.edit).toBeUndefined();
    expect(late.toast).toBe('This list has expired. Run /alerts again.');
  });

  it('a viewer may page; someone without a role may not', async () => {
    const r = await many(30);
    const first = await r.run('alerts', '1');
    expect((await r.press(first, 'Next ▶', actor('viewer'))).edit).toBeDefined();
    const refused = await r.press(first, 'Next ▶', actor(undefined));
    expect(refused.edit).toBeUndefined();
    expect(refused.toast).toBe('Your role does not allow this command.');
  });

  it('exports every row as CSV and JSON, with commas, quotes, line breaks and formulas made harmless', async () => {
    const r = await setup();
    const nasty = [
      'Blocked "evil.exe", quarantined',
      'line one\r\nline two',
      "=HYPERLINK(\"http://x.example\",\"click\")",
      '+1+2',
      '-cmd|calc',
      '@SUM(A1:A2)',
    ];
    r.central.tenant(TENANT_IDS.QNASTERS).alerts = nasty.map((d, i) => alertAt(`n-${i}`, 10 + i, { description: d }));
    const first = await r.run('alerts', '1');
    const before = r.requestCount();
    const exported = await r.press(first, /Full list/);
    expect(exported.toast).toBe('Sending the full list…');
    const reply = exported.reply;
    expect(reply?.documents?.map((d) => d.filename)).toEqual(['alerts-1d-20201125-1500.csv', 'alerts-1d-20201125-1500.json']);
    expect(reply?.documents?.map((d) => d.mime)).toEqual(['text/csv', 'application/json']);
    expect(r.requestCount()).toBe(before);

    const csv = documentText(reply, '.csv');
    expect(csv.startsWith('\ufeffsource,tenant,tenantId,id,key,raisedAt,severity')).toBe(true);
    const rows = parseCsv(csv);
    const header = rows[0] ?? [];
    const description = header.indexOf('description');
    const byId = new Map(rows.slice(1).map((row) => [row[header.indexOf('id')], row]));
    expect(rows).toHaveLength(1 + nasty.length);
    expect(byId.get('n-0')?.[description]).toBe('Blocked "evil.exe", quarantined');
    expect(byId.get('n-1')?.[description]).toBe('line one\nline two');
    expect(byId.get('n-2')?.[description]).toBe("'=HYPERLINK(\"http://x.example\",\"click\")");
    expect(byId.get('n-3')?.[description]).toBe("'+1+2");
    expect(byId.get('n-4')?.[description]).toBe("'-cmd|calc");
    expect(byId.get('n-5')?.[description]).toBe("'@SUM(A1:A2)");
    for (const row of rows.slice(1)) expect(row[header.indexOf('tenant')]).toBe('Qnasters');

    const json = JSON.parse(documentText(reply, '.json')) as { days: number; alerts: { id: string; description: string; tenantId: string }[] };
    expect(json.days).toBe(1);
    expect(json.alerts.map((a) => a.id).sort()).toEqual(nasty.map((_, i) => `n-${i}`));
    expect(json.alerts.find((a) => a.id === 'n-2')?.description).toBe(nasty[2]);
    expect(json.alerts.every((a) => a.tenantId === TENANT_IDS.QNASTERS)).toBe(true);
  });

  it('keeps at most maxRows rows for paging and export, most severe first, with complete counts', async () => {
    const r = await many(30);
    const { createAlertsCommand } = await import('../../../src/commands/alerts.js');
    const { silentLogger } = await import('../../../src/lib/logger.js');
    const small = createAlertsCommand({ central: r.client, store: r.store, clock: r.clock, logger: silentLogger, timezone: 'UTC', maxRows: 5, pageSize: 50 });
    const { translator } = await import('./support.js');
    const reply = await small.command.run({ actor: actor('analyst'), args: '1', t: translator(), signal: AbortSignal.timeout(5000) });
    const out = text(reply);
    expect(out).toContain('Total: 30');
    expect(out).toContain('Qnasters: 30 — High 20 · Medium 10');
    expect(out).toContain('The list holds the first 5 of 30 alerts');
    expect(out.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(5);
    expect(out).not.toContain('Medium (10)');
    const exported = await small.action.handle(JSON.parse(JSON.stringify((buttons(reply).find((b) => b.text.includes('Full list')) as { payload: unknown }).payload)), {
      actor: actor('analyst'),
      args: '',
      t: translator(),
      signal: AbortSignal.timeout(5000),
    });
    expect((JSON.parse(documentText(exported.reply, '.json')) as { alerts: unknown[] }).alerts).toHaveLength(5);
  });

  it('shows the list in the presser language', async () => {
    const r = await many(20);
    const first = await r.run('alerts', '1');
    const button = buttons(first).find((b) => b.text === 'Next ▶');
    if (!button || !('action' in button)) throw new Error('no next');
    const { translator } = await import('./support.js');
    const result = await r.handler('alerts').handle(JSON.parse(JSON.stringify(button.payload)), {
      actor: actor('analyst', { locale: 'ru' }),
      args: '',
      t: translator('ru'),
      signal: AbortSignal.timeout(5000),
    });
    expect(text(result.edit)).toContain('Страница 2 из 2');
  });
});
