import { describe, expect, it } from 'vitest';
import { createDiagnostics, createErrorRing, withErrorRing } from '../../../src/app/diagnostics.js';
import { createHealthTracker } from '../../../src/core/health.js';
import { createOutbox } from '../../../src/core/outbox.js';
import type { SourceAdapter } from '../../../src/core/ports.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { openStore } from '../../../src/store/keyv.js';
import { outboxRecord } from '../../../src/store/records.js';
import { manualClock } from '../../support/memory.js';

describe('diagnostics', () => {
  it('merges each source\'s own details into its health and keeps the last warnings redacted', async () => {
    const clock = manualClock();
    const health = createHealthTracker({ clock, admins: () => undefined, redact: (s) => s });
    health.register('illumio', '{"v":1}');
    health.register('maxpatrol', undefined);
    const illumio: SourceAdapter = {
      id: 'illumio',
      poll: () => Promise.resolve({ drafts: [], nextCursor: undefined }),
      details: () => [{ key: 'illumio-debug-suppressed-total', vars: { count: 3 } }],
    };
    const store = await openStore('memory://', { logger: silentLogger });
    const ring = createErrorRing(3);
    const logger = withErrorRing(silentLogger, ring);
    for (let i = 0; i < 5; i++) logger.warn('poll failed', { source: 'maxpatrol', error: `try ${i} bot123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/` });
    const d = createDiagnostics({ health, outbox: createOutbox(store.collection('outbox', outboxRecord), clock), ring, startedAt: clock.now(), sources: new Map([['illumio', illumio]]) });
    const byId = Object.fromEntries((await d.health()).map((h) => [h.source, h]));
    expect(byId.illumio?.details).toEqual([{ key: 'illumio-debug-suppressed-total', vars: { count: 3 } }]);
    expect(byId.maxpatrol?.details).toBeUndefined();
    const errors = d.recentErrors(10);
    expect(errors.map((e) => e.message.slice(0, 28))).toEqual(['poll failed [maxpatrol]: try', 'poll failed [maxpatrol]: try', 'poll failed [maxpatrol]: try']);
    expect(errors[0]?.message).toContain('try 4');
    expect(JSON.stringify(errors)).not.toContain('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  });
});
