/**
 * zod schemas for the IBM SOAR answers socbot reads. Tolerant on purpose: servers of different versions add
 * fields, and only the few fields below matter to us.
 */
import { z } from 'zod';

/** `GET /rest/session` (UserSessionDTO): the orgs the API key may use. */
export const sessionSchema = z
  .object({
    orgs: z.array(
      z
        .object({
          id: z.number().int(),
          name: z.string(),
          uuid: z.string().nullish(),
          enabled: z.boolean().nullish(),
        })
        .passthrough(),
    ),
  })
  .passthrough();

/** IncidentDTO (full or short): we only need the id. */
export const incidentSchema = z
  .object({
    id: z.number().int(),
    name: z.string().nullish(),
    properties: z.record(z.string(), z.unknown()).nullish(),
    plan_status: z.string().nullish(),
  })
  .passthrough();
export type SoarIncident = z.infer<typeof incidentSchema>;

/** `POST …/incidents/query_paged` (PagedResultsDTO). */
export const pagedIncidentsSchema = z
  .object({
    recordsTotal: z.number().nullish(),
    recordsFiltered: z.number().nullish(),
    data: z.array(incidentSchema),
  })
  .passthrough();

/** A type handle in an answer: an id, a name (handle_format=names) or an object with either. */
export const handleSchema = z.union([
  z.number(),
  z.string(),
  z.object({ id: z.number().nullish(), name: z.string().nullish() }).passthrough(),
]);

export const artifactSchema = z
  .object({
    id: z.number().int(),
    type: handleSchema.nullish(),
    value: z.string().nullish(),
  })
  .passthrough();

/** `POST …/artifacts` echoes the artifact and any created automatically: an object or an array. */
export const createdArtifactsSchema = z.union([artifactSchema, z.array(artifactSchema)]);

/** `GET …/artifacts`. */
export const artifactListSchema = z.array(artifactSchema);

export const cellSchema = z.object({ value: z.unknown().optional() }).passthrough();

/** `POST …/table_data/{table}/row_data`. */
export const tableRowSchema = z
  .object({
    id: z.number().int(),
    cells: z.record(z.string(), cellSchema).nullish(),
  })
  .passthrough();

/** `GET …/table_data/{table}` (DataTableDTO). */
export const tableDataSchema = z
  .object({
    rows: z.array(tableRowSchema).nullish(),
  })
  .passthrough();

export const selectValueSchema = z
  .object({
    value: z.union([z.number(), z.string()]),
    label: z.string(),
    enabled: z.boolean().nullish(),
  })
  .passthrough();

/** A field definition (`…/types/incident/fields/<name>`, and each column of a data table type). */
export const fieldSchema = z
  .object({
    name: z.string(),
    input_type: z.string().nullish(),
    required: z.string().nullish(),
    values: z.array(selectValueSchema).nullish(),
  })
  .passthrough();

/** `GET …/types/artifact` and `GET …/types/{table}`: a type with its fields. */
export const typeSchema = z
  .object({
    type_name: z.string().nullish(),
    fields: z.record(z.string(), fieldSchema),
  })
  .passthrough();

/** StatusDTO, the body of a SOAR error answer. */
export const statusSchema = z
  .object({
    success: z.boolean().nullish(),
    title: z.string().nullish(),
    message: z.string().nullish(),
    error_code: z.string().nullish(),
  })
  .passthrough();
