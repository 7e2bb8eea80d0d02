import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CleanLevel } from '../../../src/commands/clean-levels.js';
import { PLAN_NAMESPACE } from '../../../src/commands/cleanls.js';
import { sophosFixture, TENANT_IDS } from '../../support/fakes/sophos.js';
import { actor, buttons, documentText, findButton, rigPerTest, text, type Rig } from './support.js';

const setup = rigPerTest();

const admin = actor('admin');
const site = (n: number): string => `3c1f9a52-8e4b-4d6a-b0c2-1a2b3c4d5e${String(n).padStart(2, '0')}`;
const Q = TENANT_IDS.QNASTERS;

function deletes(r: Rig): string[] {
  return r.central.requests.filter((q) => q.route === 'local-site-delete').map((q) => q.path.split('/').pop() ?? '');
}

async function dryRun(r: Rig, args: string) {
  const reply = await r.run('cleanls', args, admin);
  expect(text(reply)).toContain('dry run');
  return reply;
}

describe('/cleanls dry run', () => {
  it('counts per risk, lists every site with its risk and verdict, deletes nothing, and looks each distinct value up once', async () => {
    const r = await setup();
    const reply = await dryRun(r, 'Qnasters HIGH_MEDIUM');
    const out = text(reply);
    expect(out).toContain('Level: HIGH_MEDIUM (deletes: High risk, Medium risk)');
    expect(out).toContain('Local sites: 12 · distinct values: 11 · Intelix lookups: 11');
    for (const line of ['High risk: 3', 'Medium risk: 2', 'Low risk: 2', 'Trusted: 2', 'Unclassified: 2', 'No result: 1']) expect(out).toContain(line);
    expect(out).toContain('Would delete: 5 sites');
    expect(out).toContain('Nothing has been deleted yet.');
    expect(buttons(reply).map((b) => b.text)).toEqual(['🗑 Delete 5 sites', '✖ Cancel']);

    // Nothing deleted, only reads.
    expect(deletes(r)).toEqual([]);
    expect(r.central.tenant(Q).localSites).toHaveLength(12);
    // The duplicate URL (…e12 = …e01) is looked up once; IPs go to the IP lookup; one token.
    expect(r.intelix.lookups('url').sort()).toEqual(
      ['adware-cdn.example.com', 'intranet.corp.example', 'legacy-app.internal.example', 'malware-repo.example.net', 'newly-registered.example.io', 'update.microsoft.com'],
    );
    expect(r.intelix.lookups('ip').sort()).toEqual(['10.20.30.40', '192.0.2.77', '198.51.100.200', '198.51.100.23', '203.0.113.50']);
    expect(r.intelix.issuedTokens).toHaveLength(1);

    // The same sites the original connector's HIGH_MEDIUM dry-run report lists, with the same totals names.
    const json = JSON.parse(documentText(reply, '.json')) as { sites: Record<string, { wouldDelete: boolean; intelixRisk: string | null; url: string; tenantId: string }>; Totals: Record<string, number> };
    const connector = sophosFixture<Record<string, { intelixRisk: string; url: string }>>('connector-output-dry_run_report-HIGH_MEDIUM.json');
    const expected = Object.keys(connector).filter((k) => k !== 'Totals').sort();
    expect(Object.entries(json.sites).filter(([, s]) => s.wouldDelete).map(([id]) => id).sort()).toEqual(expected);
    for (const id of expected) expect(json.sites[id]).toMatchObject({ intelixRisk: connector[id]?.intelixRisk, url: connector[id]?.url, tenantId: Q });
    expect(Object.keys(json.sites)).toHaveLength(12);
    expect(json.sites[site(6)]?.intelixRisk).toBeNull();
    expect(json.Totals).toEqual({ 'High Risk': 3, 'Medium Risk': 2, 'Low Risk': 2, Trusted: 2, Unclassified: 2, NULL: 1, Total: 12 });

    const csv = documentText(reply, '.csv');
    expect(csv).toContain(`Qnasters,${Q},${site(5)},intranet.corp.example,url,UNCLASSIFIED,no`);
    expect(csv).toContain(`Qnasters,${Q},${site(1)},malware-repo.example.net,url,HIGH,yes,48,Spyware and Malware`);

    // A second dry run is served from the Intelix cache with the same token.
    await dryRun(r, 'Qnasters HIGH');
    expect(r.intelix.lookups('url')).toHaveLength(6);
    expect(r.intelix.issuedTokens).toHaveLength(1);

    const audit = await r.audit.recent(10);
    expect(audit.filter((a) => a.action === 'cleanls.dry-run')).toHaveLength(2);
  });

  it('is refused to a non-admin before anything is read', async () => {
    const r = await setup();
    const reply = await r.run('cleanls', 'Qnasters HIGH', actor('analyst'));
    expect(text(reply)).toBe('Only administrators may clean up local sites.');
    expect(r.requestCount()).toBe(0);
    expect(await r.audit.recent(5)).toMatchObject([{ action: 'command.cleanls', outcome: 'refused' }]);
  });

  it('an Intelix answer that fails leaves the site unknown, and unknown is never deleted', async () => {
    const r = await setup();
    r.intelix.urls.delete('malware-repo.example.net');
    const reply = await dryRun(r, 'Qnasters HIGH');
    expect(text(reply)).toContain('No result: 3');
    expect(text(reply)).toContain('Would delete: 1 site');
    const done = await r.press(reply, /Delete 1 site/, admin);
    expect(deletes(r)).toEqual([site(7)]);
    expect(text(done.reply)).toContain('Qnasters: deleted 1, failed 0, unknown 0');
  });

  it('reports a tenant whose local sites cannot be read and carries on with the others', async () => {
    const r = await setup();
    r.central.tenant(TENANT_IDS.NINJA).localSites = [{ id: 'ninja-site-1', url: 'malware-repo.example.net', tags: [] }];
    r.central.tenant(TENANT_IDS.ACME).forbidden.add('local-sites');
    const reply = await dryRun(r, 'all HIGH');
    const out = text(reply);
    expect(out).toContain('Acme Corp: access denied (403), skipped');
    expect(out).toContain('Pending Trial Customer: no API host');
    expect(out).toContain('Qnasters: 12 sites, 3 to delete');
    expect(out).toContain('NinjaRMM LLC: 1 sites, 1 to delete');
    expect(r.intelix.lookups('url').filter((u) => u === 'malware-repo.example.net')).toHaveLength(1);
    const done = await r.press(reply, /Delete 4 sites/, admin);
    expect(deletes(r).sort()).toEqual([site(1), site(7), site(12), 'ninja-site-1'].sort());
    // Each site deleted with its own tenant's header.
    const ninjaDelete = r.central.requests.find((q) => q.route === 'local-site-delete' && q.path.endsWith('ninja-site-1'));
    expect(ninjaDelete?.tenantId).toBe(TENANT_IDS.NINJA);
    const report = JSON.parse(documentText(done.reply, 'deletion-report-20201125-1500.json')) as Record<string, unknown>;
    expect(report).toEqual({
      [Q]: { Deleted: 3, Failed: 0, Unknown: 0 },
      [TENANT_IDS.NINJA]: { Deleted: 1, Failed: 0, Unknown: 0 },
      [TENANT_IDS.TRICORE]: { Deleted: 0, Failed: 0, Unknown: 0 },
    });
  });
});

describe('/cleanls confirmation', () => {
  it('an admin confirm deletes exactly the planned sites, audits each, reports per tenant; a second press does nothing', async () => {
    const r = await setup();
    const reply = await dryRun(r, 'Qnasters HIGH_MEDIUM');
    r.clock.advance(60_000);
    const done = await r.press(reply, /Delete 5 sites/, admin);
    expect(done.toast).toBe('Deleted: 5');
    expect(deletes(r).sort()).toEqual([site(1), site(2), site(7), site(8), site(12)].sort());
    expect(r.central.tenant(Q).localSites.map((s) => s.id).sort()).toEqual([site(3), site(4), site(5), site(6), site(9), site(10), site(11)]);
    expect(text(done.reply)).toContain('Qnasters: deleted 5, failed 0, unknown 0');
    expect(text(done.edit)).toContain('Already confirmed by Anna Admin [test:1001]');
    expect(done.edit?.buttons).toBeUndefined();

    const details = JSON.parse(documentText(done.reply, 'deletion-details-20201125-1501.json')) as Record<string, { tenantId: string; intelixRisk: string; url: string; delStatus: boolean; date: string }>;
    const connector = sophosFixture<Record<string, { tenantId: string; intelixRisk: string; url: string; delStatus: boolean }>>('connector-output-deletion_details.json');
    expect(Object.keys(details).sort()).toEqual(Object.keys(connector).sort());
    for (const [id, d] of Object.entries(details)) {
      expect(d).toMatchObject({ tenantId: connector[id]?.tenantId, intelixRisk: connector[id]?.intelixRisk, url: connector[id]?.url, delStatus: true });
      expect(d.date).toMatch(/GMT$/);
    }

    const audit = await r.audit.recent(50);
    const deletions = audit.filter((a) => a.action === 'cleanls.delete');
    expect(deletions).toHaveLength(5);
    expect(deletions.every((a) => a.outcome === 'ok' && a.actor === 'Anna Admin [test:1001]')).toBe(true);
    expect(deletions.map((a) => a.target).sort()).toEqual([1, 2, 7, 8, 12].map((n) => `sophos:${Q}:local-site:${site(n)}`).sort());
    expect(deletions.find((a) => a.target.endsWith(site(8)))?.details).toContain('risk=MEDIUM url=198.51.100.23');

    const again = await r.press(reply, /Delete 5 sites/, admin);
    expect(again.alert).toBe(true);
    expect(again.toast).toContain('Already confirmed by Anna Admin');
    expect(deletes(r)).toHaveLength(5);
  });

  it('two presses at the same moment delete once', async () => {
    const r = await setup();
    const reply = await dryRun(r, 'Qnasters HIGH');
    const [a, b] = await Promise.all([r.press(reply, /Delete 3 sites/, admin), r.press(reply, /Delete 3 sites/, admin)]);
    expect([a.toast, b.toast].filter((x) => x === 'Deleted: 3')).toHaveLength(1);
    expect(deletes(r)).toHaveLength(3);
  });

  it('a confirm by a non-admin is refused, audited and changes nothing; the admin can still confirm', async () => {
    const r = await setup();
    const reply = await dryRun(r, 'Qnasters HIGH');
    const before = r.requestCount();
    const refused = await r.press(reply, /Delete 3 sites/, actor('analyst'));
    expect(refused).toEqual({ toast: 'Only administrators may clean up local sites.', alert: true });
    expect(r.requestCount()).toBe(before);
    expect((await r.audit.recent(10)).find((a) => a.action === 'cleanls.confirm')).toMatchObject({ outcome: 'refused', actor: 'Oleg Analyst [test:1002]' });
    const cancel = await r.press(reply, '✖ Cancel', actor('viewer'));
    expect(cancel.alert).toBe(true);
    const done = await r.press(reply, /Delete 3 sites/, admin);
    expect(done.toast).toBe('Deleted: 3');
  });

  it('an expired confirmation is refused and nothing is read or deleted', async () => {
    const r = await setup();
    const reply = await dryRun(r, 'Qnasters HIGH');
    const before = r.requestCount();
    r.clock.advance(10 * 60_000 + 1000);
    const late = await r.press(reply, /Delete 3 sites/, admin);
    expect(late.toast).toBe('This dry run has expired. Run a new dry run.');
    expect(late.alert).toBe(true);
    expect(text(late.edit)).toContain('This dry run has expired');
    expect(late.edit?.buttons).toBeUndefined();
    expect(r.requestCount()).toBe(before);
    expect(deletes(r)).toEqual([]);
    expect((await r.audit.recent(10)).find((a) => a.action === 'cleanls.confirm')).toMatchObject({ outcome: 'refused', details: 'confirmation expired' });
  });

  it('the confirmation time is configurable', async () => {
    const r = await setup({ options: { cleanlsConfirmTtl: 120 } });
    const reply = await dryRun(r, 'Qnasters HIGH');
    expect(text(reply)).toContain('Confirm within 2 min (until 2020-11-25 15:02)');
    r.clock.advance(121_000);
    expect((await r.press(reply, /Delete 3 sites/, admin)).toast).toBe('This dry run has expired. Run a new dry run.');
  });

  it('a new local site between dry run and confirm: refused, nothing deleted, a new dry run is asked for', async () => {
    const r = await setup();
    const reply = await dryRun(r, 'Qnasters HIGH');
    r.central.tenant(Q).localSites.push({ id: 'new-site-1', url: 'freshly-added.example.org', tags: [] });
    const refused = await r.press(reply, /Delete 3 sites/, admin);
    expect(refused.toast).toBe('The local sites changed since this dry run. Run a new dry run.');
    expect(text(refused.reply)).toContain('(1 new, 0 removed, 0 with another URL or risk)');
    expect(text(refused.reply)).toContain('Run /cleanls again');
    expect(deletes(r)).toEqual([]);
    // Stale stays stale.
    expect((await r.press(reply, /Delete 3 sites/, admin)).toast).toBe('The local sites changed since this dry run. Run a new dry run.');
    expect(deletes(r)).toEqual([]);
    expect((await r.audit.recent(5)).some((a) => a.action === 'cleanls.confirm' && a.outcome === 'refused' && a.details?.includes('added=1'))).toBe(true);
  });

  it('a removed or edited site between dry run and confirm is refused too', async () => {
    const r = await setup();
    const reply = await dryRun(r, 'Qnasters HIGH');
    const sites = r.central.tenant(Q).localSites;
    r.central.tenant(Q).localSites = sites.filter((s) => s.id !== site(5)).map((s) => (s.id === site(9) ? { ...s, url: '192.0.2.78' } : s));
    const refused = await r.press(reply, /Delete 3 sites/, admin);
    expect(text(refused.reply)).toContain('(0 new, 1 removed, 1 with another URL or risk)');
    expect(deletes(r)).toEqual([]);
  });

  it('a different Intelix risk at confirmation time is refused', async () => {
    const r = await setup();
    // A short ttl, so the confirmation looks this URL up again instead of using the cache.
    const adware = r.intelix.urls.get('adware-cdn.example.com') ?? {};
    r.intelix.urls.set('adware-cdn.example.com', { ...adware, ttl: 1 });
    const reply = await dryRun(r, 'Qnasters HIGH_MEDIUM');
    r.intelix.urls.set('adware-cdn.example.com', { ...adware, ttl: 1, riskLevel: 'LOW' });
    r.clock.advance(5_000);
    const refused = await r.press(reply, /Delete 5 sites/, admin);
    expect(text(refused.reply)).toContain('(0 new, 0 removed, 1 with another URL or risk)');
    expect(r.intelix.lookups('url').filter((u) => u === 'adware-cdn.example.com')).toHaveLength(2);
    expect(deletes(r)).toEqual([]);
  });

  it('an Intelix lookup failing at confirmation is a failed re-check, not a change: the same report can be confirmed later', async () => {
    const r = await setup();
    // Short ttls, so the confirmation looks these URLs up again instead of using the cache.
    const malware = r.intelix.urls.get('malware-repo.example.net') ?? {};
    r.intelix.urls.set('malware-repo.example.net', { ...malware, ttl: 1 });
    const reply = await dryRun(r, 'Qnasters HIGH');
    r.clock.advance(5_000);
    r.intelix.urls.delete('malware-repo.example.net');
    const refused = await r.press(reply, /Delete 3 sites/, admin);
    expect(refused.toast).toBe('The local sites could not be checked again (SophosLabs Intelix: not reachable right now). Nothing was deleted; try again.');
    expect(refused.edit).toBeUndefined();
    expect(deletes(r)).toEqual([]);
    r.intelix.urls.set('malware-repo.example.net', { ...malware, ttl: 1 });
    const done = await r.press(reply, /Delete 3 sites/, admin);
    expect(done.toast).toBe('Deleted: 3');
    expect(deletes(r).sort()).toEqual([1, 7, 12].map(site).sort());
  });

  it('a plan left running by a restart is refused as interrupted; only a new dry run goes on', async () => {
    const r = await setup();
    const reply = await dryRun(r, 'Qnasters HIGH');
    const confirm = findButton(reply, /Delete 3 sites/);
    const planId = 'action' in confirm ? (confirm.payload as { plan: string }).plan : '';
    // What a crash in the middle of the deletions leaves behind.
    const plans = r.store.collection(PLAN_NAMESPACE, z.looseObject({ state: z.string() }));
    const stored = await plans.get(planId);
    if (!stored) throw new Error('plan not stored');
    await plans.set(planId, { ...stored, state: 'running' }, 3600_000);
    const late = await r.press(reply, /Delete 3 sites/, admin);
    expect(late.toast).toBe('The deletion for this dry run was cut off by a restart; some sites may already be gone (see the audit log). Run a new dry run.');
    expect(late.alert).toBe(true);
    expect(text(late.edit)).toContain('cut off by a restart');
    expect(late.edit?.buttons).toBeUndefined();
    expect((await r.press(reply, '✖ Cancel', admin)).toast).toBe(late.toast);
    expect(deletes(r)).toEqual([]);
    expect((await r.audit.recent(10)).find((a) => a.action === 'cleanls.confirm')).toMatchObject({ outcome: 'refused', details: 'an earlier deletion of this plan was interrupted' });
    const again = await dryRun(r, 'Qnasters HIGH');
    expect((await r.press(again, /Delete 3 sites/, admin)).toast).toBe('Deleted: 3');
  });

  it('cancel ends the plan', async () => {
    const r = await setup();
    const reply = await dryRun(r, 'Qnasters HIGH');
    const cancelled = await r.press(reply, '✖ Cancel', admin);
    expect(cancelled.toast).toBe('Cancelled; nothing was deleted.');
    expect(text(cancelled.edit)).toContain('Cancelled by Anna Admin');
    expect((await r.press(reply, /Delete 3 sites/, admin)).toast).toContain('Cancelled by Anna Admin');
    expect(deletes(r)).toEqual([]);
  });

  it('a failed deletion is reported as failed and the report still comes', async () => {
    const r = await setup();
    const reply = await dryRun(r, 'Qnasters HIGH');
    r.central.fail('local-site-delete', { status: 400, body: '{"error":"badRequest","message":"nope"}' }, 1);
    const done = await r.press(reply, /Delete 3 sites/, admin);
    expect(text(done.reply)).toContain('Qnasters: deleted 2, failed 1, unknown 0');
    const details = JSON.parse(documentText(done.reply, '.json')) as Record<string, { delStatus: boolean | null }>;
    expect(Object.values(details).filter((d) => d.delStatus === null)).toHaveLength(1);
    expect((await r.audit.recent(20)).filter((a) => a.action === 'cleanls.delete' && a.outcome === 'failed')).toHaveLength(1);
  });
});

describe('/cleanls clean levels', () => {
  const expected: Record<CleanLevel, number[]> = {
    HIGH: [1, 7, 12],
    HIGH_MEDIUM: [1, 2, 7, 8, 12],
    MEDIUM: [2, 8],
    LOW: [3, 9],
    ALL: [1, 2, 3, 7, 8, 9, 12],
  };

  it.each(Object.entries(expected))('%s deletes only its risks; unclassified and unknown sites are kept', async (level, ids) => {
    const r = await setup();
    const reply = await dryRun(r, `Qnasters ${level.toLowerCase()}`);
    await r.press(reply, new RegExp(`Delete ${ids.length} sites?$`), admin);
    expect(deletes(r).sort()).toEqual(ids.map(site).sort());
    const kept = r.central.tenant(Q).localSites.map((s) => s.id);
    // UNCLASSIFIED (intranet, 10.20.30.40) and no result (legacy-app) survive every level.
    for (const n of [5, 6, 11]) expect(kept).toContain(site(n));
  });

  it('ALL deletes TRUSTED sites only after their own confirmation', async () => {
    const r = await setup();
    const reply = await dryRun(r, 'Qnasters ALL');
    expect(text(reply)).toContain('2 trusted sites would be deleted only after a separate confirmation.');
    expect(buttons(reply).map((b) => b.text)).toEqual(['🗑 Delete 7 sites', '⚠️ Also trusted sites (2)…', '✖ Cancel']);
    const prompt = await r.press(reply, /Also trusted/, admin);
    expect(deletes(r)).toEqual([]);
    expect(text(prompt.reply)).toContain('update.microsoft.com');
    expect(text(prompt.reply)).toContain('198.51.100.200');
    const done = await r.press(prompt.reply ?? reply, /including trusted/, admin);
    expect(done.toast).toBe('Deleted: 9');
    expect(deletes(r).sort()).toEqual([1, 2, 3, 4, 7, 8, 9, 10, 12].map(site).sort());
    expect(r.central.tenant(Q).localSites.map((s) => s.id).sort()).toEqual([5, 6, 11].map(site));
  });

  it('a forged trusted confirmation on another level is refused', async () => {
    const r = await setup();
    const reply = await dryRun(r, 'Qnasters HIGH');
    const confirm = buttons(reply).find((b) => b.text.startsWith('🗑'));
    if (!confirm || !('action' in confirm)) throw new Error('no confirm');
    const forged = { ...(confirm.payload as Record<string, unknown>), trusted: true };
    const result = await r.handler('cleanls').handle(forged, { actor: admin, args: '', t: (k) => k, signal: AbortSignal.timeout(5000) });
    expect(result.alert).toBe(true);
    expect(deletes(r)).toEqual([]);
  });
});

describe('/cleanls guided flow', () => {
  it('without arguments: tenant buttons, then level buttons, then the dry run', async () => {
    const r = await setup();
    const start = await r.run('cleanls', '', admin);
    expect(text(start)).toContain('Choose the tenant:');
    expect(buttons(start).map((b) => b.text)).toEqual(['Acme Corp', 'NinjaRMM LLC', 'Qnasters', 'TriCore Solutions', '🌐 All tenants']);
    expect(r.central.count('local-sites')).toBe(0);
    const levels = await r.press(start, 'Qnasters', admin);
    expect(text(levels.edit)).toContain('Tenant: Qnasters. Choose the clean level:');
    expect(buttons(levels.edit).map((b) => b.text)).toEqual([
      'HIGH — high risk only',
      'HIGH_MEDIUM — high and medium risk',
      'MEDIUM — medium risk only',
      'LOW — low risk only',
      'ALL — high, medium, low and trusted',
      '◀ Back',
    ]);
    const run = await r.press(levels.edit ?? start, /^MEDIUM/, admin);
    expect(text(run.edit)).toBe('Dry run for Qnasters at level MEDIUM: see below.');
    expect(text(run.reply)).toContain('Would delete: 2 sites');
    expect(run.reply?.documents).toHaveLength(2);
    expect(deletes(r)).toEqual([]);
    const back = await r.press(levels.edit ?? start, '◀ Back', admin);
    expect(text(back.edit)).toContain('Choose the tenant:');
  });

  it('with only a tenant: the level buttons; with only a level: the tenant buttons keep it', async () => {
    const r = await setup();
    const levels = await r.run('cleanls', 'qnast', admin);
    expect(text(levels)).toContain('Tenant: Qnasters.');
    const tenants = await r.run('cleanls', 'HIGH', admin);
    expect(text(tenants)).toContain('Level: HIGH');
    const run = await r.press(tenants, 'Qnasters', admin);
    expect(text(run.reply)).toContain('Would delete: 3 sites');
  });

  it('guided buttons are refused to non-admins', async () => {
    const r = await setup();
    const start = await r.run('cleanls', '', admin);
    const refused = await r.press(start, 'Qnasters', actor('analyst'));
    expect(refused).toEqual({ toast: 'Only administrators may clean up local sites.', alert: true });
  });

  it.each(['Qnasters HIGHEST', 'qnast high_risk', 'all EVERYTHING', '* 5'])('`/cleanls %s` names the unknown level, not a tenant', async (args) => {
    const r = await setup();
    const out = text(await r.run('cleanls', args, admin));
    expect(out).toContain(`Unknown clean level “${args.split(' ').at(-1) ?? ''}”.`);
    expect(out).toContain('Usage: /cleanls [tenant] [level]');
    expect(out).not.toContain('No tenant matches');
    expect(r.central.count('local-sites')).toBe(0);
  });

  it('an unknown tenant or level is a usage error with candidates', async () => {
    const r = await setup();
    const out = text(await r.run('cleanls', 'Globex HIGH', admin));
    expect(out).toContain('No tenant matches “Globex”');
    expect(out).toContain('level: HIGH | HIGH_MEDIUM | MEDIUM | LOW | ALL');
    expect(r.central.count('local-sites')).toBe(0);
  });
});
