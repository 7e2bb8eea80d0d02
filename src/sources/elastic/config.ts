import { z } from 'zod';
import { caFile, pollInterval, secret, url } from '../../config/common.js';

export const elasticConfigSchema = z
  .object({
    url,
    apiKey: secret.optional(),
    username: z.string().min(1).optional(),
    password: secret.optional(),
    index: z.string().min(1).default('.internal.alerts-security.alerts-default-*'),
    rulePrefixes: z.array(z.string().min(1)).default([]),
    tags: z.array(z.string().min(1)).default([]),
    pollInterval,
    caFile,
    lookback: z.number().int().min(0).default(300),
    initialLookback: z.number().int().min(0).default(3600),
    pageSize: z.number().int().min(1).max(10_000).default(500),
  })
  .superRefine((v, ctx) => {
    if (!v.apiKey && !(v.username && v.password)) {
      ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'required (or username + password)' });
    }
    if (v.rulePrefixes.length === 0 && v.tags.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['rulePrefixes'], message: 'set rulePrefixes or tags, otherwise no alert matches' });
    }
  });
export type ElasticConfig = z.infer<typeof elasticConfigSchema>;
