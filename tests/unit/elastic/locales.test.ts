import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function idsIn(text: string): Set<string> {
  return new Set([...text.matchAll(/^(elastic-[a-z0-9-]+)\s*=/gm)].map((m) => m[1] ?? ''));
}

describe('elastic locale strings', () => {
  it('defines every Fluent id the source code uses, in en, ru and hu, once each', () => {
    const dir = `${root}src/sources/elastic/`;
    const used = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      for (const m of readFileSync(`${dir}${file}`, 'utf8').matchAll(/'(elastic-(?:status|fact)-[a-z0-9-]+)'/g)) used.add(m[1] ?? '');
    }
    expect(used.size).toBeGreaterThan(15);
    for (const locale of ['en', 'ru', 'hu']) {
      const text = readFileSync(`${root}locales/${locale}.ftl`, 'utf8');
      const defined = idsIn(text);
      for (const id of used) expect(defined.has(id), `${locale}: ${id}`).toBe(true);
      const all = [...text.matchAll(/^(elastic-[a-z0-9-]+)\s*=/gm)].map((m) => m[1]);
      expect(all.length, `${locale}: duplicate elastic ids`).toBe(new Set(all).size);
    }
    expect(idsIn(readFileSync(`${root}locales/ru.ftl`, 'utf8'))).toEqual(idsIn(readFileSync(`${root}locales/en.ftl`, 'utf8')));
    expect(idsIn(readFileSync(`${root}locales/hu.ftl`, 'utf8'))).toEqual(idsIn(readFileSync(`${root}locales/en.ftl`, 'utf8')));
  });
});
