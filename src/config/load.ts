/**
 * file → ${VAR} substitution → YAML → zod. `parseConfig` is a pure function of (text, env), so tests pass literals.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { isSecretKey, registerSecret } from '../lib/redact.js';
import { checkedConfigSchema, type Config } from './schema.js';

export interface ConfigProblem {
  /** Key path such as `sources.sophos.clientSecret`, or `(file)`. */
  readonly path: string;
  readonly message: string;
}

export type ConfigResult =
  | { readonly ok: true; readonly config: Config; readonly warnings: readonly ConfigProblem[] }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces `${NAME}` in every scalar; unset names are reported by the key path that used them. */
function substitute(node: unknown, env: NodeJS.ProcessEnv, path: string[], problems: ConfigProblem[]): unknown {
  if (typeof node === 'string') {
    return node.replace(VAR, (_, name: string) => {
      const value = env[name];
      if (value === undefined) {
        problems.push({ path: path.join('.') || '(root)', message: `environment variable ${name} is not set` });
        return '';
      }
      return value;
    });
  }
  if (Array.isArray(node)) return node.map((v, i) => substitute(v, env, [...path, String(i)], problems));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = substitute(v, env, [...path, k], problems);
    return out;
  }
  return node;
}

function registerSecrets(node: unknown, key = ''): void {
  if (typeof node === 'string') {
    if (isSecretKey(key) || /apiUser|apiKeyId|clientId/i.test(key)) registerSecret(node);
    return;
  }
  if (Array.isArray(node)) return node.forEach((v) => registerSecrets(v, key));
  if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) registerSecrets(v, k);
}

function issuePath(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.') || '(root)';
}

/** Keys that the schema does not know: warned about, since a typo silently disables a feature. */
function unknownKeys(input: unknown, parsed: unknown, path: string[] = []): ConfigProblem[] {
  if (!input || typeof input !== 'object' || Array.isArray(input) || !parsed || typeof parsed !== 'object') return [];
  const out: ConfigProblem[] = [];
  for (const [k, v] of Object.entries(input)) {
    if (!(k in parsed)) out.push({ path: [...path, k].join('.'), message: 'unknown key, ignored' });
    else out.push(...unknownKeys(v, (parsed as Record<string, unknown>)[k], [...path, k]));
  }
  return out;
}

export function parseConfig(text: string, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => ({ path: '(yaml)', message: e.message.split('\n')[0] ?? 'invalid YAML' })) };
  }
  const raw: unknown = doc.toJS() ?? {};
  const problems: ConfigProblem[] = [];
  const substituted = substitute(raw, env, [], problems);
  registerSecrets(substituted);
  const parsed = checkedConfigSchema.safeParse(substituted);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issuePath(issue);
      // An unset variable already explains the empty value; do not report it twice.
      if (!problems.some((p) => p.path === path)) problems.push({ path, message: issue.message });
    }
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, config: parsed.data, warnings: unknownKeys(substituted, parsed.data) };
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    return { ok: false, problems: [{ path: '(file)', message: `cannot read ${file}: ${code}` }] };
  }
  return parseConfig(text, env);
}
