/**
 * Shapes of what the PCE answers, validated tolerantly: real events vary by PCE version and event type, so only
 * the fields socbot relies on are required and everything else passes through untouched (it stays in `raw`).
 */
import { z } from 'zod';

/**
 * RFC 3339 as the PCE writes it (`2026-09-11T09:05:05.941Z`). A time without an offset is read as UTC rather than
 * as the host's local time, so a misconfigured proxy cannot shift the watermark by the host's zone.
 */
export function parsePceTime(value: string): number | undefined {
  const text = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(text)) return undefined;
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? undefined : ms;
}

const pceTime = z.string().refine((v) => parsePceTime(v) !== undefined, 'must be an RFC 3339 timestamp');

const hrefRef = z.looseObject({ href: z.string().optional() });

export const actionSchema = z.looseObject({
  uuid: z.string().nullish(),
  api_endpoint: z.string().nullish(),
  api_method: z.string().nullish(),
  http_status_code: z.number().nullish(),
  src_ip: z.string().nullish(),
});

export const resourceChangeSchema = z.looseObject({
  uuid: z.string().nullish(),
  resource: z.record(z.string(), z.unknown()).nullish(),
  changes: z.record(z.string(), z.unknown()).nullish(),
  change_type: z.string().nullish(),
});

export const notificationSchema = z.looseObject({
  uuid: z.string().nullish(),
  notification_type: z.string().nullish(),
  info: z.record(z.string(), z.unknown()).nullish(),
});

/** One audit event. `href` (unique) and `timestamp`/`event_type` are what dedupe, watermark and watchers need. */
export const eventSchema = z.looseObject({
  href: z.string().regex(/^\/[A-Za-z0-9_/-]+$/, 'must be a PCE href'),
  timestamp: pceTime,
  event_type: z.string().min(1).max(200),
  status: z.string().nullish(),
  severity: z.string().nullish(),
  pce_fqdn: z.string().nullish(),
  created_by: z.record(z.string(), z.unknown()).nullish(),
  action: actionSchema.nullish(),
  resource_changes: z.array(resourceChangeSchema).nullish(),
  notifications: z.array(notificationSchema).nullish(),
});
export type IllumioEvent = z.infer<typeof eventSchema>;

/** The events endpoint answers a JSON array; items are validated one by one so one bad event cannot sink a page. */
export const eventsPageSchema = z.array(z.unknown());

export const labelSchema = z.looseObject({
  href: z.string(),
  key: z.string().nullish(),
  value: z.string().nullish(),
});

const interfaceSchema = z.looseObject({
  name: z.string().nullish(),
  address: z.string().nullish(),
  loopback: z.boolean().nullish(),
});

/** `GET /api/v2/orgs/{org}/workloads/{id}`; older PCEs return labels as bare `{href}` references. */
export const workloadSchema = z.looseObject({
  href: z.string(),
  hostname: z.string().nullish(),
  name: z.string().nullish(),
  public_ip: z.string().nullish(),
  labels: z.array(z.looseObject({ href: z.string().optional(), key: z.string().nullish(), value: z.string().nullish() })).nullish(),
  interfaces: z.array(interfaceSchema).nullish(),
  ven: hrefRef.nullish(),
});
export type Workload = z.infer<typeof workloadSchema>;

/** `GET /api/v2/orgs/{org}/vens/{id}`: the VEN names its host and (usually one) workload. */
export const venSchema = workloadSchema.extend({
  workloads: z.array(hrefRef).nullish(),
});
export type Ven = z.infer<typeof venSchema>;
