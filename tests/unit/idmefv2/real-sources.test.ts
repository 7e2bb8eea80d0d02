/**
 * Every incident the real source mappers make from the vendor fixtures converts to an IDMEFv2 message that is
 * valid for both versions: under our validator, the fixture copies of the official schemas and (V04) the copy
 * the reference test server pins. The hand-built incidents in incidents.ts cover the mapping details; these
 * catch what a mapper really produces (odd addresses, empty fields, long texts).
 */
import { describe, expect, it } from 'vitest';
import { convertIncident } from '../../../src/forwarders/idmefv2/convert.js';
import { validatorFor } from '../../../src/forwarders/idmefv2/validate.js';
import { SCHEMA_FIXTURES, schemaCheck } from '../../support/fakes/idmefv2.js';
import { realSourceIncidents } from './real-sources.js';

const fixtureV04 = schemaCheck(SCHEMA_FIXTURES.v04);
const fixtureV04Pinned = schemaCheck(SCHEMA_FIXTURES.v04pinned);
const fixtureV08 = schemaCheck(SCHEMA_FIXTURES.v08);
const incidents = realSourceIncidents();

describe('incidents from the real source mappers', () => {
  it('come from every source, several each', () => {
    const perSource = new Map<string, number>();
    for (const [, incident] of incidents) perSource.set(incident.source, (perSource.get(incident.source) ?? 0) + 1);
    expect([...perSource.keys()].sort()).toEqual(['elastic', 'illumio', 'maxpatrol', 'sophos']);
    for (const count of perSource.values()) expect(count).toBeGreaterThanOrEqual(2);
  });

  it.each(incidents)('%s → valid 2.D.V04 and 2.D.V08', (_name, incident) => {
    const v04 = convertIncident(incident, { version: '2.D.V04', analyzerIp: '10.0.0.5' });
    expect(validatorFor('2.D.V04').validate(v04)).toEqual({ valid: true });
    expect(fixtureV04.errors(v04)).toEqual([]);
    expect(fixtureV04Pinned.errors(v04)).toEqual([]);
    const v08 = convertIncident(incident, { version: '2.D.V08', analyzerIp: '10.0.0.5' });
    expect(validatorFor('2.D.V08').validate(v08)).toEqual({ valid: true });
    expect(fixtureV08.errors(v08)).toEqual([]);
    expect(v04.ID).toBe(v08.ID);
  });
});
