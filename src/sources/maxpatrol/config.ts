import { z } from 'zod';
import { caFile, pollInterval, secret, url } from '../../config/common.js';

export const maxpatrolConfigSchema = z.object({
  url,
  authUrl: url,
  username: z.string().min(1, 'required'),
  password: secret,
  clientId: z.string().min(1).default('mpx'),
  clientSecret: secret,
  pollInterval,
  caFile,
  /** Seconds re-read behind the cursor so late-indexed incidents are not missed. */
  lookback: z.number().int().min(0).default(300),
  /** How far back the very first poll reaches. */
  initialLookback: z.number().int().min(0).default(3600),
  pageSize: z.number().int().min(1).max(500).default(50),
  /** Events fetched per incident for the card. */
  eventsLimit: z.number().int().min(0).max(1000).default(50),
  /** Pages read per poll; when reached the poll returns `more: true` and the next one continues. */
  maxPagesPerPoll: z.number().int().min(1).max(1000).default(20),
  /** OAuth scope of the password grant; `mpx.api` alone also works on some Cores. */
  scope: z.string().min(1).default('authorization offline_access mpx.api ptkb.api'),
  /** Per-request timeout in seconds. */
  requestTimeout: z.number().int().min(1).max(600).default(30),
  /** Largest answer accepted, in bytes; a larger one is cut off and the poll fails as invalid-response. */
  maxResponseBytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(20 * 1024 * 1024),
});
export type MaxpatrolConfig = z.infer<typeof maxpatrolConfigSchema>;
