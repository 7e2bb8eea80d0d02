/**
 * `/users` (admins): approved, pending, denied and banned users and chats, with buttons to approve, deny, ban,
 * revoke and change roles. The same operations work as text (`/users ban 123`, `/users role 123 viewer`) for
 * people who prefer typing. Every change goes through the approval service, which audits it.
 */
import { z } from 'zod';
import { ROLES, type Role } from '../core/access.js';
import type { AccessChange, ApprovalService, ChangeOutcome, SubjectKind } from '../core/approval.js';
import type { AccessStatus, ChatRecord, Directory, UserRecord } from '../core/directory.js';
import type { ActionHandler, CommandContext, CommandModule } from '../core/ports.js';
import type { Button, Line, Reply } from '../core/reply.js';

export const USERS_ACTION = 'users';
const PAGE_SIZE = 8;

export interface UsersDeps {
  readonly directory: Directory;
  readonly approvals: ApprovalService;
  readonly platform: string;
  readonly configAdmins: readonly string[];
  readonly formatTime: (iso: string) => string;
}

interface Entry {
  readonly kind: SubjectKind;
  readonly id: string;
  readonly name: string;
  readonly username?: string;
  readonly status: AccessStatus;
  readonly role?: Role;
  readonly configAdmin: boolean;
  readonly record: UserRecord | ChatRecord | undefined;
}

const STATUS_ICON: Record<AccessStatus, string> = { pending: '⏳', approved: '✅', denied: '🚫', banned: '⛔', none: '▫️' };
const STATUS_ORDER: Record<AccessStatus, number> = { pending: 0, approved: 1, denied: 2, banned: 3, none: 4 };

const kindSchema = z.enum(['user', 'chat']);
const payloadSchema = z.discriminatedUnion('v', [
  z.object({ v: z.literal('list'), page: z.number().int().min(0).max(10_000) }),
  z.object({ v: z.literal('show'), kind: kindSchema, id: z.string().max(40) }),
  z.object({ v: z.literal('op'), kind: kindSchema, id: z.string().max(40), op: z.enum(['approve', 'deny', 'ban', 'revoke']) }),
  z.object({ v: z.literal('role'), id: z.string().max(40), role: z.enum(ROLES) }),
]);
type Payload = z.infer<typeof payloadSchema>;

const ID = /^-?\d{1,20}$/;
const argsSchema = z.union([
  z.tuple([]),
  z.tuple([z.enum(['approve', 'deny', 'ban', 'revoke']), z.string().regex(ID)]),
  z.tuple([z.literal('role'), z.string().regex(ID), z.enum(ROLES)]),
]);

export function createUsersCommand(deps: UsersDeps): { command: CommandModule; action: ActionHandler } {
  const { directory, approvals, platform } = deps;
  const isConfigAdmin = (id: string): boolean => deps.configAdmins.includes(id);

  async function entries(): Promise<Entry[]> {
    const users = await directory.listUsers(platform);
    const chats = await directory.listChats(platform);
    const personal = new Set(users.map((u) => u.privateChatId).filter((id): id is string => id !== undefined));
    const out: Entry[] = [];
    for (const id of deps.configAdmins) {
      const user = users.find((u) => u.id === id);
      out.push({ kind: 'user', id, name: user?.name ?? id, ...(user?.username ? { username: user.username } : {}), status: 'approved', role: 'admin', configAdmin: true, record: user });
    }
    for (const user of users) {
      if (isConfigAdmin(user.id) || user.status === 'none') continue;
      out.push({ kind: 'user', id: user.id, name: user.name, ...(user.username ? { username: user.username } : {}), status: user.status, role: user.role, configAdmin: false, record: user });
    }
    for (const chat of chats) {
      if (chat.migratedTo !== undefined || chat.status === 'none') continue;
      if (chat.kind === 'private' && personal.has(chat.id)) continue;
      out.push({ kind: 'chat', id: chat.id, name: chat.title, status: chat.status, configAdmin: false, record: chat });
    }
    return out.sort((a, b) => (a.configAdmin === b.configAdmin ? STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.name.localeCompare(b.name) : a.configAdmin ? -1 : 1));
  }

  function entryLine(e: Entry, ctx: CommandContext): Line {
    const who = `${e.kind === 'user' ? '👤' : '👥'} `;
    const handle = e.username ? ` @${e.username}` : '';
    const state = e.configAdmin
      ? ctx.t('users-config-admin')
      : e.status === 'approved' && e.kind === 'user' && e.role
        ? ctx.t(`role-${e.role}`)
        : ctx.t(`users-status-${e.status}`);
    const inactive = e.kind === 'chat' && e.record && 'active' in e.record && !e.record.active ? ` · ${ctx.t('users-inactive')}` : '';
    return [`${STATUS_ICON[e.status]} ${who}`, e.name, `${handle} `, { code: e.id }, ` — ${state}${inactive}`];
  }

  function button(text: string, payload: Payload): Button {
    return { text, action: USERS_ACTION, payload, ttlSeconds: 24 * 3600 };
  }

  async function listView(page: number, ctx: CommandContext): Promise<Reply> {
    const all = await entries();
    const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
    const current = Math.min(page, pages - 1);
    const slice = all.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
    const lines: Line[] = [[{ b: ctx.t('users-title') }, pages > 1 ? ` ${ctx.t('users-page', { page: current + 1, pages })}` : '']];
    const counts = { pending: 0, approved: 0, denied: 0, banned: 0, none: 0 };
    for (const e of all) counts[e.status]++;
    lines.push(ctx.t('users-summary', { pending: counts.pending, approved: counts.approved, denied: counts.denied, banned: counts.banned }));
    lines.push('');
    for (const e of slice) lines.push(entryLine(e, ctx));
    if (all.length === 0) lines.push(ctx.t('users-empty'));
    const buttons: Button[][] = [];
    const manageable = slice.filter((e) => !e.configAdmin);
    for (let i = 0; i < manageable.length; i += 2) {
      buttons.push(manageable.slice(i, i + 2).map((e) => button(`⚙ ${[...e.name].slice(0, 24).join('')}`, { v: 'show', kind: e.kind, id: e.id })));
    }
    const nav: Button[] = [];
    if (current > 0) nav.push(button('◀', { v: 'list', page: current - 1 }));
    if (current < pages - 1) nav.push(button('▶', { v: 'list', page: current + 1 }));
    if (nav.length > 0) buttons.push(nav);
    return { lines, buttons };
  }

  async function find(kind: SubjectKind, id: string): Promise<Entry | undefined> {
    return (await entries()).find((e) => e.kind === kind && e.id === id);
  }

  async function showView(kind: SubjectKind, id: string, ctx: CommandContext): Promise<Reply> {
    const e = await find(kind, id);
    if (!e) return { lines: [ctx.t('users-not-found', { id })], buttons: [[button(ctx.t('users-back'), { v: 'list', page: 0 })]] };
    const lines: Line[] = [entryLine(e, ctx)];
    const record = e.record;
    if (record && 'languageCode' in record && record.languageCode) lines.push(ctx.t('users-language', { language: record.languageCode }));
    if (record?.updatedBy) lines.push(['', ctx.t('users-updated', { by: record.updatedBy, at: deps.formatTime(record.updatedAt) })]);
    const buttons: Button[][] = [];
    if (!e.configAdmin) {
      const op = (change: AccessChange): Button => button(ctx.t(`users-button-${change}`), { v: 'op', kind, id, op: change });
      switch (e.status) {
        case 'pending':
          buttons.push([op('approve'), op('deny'), op('ban')]);
          break;
        case 'approved':
          if (kind === 'user') buttons.push(ROLES.map((role) => button(`${e.role === role ? '• ' : ''}${ctx.t(`role-${role}`)}`, { v: 'role', id, role })));
          buttons.push([op('revoke'), op('ban')]);
          break;
        case 'denied':
        case 'none':
          buttons.push([op('approve'), op('ban')]);
          break;
        case 'banned':
          buttons.push([op('approve')]);
          break;
      }
    }
    buttons.push([button(ctx.t('users-back'), { v: 'list', page: 0 })]);
    return { lines, buttons };
  }

  function outcomeText(outcome: ChangeOutcome, ctx: CommandContext): string {
    return ctx.t(`users-outcome-${outcome}`);
  }

  async function kindOf(id: string): Promise<SubjectKind | undefined> {
    if (isConfigAdmin(id) || (await directory.getUser(platform, id))) return 'user';
    if (await directory.getChat(platform, id)) return 'chat';
    return undefined;
  }

  const command: CommandModule = {
    name: 'users',
    descriptionKey: 'cmd-users-description',
    requires: 'admin',
    async run(ctx) {
      const parsed = argsSchema.safeParse(ctx.args.trim() === '' ? [] : ctx.args.trim().split(/\s+/));
      if (!parsed.success) return { lines: [ctx.t('users-usage')] };
      const args = parsed.data;
      if (args.length === 0) return listView(0, ctx);
      const id = args[1];
      const kind = await kindOf(id);
      if (!kind) return { lines: [ctx.t('users-not-found', { id })] };
      const outcome = args[0] === 'role' ? (kind === 'user' ? await approvals.setRole(platform, id, args[2], ctx.actor) : 'not-found') : await approvals.changeAccess(kind, platform, id, args[0], ctx.actor);
      const view = await showView(kind, id, ctx);
      return { ...view, lines: [outcomeText(outcome, ctx), '', ...view.lines] };
    },
  };

  const action: ActionHandler = {
    action: USERS_ACTION,
    requires: 'admin',
    async handle(payload, ctx) {
      const parsed = payloadSchema.safeParse(payload);
      if (!parsed.success) return { toast: ctx.t('button-invalid'), alert: true };
      const p = parsed.data;
      switch (p.v) {
        case 'list':
          return { edit: await listView(p.page, ctx) };
        case 'show':
          return { edit: await showView(p.kind, p.id, ctx) };
        case 'op': {
          const outcome = await approvals.changeAccess(p.kind, platform, p.id, p.op, ctx.actor);
          return { toast: outcomeText(outcome, ctx), alert: outcome !== 'ok', edit: await showView(p.kind, p.id, ctx) };
        }
        case 'role': {
          const outcome = await approvals.setRole(platform, p.id, p.role, ctx.actor);
          return { toast: outcomeText(outcome, ctx), alert: outcome !== 'ok', edit: await showView('user', p.id, ctx) };
        }
      }
    },
  };
  return { command, action };
}
