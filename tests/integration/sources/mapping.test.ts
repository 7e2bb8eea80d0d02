/**
 * What every source's incidents have in common once stored (reliability.md 41, 44): titles are one line without
 * control, bidi or zero-width characters and bounded (markup stays literal: escaping is the renderers' job),
 * descriptions are bounded, severity words mean the same everywhere, the key is MaxPatrol's INC-… or the
 * source's own id, links are http(s), asset lists carry no duplicates, times are UTC ISO-8601.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ASSET_KINDS, incidentRef, type Incident } from '../../../src/core/incident.js';
import { MAX_DESCRIPTION, MAX_TITLE } from '../../../src/sources/text.js';
import { createHarness } from '../../support/pipeline-harness.js';
import { SOURCES, startDriver, type Driver, type ItemSpec, type SourceName } from './drivers.js';

const NOW = '2026-03-02T08:00:00.000Z';
const LINKS: Record<SourceName, Record<string, unknown>> = {
  maxpatrol: {},
  elastic: { kibanaUrl: 'https://kibana.example.org:5601' },
  sophos: { consoleUrl: 'https://central.sophos.com/manage' },
  illumio: {},
};
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u2028\u2029\ufeff]/;
/** The same, but a description may keep its line breaks. */
// eslint-disable-next-line no-control-regex
const INVISIBLE_IN_BLOCK = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

let driver: Driver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function stored(name: SourceName, items: readonly ItemSpec[]): Promise<Incident[]> {
  driver = await startDriver(name, { now: NOW, config: LINKS[name] });
  const d = driver;
  const ids = items.map((spec) => d.addItem(spec));
  const h = await createHarness({ source: d.source });
  await h.pipeline.pollOnce(name, new AbortController().signal);
  const out: Incident[] = [];
  for (const id of ids) {
    const incident = await h.incidents.get(incidentRef(name, id));
    if (!incident) throw new Error(`${name}: ${id} was not stored`);
    out.push(incident);
  }
  await h.store.close();
  return out;
}

describe.each(SOURCES)('%s: mapping', (name) => {
  it('neutralises control, bidi and zero-width characters and line breaks in titles, bounds them, keeps markup literal', async () => {
    const hostile = `\u202Eexe.pdf\u0000 Вход\r\nстрока2\u200B\u2028 <b>&amp; Bejelentkezés ${'ű'.repeat(20_000)}`;
    const [incident] = await stored(name, [{ title: hostile }]);
    const title = incident?.title ?? '';
    expect(title).not.toMatch(INVISIBLE);
    expect(Array.from(title).length).toBeLessThanOrEqual(MAX_TITLE);
    expect(title).toContain('exe.pdf Вход строка2 <b>&amp; Bejelentkezés');
    expect(title.endsWith('…')).toBe(true);
    const description = incident?.description;
    if (description !== undefined) {
      expect(description).not.toMatch(INVISIBLE_IN_BLOCK);
      expect(Array.from(description).length).toBeLessThanOrEqual(MAX_DESCRIPTION);
    }
  });

  it('reads severity words the same way, whatever their case and spacing', async () => {
    const words = ['High', ' CRITICAL ', 'low', 'Medium', 'Informational'];
    const incidents = await stored(name, words.map((severity) => ({ severity })));
    expect(incidents.map((i) => i.severity)).toEqual(['high', 'critical', 'low', 'medium', 'info']);
  });

  it('keys, links, assets and times follow one convention', async () => {
    const [incident] = await stored(name, [{ time: '2026-03-02T10:59:00+03:00' }]);
    if (!incident) throw new Error('no incident');
    if (name === 'maxpatrol') expect(incident.key).toMatch(/^INC-\d+$/);
    else if (name === 'illumio') expect(incident.key).toBe(incident.sourceId.split('/').pop());
    else expect(incident.key).toBe(incident.sourceId);
    expect(incident.link).toMatch(/^https?:\/\/[^\s]+$/);
    expect(incident.createdAt).toBe('2026-03-02T07:59:00.000Z');
    for (const kind of ASSET_KINDS) {
      const list = incident.assets[kind];
      expect(new Set(list).size).toBe(list.length);
      for (const value of list) expect(value.trim()).toBe(value);
    }
  });
});
