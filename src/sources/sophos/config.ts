import { z } from 'zod';
import { caFile, pollInterval, secret, url } from '../../config/common.js';

/** The documented Central data-region hosts (us01, eu01, …). Answers naming anything else are not called. */
export const DEFAULT_API_HOST_PATTERN = '^https://api-[a-z]{2}[0-9]{2}\\.central\\.sophos\\.com$';

const regex = z.string().refine((v) => {
  try {
    new RegExp(v);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

export const sophosConfigSchema = z.object({
  clientId: secret,
  clientSecret: secret,
  authUrl: url.default('https://id.sophos.com'),
  apiUrl: url.default('https://api.central.sophos.com'),
  pollInterval,
  caFile,
  lookback: z.number().int().min(0).default(300),
  initialLookback: z.number().int().min(0).default(3600),
  // Additive keys below: all optional with defaults, so the contract's minimal block stays valid.
  /** Seconds the tenant list (whoami + partner/organization tenants) is reused before it is read again. */
  tenantCacheTtl: z.number().int().min(0).default(300),
  /** Alert pages read per tenant per poll; the rest is read on the next poll (resumed with its page key). */
  maxPages: z.number().int().min(1).max(1000).default(20),
  /** Longest Retry-After (seconds) waited in place once; longer waits fail the call as rate-limited. */
  maxRetryWait: z.number().int().min(0).default(10),
  /** Tenants polled in parallel (calls within one tenant stay sequential). */
  concurrency: z.number().int().min(1).max(16).default(4),
  /** Look up the endpoint of an alert (hostname, IPs); cached, and skipped for tenants that answer 403. */
  enrichEndpoints: z.boolean().default(true),
  /** Which per-tenant API hosts taken from Sophos answers may be called (they are outbound URLs). */
  apiHostPattern: regex.default(DEFAULT_API_HOST_PATTERN),
  /** Sophos Central console to link cards to; no link when unset (per-alert links are not derivable). */
  consoleUrl: url.optional(),
  /** Per-request timeout in seconds. */
  requestTimeout: z.number().int().min(1).max(600).default(30),
  /** Largest answer accepted, in bytes; a larger one is cut off and the call fails as invalid-response. */
  maxResponseBytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(20 * 1024 * 1024),
});
export type SophosConfig = z.infer<typeof sophosConfigSchema>;

export const intelixConfigSchema = z.object({
  clientId: secret,
  clientSecret: secret,
  authUrl: url.default('https://api.labs.sophos.com'),
  apiUrl: url.default('https://de.api.labs.sophos.com'),
  caFile,
  // Additive keys below.
  /** Lookups in flight at once in lookupMany. */
  concurrency: z.number().int().min(1).max(16).default(4),
  /** Longest Retry-After (seconds) waited in place once. */
  maxRetryWait: z.number().int().min(0).default(10),
  /** Per-request timeout in seconds. */
  requestTimeout: z.number().int().min(1).max(600).default(30),
  /** Largest answer accepted, in bytes. */
  maxResponseBytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(20 * 1024 * 1024),
});
export type IntelixConfig = z.infer<typeof intelixConfigSchema>;
