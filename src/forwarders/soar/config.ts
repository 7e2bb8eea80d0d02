import { z } from 'zod';
import { caFile, secret, url } from '../../config/common.js';

export const soarConfigSchema = z.object({
  url,
  org: z.union([z.number().int(), z.string().min(1)]),
  apiKeyId: secret,
  apiKeySecret: secret,
  dataTable: z.string().min(1).default('event_information'),
  dryRun: z.boolean().default(false),
  caFile,
  /** Incident type ids or names set on created incidents. */
  incidentTypes: z.array(z.union([z.number().int(), z.string().min(1)])).default([]),
  /** API name of the custom incident field that carries socbot's dedupe key. */
  dedupeField: z.string().min(1).default('socbot_key'),
  concurrency: z.number().int().min(1).max(32).default(8),
});
export type SoarConfig = z.infer<typeof soarConfigSchema>;
