/**
 * `/forward <incident key> soar|idmefv2`: the same as the forward buttons on an incident card.
 * Never silent: every path ends in a reply saying what happened (done, dry run, failed, refused, or why the
 * request was not understood). Arguments are checked before anything is looked up or sent.
 */
import { satisfies } from '../core/access.js';
import { errorMessage, isAppError } from '../core/errors.js';
import { refOf, type Incident } from '../core/incident.js';
import type { CommandContext, CommandModule, IncidentService } from '../core/ports.js';
import type { Line, Reply } from '../core/reply.js';
import { redactText } from '../lib/redact.js';
import { clip } from './format.js';

/** The targets the operator contract names; any other configured forwarder id is accepted too. */
export const FORWARD_TARGETS = ['soar', 'idmefv2'] as const;

const REQUIRES = 'analyst' as const;
const MAX_ERROR = 300;

export interface ForwardCommandDeps {
  readonly incidents: IncidentService;
}

export function createForwardCommand(deps: ForwardCommandDeps): CommandModule {
  return {
    name: 'forward',
    descriptionKey: 'cmd-forward-description',
    requires: REQUIRES,
    async run(ctx) {
      // The platform checks the role before calling run; a second check here costs nothing and keeps the
      // command safe on a platform that forgets to.
      if (!satisfies(ctx.actor.role, REQUIRES)) return reply(ctx.t('forward-refused'));

      const configured = deps.incidents.forwarderIds();
      const known = [...new Set<string>([...FORWARD_TARGETS, ...configured])];
      const usage = (): Reply => reply(ctx.t('forward-usage', { targets: known.join(' | ') }));

      const parts = ctx.args.trim().split(/\s+/).filter(Boolean);
      if (parts.length !== 2) return usage();
      const [key = '', rawTarget = ''] = parts;
      const target = rawTarget.toLowerCase();
      const name = ctx.t('forward-target-name', { target });
      if (!known.includes(target)) {
        return reply(ctx.t('forward-unknown-target', { target: clip(rawTarget, 40) }), ctx.t('forward-usage', { targets: known.join(' | ') }));
      }
      if (!configured.includes(target)) return reply(ctx.t('forward-not-configured', { name }));

      const incident = await deps.incidents.findByKey(key);
      if (!incident) return reply(ctx.t('forward-unknown-incident', { key: clip(key, 80) }));

      let result: Incident;
      try {
        result = await deps.incidents.forward(refOf(incident), target, ctx.actor, ctx.signal);
      } catch (error) {
        return failureReply(ctx, error, incident.key, name);
      }
      return outcomeReply(ctx, result, target, name);
    },
  };
}

function outcomeReply(ctx: CommandContext, incident: Incident, target: string, name: string): Reply {
  const state = incident.forwards?.[target];
  const key = incident.key;
  if (!state) return reply(ctx.t('forward-failed', { key, name, error: ctx.t('forward-no-outcome') }));
  switch (state.state) {
    case 'done': {
      if (state.dryRun) return reply(ctx.t('forward-dry-run', { key, name }));
      const lines: Line[] = [ctx.t('forward-done', { key, name, ref: state.ref })];
      if (state.link) lines.push([{ link: ctx.t('forward-open', { name }), url: state.link }]);
      return { lines };
    }
    case 'pending':
      return reply(ctx.t('forward-pending', { key, name }));
    case 'failed':
      return reply(ctx.t('forward-failed', { key, name, error: clip(state.error, MAX_ERROR) }), ctx.t('forward-retry-hint'));
  }
}

function failureReply(ctx: CommandContext, error: unknown, key: string, name: string): Reply {
  if (isAppError(error) && error.kind === 'auth') return reply(ctx.t('forward-refused'));
  if (isAppError(error) && error.kind === 'not-found') return reply(ctx.t('forward-unknown-incident', { key }));
  // Whatever failed (store, network) may quote a URL or a credential: the chat gets the redacted text.
  const message = clip(redactText(errorMessage(error)).replace(/\s+/g, ' '), MAX_ERROR);
  return reply(ctx.t('forward-failed', { key, name, error: message }), ctx.t('forward-retry-hint'));
}

function reply(...lines: string[]): Reply {
  return { lines };
}
