import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logger.js';
import { clearSecretsForTests, redactText, redactValue, registerSecret } from '../../../src/lib/redact.js';

const TOKEN = '7012345678:AAF-SECRETsecretSECRETsecret_12345';

function capture(): { logger: ReturnType<typeof createLogger>; output: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { logger: createLogger({ stream, level: 'debug' }), output: () => chunks.join('') };
}

describe('redaction', () => {
  afterEach(() => clearSecretsForTests());

  it('masks a grammY-style network error whose message carries the token URL', async () => {
    const { logger, output } = capture();
    // What node-fetch puts inside grammY's HttpError.error.
    const inner = new Error(`request to http://127.0.0.1:9/bot${TOKEN}/getUpdates failed, reason: connect ECONNREFUSED`);
    const outer = Object.assign(new Error("Network request for 'getUpdates' failed!"), { error: inner, cause: inner });
    logger.error('polling failed', { error: outer, url: `http://127.0.0.1:9/bot${TOKEN}/sendMessage` });
    logger.warn(`raw ${inner.message}`);
    await new Promise((r) => setTimeout(r, 20));
    const text = output();
    expect(text).toContain('polling failed');
    expect(text).toContain('[REDACTED]');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('AAF-SECRET');
  });

  it('masks registered secrets anywhere, and secret-named keys', () => {
    registerSecret('hunter2-password');
    expect(redactText('login failed for bot:hunter2-password@siem')).not.toContain('hunter2');
    expect(redactValue({ password: 'x-y-z', nested: { clientSecret: 'abc', note: 'hunter2-password' } })).toEqual({
      password: '[REDACTED]',
      nested: { clientSecret: '[REDACTED]', note: '[REDACTED]' },
    });
  });

  it('masks URL credentials, signature parameters and auth headers', () => {
    expect(redactText('https://user:pa55@host/x')).toBe('https://[REDACTED]@host/x');
    expect(redactText('https://prod.workflows/x?api-version=1&sig=abcDEF123')).toBe('https://prod.workflows/x?api-version=1&sig=[REDACTED]');
    expect(redactText('Authorization: Basic dXNlcjpwYXNzd29yZA==')).toBe('Authorization: Basic [REDACTED]');
  });

  it('keeps each log record on one line', async () => {
    const { logger, output } = capture();
    logger.info('name\r\ninjected line');
    await new Promise((r) => setTimeout(r, 20));
    expect(output().trim().split('\n')).toHaveLength(1);
  });
});
