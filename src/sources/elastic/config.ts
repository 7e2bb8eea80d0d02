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
    /** Kibana base URL (https://kibana.example.org:5601) for alert links when an alert has no `kibana.alert.url`. */
    kibanaUrl: url.optional(),
    /** Pages read per poll at most; the rest is read by an immediate follow-up poll (`more`). */
    maxPagesPerPoll: z.number().int().min(1).max(1000).default(20),
    /** Seconds one Elasticsearch request may take. */
    timeoutSeconds: z.number().int().min(1).max(600).default(30),
    /** Largest response body accepted; a larger one fails the poll as invalid-response instead of exhausting memory. */
    maxResponseBytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(64 * 1024 * 1024),
    /** Rule names and rule tags are keywords; by default socbot matches them case-insensitively (tri = TRI). */
    caseSensitive: z.boolean().default(false),
    /** Days the group → main alert record is kept, so late building blocks still find their incident. */
    groupRetentionDays: z.number().int().min(1).max(3650).default(30),
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
