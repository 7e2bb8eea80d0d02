import { z } from 'zod';
import { caFile, pollInterval, secret, severity, url } from '../../config/common.js';

/** `/…/flags` written explicitly in a pattern or field matcher means a regular expression. */
const REGEX_LITERAL = /^\/(.+)\/([imsu]*)$/;

/** True unless the value is a `/regex/` (optionally `!`-negated) that does not compile. */
function regexCompiles(value: string): boolean {
  const m = REGEX_LITERAL.exec(value.startsWith('!') ? value.slice(1) : value);
  if (!m) return true;
  try {
    new RegExp(m[1] ?? '', m[2]);
    return true;
  } catch {
    return false;
  }
}

export const watcherSchema = z.object({
  /** Exact event type or a `*` wildcard pattern. */
  eventType: z.string().min(1).refine(regexCompiles, 'must be a valid /regular expression/'),
  /** `success`, `failure` or `*` (any, including null). */
  status: z.enum(['success', 'failure', '*']).default('*'),
  /** Field matchers by dot path: exact, `*`, `!negation`, `a|b`, or `/regex/`. */
  fields: z.record(z.string(), z.string().refine(regexCompiles, 'must be a valid /regular expression/')).optional(),
  severity: severity.optional(),
  /** `N/1h`, `N/24h`, `0/1h` mutes. */
  throttle: z
    .string()
    .regex(/^\d+\/(1h|24h)$/, 'must look like N/1h or N/24h')
    .optional(),
  // Additive: a stable name for /debug and the throttle state; derived from the pattern when absent.
  name: z.string().min(1).max(64).optional(),
});

export const illumioConfigSchema = z.object({
  url,
  org: z.union([z.number().int().min(1), z.string().regex(/^\d+$/)]).transform(Number),
  apiUser: secret,
  apiSecret: secret,
  pollInterval,
  caFile,
  lookback: z.number().int().min(0).default(300),
  initialLookback: z.number().int().min(0).default(3600),
  maxResults: z.number().int().min(1).max(10_000).default(1000),
  watchers: z.array(watcherSchema).min(1, 'at least one watcher'),
  // Additive keys below: optional with defaults, so the contract's minimal block stays valid.
  /** PCE requests one poll may spend (window narrowing included); the rest continues on the next poll. */
  maxRequestsPerPoll: z.number().int().min(1).max(1000).default(60),
  /** Per-request timeout in seconds. */
  requestTimeout: z.number().int().min(1).max(600).default(30),
  /** Largest answer accepted, in bytes (10 000 events of a full window fit); larger ones fail as invalid-response. */
  maxResponseBytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(64 * 1024 * 1024),
  /** Resolve the workloads an event names to hostname and labels. */
  enrichWorkloads: z.boolean().default(true),
  /** Seconds a resolved workload (or label) is reused before it is read again. */
  enrichTtl: z.number().int().min(0).default(3600),
  /** Workload/VEN/label look-ups one poll may spend; the rest of the cards go without enrichment. */
  maxLookupsPerPoll: z.number().int().min(0).max(500).default(25),
});
export type IllumioConfig = z.infer<typeof illumioConfigSchema>;
export type WatcherConfig = z.infer<typeof watcherSchema>;
