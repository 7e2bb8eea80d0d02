/**
 * The MaxPatrol cursor, stored by the pipeline as an opaque string:
 * - `created`: the largest creation time seen (ISO, ms), never moved backwards;
 * - `from` + `offset`: only while a poll stopped at the page cap, the window and position to continue from,
 *   so a backlog larger than one poll always makes progress even when many incidents share a millisecond.
 */
import { z } from 'zod';
import { formatMpTime, parseMpTime } from './time.js';

export interface MpCursor {
  readonly createdMs?: number;
  readonly fromMs?: number;
  readonly offset?: number;
}

const cursorSchema = z.object({
  created: z.string().optional(),
  from: z.string().optional(),
  offset: z.number().int().min(0).optional(),
});

/** `undefined` for no cursor; `'invalid'` when a stored cursor cannot be read (the caller starts afresh). */
export function parseCursor(text: string | undefined): MpCursor | undefined | 'invalid' {
  if (text === undefined || text === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'invalid';
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) return 'invalid';
  const created = parsed.data.created === undefined ? undefined : parseMpTime(parsed.data.created);
  const from = parsed.data.from === undefined ? undefined : parseMpTime(parsed.data.from);
  if ((parsed.data.created !== undefined && !created) || (parsed.data.from !== undefined && !from)) return 'invalid';
  return {
    ...(created ? { createdMs: created.ms } : {}),
    ...(from ? { fromMs: from.ms, offset: parsed.data.offset ?? 0 } : {}),
  };
}

export function serializeCursor(cursor: MpCursor): string | undefined {
  const out: Record<string, string | number> = {};
  if (cursor.createdMs !== undefined) out.created = formatMpTime(cursor.createdMs);
  if (cursor.fromMs !== undefined) {
    out.from = formatMpTime(cursor.fromMs);
    out.offset = cursor.offset ?? 0;
  }
  return Object.keys(out).length ? JSON.stringify(out) : undefined;
}
