import { describe, expect, it } from 'vitest';
import { createPingCommand, KNOWN_KINDS, kindText } from '../../../src/commands/ping.js';
import { LOCALES } from '../../../src/config/schema.js';
import { createI18n } from '../../../src/lib/i18n.js';
import { manualClock } from '../../support/memory.js';
import { ctx, diagnostics, health, text } from '../telegram/command-support.js';

describe('/ping', () => {
  it('says alive with the uptime and the health of each source, and carries the sticker', async () => {
    const clock = manualClock('2026-11-23T09:00:00Z');
    const ping = createPingCommand({ diagnostics: diagnostics(health), clock, formatTime: (iso) => `T(${iso})`, sticker: 'https://media.example/ping.gif' });
    expect(ping.requires).toBe('approved');
    const reply = await ping.run(ctx('viewer'));
    const out = text(reply);
    expect(out).toContain('ping-alive(days=2,hours=1,minutes=2)');
    expect(out).toContain('✅ maxpatrol: ping-source-ok');
    expect(out).toContain('❌ sophos: ping-source-failing(since=T(2026-11-23T08:00:00Z),kind=ping-kind-auth,failures=4)');
    expect(out).toContain('❔ elastic: ping-source-unknown');
    expect(reply.sticker).toBe('https://media.example/ping.gif');
    const bare = await createPingCommand({ diagnostics: diagnostics([]), clock, formatTime: String }).run(ctx('viewer'));
    expect(bare.sticker).toBeUndefined();
    expect(text(bare)).toContain('ping-no-sources');
  });

  it('explains every failure kind in every language; an unknown kind is shown as it is', () => {
    const i18n = createI18n('en');
    for (const locale of LOCALES) {
      for (const kind of KNOWN_KINDS) {
        const phrase = kindText(kind, (key) => i18n.t(locale, key));
        expect(phrase, `${locale} ${kind}`).not.toBe(`ping-kind-${kind}`);
        expect(phrase.length).toBeGreaterThan(3);
      }
    }
    expect(kindText('teapot', (key) => `t(${key})`)).toBe('teapot');
    expect(kindText(undefined, (key) => key)).toBe('?');
    // Plural forms where the language has them.
    expect(i18n.t('en', 'ping-source-failing', { since: 'X', kind: 'k', failures: 1 })).toBe('failing since X (k, 1 failed poll)');
    expect(i18n.t('en', 'ping-source-failing', { since: 'X', kind: 'k', failures: 3 })).toBe('failing since X (k, 3 failed polls)');
  });
});
