/**
 * Who may talk to socbot and where incidents may go: users, chats and their stored status, plus the pure rules
 * that turn those records into a role or a list of destinations. Platform-neutral: Telegram keys its records by
 * user/chat id, Teams will key them by AAD object id and conversation id.
 */
import { satisfies, type Requirement, type Role } from './access.js';
import { atLeast, type Incident, type Severity } from './incident.js';

/** Lifecycle of a user or chat's access. `none` = never asked or the last request expired. */
export const ACCESS_STATUSES = ['none', 'pending', 'approved', 'denied', 'banned'] as const;
export type AccessStatus = (typeof ACCESS_STATUSES)[number];

export interface UserRecord {
  readonly platform: string;
  /** Platform user id as a string (Telegram ids exceed 2^31; never parse them into 32-bit numbers). */
  readonly id: string;
  readonly name: string;
  readonly username?: string;
  /** The platform's raw language code (`ru`, `en-GB`, `de`), for display and locale negotiation. */
  readonly languageCode?: string;
  /** The user's one-to-one chat with the bot, which is approved, denied or banned together with the user. */
  readonly privateChatId?: string;
  readonly status: AccessStatus;
  /** Meaningful only while `status` is `approved`. */
  readonly role: Role;
  /** The open or last approval request about this user. */
  readonly requestId?: string;
  readonly updatedAt: string;
  /** Actor label of whoever last changed status or role. */
  readonly updatedBy?: string;
}

export type ChatKind = 'private' | 'group';

export interface ChatRecord {
  readonly platform: string;
  readonly id: string;
  readonly kind: ChatKind;
  /** Group title, or the user's name for a private chat. Untrusted text. */
  readonly title: string;
  readonly status: AccessStatus;
  /** False after the platform said the bot can no longer post there (blocked, kicked). */
  readonly active: boolean;
  readonly inactiveReason?: string;
  /** Supported locale for messages to this chat (cards, notices); the default locale when absent. */
  readonly locale?: string;
  /** Former ids of this chat (group → supergroup), so routes and approvals written for the old id still apply. */
  readonly migratedFrom?: readonly string[];
  /** Set on the old record of a migrated chat. */
  readonly migratedTo?: string;
  readonly requestId?: string;
  readonly updatedAt: string;
  readonly updatedBy?: string;
}

/** Storage of users and chats. Implementations validate on read; writes throw on failure. */
export interface Directory {
  getUser(platform: string, id: string): Promise<UserRecord | undefined>;
  putUser(user: UserRecord): Promise<void>;
  listUsers(platform?: string): Promise<readonly UserRecord[]>;
  getChat(platform: string, id: string): Promise<ChatRecord | undefined>;
  putChat(chat: ChatRecord): Promise<void>;
  listChats(platform?: string): Promise<readonly ChatRecord[]>;
}

// ---------------------------------------------------------------- pure rules

export interface RoleInputs {
  /** Listed in the platform's `admins` config: admin from the first message, whatever the store says. */
  readonly isConfigAdmin: boolean;
  readonly user: UserRecord | undefined;
  /** The chat the request comes from. */
  readonly chat: ChatRecord | undefined;
  /** Role granted to any member of an approved group who has no role of their own (`undefined` = none). */
  readonly groupMemberRole: Role | undefined;
}

/**
 * The role for this very request. Config admins always win; a banned user has none even in an approved group;
 * an approved user keeps their stored role; a member of an approved, active group gets `groupMemberRole`.
 */
export function effectiveRole(inputs: RoleInputs): Role | undefined {
  if (inputs.isConfigAdmin) return 'admin';
  const { user, chat } = inputs;
  if (user?.status === 'banned') return undefined;
  if (user?.status === 'approved') return user.role;
  if (chat && chat.kind === 'group' && chat.status === 'approved' && chat.active && chat.migratedTo === undefined) {
    return inputs.groupMemberRole;
  }
  return undefined;
}

/** A chat gets incident data only while approved, active and not replaced by a migrated successor. */
export function receivesIncidents(chat: ChatRecord): boolean {
  return chat.status === 'approved' && chat.active && chat.migratedTo === undefined;
}

export interface Route {
  readonly chat: string;
  readonly sources?: readonly string[];
  readonly minSeverity: Severity;
}

/**
 * Routes restrict the chats they name: such a chat receives an incident when any of its routes matches
 * (source listed or no list, severity at least `minSeverity`). A chat named by no route receives everything.
 * Routes written for a chat's former id (before a migration) keep applying to it.
 */
export function routeAllows(routes: readonly Route[], chat: Pick<ChatRecord, 'id' | 'migratedFrom'>, incident: Pick<Incident, 'source' | 'severity'>): boolean {
  const ids = new Set([chat.id, ...(chat.migratedFrom ?? [])]);
  const mine = routes.filter((r) => ids.has(r.chat));
  if (mine.length === 0) return true;
  return mine.some((r) => (r.sources === undefined || r.sources.length === 0 || r.sources.includes(incident.source)) && atLeast(incident.severity, r.minSeverity));
}

/** Which of the given chats an incident goes to. */
export function incidentDestinations(chats: readonly ChatRecord[], routes: readonly Route[], incident: Pick<Incident, 'source' | 'severity'>): readonly ChatRecord[] {
  return chats.filter((c) => receivesIncidents(c) && routeAllows(routes, c, incident));
}

/** Requirement check that also names why it failed, so the caller can pick the right answer. */
export function accessVerdict(role: Role | undefined, requirement: Requirement): 'ok' | 'unapproved' | 'forbidden' {
  if (satisfies(role, requirement)) return 'ok';
  return role === undefined ? 'unapproved' : 'forbidden';
}
