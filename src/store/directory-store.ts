/**
 * Users, chats and approval requests on the `Store` port. Records are validated on read (a record of another
 * shape is ignored with a warning by the collection), keyed `platform:id` so several chat platforms can share
 * one store.
 */
import { z } from 'zod';
import { ROLES } from '../core/access.js';
import { APPROVAL_STATES, type ApprovalRepository, type ApprovalRequest } from '../core/approval.js';
import { ACCESS_STATUSES, type ChatRecord, type Directory, type UserRecord } from '../core/directory.js';
import type { Collection, Store } from '../core/ports.js';

const id = z.string().regex(/^-?[\w.:@-]{1,200}$/);

export const userRecordSchema: z.ZodType<UserRecord> = z.object({
  platform: z.string().min(1),
  id,
  name: z.string(),
  username: z.string().optional(),
  languageCode: z.string().optional(),
  privateChatId: id.optional(),
  status: z.enum(ACCESS_STATUSES),
  role: z.enum(ROLES),
  requestId: z.string().optional(),
  updatedAt: z.string(),
  updatedBy: z.string().optional(),
});

export const chatRecordSchema: z.ZodType<ChatRecord> = z.object({
  platform: z.string().min(1),
  id,
  kind: z.enum(['private', 'group']),
  title: z.string(),
  status: z.enum(ACCESS_STATUSES),
  active: z.boolean(),
  inactiveReason: z.string().optional(),
  locale: z.string().optional(),
  migratedFrom: z.array(id).optional(),
  migratedTo: id.optional(),
  requestId: z.string().optional(),
  updatedAt: z.string(),
  updatedBy: z.string().optional(),
});

export const approvalRecordSchema: z.ZodType<ApprovalRequest> = z.object({
  id: z.string().min(1),
  subject: z.object({
    kind: z.enum(['user', 'chat']),
    platform: z.string().min(1),
    id,
    chatId: id,
    name: z.string(),
    username: z.string().optional(),
    languageCode: z.string().optional(),
    locale: z.string().optional(),
    addedBy: z.object({ id, name: z.string(), username: z.string().optional() }).optional(),
  }),
  state: z.enum(APPROVAL_STATES),
  requestedAt: z.string(),
  expiresAt: z.string(),
  decidedAt: z.string().optional(),
  decidedBy: z.string().optional(),
  decidedById: z.string().optional(),
  prompts: z.array(z.object({ chatId: id, messageRef: z.string(), locale: z.string() })),
});

const key = (platform: string, recordId: string): string => `${platform}:${recordId}`;

async function all<T>(collection: Collection<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const [, value] of collection.entries()) out.push(value);
  return out;
}

export function createDirectoryStore(store: Store): Directory {
  const users = store.collection('users', userRecordSchema);
  const chats = store.collection('chats', chatRecordSchema);
  return {
    getUser: (platform, userId) => users.get(key(platform, userId)),
    putUser: (user) => users.set(key(user.platform, user.id), user),
    listUsers: async (platform) => (await all(users)).filter((u) => platform === undefined || u.platform === platform),
    getChat: (platform, chatId) => chats.get(key(platform, chatId)),
    putChat: (chat) => chats.set(key(chat.platform, chat.id), chat),
    listChats: async (platform) => (await all(chats)).filter((c) => platform === undefined || c.platform === platform),
  };
}

export function createApprovalStore(store: Store): ApprovalRepository {
  const approvals = store.collection('approvals', approvalRecordSchema);
  return {
    get: (requestId) => approvals.get(requestId),
    // Decided requests are kept so later presses can say who decided and when; they are small and few.
    put: (request) => approvals.set(request.id, request),
    list: () => all(approvals),
  };
}
