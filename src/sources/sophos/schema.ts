/**
 * zod schemas for Sophos Central and SophosLabs Intelix answers.
 *
 * Real data leaves any field out, sends `{}` or `null` (see fixtures/sophos/endpoints-sekoia-*.json), so
 * every optional field falls back to `undefined` on a wrong type (`.catch`) instead of rejecting the item.
 * Only what an item cannot live without (alert id and time, endpoint id, site id and url) is required; an
 * item missing those is quarantined alone. Envelopes (`items` must be an array) are strict: a wrong envelope
 * fails the whole call as `invalid-response`.
 */
import { z } from 'zod';

const str = z.string().optional().catch(undefined);
const bool = z.boolean().optional().catch(undefined);
const num = z.number().optional().catch(undefined);
const strList = z
  .array(z.unknown())
  .transform((xs) => xs.filter((x): x is string => typeof x === 'string'))
  .optional()
  .catch(undefined);
/** Keys and ids are opaque strings, though some answers carry numbers. */
const key = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .optional()
  .catch(undefined);

/**
 * Central times look like `2020-11-04T09:31:17.546Z`; an older Postman sample has no `Z`, which means UTC.
 * Normalised to ISO-8601 UTC; an unparseable time rejects the item.
 */
export const centralTime = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  const withZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(trimmed) ? trimmed : `${trimmed}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'not a time' });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

// ------------------------------------------------------------------ auth, whoami, tenants

export const centralTokenSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional().catch(undefined),
  token_type: str,
  errorCode: str,
});

export const centralErrorSchema = z.looseObject({
  error: str,
  errorCode: str,
  message: str,
  correlationId: str,
  requestId: str,
  code: str,
});

export const whoamiSchema = z.looseObject({
  id: z.string().min(1),
  idType: z.enum(['tenant', 'partner', 'organization']),
  apiHosts: z
    .looseObject({ global: str, dataRegion: str })
    .optional()
    .catch(undefined),
});
export type Whoami = z.infer<typeof whoamiSchema>;

export const pagesSchema = z
  .looseObject({
    current: num,
    size: num,
    total: num,
    items: num,
    maxSize: num,
    fromKey: key,
    nextKey: key,
  })
  .optional()
  .catch(undefined);

/** Every list answer: `items` must be an array; each item is validated on its own. */
export const listEnvelopeSchema = z.looseObject({
  items: z.array(z.unknown()),
  pages: pagesSchema,
});

export const tenantItemSchema = z.looseObject({
  id: z.string().min(1),
  name: str,
  showAs: str,
  dataGeography: str,
  dataRegion: str,
  billingType: str,
  apiHost: str,
  status: str,
});
export type TenantItem = z.infer<typeof tenantItemSchema>;

// ------------------------------------------------------------------ alerts

const ref = z.looseObject({ id: str, name: str, type: str }).optional().catch(undefined);

export const alertSchema = z.looseObject({
  id: z.string().min(1),
  raisedAt: centralTime,
  severity: str,
  category: str,
  product: str,
  type: str,
  description: str,
  groupKey: str,
  managedAgent: ref,
  person: ref,
  tenant: ref,
  allowedActions: strList,
});
export type SophosAlert = z.infer<typeof alertSchema>;

// ------------------------------------------------------------------ endpoints

const endpointHealthSchema = z
  .looseObject({
    overall: str,
    threats: z.looseObject({ status: str }).optional().catch(undefined),
    services: z
      .looseObject({
        status: str,
        serviceDetails: z
          .array(z.looseObject({ name: str, status: str }))
          .optional()
          .catch(undefined),
      })
      .optional()
      .catch(undefined),
  })
  .optional()
  .catch(undefined);

export const endpointSchema = z.looseObject({
  id: z.string().min(1),
  type: str,
  hostname: str,
  tenant: ref,
  health: endpointHealthSchema,
  os: z
    .looseObject({
      isServer: bool,
      platform: str,
      name: str,
      majorVersion: num,
      minorVersion: num,
      build: num,
    })
    .optional()
    .catch(undefined),
  ipv4Addresses: strList,
  ipv6Addresses: strList,
  macAddresses: strList,
  group: ref,
  associatedPerson: z.looseObject({ id: str, name: str, viaLogin: str }).optional().catch(undefined),
  tamperProtectionEnabled: bool,
  tamperProtectionSupported: bool,
  assignedProducts: z
    .array(z.looseObject({ code: str, version: str, status: str }))
    .optional()
    .catch(undefined),
  lastSeenAt: centralTime.optional().catch(undefined),
  online: bool,
  isolation: z
    .looseObject({ status: str, adminIsolated: bool, selfIsolated: bool })
    .optional()
    .catch(undefined),
});
export type SophosEndpoint = z.infer<typeof endpointSchema>;

// ------------------------------------------------------------------ local sites, categories

export const localSiteSchema = z.looseObject({
  id: z.string().min(1),
  url: z.string().min(1),
  categoryId: num,
  tags: strList,
  comment: str,
});
export type LocalSite = z.infer<typeof localSiteSchema>;

/** Postman shows `{"deleted": true}`; demisto's sample has the string "True" (connector bug 8 compared strings). */
export const deleteResultSchema = z.looseObject({
  deleted: z.union([z.boolean(), z.string()]).transform((v) => v === true || (typeof v === 'string' && v.toLowerCase() === 'true')),
});

export const webCategorySchema = z.looseObject({
  id: z.number(),
  name: str,
  label: str,
});
export type WebCategory = z.infer<typeof webCategorySchema>;

/** The categories call answers a bare array; items are kept when valid. */
export const webCategoriesSchema = z.array(z.unknown());

// ------------------------------------------------------------------ Intelix

export const intelixTokenSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional().catch(undefined),
});

export const intelixUrlLookupSchema = z.looseObject({
  correlationId: str,
  requestId: str,
  productivityCategory: str,
  securityCategory: str,
  riskLevel: str,
  ttl: num,
});
export type IntelixUrlAnswer = z.infer<typeof intelixUrlLookupSchema>;

export const intelixIpLookupSchema = z.looseObject({
  correlationId: str,
  requestId: str,
  // A list per the API; a lone string is accepted as a list of one.
  category: z
    .union([z.array(z.unknown()), z.string()])
    .transform((v) => (typeof v === 'string' ? [v] : v.filter((x): x is string => typeof x === 'string')))
    .optional()
    .catch(undefined),
  ttl: num,
});
export type IntelixIpAnswer = z.infer<typeof intelixIpLookupSchema>;

export const intelixMessageSchema = z.looseObject({ message: str });

/** Short, value-free description of why an item failed validation (paths and messages only). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`)
    .join('; ');
}
