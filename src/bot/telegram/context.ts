/**
 * Per-update state: who is asking, from which chat, with which role (re-read from the store for every update)
 * and in which language. Features read `ctx.socbot`; nothing trusts anything cached across updates.
 */
import type { Context } from 'grammy';
import type { Chat, User } from 'grammy/types';
import type { Actor, Role } from '../../core/access.js';
import { effectiveRole, type ChatRecord, type Directory, type UserRecord } from '../../core/directory.js';
import type { Locale } from '../../config/schema.js';
import { pickLocale, type Vars } from '../../lib/i18n.js';
import { cleanLine } from '../../core/text.js';

export const PLATFORM = 'telegram';

export interface RequestState {
  /** Undefined for updates without a person (channel posts, service updates). */
  readonly actor: Actor | undefined;
  readonly user: UserRecord | undefined;
  readonly chat: ChatRecord | undefined;
  readonly locale: Locale;
  /** The sender's raw Telegram language code. */
  readonly languageCode: string | undefined;
  t(key: string, vars?: Vars): string;
}

export type BotContext = Context & { socbot: RequestState };

export function displayName(user: Pick<User, 'first_name' | 'last_name'>): string {
  const name = cleanLine([user.first_name, user.last_name].filter(Boolean).join(' '));
  return name || '?';
}

export function chatTitle(chat: Chat): string {
  if (chat.type === 'private') return displayName(chat);
  return cleanLine(chat.title) || '?';
}

export function isGroupChat(chat: Pick<Chat, 'type'>): boolean {
  return chat.type !== 'private';
}

export interface ResolveDeps {
  readonly directory: Directory;
  readonly adminIds: ReadonlySet<string>;
  readonly groupMemberRole: Role | undefined;
  readonly defaultLocale: Locale;
  readonly translate: (locale: string, key: string, vars?: Vars) => string;
}

/** Builds the request state for an update's sender and chat, reading both records fresh. */
export async function resolveRequest(deps: ResolveDeps, from: User | undefined, chat: Chat | undefined): Promise<RequestState> {
  const user = from ? await deps.directory.getUser(PLATFORM, String(from.id)) : undefined;
  const chatRecord = chat ? await deps.directory.getChat(PLATFORM, String(chat.id)) : undefined;
  const locale = pickLocale(from?.language_code, deps.defaultLocale);
  const t = (key: string, vars?: Vars): string => deps.translate(locale, key, vars);
  if (!from || from.is_bot) return { actor: undefined, user, chat: chatRecord, locale, languageCode: from?.language_code, t };
  const role = effectiveRole({ isConfigAdmin: deps.adminIds.has(String(from.id)), user, chat: chatRecord, groupMemberRole: deps.groupMemberRole });
  const actor: Actor = {
    platform: PLATFORM,
    userId: String(from.id),
    name: displayName(from),
    ...(from.username ? { username: from.username } : {}),
    role,
    locale,
    chat: { id: String(chat?.id ?? from.id), type: chat && isGroupChat(chat) ? 'group' : 'private' },
  };
  return { actor, user, chat: chatRecord, locale, languageCode: from.language_code, t };
}
