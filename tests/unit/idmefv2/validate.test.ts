import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { compileSchema, draft04ToDraft07, loadSchema, schemaPath, validatorFor } from '../../../src/forwarders/idmefv2/validate.js';
import { SCHEMA_FIXTURES, readFixture } from '../../support/fakes/idmefv2.js';

const v04 = validatorFor('2.D.V04');
const v08 = validatorFor('2.D.V08');
const pinned = compileSchema(JSON.parse(readFileSync(SCHEMA_FIXTURES.v04pinned, 'utf8')) as Record<string, unknown>);

const paths = (result: ReturnType<typeof v04.validate>): string[] => (result.valid ? [] : result.issues.map((i) => i.path));

describe('shipped schemas', () => {
  it('are the official files, byte for byte', () => {
    expect(readFileSync(schemaPath('2.D.V04'), 'utf8')).toBe(readFileSync(SCHEMA_FIXTURES.v04, 'utf8'));
    expect(readFileSync(schemaPath('2.D.V08'), 'utf8')).toBe(readFileSync(SCHEMA_FIXTURES.v08, 'utf8'));
    expect(loadSchema('2.D.V08').title).toBe('IDMEF 2.D.V08');
  });
});

describe('the validator against the official and reference messages (README of fixtures/idmefv2)', () => {
  it.each([
    'examples/testserver-idmefv2.valid.json',
    'examples/composed-elastic-ssh-bruteforce.idmefv2.json',
    'examples/connectors-doc-attachment-idmefv2.json',
    'converted/wazuh-alert-4.idmefv2.json',
    'converted/wazuh-alert-6.idmefv2.json',
  ])('%s is valid 2.D.V04', (file) => {
    expect(v04.validate(readFixture(file))).toEqual({ valid: true });
  });

  it.each(['examples/IDMEFv2-Cyb1.json', 'examples/IDMEFv2-Cyb2.json', 'examples/IDMEFv2-Phy1.json', 'examples/IDMEFv2-Phy2.json', 'converted/eve-alert-2.idmefv2.json'])(
    '%s: valid only under the test-server-pinned V04 (Analyzer.Type is a string)',
    (file) => {
      const message = readFixture(file);
      expect(pinned.validate(message)).toEqual({ valid: true });
      expect(paths(v04.validate(message))).toContain('/Analyzer/Type');
    },
  );

  it('Cyb1 also fails on the lower-case analyzer method, and says what it got', () => {
    const result = v04.validate(readFixture('examples/IDMEFv2-Cyb1.json'));
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.issues).toContainEqual({ path: '/Analyzer/Method/0', message: 'must be equal to one of the allowed values (got "signature")' });
  });

  it('the Wazuh category spelling fails the pinned schema (the reference server 500) but not the fixed one', () => {
    const message = readFixture('converted/wazuh-alert-6.idmefv2.json');
    expect(paths(pinned.validate(message))).toEqual(['/Category/0']);
  });

  it('{"foo":"bar"} names every missing member and the unknown one', () => {
    const result = v04.validate(readFixture('examples/testserver-idmefv2.invalid.json'));
    expect(result.valid).toBe(false);
    if (result.valid) return;
    const text = result.issues.map((i) => `${i.path} ${i.message}`);
    for (const member of ['Analyzer', 'Version', 'ID', 'CreateTime']) expect(text).toContain(`/ misses required property "${member}"`);
    expect(text).toContain('/ has unknown property "foo"');
  });

  it('a V05 message is not V04', () => {
    expect(paths(v04.validate(readFixture('examples/connectors-doc-minimal-idmefv2.json')))).toEqual(['/Version']);
  });
});

describe('2.D.V08', () => {
  const minimal = {
    Version: '2.D.V08',
    ID: '09db946e-673e-49af-b4b2-a8cd9da58de6',
    CreateTime: '2021-11-22T14:42:51.881Z',
    Status: ['Incident'],
    Analyzer: { Name: 'x', Category: ['SIEM.SIEM'] },
    Source: [{ ID: '19db946e-673e-49af-b4b2-a8cd9da58de6', IP: '192.0.2.1' }],
  };

  it('accepts a minimal message', () => {
    expect(v08.validate(minimal)).toEqual({ valid: true });
  });

  it('rejects V04 habits: string Status, V04 analyzer category, Source item without ID', () => {
    const old = { ...minimal, Status: 'Incident', Analyzer: { Name: 'x', Category: ['SIEM'] }, Source: [{ IP: '192.0.2.1' }] };
    expect(paths(v08.validate(old)).sort()).toEqual(['/Analyzer/Category/0', '/Source/0', '/Status'].sort());
  });
});

describe('assertValid', () => {
  it('throws a bad-request AppError that names the failed paths and the version', () => {
    const message = { Version: '2.D.V04', ID: 'not-a-uuid', CreateTime: '2021-11-22 14:42:51', Analyzer: { Name: 'x', IP: 'FILTERED' } };
    let caught: unknown;
    try {
      v04.assertValid(message);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const error = caught as AppError;
    expect(error.kind).toBe('bad-request');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('IDMEFv2 2.D.V04');
    expect(error.message).toContain('not sent');
    for (const path of ['/ID', '/CreateTime', '/Analyzer/IP']) expect(error.message).toContain(path);
  });

  it('does not throw for a valid message', () => {
    expect(() => v04.assertValid(readFixture('examples/testserver-idmefv2.valid.json'))).not.toThrow();
  });
});

describe('draft-04 rewrite', () => {
  it("turns draft-04's boolean exclusiveMinimum into the numeric bound", () => {
    const check = compileSchema({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'integer', minimum: 0, maximum: 65535, exclusiveMinimum: true });
    expect(check.validate(0).valid).toBe(false);
    expect(check.validate(1).valid).toBe(true);
    expect(check.validate(65535).valid).toBe(true);
  });

  it('only touches schema positions: a property named "id" stays a property', () => {
    const out = draft04ToDraft07({ id: 'urn:x', properties: { id: { type: 'string', id: 'inner' } } });
    expect(out).toEqual({ $id: 'urn:x', properties: { id: { type: 'string', $id: 'inner' } } });
  });
});
