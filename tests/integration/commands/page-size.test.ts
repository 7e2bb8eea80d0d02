/**
 * Every page of /alerts and /inventory fits one Telegram message, in every language, for a partner with many
 * tenants and long names: a page split over two messages would leave its first part stale when the buttons edit
 * the second. Paging through all pages shows each row exactly once.
 */
import { describe, expect, it } from 'vitest';
import { renderLines } from '../../../src/bot/telegram/render.js';
import type { Reply } from '../../../src/core/reply.js';
import { LOCALES } from '../../../src/config/schema.js';
import { sophosFixture, type FakeCentral } from '../../support/fakes/sophos.js';
import { actor, buttons, rigPerTest, text, translator, type Rig } from './support.js';

const setup = rigPerTest();
type Json = Record<string, unknown>;
const alertTemplate = (sophosFixture<{ items: Json[] }>('common-alerts-qnasters-page1.json').items[0] ?? {}) as Json;
const endpointTemplate = (sophosFixture<{ items: Json[] }>('endpoints-qnasters.json').items[0] ?? {}) as Json;
const NOW = Date.parse('2020-11-25T12:00:00.000Z');

/** Adds `count` tenants in the fixture's eu02 region, each with a long name and the given data. */
function addTenants(central: FakeCentral, count: number, data: (id: string, i: number) => { alerts?: Json[]; endpoints?: Json[] }): void {
  for (let i = 0; i < count; i++) {
    const id = `aaaaaaaa-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const name = `Customer ${i} — a rather long company name for a managed tenant GmbH & Co. KG`;
    // Every third tenant refuses this credential, so the first page also names a dozen failures.
    const forbidden = new Set<'*'>(i % 3 === 0 ? ['*'] : []);
    central.tenants.push({ id, name, listEntry: { id, name }, region: 'eu02', alerts: [], endpoints: [], localSites: [], forbidden, deleted: [], ...data(id, i) });
  }
}

const FAILING = 14;
const READABLE = 40 - FAILING;

/** Presses Next until the last page, in the given language; returns every page. */
async function allPages(r: Rig, command: string, args: string, locale: string): Promise<Reply[]> {
  const who = actor('analyst', { locale });
  const t = translator(locale);
  const ctx = { actor: who, args, t, signal: AbortSignal.timeout(20_000) };
  const pages: Reply[] = [await r.command(command).run(ctx)];
  for (;;) {
    const next = buttons(pages.at(-1)).find((b) => b.text === t('ondemand-button-next'));
    if (!next || !('action' in next)) return pages;
    const result = await r.handler(next.action).handle(JSON.parse(JSON.stringify(next.payload ?? null)), { ...ctx, args: '' });
    if (!result.edit) throw new Error(`no page after ${pages.length}`);
    pages.push(result.edit);
    if (pages.length > 100) throw new Error('paging does not end');
  }
}

describe('pages fit one message', () => {
  it.each(LOCALES)('/alerts for a partner with 40 tenants (%s)', async (locale) => {
    const r = await setup();
    addTenants(r.central, 40, (id, i) => ({
      alerts: ['high', 'medium', 'low'].map((severity, k) => ({
        ...alertTemplate,
        id: `${id}-${k}`,
        severity,
        raisedAt: new Date(NOW - (i * 3 + k + 1) * 60_000).toISOString(),
        description: `Malicious behaviour detected on the device of customer ${i}: ${'the detection text goes on '.repeat(8)}`,
        managedAgent: { id: `agent-${i}`, type: 'computer', name: `WORKSTATION-${i}-WITH-A-VERY-LONG-HOSTNAME.corp.example.com` },
      })),
    }));
    const pages = await allPages(r, 'alerts', '1', locale);
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) expect(renderLines(page.lines)).toHaveLength(1);
    const items = pages.flatMap((p) => text(p).split('\n').filter((l) => l.startsWith('• ')));
    // Ten failures by name, the rest summed up.
    expect(text(pages[0])).toContain(translator(locale)('ondemand-more-tenants', { count: FAILING - 10 }));
    const generated = items.filter((l) => l.includes('Malicious behaviour detected'));
    expect(generated).toHaveLength(READABLE * 3);
    expect(new Set(items).size).toBe(items.length);
  });

  it.each(LOCALES)('/inventory for a partner with 40 tenants (%s)', async (locale) => {
    const r = await setup();
    addTenants(r.central, 40, (id, i) => ({
      endpoints: Array.from({ length: 3 }, (_, k) => ({
        ...endpointTemplate,
        id: `${id}-ep-${k}`,
        hostname: `SERVER-${i}-${k}-WITH-A-VERY-LONG-HOSTNAME-THAT-GOES-ON.corp.example.com`,
      })),
    }));
    const pages = await allPages(r, 'inventory', '', locale);
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) expect(renderLines(page.lines)).toHaveLength(1);
    const hosts = pages.flatMap((p) => text(p).split('\n').filter((l) => /SERVER-\d+-\d+-/.test(l)));
    expect(hosts).toHaveLength(READABLE * 3);
    expect(new Set(hosts).size).toBe(READABLE * 3);
  });
});
