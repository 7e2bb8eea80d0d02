import { describe, expect, it } from 'vitest';
import { createPingCommand } from '../../../src/commands/ping.js';
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
    expect(out).toContain('❌ sophos: ping-source-failing(since=T(2026-11-23T08:00:00Z),kind=auth,failures=4)');
    expect(out).toContain('❔ elastic: ping-source-unknown');
    expect(reply.sticker).toBe('https://media.example/ping.gif');
    const bare = await createPingCommand({ diagnostics: diagnostics([]), clock, formatTime: String }).run(ctx('viewer'));
    expect(bare.sticker).toBeUndefined();
    expect(text(bare)).toContain('ping-no-sources');
  });
});
