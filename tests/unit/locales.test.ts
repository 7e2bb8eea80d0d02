/**
 * The Fluent catalogues: the i18n plugin neither checks that every language has every message nor complains
 * about a duplicate id (the later one silently wins), so this test does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/config/schema.js';
import { createI18n, localesDir } from '../../src/lib/i18n.js';

interface Message {
  readonly id: string;
  readonly vars: readonly string[];
}

function parse(locale: string): Message[] {
  const text = readFileSync(join(localesDir(), `${locale}.ftl`), 'utf8');
  const messages: { id: string; body: string }[] = [];
  for (const line of text.split('\n')) {
    const start = /^([A-Za-z][\w-]*)\s*=(.*)$/.exec(line);
    if (start) messages.push({ id: start[1] as string, body: start[2] as string });
    else if (/^\s+\S/.test(line) && messages.length > 0) (messages[messages.length - 1] as { body: string }).body += `\n${line}`;
  }
  return messages.map((m) => ({ id: m.id, vars: [...new Set([...m.body.matchAll(/\{\s*\$([\w-]+)/g)].map((x) => x[1] as string))].sort() }));
}

const catalogues = Object.fromEntries(LOCALES.map((l) => [l, parse(l)]));

describe('locales', () => {
  it('exist for exactly the supported languages', () => {
    expect(readdirSync(localesDir()).filter((f) => f.endsWith('.ftl')).sort()).toEqual(LOCALES.map((l) => `${l}.ftl`).sort());
  });

  it.each(LOCALES)('%s has no duplicate ids and only kebab-case ids', (locale) => {
    const ids = (catalogues[locale] ?? []).map((m) => m.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ids.filter((id) => !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id))).toEqual([]);
  });

  it('en, ru and hu define the same message ids with the same variables', () => {
    const shape = (locale: string) => Object.fromEntries((catalogues[locale] ?? []).map((m) => [m.id, m.vars.join(',')]));
    expect(shape('ru')).toEqual(shape('en'));
    expect(shape('hu')).toEqual(shape('en'));
  });

  it('every message the Telegram interface uses exists and translates in every language', () => {
    const used = new Set<string>();
    const files = [
      join('src/bot', 'card.ts'),
      join('src/core', 'text.ts'),
      ...readdirSync('src/bot/telegram', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join('src/bot/telegram', f)),
      ...['start', 'help', 'ping', 'debug', 'users'].map((c) => `src/commands/${c}.ts`),
      'src/core/approval.ts',
    ];
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/'((?:card|approval|users|access|error|button|start|help|ping|debug|digest|delivery|role|cmd)-[a-z0-9-]+)'/g)) used.add(m[1] as string);
    }
    const dynamic = {
      role: ['viewer', 'analyst', 'admin'],
      severity: ['critical', 'high', 'medium', 'low', 'info'],
      'approval-state': ['pending', 'approved', 'denied', 'banned', 'expired'],
      'approval-outcome': ['approved', 'denied', 'banned', 'expired'],
      'users-status': ['none', 'pending', 'approved', 'denied', 'banned'],
      'users-button': ['approve', 'deny', 'ban', 'revoke'],
      'users-outcome': ['ok', 'unchanged', 'not-found', 'config-admin'],
      'card-assets': ['hosts', 'ips', 'users', 'urls', 'hashes'],
      'card-button': ['details', 'ack', 'refresh'],
    };
    for (const [prefix, suffixes] of Object.entries(dynamic)) for (const s of suffixes) used.add(`${prefix}-${s}`);
    expect(used.size).toBeGreaterThan(120);
    const i18n = createI18n('en');
    const vars = Object.fromEntries(Object.values(catalogues).flatMap((c) => c.flatMap((m) => m.vars)).map((v) => [v, 'x']));
    for (const locale of LOCALES) {
      const ids = new Set((catalogues[locale] ?? []).map((m) => m.id));
      expect([...used].filter((id) => !ids.has(id)), locale).toEqual([]);
      for (const id of used) expect(i18n.t(locale, id, vars), `${locale} ${id}`).not.toBe(id);
    }
  });
});
