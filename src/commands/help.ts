/** `/help`: the commands this person may use, in their language. */
import { satisfies } from '../core/access.js';
import type { CommandModule } from '../core/ports.js';
import type { Line } from '../core/reply.js';

export interface HelpDeps {
  /** Every registered command, this one included (read at run time: modules register after /help). */
  readonly commands: () => readonly CommandModule[];
}

export function createHelpCommand(deps: HelpDeps): CommandModule {
  return {
    name: 'help',
    descriptionKey: 'cmd-help-description',
    requires: 'approved',
    run(ctx) {
      const allowed = deps.commands().filter((c) => satisfies(ctx.actor.role, c.requires));
      const lines: Line[] = [[{ b: ctx.t('help-title') }]];
      for (const command of allowed) lines.push([{ code: `/${command.name}` }, ` — ${ctx.t(command.descriptionKey)}`]);
      if (ctx.actor.role !== undefined) lines.push('', ctx.t('help-role', { role: ctx.t(`role-${ctx.actor.role}`) }));
      return Promise.resolve({ lines });
    },
  };
}
