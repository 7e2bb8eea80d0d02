/**
 * Shape checks for stored records. Deliberately shallow: they catch records of another shape or an old
 * version (which are then ignored with a warning) without re-validating every nested vendor field.
 */
import { z } from 'zod';
import type { AuditEntry } from '../core/ports.js';
import type { Incident } from '../core/incident.js';
import type { LedgerRecord } from '../core/pipeline.js';
import type { OutboxEntry } from '../core/outbox.js';
import type { JsonValue } from '../core/reply.js';

export const incidentRecord = z.custom<Incident>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Incident).source === 'string' &&
    typeof (v as Incident).sourceId === 'string' &&
    typeof (v as Incident).key === 'string' &&
    typeof (v as Incident).revision === 'number' &&
    Array.isArray((v as Incident).subEvents),
  'not an incident record',
);

export const outboxRecord = z.custom<OutboxEntry>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as OutboxEntry).id === 'string' &&
    typeof (v as OutboxEntry).destination === 'string' &&
    typeof (v as OutboxEntry).seq === 'number' &&
    ['pending', 'sent', 'dead'].includes((v as OutboxEntry).state),
  'not an outbox entry',
);

export const ledgerRecord: z.ZodType<LedgerRecord> = z.object({ state: z.literal('enqueued'), at: z.string() });

export const auditRecord: z.ZodType<AuditEntry> = z.object({
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  outcome: z.enum(['ok', 'refused', 'failed']),
  details: z.string().optional(),
});

export const stringRecord = z.string();

const json: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]),
);
export const jsonRecord = json;
