/**
 * Shapes of the MaxPatrol SIEM answers socbot reads. No vendor reference is public and real answers vary by
 * Core release, so every field but the incident id is optional and unknown keys are kept (they end up in `raw`).
 */
import { z } from 'zod';

/** Text fields that some Cores send as numbers or null. */
const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? undefined : String(v)));

const id = z.union([z.string().min(1), z.number()]).transform(String);

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const tokenErrorSchema = z.looseObject({
  error: z.string().optional(),
  error_description: z.string().optional(),
});

export const assignedSchema = z
  .looseObject({
    id: text,
    firstName: text,
    lastName: text,
  })
  .nullish()
  .catch(undefined);

/** The list envelope; items are validated one by one so a bad item is quarantined, not the page. */
export const incidentListSchema = z.looseObject({
  incidents: z.array(z.unknown()),
  totalItems: z.coerce.number().int().min(0).optional(),
});

export const incidentListItemSchema = z.looseObject({
  id,
  key: text,
  name: text,
  category: text,
  type: text,
  status: text,
  severity: text,
  created: text,
  assigned: assignedSchema,
  isConfirmed: z.boolean().nullish().catch(undefined),
});
export type IncidentListItem = z.infer<typeof incidentListItemSchema>;

/** Entries of `targets`/`attackers`: objects `{ id, name }` on read, plain strings in some bodies. */
const entitySchema = z.union([z.string(), z.looseObject({ id: text, name: text })]);
const entityList = z.array(entitySchema).nullish().catch(undefined);

export const entityGroupsSchema = z
  .looseObject({
    groups: entityList,
    assets: entityList,
    networks: entityList,
    addresses: entityList,
    others: entityList,
  })
  .nullish()
  .catch(undefined);
export type EntityGroups = NonNullable<z.infer<typeof entityGroupsSchema>>;

export const incidentCardSchema = z.looseObject({
  id: id.optional(),
  key: text,
  name: text,
  description: text,
  isConfirmed: z.boolean().nullish().catch(undefined),
  status: text,
  category: text,
  type: text,
  severity: text,
  created: text,
  detected: text,
  modified: text,
  assigned: assignedSchema,
  source: text,
  influence: text,
  targets: entityGroupsSchema,
  attackers: entityGroupsSchema,
  correlationRules: z
    .array(z.union([z.string(), z.looseObject({ correlationName: text })]))
    .nullish()
    .catch(undefined),
  correlationRuleNames: z.array(z.string()).nullish().catch(undefined),
});
export type IncidentCard = z.infer<typeof incidentCardSchema>;

export const incidentEventSchema = z.looseObject({
  id,
  date: text,
  description: text,
});
export type IncidentEvent = z.infer<typeof incidentEventSchema>;

export const incidentEventsSchema = z.array(z.unknown());

export const eventsCountSchema = z.looseObject({ count: z.coerce.number().int().min(0) });
