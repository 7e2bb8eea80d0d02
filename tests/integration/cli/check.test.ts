import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

const TOKEN = '555555555:AAE-cli-test-token-abcdefghijklmnopqrstu';

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'socbot-cli-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, text);
  return file;
}

const valid = `
telegram:
  token: \${TG_TOKEN}
  apiRoot: http://127.0.0.1:9
  admins: [1]
store:
  url: memory://
`;

describe('socbot check', () => {
  it('exits 0 for a valid config', async () => {
    const result = await runCli(['check', '--config', configFile(valid)], { TG_TOKEN: TOKEN });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('is valid');
  });

  it('takes the file from SOCBOT_CONFIG', async () => {
    const result = await runCli(['check'], { TG_TOKEN: TOKEN, SOCBOT_CONFIG: configFile(valid) });
    expect(result.code).toBe(0);
  });

  it('exits 2 and lists every problem by key path without printing secrets', async () => {
    const text = `
locale: xx
telegram:
  token: 1:short-but-secret-tg
  admins: []
sources:
  maxpatrol:
    url: not a url
    authUrl: https://siem:3334
    username: bot
    password: SuperSecretPassw0rd
    clientSecret: \${MISSING_SECRET}
`;
    const result = await runCli(['check', '--config', configFile(text)]);
    expect(result.code).toBe(2);
    for (const path of ['locale', 'telegram.admins', 'sources.maxpatrol.url', 'sources.maxpatrol.clientSecret']) {
      expect(result.stderr).toContain(path);
    }
    expect(result.stderr).toContain('MISSING_SECRET is not set');
    expect(result.stderr + result.stdout).not.toContain('SuperSecretPassw0rd');
    expect(result.stderr + result.stdout).not.toContain('short-but-secret-tg');
  });

  it('exits 2 for run with an invalid config, and for a missing file', async () => {
    expect((await runCli(['run', '--config', configFile('telegram: {}')])).code).toBe(2);
    const missing = await runCli(['check', '--config', '/nonexistent/socbot.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });

  it('prints help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('socbot run');
    expect(result.stdout).toContain('socbot check');
  });
});

describe('socbot check warnings', () => {
  it('warns about watcher patterns that match no PCE event type, and still exits 0', async () => {
    const text = `${valid}
sources:
  illumio:
    url: https://pce.example.org:8443
    org: 1
    apiUser: api_1
    apiSecret: pce-secret-value
    watchers:
      - eventType: "user.*"
      - eventType: "no_such.event"
`;
    const result = await runCli(['check', '--config', configFile(text)], { TG_TOKEN: TOKEN });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('sources.illumio.watchers.1.eventType');
    expect(result.stderr).not.toContain('watchers.0');
    expect(result.stderr).not.toContain('pce-secret-value');
  });
});
