import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

const minimal = `
locale: ru
timezone: Europe/Moscow
store:
  url: memory://
telegram:
  token: \${TELEGRAM_BOT_TOKEN}
  apiRoot: http://127.0.0.1:8081
  admins: [123456789, 5000000001]
`;

const full = `${minimal}
sources:
  maxpatrol:
    url: https://siem.example.org
    authUrl: https://siem.example.org:3334
    username: bot
    password: \${MPSIEM_PASSWORD}
    clientId: mpx
    clientSecret: \${MPSIEM_CLIENT_SECRET}
    pollInterval: 1
  elastic:
    url: https://elastic.example.org:9200
    apiKey: \${ELASTIC_API_KEY}
    index: .internal.alerts-security.alerts-default-*
    rulePrefixes: [TRI_]
    tags: [tri]
  sophos:
    clientId: cid
    clientSecret: \${SOPHOS_CLIENT_SECRET}
    authUrl: https://id.sophos.com
    apiUrl: https://api.central.sophos.com
  intelix:
    clientId: iid
    clientSecret: isecret
    authUrl: https://api.labs.sophos.com
    apiUrl: https://de.api.labs.sophos.com
  illumio:
    url: https://pce.example.org:8443
    org: 1
    apiUser: api_1
    apiSecret: pce-secret
    watchers:
      - eventType: "user.*"
      - eventType: "agent.tampering"
        severity: high
forwarders:
  soar:
    url: https://soar.example.org
    org: 201
    apiKeyId: kid
    apiKeySecret: ksecret
    dataTable: event_information
    dryRun: false
  idmefv2:
    url: https://concerto.example.org/api_idmefv2/
    username: admin
    password: idm-pass
`;

const env = { TELEGRAM_BOT_TOKEN: TOKEN, MPSIEM_PASSWORD: 'mp-pass', MPSIEM_CLIENT_SECRET: 'mp-client-secret', ELASTIC_API_KEY: 'es-key', SOPHOS_CLIENT_SECRET: 'so-secret' };

describe('parseConfig', () => {
  it('accepts every key of the contract with environment substitution', () => {
    const result = parseConfig(full, env);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.telegram.token).toBe(TOKEN);
    expect(result.config.telegram.admins).toEqual(['123456789', '5000000001']);
    expect(result.config.sources.maxpatrol?.password).toBe('mp-pass');
    expect(result.config.sources.maxpatrol?.pollInterval).toBe(1);
    expect(result.config.sources.elastic?.pollInterval).toBe(60);
    expect(result.config.sources.illumio?.watchers[0]?.status).toBe('*');
    expect(result.config.forwarders.soar?.org).toBe(201);
    expect(result.config.timezone).toBe('Europe/Moscow');
    expect(result.warnings).toEqual([]);
  });

  it('applies defaults for optional blocks', () => {
    const result = parseConfig(minimal, env);
    expect(result.ok && result.config.sources).toEqual({});
    expect(result.ok && result.config.routes).toEqual([]);
  });

  it('names every unset environment variable by key path', () => {
    const result = parseConfig(full, { TELEGRAM_BOT_TOKEN: TOKEN });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((p) => `${p.path}: ${p.message}`);
    expect(paths).toContain('sources.maxpatrol.password: environment variable MPSIEM_PASSWORD is not set');
    expect(paths).toContain('sources.maxpatrol.clientSecret: environment variable MPSIEM_CLIENT_SECRET is not set');
    expect(paths).toContain('sources.elastic.apiKey: environment variable ELASTIC_API_KEY is not set');
  });

  it('reports every problem at once by key path and never a secret value', () => {
    const bad = `
locale: de
timezone: Mars/Olympus
telegram:
  token: not-a-token-secret-value
  apiRoot: ftp://x
  admins: []
sources:
  maxpatrol:
    url: https://siem
    authUrl: https://siem:3334
    username: bot
    password: hunter2-secret
    clientSecret: x
    pollInterval: 0
  illumio:
    url: https://pce
    org: 1
    apiUser: u
    apiSecret: s3cr3t-pce
    watchers:
      - eventType: "user.*"
        throttle: often
`;
    const result = parseConfig(bad, {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['locale', 'timezone', 'telegram.token', 'telegram.apiRoot', 'telegram.admins', 'sources.maxpatrol.pollInterval', 'sources.illumio.watchers.0.throttle']),
    );
    const text = JSON.stringify(result.problems);
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('not-a-token-secret-value');
    expect(text).not.toContain('s3cr3t-pce');
  });

  it('rejects broken YAML with a clear problem', () => {
    const result = parseConfig('telegram: [unclosed', {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]?.path).toBe('(yaml)');
  });

  it('warns about unknown keys instead of silently ignoring a typo', () => {
    const result = parseConfig(`${minimal}\nsoruces: {}\n`, env);
    expect(result.ok && result.warnings.map((w) => w.path)).toEqual(['soruces']);
  });

  it('refuses a look-back that reaches past the incident retention, naming both keys', () => {
    const text = `${minimal.replace('  url: memory://', '  url: memory://\n  retentionDays: 1')}
sources:
  maxpatrol:
    url: https://siem
    authUrl: https://siem:3334
    username: bot
    password: p4ss
    clientSecret: s3cret
    initialLookback: 172800
`;
    const result = parseConfig(text, env);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([expect.objectContaining({ path: 'sources.maxpatrol.initialLookback', message: expect.stringContaining('store.retentionDays') })]);
  });

  it('requires elastic credentials and a filter', () => {
    const text = `${minimal}\nsources:\n  elastic:\n    url: https://es:9200\n`;
    const result = parseConfig(text, env);
    expect(!result.ok && result.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['sources.elastic.apiKey', 'sources.elastic.rulePrefixes']));
  });
});

describe('config.example.yaml', () => {
  it('is valid with every variable set, and names every contract key', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../../config.example.yaml', import.meta.url), 'utf8');
    const vars = [...text.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1] as string);
    const envAll = Object.fromEntries(vars.map((v) => [v, v === 'TELEGRAM_BOT_TOKEN' ? TOKEN : `value-of-${v}`]));
    const result = parseConfig(text, envAll);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    expect(result.warnings).toEqual([]);
    expect(Object.keys(result.config.sources).sort()).toEqual(['elastic', 'illumio', 'intelix', 'maxpatrol', 'sophos']);
    expect(Object.keys(result.config.forwarders).sort()).toEqual(['idmefv2', 'soar']);
  });
});
