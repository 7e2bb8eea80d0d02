import { describe, expect, it } from 'vitest';
import { ipRisk, lookupKey, urlRisk } from '../../../src/sources/sophos/intelix.js';

describe('lookupKey', () => {
  it.each([
    ['malware-repo.example.net', 'url', 'malware-repo.example.net'],
    ['HTTPS://Malware-Repo.Example.NET/', 'url', 'malware-repo.example.net'],
    ['http://example.com/Path/To//', 'url', 'example.com/Path/To'],
    ['example.com/a?Q=1', 'url', 'example.com/a?Q=1'],
    ['203.0.113.50', 'ip', '203.0.113.50'],
    [' 203.0.113.50 ', 'ip', '203.0.113.50'],
    ['http://203.0.113.50/', 'ip', '203.0.113.50'],
    ['http://203.0.113.50/login', 'url', '203.0.113.50/login'],
    ['2001:DB8::1', 'ip', '2001:db8::1'],
    ['[2001:db8::1]', 'ip', '2001:db8::1'],
    ['10.0.0.0/8', 'url', '10.0.0.0/8'],
    ['999.1.1.1', 'url', '999.1.1.1'],
  ])('%s → %s %s', (value, type, key) => {
    expect(lookupKey(value)).toEqual({ type, key });
  });
});

describe('risk normalisation', () => {
  it.each([
    [['malware', 'botnet'], 'HIGH'],
    [['bulk_mta', 'generic_mta'], 'MEDIUM'],
    [['enduser_network'], 'LOW'],
    [['clean_mta'], 'TRUSTED'],
    [['clean_mta', 'illegal'], 'HIGH'],
    [['BULK_MTA_GREY'], 'MEDIUM'],
    [['not_a_known_category'], 'UNCLASSIFIED'],
    [[], 'UNCLASSIFIED'],
    [undefined, 'UNCLASSIFIED'],
  ] as const)('IP categories %j → %s', (categories, risk) => {
    expect(ipRisk(categories)).toBe(risk);
  });

  it.each([
    ['HIGH', 'HIGH'],
    ['medium', 'MEDIUM'],
    ['LOW', 'LOW'],
    ['TRUSTED', 'TRUSTED'],
    ['UNCLASSIFIED', 'UNCLASSIFIED'],
    [undefined, 'UNKNOWN'],
    ['SEVERE', 'UNKNOWN'],
  ] as const)('URL riskLevel %s → %s', (level, risk) => {
    expect(urlRisk(level)).toBe(risk);
  });
});
