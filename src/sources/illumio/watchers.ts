/**
 * Watchers decide which PCE events become incidents. Pure: no I/O, no clock.
 *
 * Semantics (deliberately clearer than the original notifier's, see docs/apis/illumio.md):
 * - `eventType` is a glob over the whole type: `*` any run of characters (dots included), `?` one character.
 *   A regular expression only when written as `/…/`. `user.login` never matches `userXlogin`.
 * - `status` `*` matches anything, `null` and a missing status included (a third of real events have none).
 * - `fields` match values by dot path (`created_by.user.username`, `notifications.notification_type`; arrays on
 *   the way are searched element-wise, a numeric segment indexes): `*` present, `!x` negation, `a|b` any of,
 *   `/re/flags` regular expression, anything else exact. Missing and `null` compare as the empty string.
 * - Several watchers matching one event give one incident: the most specific watcher wins (exact type over
 *   glob, more literal characters, a named status, more field matchers, higher severity, then config order).
 */
import { severityRank, type Severity } from '../../core/incident.js';
import type { WatcherConfig } from './config.js';
import { EVENT_TYPES } from './event-types.js';
import { parseThrottle, type ThrottleSpec } from './throttle.js';

const REGEX_LITERAL = /^\/(.+)\/([imsu]*)$/;

export interface CompiledWatcher {
  readonly index: number;
  /** Stable identity for throttle state and /debug: the configured `name`, else derived from the pattern. */
  readonly key: string;
  readonly eventType: string;
  readonly severity: Severity | undefined;
  readonly throttle: ThrottleSpec | undefined;
  /** Compared lexicographically, larger wins. */
  readonly specificity: readonly number[];
  matches(event: unknown): boolean;
}

type Matcher = (values: readonly unknown[]) => boolean;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/** Glob (or explicit `/regex/`) over the whole event type. */
export function compileTypePattern(pattern: string): RegExp {
  const literal = REGEX_LITERAL.exec(pattern);
  if (literal) return new RegExp(literal[1] ?? '', literal[2]);
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : escapeRegex(ch)))
    .join('');
  return new RegExp(`^${body}$`);
}

export function isWildcardPattern(pattern: string): boolean {
  return REGEX_LITERAL.test(pattern) || pattern.includes('*') || pattern.includes('?');
}

export function matchEventType(pattern: string, eventType: string): boolean {
  return compileTypePattern(pattern).test(eventType);
}

/**
 * Every value found at a dot path. Arrays met on the way are searched element by element (a numeric segment
 * indexes instead); an array at the end contributes its elements. Nothing found gives `[undefined]`.
 */
export function valuesAt(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const segment of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current) {
      if (Array.isArray(value)) {
        if (/^\d+$/.test(segment)) next.push(value[Number(segment)]);
        else for (const item of value) if (isRecord(item) && Object.hasOwn(item, segment)) next.push(item[segment]);
      } else if (isRecord(value) && Object.hasOwn(value, segment)) {
        next.push(value[segment]);
      }
    }
    current = next;
  }
  const flat = current.flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : [v]));
  return flat.length > 0 ? flat : [undefined];
}

/** How a value compares: `null`/missing as "", scalars by their JSON spelling, objects as compact JSON. */
export function fieldText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function isPresent(value: unknown): boolean {
  return value !== null && value !== undefined && value !== '';
}

/** `*` · `!x` · `a|b` · `/re/flags` · exact. */
export function compileFieldMatcher(spec: string): Matcher {
  if (spec.startsWith('!')) {
    const positive = compileFieldMatcher(spec.slice(1));
    return (values) => !positive(values);
  }
  if (spec === '*') return (values) => values.some(isPresent);
  const literal = REGEX_LITERAL.exec(spec);
  if (literal) {
    const re = new RegExp(literal[1] ?? '', literal[2]);
    return (values) => values.some((v) => re.test(fieldText(v)));
  }
  const alternatives = spec.split('|');
  return (values) => values.some((v) => alternatives.includes(fieldText(v)));
}

export function matchField(spec: string, event: unknown, path: string): boolean {
  return compileFieldMatcher(spec)(valuesAt(event, path));
}

function statusOf(event: unknown): unknown {
  return isRecord(event) ? event.status : undefined;
}

function literalLength(pattern: string): number {
  if (REGEX_LITERAL.test(pattern)) return 0;
  return pattern.replace(/[*?]/g, '').length;
}

/** The key shown in /debug and used for throttle windows: `name`, else `pattern[status]{field,…}`. */
export function watcherKey(config: WatcherConfig): string {
  if (config.name) return config.name;
  const status = config.status === '*' ? '' : `[${config.status}]`;
  const fields = config.fields ? `{${Object.keys(config.fields).sort().join(',')}}` : '';
  return `${config.eventType}${status}${fields}`;
}

export function compileWatcher(config: WatcherConfig, index: number): CompiledWatcher {
  const typeRe = compileTypePattern(config.eventType);
  const fieldMatchers = Object.entries(config.fields ?? {}).map(([path, spec]) => ({ path, match: compileFieldMatcher(spec) }));
  const exact = isWildcardPattern(config.eventType) ? 0 : 1;
  return {
    index,
    key: watcherKey(config),
    eventType: config.eventType,
    severity: config.severity,
    throttle: parseThrottle(config.throttle),
    specificity: [
      exact,
      literalLength(config.eventType),
      config.status === '*' ? 0 : 1,
      fieldMatchers.length,
      config.severity ? severityRank(config.severity) : 0,
    ],
    matches(event: unknown): boolean {
      if (!isRecord(event) || typeof event.event_type !== 'string') return false;
      if (!typeRe.test(event.event_type)) return false;
      if (config.status !== '*' && statusOf(event) !== config.status) return false;
      return fieldMatchers.every((f) => f.match(valuesAt(event, f.path)));
    },
  };
}

export function compileWatchers(configs: readonly WatcherConfig[]): CompiledWatcher[] {
  const compiled = configs.map((c, i) => compileWatcher(c, i));
  // Two watchers with the same derived key would share throttle windows: make the later ones distinct.
  const seen = new Map<string, number>();
  return compiled.map((w) => {
    const n = seen.get(w.key) ?? 0;
    seen.set(w.key, n + 1);
    return n === 0 ? w : { ...w, key: `${w.key}#${n + 1}` };
  });
}

function compareSpecificity(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The one watcher an event belongs to, or undefined when none selects it. */
export function selectWatcher(watchers: readonly CompiledWatcher[], event: unknown): CompiledWatcher | undefined {
  let best: CompiledWatcher | undefined;
  for (const w of watchers) {
    if (!w.matches(event)) continue;
    if (!best || compareSpecificity(w.specificity, best.specificity) > 0) best = w;
  }
  return best;
}

export interface WatcherWarning {
  /** Config key path, e.g. `sources.illumio.watchers[2].eventType`. */
  readonly path: string;
  /** Fluent id of the message; `vars` fill it. */
  readonly key: 'illumio-check-unknown-event-type' | 'illumio-check-pattern-matches-nothing' | 'illumio-check-bad-pattern';
  readonly vars: Readonly<Record<string, string | number>>;
}

/**
 * Warnings for `socbot check`: exact types the PCE does not know (a typo like `user.` or `user.logon` would never
 * fire) and wildcard patterns that match none of the known types. Unknown is a warning, not an error: newer PCEs
 * add event types.
 */
export function validateWatchers(
  configs: readonly Pick<WatcherConfig, 'eventType'>[],
  knownTypes: readonly string[] = EVENT_TYPES,
  basePath = 'sources.illumio.watchers',
): WatcherWarning[] {
  const warnings: WatcherWarning[] = [];
  configs.forEach((config, i) => {
    const path = `${basePath}[${i}].eventType`;
    let re: RegExp;
    try {
      re = compileTypePattern(config.eventType);
    } catch {
      warnings.push({ path, key: 'illumio-check-bad-pattern', vars: { pattern: config.eventType } });
      return;
    }
    const matched = knownTypes.filter((t) => re.test(t)).length;
    if (matched > 0) return;
    warnings.push(
      isWildcardPattern(config.eventType)
        ? { path, key: 'illumio-check-pattern-matches-nothing', vars: { pattern: config.eventType } }
        : { path, key: 'illumio-check-unknown-event-type', vars: { pattern: config.eventType } },
    );
  });
  return warnings;
}
