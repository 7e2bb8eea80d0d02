/** Every Fluent id the on-demand commands use exists in en, ru and hu (ids built at run time are listed out). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../../src/config/schema.js';
import { localesDir } from '../../../src/lib/i18n.js';

const root = join(import.meta.dirname, '../../../src');
const files = ['commands/alerts.ts', 'commands/inventory.ts', 'commands/cleanls.ts', 'commands/tenants.ts', 'commands/listing.ts', 'commands/clean-levels.ts', 'commands/format.ts', 'bot/telegram/features/cleanls-conversation.ts'];
const dynamic = [
  ...['critical', 'high', 'medium', 'low', 'info', 'other'].map((s) => `ondemand-severity-${s}`),
  ...['good', 'suspicious', 'bad', 'unknown'].map((h) => `inventory-health-${h}`),
  ...['high', 'high-medium', 'medium', 'low', 'all'].map((l) => `cleanls-level-${l}`),
  ...['no-api-host', 'invalid-api-host', 'forbidden'].map((r) => `sophos-tenant-${r}`),
  ...['high', 'medium', 'low', 'trusted', 'unclassified', 'unknown'].map((r) => `sophos-risk-${r}`),
];

function used(): string[] {
  const ids = new Set<string>(dynamic);
  for (const file of files) {
    const source = readFileSync(join(root, file), 'utf8');
    for (const m of source.matchAll(/'((?:ondemand|alerts|inventory|cleanls|cmd|error|sophos)-[a-z0-9-]+)'/g)) {
      const id = m[1] ?? '';
      if (id !== 'cleanls-plans' && id !== 'cleanls-conversation' && id !== 'ondemand-views' && !id.startsWith('conversations-')) ids.add(id);
    }
  }
  return [...ids].sort();
}

describe('on-demand command strings', () => {
  it.each(LOCALES)('%s defines every id the commands use', (locale) => {
    const text = readFileSync(join(localesDir(), `${locale}.ftl`), 'utf8');
    const defined = new Set([...text.matchAll(/^([a-z][a-z0-9-]*) =/gm)].map((m) => m[1]));
    expect(used().filter((id) => !defined.has(id))).toEqual([]);
  });
});
