/**
 * Telegram unreachable at start: the app must not hang in start(), the sources must still be polled with their
 * incidents queued, and SIGTERM-style stop() must return promptly (grammY retries getMe forever on its own).
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/container.js';
import { configSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { draft } from '../../support/memory.js';
import { eventually, FakeSource } from '../../support/pipeline-harness.js';
import { freePort } from '../../support/servers.js';

describe('Telegram unreachable at start', () => {
  it('starts anyway, polls and queues incidents, and stops promptly', async () => {
    const port = await freePort();
    const config = configSchema.parse({
      store: { url: 'memory://' },
      telegram: { token: '123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789', apiRoot: `http://127.0.0.1:${port}`, admins: [1] },
    });
    const source = new FakeSource('fake');
    source.items = [draft('queued-1'), draft('queued-2')];
    const app = await createApp(config, { sources: [{ adapter: source, pollInterval: 3600 }], forwarders: [], logger: silentLogger, telegramStartWaitMs: 300 });
    await app.start();
    await eventually(async () => expect(await app.incidents.get('fake:queued-2')).toBeDefined());
    expect(app.health.snapshot().find((h) => h.source === 'fake')?.state).toBe('ok');
    // Without the abort signal reaching grammY's getMe retries, this would never return (the test would time out).
    await app.stop();
    expect(app.outbox.stats().pending).toBe(0);
  });
});
