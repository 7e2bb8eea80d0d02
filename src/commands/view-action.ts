/**
 * The button handler shared by /alerts and /inventory: Previous/Next re-render a stored page, Export sends the
 * stored rows as CSV and JSON. Every press re-checks the presser's role and the chat the view belongs to.
 */
import { satisfies, type Requirement } from '../core/access.js';
import type { ActionContext, ActionHandler, ActionResult } from '../core/ports.js';
import type { DocumentFile, Reply } from '../core/reply.js';
import type { z } from 'zod';
import { viewPayloadSchema, type View, type ViewKind, type ViewStore } from './paging.js';

export interface ViewActionSpec<T> {
  readonly action: string;
  readonly kind: ViewKind;
  readonly command: string;
  readonly requires: Requirement;
  readonly schema: z.ZodType<T>;
  readonly views: ViewStore;
  render(view: View<T>, page: number, ctx: ActionContext): Reply;
  exportDocuments(view: View<T>, ctx: ActionContext): { readonly caption: string; readonly documents: readonly DocumentFile[] };
}

export function createViewAction<T>(spec: ViewActionSpec<T>): ActionHandler {
  return {
    action: spec.action,
    requires: spec.requires,
    async handle(payload, ctx): Promise<ActionResult> {
      if (!satisfies(ctx.actor.role, spec.requires)) return { toast: ctx.t('error-forbidden'), alert: true };
      const parsed = viewPayloadSchema.safeParse(payload);
      if (!parsed.success) return { toast: ctx.t('ondemand-view-gone', { command: `/${spec.command}` }), alert: true };
      const found = await spec.views.load(parsed.data.id, spec.kind, spec.schema);
      if (found.kind === 'expired') return { toast: ctx.t('ondemand-view-expired', { command: `/${spec.command}` }), alert: true };
      if (found.kind === 'missing') return { toast: ctx.t('ondemand-view-gone', { command: `/${spec.command}` }), alert: true };
      const view = found.view;
      // The platform binds button tokens to a chat already; the view says the same, so a leaked id is useless elsewhere.
      if (view.chatId !== ctx.actor.chat.id) return { toast: ctx.t('ondemand-view-gone', { command: `/${spec.command}` }), alert: true };
      if ('p' in parsed.data) return { edit: spec.render(view, parsed.data.p, ctx) };
      const { caption, documents } = spec.exportDocuments(view, ctx);
      return { toast: ctx.t('ondemand-export-sent'), reply: { lines: [caption], documents } };
    },
  };
}
