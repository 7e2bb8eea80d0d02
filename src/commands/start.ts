/**
 * `/start`: a greeting for people with a role; for everyone else the access request (one open request per
 * person or group, however often they send it). A banned sender gets no answer at all.
 */
import type { ApprovalService, ApprovalSubject } from '../core/approval.js';
import { hasRequester } from '../core/approval.js';
import type { CommandContext, CommandModule } from '../core/ports.js';
import type { Reply } from '../core/reply.js';

export interface StartDeps {
  readonly approvals: ApprovalService;
  /** Maps the requester's raw language to a supported locale for later messages to them. */
  readonly localeOf?: (languageCode: string | undefined) => string | undefined;
}

const SILENT: Reply = { lines: [] };

export function createStartCommand(deps: StartDeps): CommandModule {
  return {
    name: 'start',
    descriptionKey: 'cmd-start-description',
    requires: 'anyone',
    async run(ctx) {
      const { actor, t } = ctx;
      const profile = hasRequester(ctx) ? ctx.requester : {};
      const locale = deps.localeOf?.(profile.languageCode);
      if (actor.chat.type === 'group') return startInGroup(ctx, profile.chatTitle);
      if (actor.role === 'admin') {
        await deps.approvals.registerAdmin({
          platform: actor.platform,
          id: actor.userId,
          name: actor.name,
          ...(actor.username !== undefined ? { username: actor.username } : {}),
          ...(profile.languageCode !== undefined ? { languageCode: profile.languageCode } : {}),
          ...(actor.chat.type === 'private' ? { chatId: actor.chat.id } : {}),
          ...(locale !== undefined ? { locale } : {}),
        });
        return { lines: [t('start-admin', { name: actor.name })] };
      }
      if (actor.role !== undefined) {
        return { lines: [t('start-approved', { name: actor.name, role: t(`role-${actor.role}`) })] };
      }
      const subject: ApprovalSubject = {
        kind: 'user',
        platform: actor.platform,
        id: actor.userId,
        chatId: actor.chat.id,
        name: actor.name,
        ...(actor.username !== undefined ? { username: actor.username } : {}),
        ...(profile.languageCode !== undefined ? { languageCode: profile.languageCode } : {}),
        ...(locale !== undefined ? { locale } : {}),
      };
      const outcome = await deps.approvals.requestAccess(subject);
      switch (outcome.kind) {
        case 'created':
          return { lines: [t('start-requested-user')] };
        case 'pending':
          return { lines: [t('start-pending-user')] };
        case 'approved':
          return { lines: [t('start-approved', { name: actor.name, role: t('role-analyst') })] };
        case 'denied':
          return { lines: [t('start-denied-user')] };
        case 'banned':
          return SILENT;
      }
    },
  };

  /** In a group the question is the group's access, whoever asks; people with a role are greeted once it is approved. */
  async function startInGroup(ctx: CommandContext, title: string | undefined): Promise<Reply> {
    const { actor, t } = ctx;
    const outcome = await deps.approvals.requestAccess({
      kind: 'chat',
      platform: actor.platform,
      id: actor.chat.id,
      chatId: actor.chat.id,
      name: title ?? actor.chat.id,
      addedBy: { id: actor.userId, name: actor.name, ...(actor.username !== undefined ? { username: actor.username } : {}) },
    });
    switch (outcome.kind) {
      case 'created':
        return { lines: [t('start-requested-group')] };
      case 'pending':
        return { lines: [t('start-pending-group')] };
      case 'approved':
        if (actor.role === 'admin') return { lines: [t('start-admin', { name: actor.name })] };
        return { lines: [actor.role ? t('start-approved', { name: actor.name, role: t(`role-${actor.role}`) }) : t('start-chat-approved')] };
      case 'denied':
        return { lines: [t('start-denied-group')] };
      case 'banned':
        return SILENT;
    }
  }
}
