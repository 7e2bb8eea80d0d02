/**
 * Access requests and their decisions. A stranger (or a group the bot was added to) asks once; every admin gets a
 * prompt; the first admin decision wins and is stored with an audit entry before anyone is told. Everything a
 * chat platform does on the way (prompting admins, telling the requester, leaving a banned group) goes through
 * `ApprovalEffects`, so the rules here stay platform-neutral and testable with in-memory ports.
 */
import { randomUUID } from 'node:crypto';
import { actorLabel, type Actor, type Role } from './access.js';
import type { Clock } from './clock.js';
import type { AccessStatus, ChatRecord, Directory, UserRecord } from './directory.js';
import type { Logger } from './logger.js';
import type { AuditLog, CommandContext } from './ports.js';

export type SubjectKind = 'user' | 'chat';

/** Who asks: a person in their private chat, or a group chat. All names are untrusted text. */
export interface ApprovalSubject {
  readonly kind: SubjectKind;
  readonly platform: string;
  /** User id for `user`, chat id for `chat`. */
  readonly id: string;
  /** Where the requester is told the outcome (the private chat, or the group itself). */
  readonly chatId: string;
  /** Person's name or group title. */
  readonly name: string;
  readonly username?: string;
  /** The platform's raw language code, shown to admins. */
  readonly languageCode?: string;
  /** Supported locale for messages to the subject's chat (a person's language); the default when absent. */
  readonly locale?: string;
  /** For groups: who added the bot. */
  readonly addedBy?: { readonly id: string; readonly name: string; readonly username?: string };
}

export const APPROVAL_STATES = ['pending', 'approved', 'denied', 'banned', 'expired'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];
export const DECISIONS = ['approve', 'deny', 'ban'] as const;
export type Decision = (typeof DECISIONS)[number];

/** An admin's copy of the prompt, so it can be edited once someone decides. */
export interface PromptRef {
  readonly chatId: string;
  readonly messageRef: string;
  readonly locale: string;
}

export interface ApprovalRequest {
  readonly id: string;
  readonly subject: ApprovalSubject;
  readonly state: ApprovalState;
  readonly requestedAt: string;
  readonly expiresAt: string;
  readonly decidedAt?: string;
  /** Actor label of the deciding admin (`system` for expiry). */
  readonly decidedBy?: string;
  readonly decidedById?: string;
  readonly prompts: readonly PromptRef[];
}

export interface ApprovalRepository {
  get(id: string): Promise<ApprovalRequest | undefined>;
  put(request: ApprovalRequest): Promise<void>;
  list(): Promise<readonly ApprovalRequest[]>;
}

/** Extra requester details a platform can put on the command context of `/start`. */
export interface RequesterProfile {
  readonly languageCode?: string;
  /** Title of the group the command came from. */
  readonly chatTitle?: string;
}

/** A config admin's profile, kept so prompts reach them in their language. */
export interface AdminProfile {
  readonly platform: string;
  readonly id: string;
  readonly name: string;
  readonly username?: string;
  readonly languageCode?: string;
  /** Their private chat with the bot. */
  readonly chatId?: string;
  readonly locale?: string;
}

export interface RequesterContext extends CommandContext {
  readonly requester: RequesterProfile;
}

export function hasRequester(ctx: CommandContext): ctx is RequesterContext {
  return 'requester' in ctx && typeof (ctx as { requester?: unknown }).requester === 'object';
}

// ---------------------------------------------------------------- pure rules

export function decisionState(decision: Decision): ApprovalState {
  switch (decision) {
    case 'approve':
      return 'approved';
    case 'deny':
      return 'denied';
    case 'ban':
      return 'banned';
  }
}

export function isExpired(request: Pick<ApprovalRequest, 'state' | 'expiresAt'>, now: Date): boolean {
  return request.state === 'pending' && Date.parse(request.expiresAt) <= now.getTime();
}

export type DecideResult =
  | { readonly kind: 'decided'; readonly request: ApprovalRequest }
  | { readonly kind: 'already'; readonly request: ApprovalRequest }
  | { readonly kind: 'expired'; readonly request: ApprovalRequest };

/** The first decision on a pending, unexpired request wins; everything later sees what happened. */
export function decideRequest(request: ApprovalRequest, decision: Decision, by: { label: string; id: string }, now: Date): DecideResult {
  if (request.state !== 'pending') return { kind: 'already', request };
  if (isExpired(request, now)) {
    return { kind: 'expired', request: { ...request, state: 'expired', decidedAt: now.toISOString(), decidedBy: 'system', decidedById: 'system' } };
  }
  return {
    kind: 'decided',
    request: { ...request, state: decisionState(decision), decidedAt: now.toISOString(), decidedBy: by.label, decidedById: by.id },
  };
}

function subjectStatus(state: ApprovalState): AccessStatus {
  switch (state) {
    case 'pending':
      return 'pending';
    case 'approved':
      return 'approved';
    case 'denied':
      return 'denied';
    case 'banned':
      return 'banned';
    case 'expired':
      return 'none';
  }
}

// ---------------------------------------------------------------- ports the service drives

export interface ApprovalEffects {
  /** Sends the prompt to every admin; returns the prompts that were delivered. */
  promptAdmins(request: ApprovalRequest): Promise<readonly PromptRef[]>;
  /** Edits every admin's prompt to show the outcome (and drop its buttons). */
  updatePrompts(request: ApprovalRequest): Promise<void>;
  /** Tells the requester the outcome (approved, denied, expired; nothing on ban). */
  tellRequester(request: ApprovalRequest): Promise<void>;
  /** The bot leaves a banned group. */
  leaveChat(platform: string, chatId: string): Promise<void>;
  /** Something every admin should know once (a chat went inactive, …). */
  notifyAdmins(key: string, vars?: Readonly<Record<string, string | number>>): Promise<void>;
}

export interface ApprovalServiceDeps {
  readonly directory: Directory;
  readonly approvals: ApprovalRepository;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Seconds a request stays pending. */
  readonly ttlSeconds: number;
  readonly effects: ApprovalEffects;
  readonly isConfigAdmin: (platform: string, userId: string) => boolean;
}

export type RequestOutcome =
  | { readonly kind: 'created'; readonly request: ApprovalRequest }
  | { readonly kind: 'pending'; readonly request: ApprovalRequest }
  | { readonly kind: 'approved' | 'denied' | 'banned' };

export type DecideOutcome = DecideResult | { readonly kind: 'unknown' };

export type AccessChange = 'approve' | 'deny' | 'ban' | 'revoke';

export type ChangeOutcome = 'ok' | 'unchanged' | 'not-found' | 'config-admin';

export interface ApprovalService {
  /** At most one open request per subject, however often it asks. */
  requestAccess(subject: ApprovalSubject): Promise<RequestOutcome>;
  /**
   * Stores the decision on the request and the subject, and audits it. Call `announce` afterwards (after
   * answering the press) to tell the requester, edit the other prompts and leave a banned group.
   */
  decide(requestId: string, decision: Decision, actor: Actor): Promise<DecideOutcome>;
  announce(request: ApprovalRequest): Promise<void>;
  /** Housekeeping: expires overdue pending requests and repairs half-written decisions. Returns how many expired. */
  expire(): Promise<number>;
  /** `/users`: approve, deny, ban or revoke a user or chat (decides its open request when there is one). */
  changeAccess(kind: SubjectKind, platform: string, id: string, change: AccessChange, actor: Actor): Promise<ChangeOutcome>;
  setRole(platform: string, userId: string, role: Role, actor: Actor): Promise<ChangeOutcome>;
  /**
   * The platform said the bot can no longer post there. Idempotent; admins of an approved chat are told once per
   * transition unless `notify` is false (the delivery worker tells them itself).
   */
  markInactive(platform: string, chatId: string, reason: string, options?: { readonly notify?: boolean }): Promise<void>;
  /** The platform says the bot can post there again (re-added, unblocked). */
  markActive(platform: string, chatId: string): Promise<void>;
  /**
   * A person's private chat follows the language they use now (they switched their app's language), so cards and
   * notices there match the replies to their commands. No-op for unknown chats or an unchanged locale.
   */
  setChatLocale(platform: string, chatId: string, locale: string): Promise<void>;
  /** Group → supergroup: approval, locale and pending requests move to the new id. Idempotent. */
  migrate(platform: string, from: string, to: string): Promise<void>;
  pending(): Promise<readonly ApprovalRequest[]>;
  /**
   * A config admin talked to the bot: their profile is kept (status `none`: the role comes from the config only,
   * so removing them from the config removes their rights) and, the first time, their private chat is approved
   * so they receive incidents too. No-op for anyone not in the config.
   */
  registerAdmin(profile: AdminProfile): Promise<void>;
}

/** Serialises work per key inside one process (double presses, repeated /start). */
export function createKeyedMutex(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

export function createApprovalService(deps: ApprovalServiceDeps): ApprovalService {
  const { directory, approvals, audit, clock, logger, effects } = deps;
  const lock = createKeyedMutex();
  const now = (): Date => clock.now();
  const subjectKey = (kind: SubjectKind, platform: string, id: string): string => `${kind}:${platform}:${id}`;

  async function statusOf(subject: Pick<ApprovalSubject, 'kind' | 'platform' | 'id'>): Promise<{ status: AccessStatus; requestId?: string } | undefined> {
    if (subject.kind === 'user') return directory.getUser(subject.platform, subject.id);
    return directory.getChat(subject.platform, subject.id);
  }

  /** Writes the subject's records to match a request state. */
  async function applyToSubject(request: ApprovalRequest, by: string | undefined): Promise<void> {
    const { subject } = request;
    const status = subjectStatus(request.state);
    const at = now().toISOString();
    if (subject.kind === 'user') {
      const user = await directory.getUser(subject.platform, subject.id);
      const next: UserRecord = {
        platform: subject.platform,
        id: subject.id,
        name: subject.name,
        ...(subject.username !== undefined ? { username: subject.username } : {}),
        ...(subject.languageCode !== undefined ? { languageCode: subject.languageCode } : {}),
        privateChatId: user?.privateChatId ?? subject.chatId,
        // Approved users are analysts unless an admin already gave them another role.
        role: user?.status === 'approved' ? user.role : 'analyst',
        status,
        requestId: request.id,
        updatedAt: at,
        ...(by !== undefined ? { updatedBy: by } : {}),
      };
      await directory.putUser(next);
    }
    const chatId = subject.kind === 'user' ? subject.chatId : subject.id;
    const chat = await directory.getChat(subject.platform, chatId);
    const nextChat: ChatRecord = {
      ...(chat ?? { platform: subject.platform, id: chatId, kind: subject.kind === 'user' ? 'private' : 'group', active: true }),
      title: subject.name,
      ...(subject.locale !== undefined ? { locale: subject.locale } : {}),
      status,
      requestId: request.id,
      updatedAt: at,
      ...(by !== undefined ? { updatedBy: by } : {}),
    };
    await directory.putChat(nextChat);
  }

  async function create(subject: ApprovalSubject): Promise<RequestOutcome> {
    const at = now();
    const request: ApprovalRequest = {
      id: randomUUID(),
      subject,
      state: 'pending',
      requestedAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + deps.ttlSeconds * 1000).toISOString(),
      prompts: [],
    };
    await approvals.put(request);
    await applyToSubject(request, undefined);
    await audit.record({ actor: `${subject.platform}:${subject.id}`, action: 'approval.requested', target: `${subject.kind}:${subject.platform}:${subject.id}`, outcome: 'ok', details: request.id });
    let prompts: readonly PromptRef[] = [];
    try {
      prompts = await effects.promptAdmins(request);
    } catch (error) {
      logger.error('approval prompts could not be sent', { request: request.id, error });
    }
    const withPrompts = { ...request, prompts };
    await approvals.put(withPrompts);
    return { kind: 'created', request: withPrompts };
  }

  async function expireOne(request: ApprovalRequest): Promise<ApprovalRequest> {
    const expired: ApprovalRequest = { ...request, state: 'expired', decidedAt: now().toISOString(), decidedBy: 'system', decidedById: 'system' };
    await approvals.put(expired);
    const current = await statusOf(request.subject);
    if (current?.requestId === request.id && current.status === 'pending') await applyToSubject(expired, 'system');
    await audit.record({ actor: 'system', action: 'approval.expired', target: `${request.subject.kind}:${request.subject.platform}:${request.subject.id}`, outcome: 'ok', details: request.id });
    return expired;
  }

  async function safely(what: string, task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (error) {
      logger.warn('approval follow-up failed', { what, error });
    }
  }

  const service: ApprovalService = {
    async requestAccess(subject) {
      return lock(subjectKey(subject.kind, subject.platform, subject.id), async () => {
        const current = await statusOf(subject);
        switch (current?.status) {
          case 'banned':
            return { kind: 'banned' };
          case 'approved':
            return { kind: 'approved' };
          case 'denied':
            return { kind: 'denied' };
          case 'pending': {
            const open = current.requestId === undefined ? undefined : await approvals.get(current.requestId);
            if (open && open.state === 'pending') {
              if (!isExpired(open, now())) return { kind: 'pending', request: open };
              const expired = await expireOne(open);
              await safely('update expired prompts', () => effects.updatePrompts(expired));
            }
            return create(subject);
          }
          default:
            return create(subject);
        }
      });
    },

    async decide(requestId, decision, actor) {
      const first = await approvals.get(requestId);
      if (!first) return { kind: 'unknown' };
      return lock(subjectKey(first.subject.kind, first.subject.platform, first.subject.id), async () => {
        const request = await approvals.get(requestId);
        if (!request) return { kind: 'unknown' };
        const result = decideRequest(request, decision, { label: actorLabel(actor), id: actor.userId }, now());
        if (result.kind === 'already') return result;
        if (result.kind === 'expired') {
          const expired = await expireOne(request);
          return { kind: 'expired', request: expired };
        }
        // Order matters: the request is the source of truth, then the subject, then the audit entry — all before
        // the caller answers the press.
        await approvals.put(result.request);
        await applyToSubject(result.request, actorLabel(actor));
        await audit.record({
          actor: actorLabel(actor),
          action: `approval.${decision}`,
          target: `${request.subject.kind}:${request.subject.platform}:${request.subject.id}`,
          outcome: 'ok',
          details: request.id,
        });
        return result;
      });
    },

    async announce(request) {
      await safely('update prompts', () => effects.updatePrompts(request));
      if (request.state === 'banned') {
        if (request.subject.kind === 'chat') await safely('leave chat', () => effects.leaveChat(request.subject.platform, request.subject.id));
        return;
      }
      await safely('tell requester', () => effects.tellRequester(request));
    },

    async expire() {
      let count = 0;
      const at = now();
      for (const request of await approvals.list()) {
        if (isExpired(request, at)) {
          const expired = await lock(subjectKey(request.subject.kind, request.subject.platform, request.subject.id), async () => {
            const fresh = await approvals.get(request.id);
            return fresh && isExpired(fresh, now()) ? expireOne(fresh) : undefined;
          });
          if (expired) {
            count++;
            await service.announce(expired);
          }
        } else if (request.state !== 'pending' && request.state !== 'expired') {
          // A crash between writing the decision and the subject leaves the subject pending: finish the job.
          const current = await statusOf(request.subject);
          if (current?.requestId === request.id && current.status === 'pending') {
            logger.warn('repairing a half-written approval decision', { request: request.id });
            await applyToSubject(request, request.decidedBy);
          }
        }
      }
      return count;
    },

    async changeAccess(kind, platform, id, change, actor) {
      if (kind === 'user' && deps.isConfigAdmin(platform, id)) return 'config-admin';
      const record = kind === 'user' ? await directory.getUser(platform, id) : await directory.getChat(platform, id);
      if (!record) return 'not-found';
      if (record.status === 'pending' && record.requestId !== undefined && change !== 'revoke') {
        const open = await approvals.get(record.requestId);
        if (open?.state === 'pending') {
          const outcome = await service.decide(open.id, change, actor);
          if (outcome.kind === 'decided') await service.announce(outcome.request);
          return outcome.kind === 'decided' ? 'ok' : 'unchanged';
        }
      }
      const status: AccessStatus = change === 'approve' ? 'approved' : change === 'ban' ? 'banned' : 'denied';
      if (record.status === status) return 'unchanged';
      return lock(subjectKey(kind, platform, id), async () => {
        const at = now().toISOString();
        const by = actorLabel(actor);
        if (kind === 'user') {
          const user = await directory.getUser(platform, id);
          if (!user) return 'not-found';
          await directory.putUser({ ...user, status, role: status === 'approved' && user.status !== 'approved' ? 'analyst' : user.role, updatedAt: at, updatedBy: by });
          if (user.privateChatId !== undefined) {
            const chat = await directory.getChat(platform, user.privateChatId);
            if (chat) await directory.putChat({ ...chat, status, updatedAt: at, updatedBy: by });
          }
        } else {
          const chat = await directory.getChat(platform, id);
          if (!chat) return 'not-found';
          await directory.putChat({ ...chat, status, updatedAt: at, updatedBy: by });
        }
        await audit.record({ actor: by, action: `access.${change}`, target: `${kind}:${platform}:${id}`, outcome: 'ok' });
        if (status === 'banned' && kind === 'chat') await safely('leave chat', () => effects.leaveChat(platform, id));
        return 'ok';
      });
    },

    async setRole(platform, userId, role, actor) {
      if (deps.isConfigAdmin(platform, userId)) return 'config-admin';
      return lock(subjectKey('user', platform, userId), async () => {
        const user = await directory.getUser(platform, userId);
        if (!user || user.status !== 'approved') return 'not-found';
        if (user.role === role) return 'unchanged';
        const by = actorLabel(actor);
        await directory.putUser({ ...user, role, updatedAt: now().toISOString(), updatedBy: by });
        await audit.record({ actor: by, action: 'access.role', target: `user:${platform}:${userId}`, outcome: 'ok', details: `${user.role} → ${role}` });
        return 'ok';
      });
    },

    async markInactive(platform, chatId, reason, options) {
      const changed = await lock(subjectKey('chat', platform, chatId), async () => {
        const chat = await directory.getChat(platform, chatId);
        if (!chat || !chat.active) return undefined;
        await directory.putChat({ ...chat, active: false, inactiveReason: reason, updatedAt: now().toISOString() });
        await audit.record({ actor: 'system', action: 'chat.inactive', target: `chat:${platform}:${chatId}`, outcome: 'ok', details: reason });
        return chat;
      });
      if (changed && changed.status === 'approved' && options?.notify !== false) {
        // Same message and variables as the delivery worker's notice for a 403.
        await safely('notify admins', () => effects.notifyAdmins('delivery-chat-inactive', { destination: `${platform}:${chatId}`, reason, chat: changed.title }));
      }
    },

    async markActive(platform, chatId) {
      await lock(subjectKey('chat', platform, chatId), async () => {
        const chat = await directory.getChat(platform, chatId);
        if (!chat || chat.active) return;
        const { inactiveReason: _dropped, ...rest } = chat;
        await directory.putChat({ ...rest, active: true, updatedAt: now().toISOString() });
        await audit.record({ actor: 'system', action: 'chat.active', target: `chat:${platform}:${chatId}`, outcome: 'ok' });
      });
    },

    async setChatLocale(platform, chatId, locale) {
      await lock(subjectKey('chat', platform, chatId), async () => {
        const chat = await directory.getChat(platform, chatId);
        if (!chat || chat.kind !== 'private' || chat.locale === locale) return;
        await directory.putChat({ ...chat, locale, updatedAt: now().toISOString() });
      });
    },

    async migrate(platform, from, to) {
      if (from === to) return;
      const superseded = await lock(subjectKey('chat', platform, from), async (): Promise<ApprovalRequest | undefined> => {
        const old = await directory.getChat(platform, from);
        if (!old || old.migratedTo === to) return undefined;
        const existing = await directory.getChat(platform, to);
        const at = now().toISOString();
        // The old approval carries over; a record the new id may already have (a fresh my_chat_member) only
        // wins when it is stricter (banned).
        const status: AccessStatus = existing?.status === 'banned' ? 'banned' : old.status;
        const moved: ChatRecord = {
          ...old,
          ...(existing ? { title: existing.title } : {}),
          id: to,
          status,
          active: true,
          migratedFrom: [...new Set([...(existing?.migratedFrom ?? []), ...(old.migratedFrom ?? []), from])],
          updatedAt: at,
          updatedBy: 'system',
        };
        delete (moved as { migratedTo?: string }).migratedTo;
        delete (moved as { inactiveReason?: string }).inactiveReason;
        await directory.putChat(moved);
        await directory.putChat({ ...old, migratedTo: to, active: false, inactiveReason: 'migrated', updatedAt: at });
        // A pending request follows the chat, so an admin's later decision lands on the new id.
        if (old.requestId !== undefined) {
          const request = await approvals.get(old.requestId);
          if (request && request.subject.id === from) {
            await approvals.put({ ...request, subject: { ...request.subject, id: to, chatId: to } });
          }
        }
        await audit.record({ actor: 'system', action: 'chat.migrated', target: `chat:${platform}:${from}`, outcome: 'ok', details: `→ ${to}` });
        // The supergroup may already have asked on its own (the bot "joined" it): the carried-over approval answers that.
        if (existing?.status === 'pending' && existing.requestId !== undefined && status === 'approved') {
          const open = await approvals.get(existing.requestId);
          if (open?.state === 'pending') {
            const done: ApprovalRequest = { ...open, state: 'approved', decidedAt: at, decidedBy: 'system (chat migration)', decidedById: 'system' };
            await approvals.put(done);
            return done;
          }
        }
        return undefined;
      });
      if (superseded) await safely('update superseded prompts', () => effects.updatePrompts(superseded));
    },

    async registerAdmin(profile) {
      if (!deps.isConfigAdmin(profile.platform, profile.id)) return;
      await lock(subjectKey('user', profile.platform, profile.id), async () => {
        const at = now().toISOString();
        const user = await directory.getUser(profile.platform, profile.id);
        const changed =
          !user || user.name !== profile.name || user.username !== profile.username || user.languageCode !== profile.languageCode || (profile.chatId !== undefined && user.privateChatId !== profile.chatId);
        if (changed) {
          await directory.putUser({
            platform: profile.platform,
            id: profile.id,
            name: profile.name,
            ...(profile.username !== undefined ? { username: profile.username } : {}),
            ...(profile.languageCode !== undefined ? { languageCode: profile.languageCode } : {}),
            ...(profile.chatId !== undefined ? { privateChatId: profile.chatId } : user?.privateChatId !== undefined ? { privateChatId: user.privateChatId } : {}),
            status: user?.status ?? 'none',
            role: user?.role ?? 'viewer',
            ...(user?.requestId !== undefined ? { requestId: user.requestId } : {}),
            updatedAt: at,
            ...(user?.updatedBy !== undefined ? { updatedBy: user.updatedBy } : {}),
          });
        }
        if (profile.chatId !== undefined && !(await directory.getChat(profile.platform, profile.chatId))) {
          await directory.putChat({
            platform: profile.platform,
            id: profile.chatId,
            kind: 'private',
            title: profile.name,
            ...(profile.locale !== undefined ? { locale: profile.locale } : {}),
            status: 'approved',
            active: true,
            updatedAt: at,
            updatedBy: 'config',
          });
          await audit.record({ actor: 'system', action: 'access.admin-chat', target: `chat:${profile.platform}:${profile.chatId}`, outcome: 'ok' });
        }
      });
    },

    async pending() {
      const at = now();
      return (await approvals.list()).filter((r) => r.state === 'pending' && !isExpired(r, at));
    },
  };
  return service;
}
