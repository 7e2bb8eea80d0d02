import { describe, expect, it } from 'vitest';
import { emptyAssets, type Incident } from '../../../src/core/incident.js';
import { displayActor, sourceName } from '../../../src/bot/card.js';
import { escapeHtml, renderCard, renderDigest, renderLines, TEXT_LIMIT } from '../../../src/bot/telegram/render.js';
import { isWellFormed } from '../../../src/core/text.js';
import { parseTelegramHtml } from '../../support/fake-telegram.js';

const t = (key: string, vars?: Readonly<Record<string, string | number>>): string => (vars ? `${key}(${Object.values(vars).join(',')})` : key);

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    source: 'maxpatrol',
    sourceId: '5d0f3c1e',
    key: 'INC-1528',
    title: 'Подбор пароля',
    severity: 'high',
    createdAt: '2024-11-28T06:41:03.124Z',
    assets: emptyAssets(),
    subEvents: [],
    facts: [],
    raw: {},
    firstSeenAt: '2024-11-28T06:41:05Z',
    revision: 1,
    ...overrides,
  };
}

/** What Telegram would show, or a thrown 400 like the real server. */
const shown = (html: string): string => parseTelegramHtml(html);

describe('HTML rendering', () => {
  it('escapes everything untrusted, links only http(s)', () => {
    expect(escapeHtml('</b><a href="tg://x">x</a> & <script>')).toBe('&lt;/b&gt;&lt;a href=&quot;tg://x&quot;&gt;x&lt;/a&gt; &amp; &lt;script&gt;');
    const [part] = renderLines([['a & b ', { b: '<i>' }, ' ', { link: 'x"y', url: 'https://e.org/?a=1&b="2"' }, ' ', { link: 'bad', url: 'javascript:alert(1)' }, ' ', { code: '&amp;' }]]);
    expect(shown(part?.html ?? '')).toBe('a & b <i> x"y bad &amp;');
    expect(part?.html).toContain('href="https://e.org/?a=1&amp;b=&quot;2&quot;"');
    expect(part?.text).toBe('a & b <i> x"y (https://e.org/?a=1&b="2") bad &amp;');
  });

  it('splits replies into parts of at most 4096 visible units, never inside an entity or a surrogate pair', () => {
    const lines = Array.from({ length: 300 }, (_, i) => [{ b: `#${i}` }, ` ${'😀'.repeat(20)} &amp; <x>`] as const);
    const parts = renderLines(lines.map((l) => [...l]));
    expect(parts.length).toBeGreaterThan(1);
    const all = parts.map((p) => shown(p.html));
    for (const visible of all) {
      expect(visible.length).toBeLessThanOrEqual(TEXT_LIMIT);
      expect(isWellFormed(visible)).toBe(true);
    }
    expect(all.join('\n')).toContain('#299 ');
    // One giant line is cut as plain text.
    const giant = renderLines([[{ b: '😀'.repeat(2049) }]]);
    expect(giant).toHaveLength(2);
    for (const p of giant) expect(isWellFormed(shown(p.html))).toBe(true);
    expect(giant.map((p) => shown(p.html)).join('')).toBe('😀'.repeat(2049));
  });

  it('renders a card within the limit whatever the input, with the cut marked', () => {
    const huge = incident({
      title: '😀'.repeat(2049),
      description: '&amp; <b>'.repeat(3000),
      assets: { ...emptyAssets(), hosts: Array.from({ length: 500 }, (_, i) => `h${i}`), ips: ['10.0.0.1'] },
      facts: Array.from({ length: 200 }, (_, i) => ({ label: 'fact', value: `value ${i} ${'😀'.repeat(30)}` })),
      subEvents: Array.from({ length: 1000 }, (_, i) => ({ id: String(i), title: `${'😀'.repeat(150)}${i}` })),
      link: 'https://siem.local/#/incident/1?a=1&b=2',
    });
    const card = renderCard(huge, { t, timezone: 'Europe/Moscow' });
    const visible = shown(card.html);
    expect(visible.length).toBeLessThanOrEqual(TEXT_LIMIT);
    expect(isWellFormed(visible)).toBe(true);
    expect(visible).toContain('INC-1528');
    expect(visible).toMatch(/card-events-more\(\d+\)/);
    expect(card.text.length).toBeLessThanOrEqual(TEXT_LIMIT);
  });

  it('shows time in the configured zone, the localised status, ack and forward outcomes', () => {
    const card = renderCard(
      incident({
        statusKey: 'mp-status-new',
        status: 'New',
        count: 4,
        ack: { by: 'Иван (@soc_duty) [telegram:1]', byId: 'telegram:1', at: '2024-11-28T07:00:00Z' },
        forwards: {
          soar: { state: 'done', at: '2024-11-28T07:01:00Z', by: 'Admin', ref: '2101', link: 'https://soar/2101' },
          idmefv2: { state: 'failed', at: '2024-11-28T07:02:00Z', by: 'Admin', error: '503 <Service Unavailable>' },
          other: { state: 'done', at: '2024-11-28T07:02:00Z', by: 'Admin', ref: 'x', dryRun: true },
        },
        subEvents: [{ id: 'e1', title: 'Неудачная попытка входа', time: '2024-11-28T06:40:58Z', severity: 'medium' }],
      }),
      { t, timezone: 'Europe/Moscow' },
    );
    const visible = shown(card.html);
    expect(visible).toContain('card-time: 2024-11-28 09:41:03 +03:00');
    expect(visible).toContain('card-status: mp-status-new');
    expect(visible).toContain('card-count(4)');
    expect(visible).toContain('card-ack(Иван (@soc_duty),2024-11-28 10:00:00 +03:00)');
    expect(card.html).toContain('card-forward-done(SOAR,Admin) <a href="https://soar/2101">2101</a>');
    expect(visible).toContain('card-forward-failed(IDMEFv2,503 <Service Unavailable>)');
    expect(visible).toContain('card-forward-dry-run(other,Admin) x');
    expect(visible).toContain('• 🟠 11-28 09:40:58 — Неудачная попытка входа');
  });

  it('a digest names every incident (key, severity, title) within the limit', () => {
    const many = Array.from({ length: 60 }, (_, i) => incident({ key: `INC-${1000 + i}`, sourceId: String(i), title: `${'Очень длинное название '.repeat(20)}${i}`, severity: i % 2 ? 'low' : 'critical' }));
    const digest = renderDigest(many, t);
    const visible = shown(digest.html);
    expect(visible.length).toBeLessThanOrEqual(TEXT_LIMIT);
    expect(visible).toContain('digest-title(60)');
    for (const i of many) expect(visible).toContain(i.key);
    expect(visible).toContain('‼️ INC-1000 severity-critical — Очень');
    expect(visible).toContain('🟡 INC-1001 severity-low — Очень');
  });

  it('names people and sources the way a reader expects', () => {
    expect(displayActor('Иван (@soc_duty) [telegram:1]')).toBe('Иван (@soc_duty)');
    expect(displayActor('Team chat [telegram:-1001234567890]')).toBe('Team chat');
    expect(displayActor('system')).toBe('system');
    expect(displayActor('[telegram:1]')).toBe('[telegram:1]');
    expect(sourceName('maxpatrol')).toBe('MaxPatrol SIEM');
    expect(sourceName('custom')).toBe('custom');
  });
});
