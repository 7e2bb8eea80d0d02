/**
 * Server-side state behind the paging and export buttons of /alerts and /inventory.
 *
 * A command fetches once, stores the normalised rows as a "view" (a store collection with a TTL) and puts only
 * the view id and a page number into the button payload. A press re-renders from the stored rows: nothing is
 * fetched from Sophos again, and a page looks the same to everyone who presses it (in their own language).
 * Expiry is decided by `expiresAt` against the injected clock; the store TTL only cleans up.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Button, JsonValue } from '../core/reply.js';
import type { Collection, Store } from '../core/ports.js';

export const VIEW_KINDS = ['alerts', 'inventory'] as const;
export type ViewKind = (typeof VIEW_KINDS)[number];

const viewRecordSchema = z.object({
  v: z.literal(1),
  kind: z.enum(VIEW_KINDS),
  chatId: z.string(),
  userId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** Index of the first row of each page, planned once when the view is saved (see listing.ts). */
  starts: z.array(z.number().int().min(0)).min(1),
  data: z.unknown(),
});
type ViewRecord = z.infer<typeof viewRecordSchema>;

export interface View<T> {
  readonly id: string;
  readonly kind: ViewKind;
  readonly chatId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly starts: readonly number[];
  readonly data: T;
}

export type ViewLookup<T> = { readonly kind: 'ok'; readonly view: View<T> } | { readonly kind: 'expired' } | { readonly kind: 'missing' };

export interface ViewStore {
  save<T>(kind: ViewKind, owner: { chatId: string; userId: string }, data: T, starts: readonly number[]): Promise<View<T>>;
  load<T>(id: string, kind: ViewKind, schema: z.ZodType<T>): Promise<ViewLookup<T>>;
}

export const VIEW_NAMESPACE = 'ondemand-views';
/** Extra time the record stays in the store after it expired, so a late press says "expired", not "unknown". */
const GRACE_MS = 24 * 3600_000;

export function createViewStore(store: Store, clock: Clock, ttlSeconds: number): ViewStore {
  const views: Collection<ViewRecord> = store.collection(VIEW_NAMESPACE, viewRecordSchema);
  return {
    async save(kind, owner, data, starts) {
      const id = randomBytes(9).toString('base64url');
      const now = clock.now();
      const record: ViewRecord = {
        v: 1,
        kind,
        chatId: owner.chatId,
        userId: owner.userId,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
        starts: [...starts],
        data,
      };
      await views.set(id, record, ttlSeconds * 1000 + GRACE_MS);
      return { id, kind, chatId: record.chatId, createdAt: record.createdAt, expiresAt: record.expiresAt, starts: record.starts, data };
    },
    async load(id, kind, schema) {
      const record = await views.get(id);
      if (!record || record.kind !== kind) return { kind: 'missing' };
      if (Date.parse(record.expiresAt) <= clock.now().getTime()) return { kind: 'expired' };
      const parsed = schema.safeParse(record.data);
      // A record written by an older shape is treated as gone rather than half-rendered.
      if (!parsed.success) return { kind: 'missing' };
      return { kind: 'ok', view: { id, kind, chatId: record.chatId, createdAt: record.createdAt, expiresAt: record.expiresAt, starts: record.starts, data: parsed.data } };
    },
  };
}

/** Payload of a paging or export press: the view id and either a page or the export flag. */
export const viewPayloadSchema = z.union([
  z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,32}$/), p: z.number().int().min(0).max(100_000) }),
  z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,32}$/), x: z.literal('export') }),
]);
export type ViewPayload = z.infer<typeof viewPayloadSchema>;

/** Previous/next and export buttons for page `page` (0-based) of `pages`. */
export function pagingButtons(
  action: string,
  viewId: string,
  page: number,
  pages: number,
  ttlSeconds: number,
  labels: { readonly previous: string; readonly next: string; readonly export: string },
  withExport: boolean,
): Button[][] {
  const rows: Button[][] = [];
  const nav: Button[] = [];
  const button = (text: string, payload: JsonValue): Button => ({ text, action, payload, ttlSeconds });
  if (page > 0) nav.push(button(labels.previous, { id: viewId, p: page - 1 }));
  if (page < pages - 1) nav.push(button(labels.next, { id: viewId, p: page + 1 }));
  if (nav.length > 0) rows.push(nav);
  if (withExport) rows.push([button(labels.export, { id: viewId, x: 'export' })]);
  return rows;
}
