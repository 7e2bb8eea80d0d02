/**
 * Everything the Telegram features share, built once in `index.ts`. Features receive this instead of a dozen
 * arguments; nothing in here is mutable per update.
 */
import type { Api } from 'grammy';
import type { Requirement, Role } from '../../core/access.js';
import type { ApprovalService } from '../../core/approval.js';
import type { Clock } from '../../core/clock.js';
import type { Directory } from '../../core/directory.js';
import type { Logger } from '../../core/logger.js';
import type { ActionHandler, AuditLog, CommandModule, IncidentService } from '../../core/ports.js';
import type { Locale } from '../../config/schema.js';
import type { Vars } from '../../lib/i18n.js';
import type { ButtonStore } from './callback-data.js';
import type { ReplySender } from './send.js';

export interface Runtime {
  /** The interactive API: throttled, with auto-retry. */
  readonly api: Api;
  readonly directory: Directory;
  readonly approvals: ApprovalService;
  readonly buttons: ButtonStore;
  readonly incidents: IncidentService;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly sender: ReplySender;
  readonly translate: (locale: string, key: string, vars?: Vars) => string;
  readonly defaultLocale: Locale;
  readonly timezone: string;
  readonly adminIds: ReadonlySet<string>;
  readonly groupMemberRole: Role | undefined;
  readonly commands: () => readonly CommandModule[];
  readonly actions: ReadonlyMap<string, ActionHandler>;
  /**
   * How long a press may take before it is answered with "working…" and finished in the background; also how
   * long a command may hold up the handling of other updates before it continues in the background.
   */
  readonly quickAnswerMs: number;
  /** Work that outlives the update (slow button actions); `stop()` waits for it. */
  background(name: string, task: () => Promise<void>): void;
  requirementOf(action: string): Requirement;
}

/** Races a task against a short timer: the value if it settles in time, otherwise `undefined` (task keeps running). */
export async function within<T>(task: Promise<T>, ms: number): Promise<{ done: true; value: T } | { done: false }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ done: false }>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  try {
    return await Promise.race([task.then((value) => ({ done: true as const, value })), timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
