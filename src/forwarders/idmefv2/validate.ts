/**
 * Local validation of IDMEFv2 messages against the official JSON schemas, before anything is sent.
 *
 * The schemas are JSON Schema draft-04. Ajv 8 has no draft-04 mode (that needs `ajv-draft-04`, which is not in
 * the pinned dependency set), so the schema is rewritten to its draft-07 equivalent first: `$schema` dropped,
 * draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum` turned into the numeric form, `id` into `$id`.
 * Those are the only draft-04/07 differences that change meaning; everything the IDMEFv2 schemas use
 * (`type`, `enum`, `pattern`, `format`, `$ref` into `definitions`, `required`, `additionalProperties`) behaves alike.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsMod from 'ajv-formats';
import { AppError } from '../../core/errors.js';
import { packageRoot } from '../../lib/paths.js';
import type { Idmefv2Version } from './config.js';

// ajv-formats is CommonJS typed as `export default`; under NodeNext the callable sits on `.default`.
const addFormats = addFormatsMod.default;

/** The official schema files shipped in `schemas/` (byte-for-byte copies, see README.md). */
export const SCHEMA_FILES: Readonly<Record<Idmefv2Version, string>> = {
  '2.D.V04': 'IDMEFv2-2.D.V04.schema',
  '2.D.V08': 'IDMEFv2-2.D.V08.schema',
};

export function schemaPath(version: Idmefv2Version): string {
  return join(packageRoot(), 'src', 'forwarders', 'idmefv2', 'schemas', SCHEMA_FILES[version]);
}

export function loadSchema(version: Idmefv2Version): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readFileSync(schemaPath(version), 'utf8'));
  if (!isRecord(parsed)) throw new AppError('config', `IDMEFv2 schema ${version} is not a JSON object`);
  return parsed;
}

export interface ValidationIssue {
  /** JSON pointer into the message, `/` for the root. */
  readonly path: string;
  readonly message: string;
}

export type ValidationResult = { readonly valid: true } | { readonly valid: false; readonly issues: readonly ValidationIssue[] };

export interface MessageValidator {
  /** What the validator enforces, for messages: the schema title or version. */
  readonly name: string;
  validate(message: unknown): ValidationResult;
  /** Throws `AppError('bad-request')` naming the failed paths; the message must then not be sent. */
  assertValid(message: unknown): void;
}

const MAX_ISSUES = 8;

/** Compiles any IDMEFv2 draft-04 schema (tests also use it on the test-server-pinned V04 schema). */
export function compileSchema(schema: Readonly<Record<string, unknown>>, name?: string): MessageValidator {
  // `strictTypes` off: the schemas use union types (`Content: ["object","string"]`) and, in the test-server
  // pinned V04 copy, `items` under an object; both are legal JSON Schema that Ajv's strict mode only warns on.
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, logger: false });
  addFormats(ajv);
  const validateFn: ValidateFunction = ajv.compile(draft04ToDraft07(schema));
  const label = name ?? (typeof schema.title === 'string' ? schema.title : 'IDMEFv2');

  function validate(message: unknown): ValidationResult {
    if (validateFn(message)) return { valid: true };
    return { valid: false, issues: describeErrors(validateFn.errors ?? [], message) };
  }

  return {
    name: label,
    validate,
    assertValid(message) {
      const result = validate(message);
      if (result.valid) return;
      throw new AppError('bad-request', `IDMEFv2 message is not valid ${label}, not sent: ${formatIssues(result.issues)}`);
    },
  };
}

const cache = new Map<Idmefv2Version, MessageValidator>();

/** The validator for one version against the shipped official schema; compiled once per process. */
export function validatorFor(version: Idmefv2Version): MessageValidator {
  let validator = cache.get(version);
  if (!validator) {
    validator = compileSchema(loadSchema(version), `IDMEFv2 ${version}`);
    cache.set(version, validator);
  }
  return validator;
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  const shown = issues.slice(0, MAX_ISSUES).map((i) => `${i.path} ${i.message}`);
  const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : '';
  return `${shown.join('; ')}${more}`;
}

function describeErrors(errors: readonly ErrorObject[], message: unknown): ValidationIssue[] {
  const seen = new Set<string>();
  const out: ValidationIssue[] = [];
  for (const error of errors) {
    const issue = describeError(error, message);
    const id = `${issue.path} ${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(issue);
  }
  return out;
}

function describeError(error: ErrorObject, message: unknown): ValidationIssue {
  const path = error.instancePath || '/';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperty':
    case 'additionalProperties':
      return { path, message: `has unknown property "${String(params.additionalProperty)}"` };
    case 'required':
      return { path, message: `misses required property "${String(params.missingProperty)}"` };
    case 'enum':
    case 'pattern':
    case 'format':
    case 'type':
      return { path, message: `${error.message ?? 'is invalid'} (got ${preview(valueAt(message, error.instancePath))})` };
    default:
      return { path, message: error.message ?? 'is invalid' };
  }
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isRecord(node)) node = node[key];
    else return undefined;
  }
  return node;
}

function preview(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// ---------------------------------------------------------------- draft-04 → draft-07

const SCHEMA_MAPS = ['properties', 'definitions', 'patternProperties', 'dependencies'] as const;
const SCHEMA_ARRAYS = ['allOf', 'anyOf', 'oneOf'] as const;
const SCHEMA_SINGLES = ['additionalProperties', 'additionalItems', 'not'] as const;

/** Structural rewrite: walks only schema positions, so a property *named* `id` is never touched. */
export function draft04ToDraft07(schema: Readonly<Record<string, unknown>>, root = true): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (root && key === '$schema') continue;
    if ((SCHEMA_MAPS as readonly string[]).includes(key) && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isRecord(v) ? draft04ToDraft07(v, false) : v]));
    } else if ((SCHEMA_ARRAYS as readonly string[]).includes(key) && Array.isArray(value)) {
      out[key] = value.map((v: unknown) => (isRecord(v) ? draft04ToDraft07(v, false) : v));
    } else if (key === 'items') {
      out[key] = Array.isArray(value)
        ? value.map((v: unknown) => (isRecord(v) ? draft04ToDraft07(v, false) : v))
        : isRecord(value)
          ? draft04ToDraft07(value, false)
          : value;
    } else if ((SCHEMA_SINGLES as readonly string[]).includes(key) && isRecord(value)) {
      out[key] = draft04ToDraft07(value, false);
    } else if (key === 'id' && typeof value === 'string') {
      out.$id = value;
    } else {
      out[key] = value;
    }
  }
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] !== 'boolean') continue;
    if (out[flag] === true && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
    } else {
      delete out[flag];
    }
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
