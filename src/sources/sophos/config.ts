import { z } from 'zod';
import { caFile, pollInterval, secret, url } from '../../config/common.js';

export const sophosConfigSchema = z.object({
  clientId: secret,
  clientSecret: secret,
  authUrl: url.default('https://id.sophos.com'),
  apiUrl: url.default('https://api.central.sophos.com'),
  pollInterval,
  caFile,
  lookback: z.number().int().min(0).default(300),
  initialLookback: z.number().int().min(0).default(3600),
});
export type SophosConfig = z.infer<typeof sophosConfigSchema>;

export const intelixConfigSchema = z.object({
  clientId: secret,
  clientSecret: secret,
  authUrl: url.default('https://api.labs.sophos.com'),
  apiUrl: url.default('https://de.api.labs.sophos.com'),
  caFile,
});
export type IntelixConfig = z.infer<typeof intelixConfigSchema>;
