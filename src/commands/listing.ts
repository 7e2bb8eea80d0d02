/**
 * What /alerts and /inventory share: a list read once, stored as a view (paging.ts), shown a page at a time in
 * the message with Previous/Next buttons, and sent whole as CSV + JSON by the Export button.
 *
 * A command builds its view data and calls `open`; its renderer draws one page and closes it with
 * `pageControls`. Every press re-checks the presser's role and the chat the view belongs to, re-renders from the
 * stored rows in the presser's language, and never queries the vendor again.
 *
 * Pages are planned once, when the view is saved: at most `pageSize` rows, and no more text than one Telegram
 * message holds. The plan counts the rows' own text (not translated) plus a generous allowance per translated
 * line, so it does not depend on the language of whoever presses later, and a page is never split into two
 * messages (a split page would leave the first part stale when the buttons edit the second).
 */
import { z } from 'zod';
import { satisfies, type Requirement } from '../core/access.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { ActionHandler, ActionResult, CommandContext, Store } from '../core/ports.js';
import { lineText, type Button, type DocumentFile, type Line, type Reply } from '../core/reply.js';
import { createViewStore, pagingButtons, viewPayloadSchema, type View, type ViewKind, type ViewStore } from './paging.js';
import { cappedNames, MAX_NOTES, tenantNoteSchema, tenantNotes } from './tenants.js';

export type Translate = CommandContext['t'];

/** Dependencies and tuning common to the listing commands. */
export interface ListingDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timezone: string;
  /** How long paging and export buttons work (seconds, default 6 h). */
  readonly viewTtlSeconds?: number;
  /** Items per page in the message. */
  readonly pageSize?: number;
  /** Vendor pages read per tenant; beyond that the answer says the list was cut. */
  readonly maxPagesPerTenant?: number;
  /** Rows kept for paging and export; the counts always cover everything read. */
  readonly maxRows?: number;
}

export interface PageOptions {
  readonly timezone: string;
  readonly pageSize: number;
  readonly ttlSeconds: number;
}

export interface ListingSpec<T> {
  /** Command name, button action and view kind at once (`alerts` → `/alerts`). */
  readonly kind: ViewKind;
  readonly requires: Requirement;
  readonly schema: z.ZodType<T>;
  readonly defaultPageSize: number;
  /** Text units of each row on a page (with its heading when it starts a new group) and of page 1's summary. */
  plan(data: T): { readonly rows: readonly number[]; readonly header: number };
  render(view: View<T>, page: number, t: Translate, options: PageOptions): Reply;
  exportDocuments(view: View<T>, t: Translate, now: Date): { readonly caption: string; readonly documents: readonly DocumentFile[] };
}

export interface Listing<T> {
  readonly action: ActionHandler;
  readonly views: ViewStore;
  readonly options: PageOptions;
  /** Stores the data for the buttons and answers with its first page. */
  open(data: T, ctx: CommandContext): Promise<Reply>;
}

const DEFAULT_VIEW_TTL_S = 6 * 3600;
export const DEFAULT_MAX_ROWS = 20_000;

export function createListing<T>(deps: ListingDeps, spec: ListingSpec<T>): Listing<T> {
  const ttlSeconds = deps.viewTtlSeconds ?? DEFAULT_VIEW_TTL_S;
  const options: PageOptions = { timezone: deps.timezone, pageSize: deps.pageSize ?? spec.defaultPageSize, ttlSeconds };
  const views = createViewStore(deps.store, deps.clock, ttlSeconds);
  const command = `/${spec.kind}`;

  const action: ActionHandler = {
    action: spec.kind,
    requires: spec.requires,
    async handle(payload, ctx): Promise<ActionResult> {
      if (!satisfies(ctx.actor.role, spec.requires)) return { toast: ctx.t('error-forbidden'), alert: true };
      const gone: ActionResult = { toast: ctx.t('ondemand-view-gone', { command }), alert: true };
      const parsed = viewPayloadSchema.safeParse(payload);
      if (!parsed.success) return gone;
      const found = await views.load(parsed.data.id, spec.kind, spec.schema);
      if (found.kind === 'expired') return { toast: ctx.t('ondemand-view-expired', { command }), alert: true };
      // The platform binds button tokens to a chat already; the view says the same, so a leaked id is useless elsewhere.
      if (found.kind === 'missing' || found.view.chatId !== ctx.actor.chat.id) return gone;
      if ('p' in parsed.data) return { edit: spec.render(found.view, parsed.data.p, ctx.t, options) };
      const { caption, documents } = spec.exportDocuments(found.view, ctx.t, deps.clock.now());
      return { toast: ctx.t('ondemand-export-sent'), reply: { lines: [caption], documents } };
    },
  };

  return {
    action,
    views,
    options,
    async open(data, ctx) {
      const units = spec.plan(data);
      const starts = pageStarts(units.rows, options.pageSize, units.header);
      const view = await views.save(spec.kind, { chatId: ctx.actor.chat.id, userId: ctx.actor.userId }, data, starts);
      return spec.render(view, 0, ctx.t, options);
    },
  };
}

/** Telegram's limit is 4096 UTF-16 units per message; the rest is margin for estimates and longer languages. */
export const PAGE_UNITS = 3500;
/** Allowance for a translated line (labels, headings) on top of the data it shows. */
export const LINE_UNITS = 140;

/**
 * The first row of each page: at most `pageSize` rows and `PAGE_UNITS` per page, page 1 holding `header` units
 * fewer (its summary). Each page also keeps one `LINE_UNITS` for the heading it restarts with and its footer.
 * When the summary leaves no room, page 1 is the summary alone. A single row always fits a page of its own.
 */
export function pageStarts(rows: readonly number[], pageSize: number, header: number): number[] {
  const starts = [0];
  let used = header + 2 * LINE_UNITS;
  let count = 0;
  rows.forEach((units, i) => {
    if (count >= pageSize || used + units > PAGE_UNITS) {
      if (count > 0 || starts.length === 1) {
        starts.push(i);
        used = 2 * LINE_UNITS;
        count = 0;
      }
    }
    used += units;
    count++;
  });
  return starts;
}

/** Pages of `size` rows each, for lists of short, equal rows (a keyboard of tenants). */
export function evenStarts(rows: number, size: number): number[] {
  return Array.from({ length: Math.max(1, Math.ceil(rows / size)) }, (_, i) => i * size);
}

/** The rows of page `requested` (0-based, clamped to the pages there are). */
export function pageSlice<R>(rows: readonly R[], requested: number, starts: readonly number[]): { readonly page: number; readonly pages: number; readonly items: readonly R[] } {
  const pages = Math.max(1, starts.length);
  const page = Math.min(Math.max(0, Math.trunc(requested)), pages - 1);
  return { page, pages, items: rows.slice(starts[page] ?? 0, starts[page + 1] ?? rows.length) };
}

/** Units of a line as Telegram counts them (the renderer escapes markup, which Telegram does not count). */
export function lineUnits(line: Line): number {
  return lineText(line).length + 1;
}

/** The "Page n of m" line (when there is more than one) and the Previous/Next/Export buttons of a page. */
export function pageControls(
  kind: ViewKind,
  view: Pick<View<unknown>, 'id'>,
  at: { readonly page: number; readonly pages: number },
  t: Translate,
  options: PageOptions,
): { readonly lines: Line[]; readonly buttons: Button[][] } {
  const labels = { previous: t('ondemand-button-previous'), next: t('ondemand-button-next'), export: t('ondemand-button-export') };
  return {
    lines: at.pages > 1 ? ['', t('ondemand-page', { page: at.page + 1, pages: at.pages })] : [],
    buttons: pagingButtons(kind, view.id, at.page, at.pages, options.ttlSeconds, labels, true),
  };
}

/** Fields of a stored view that say what is missing from it: failed, skipped and cut-short tenants, bad items. */
export const gapsShape = {
  failures: z.array(tenantNoteSchema),
  skipped: z.array(tenantNoteSchema),
  /** Tenants whose list was cut at `maxPagesPerTenant`. */
  truncated: z.array(z.string()),
  /** Items that failed validation and were left out. */
  invalid: z.number(),
  /** All rows found when the stored list was cut to `maxRows` (the counts stay complete). */
  cut: z.number().optional(),
};
type Gaps = z.infer<z.ZodObject<typeof gapsShape>>;

/** At most `maxRows` rows, and the full count when some were left out. */
export function keepRows<R>(rows: readonly R[], maxRows: number): { readonly rows: R[]; readonly cut?: number } {
  return { rows: rows.slice(0, maxRows), ...(rows.length > maxRows ? { cut: rows.length } : {}) };
}

/** How many lines `gapLines` writes. */
export function gapLineCount(d: Gaps): number {
  const capped = (n: number): number => Math.min(n, MAX_NOTES) + (n > MAX_NOTES ? 1 : 0);
  return capped(d.failures.length) + capped(d.skipped.length) + capped(d.truncated.length) + (d.cut !== undefined ? 1 : 0) + (d.invalid > 0 ? 1 : 0);
}

/** The warning lines for a view's gaps, with the command's own Fluent ids for the three row-level ones. */
export function gapLines(
  d: Gaps & { readonly rows: readonly unknown[] },
  keys: { readonly truncated: string; readonly cut: string; readonly invalid: string },
  t: Translate,
): string[] {
  return [
    ...tenantNotes(d.failures, d.skipped, t),
    ...cappedNames(d.truncated, (tenant) => `⚠️ ${t(keys.truncated, { tenant })}`, t),
    ...(d.cut !== undefined ? [`⚠️ ${t(keys.cut, { shown: d.rows.length, count: d.cut })}`] : []),
    ...(d.invalid > 0 ? [`⚠️ ${t(keys.invalid, { count: d.invalid })}`] : []),
  ];
}
