import { z } from 'zod';
import { caFile, secret, url } from '../../config/common.js';

/** A SOAR select handle: the numeric id or the display name (the server resolves names). */
const handle = z.union([z.number().int(), z.string().min(1)]);

/**
 * Where a Data Table cell takes its value from, tried in order until one is non-empty:
 * `title`, `id`, `time` (ISO text), `timeMs` (epoch ms, for datetime columns), `severity`,
 * `host`/`ip`/`user`/`url`/`hash` (the sub-event's first asset of that kind), `hosts`/`ips`/`users`/`urls`/`hashes`
 * (all of them, comma-separated), or `detail:<key>` (a key of the sub-event's `details`).
 */
export const cellSource = z
  .string()
  .regex(/^(title|id|time|timeMs|severity|host|ip|user|url|hash|hosts|ips|users|urls|hashes|detail:.+)$/, 'unknown cell source');

/** The original ELK → SOAR connector's columns (see README.md for how each is filled). */
export const DEFAULT_COLUMNS: Record<string, string[]> = {
  event_name: ['detail:rule', 'title'],
  hostname: ['detail:host', 'detail:host.name', 'host'],
  source_ip: ['detail:source.ip', 'ip'],
  destination_ip: ['detail:destination.ip'],
  message: ['detail:message', 'title'],
  event_action: ['detail:event.action'],
  event_outcome: ['detail:event.outcome'],
  elk_alert_url: ['detail:link', 'detail:url', 'url'],
};

export const DEFAULT_SEVERITIES = { critical: 'High', high: 'High', medium: 'Medium', low: 'Low', info: 'Low' } as const;

export const soarConfigSchema = z.object({
  url,
  org: z.union([z.number().int(), z.string().min(1)]),
  apiKeyId: secret,
  apiKeySecret: secret,
  dataTable: z.string().min(1).default('event_information'),
  dryRun: z.boolean().default(false),
  caFile,
  /** Client certificate and key (PEM files) for a SOAR behind mutual TLS; both or neither. */
  certFile: caFile,
  keyFile: caFile,
  /** Incident type ids or names set on created incidents. */
  incidentTypes: z.array(z.union([z.number().int(), z.string().min(1)])).default([]),
  /** API name of the custom incident field that carries socbot's dedupe key. */
  dedupeField: z.string().min(1).default('socbot_key'),
  concurrency: z.number().int().min(1).max(32).default(8),
  // ---- added by the SOAR forwarder (all optional with defaults) ----
  /** Seconds one SOAR request may take before it counts as failed (a create is then reconciled by key). */
  timeout: z.number().min(0.05).default(30),
  /** Tries per SOAR call for transient failures (5xx, 429, timeouts, network) before giving up. */
  attempts: z.number().int().min(1).max(10).default(3),
  /** Seconds before the first retry; doubles on each further try. */
  retryDelay: z.number().min(0).default(2),
  /** socbot severity → SOAR `severity_code` handle. SOAR has no Critical by default. */
  severities: z
    .object({ critical: handle, high: handle, medium: handle, low: handle, info: handle })
    .partial()
    .default({}),
  /** Data Table column API name → cell sources (see `cellSource`). Replaces the default mapping when given. */
  columns: z.record(z.string().min(1), z.union([cellSource, z.array(cellSource).min(1)])).optional(),
}).superRefine((v, ctx) => {
  if ((v.certFile === undefined) !== (v.keyFile === undefined)) {
    ctx.addIssue({ code: 'custom', path: [v.certFile === undefined ? 'certFile' : 'keyFile'], message: 'certFile and keyFile go together' });
  }
});
export type SoarConfig = z.infer<typeof soarConfigSchema>;
