import { z } from 'zod';
import { caFile, pollInterval, secret, severity, url } from '../../config/common.js';

export const watcherSchema = z.object({
  /** Exact event type or a `*` wildcard pattern. */
  eventType: z.string().min(1),
  /** `success`, `failure` or `*` (any, including null). */
  status: z.enum(['success', 'failure', '*']).default('*'),
  /** Field matchers by dot path: exact, `*`, `!negation`, `a|b`, or `/regex/`. */
  fields: z.record(z.string(), z.string()).optional(),
  severity: severity.optional(),
  /** `N/1h`, `N/24h`, `0/1h` mutes. */
  throttle: z
    .string()
    .regex(/^\d+\/(1h|24h)$/, 'must look like N/1h or N/24h')
    .optional(),
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
});
export type IllumioConfig = z.infer<typeof illumioConfigSchema>;
export type WatcherConfig = z.infer<typeof watcherSchema>;
