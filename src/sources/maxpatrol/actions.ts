/**
 * Confirm and Close buttons: a status transition in MP SIEM with a comment naming the person, then a re-read
 * so the card shows the status the SIEM now holds. The SIEM decides whether the transition is allowed.
 */
import { actorLabel, type Actor } from '../../core/access.js';
import { errorKind, errorMessage } from '../../core/errors.js';
import type { Incident, IncidentDraft } from '../../core/incident.js';
import type { Logger } from '../../core/logger.js';
import type { ActionOutcome, IncidentAction } from '../../core/ports.js';
import { oneLine } from '../../lib/redact.js';
import type { MaxpatrolClient, TransitionTarget } from './client.js';
import { normaliseStatus } from './map.js';

export const SOURCE_ID = 'maxpatrol';

interface ActionSpec {
  readonly id: string;
  readonly labelKey: string;
  readonly target: TransitionTarget;
  readonly noticeKey: string;
  /** Written into the SIEM (its users read it there), not shown in chat; kept in one language on purpose. */
  readonly measures: string;
  readonly verb: string;
}

const SPECS: readonly ActionSpec[] = [
  {
    id: 'mp-confirm',
    labelKey: 'mp-action-confirm',
    target: 'Approved',
    noticeKey: 'mp-notice-confirmed',
    measures: 'Confirmed via socbot.',
    verb: 'Confirmed',
  },
  {
    id: 'mp-close',
    labelKey: 'mp-action-close',
    target: 'Closed',
    noticeKey: 'mp-notice-closed',
    measures: 'Closed via socbot.',
    verb: 'Closed',
  },
];

/** The comment MP SIEM stores with the transition: who pressed, on which platform, never `undefined`. */
export function transitionMessage(verb: string, actor: Actor): string {
  return oneLine(`${verb} via socbot by ${actorLabel(actor)}.`);
}

export interface ActionDeps {
  readonly client: MaxpatrolClient;
  readonly refresh: (incident: Incident, signal: AbortSignal) => Promise<IncidentDraft>;
  readonly logger: Logger;
}

export function createMaxpatrolActions(deps: ActionDeps): readonly IncidentAction[] {
  return SPECS.map(
    (spec): IncidentAction => ({
      id: spec.id,
      labelKey: spec.labelKey,
      requires: 'analyst',
      appliesTo: (incident) => incident.source === SOURCE_ID && normaliseStatus(incident.status) === 'New',
      async run(incident, actor, signal): Promise<ActionOutcome> {
        await deps.client.transition(
          incident.sourceId,
          { id: spec.target, measures: spec.measures, message: transitionMessage(spec.verb, actor) },
          signal,
        );
        deps.logger.info('maxpatrol transition done', { incident: incident.key, target: spec.target, by: `${actor.platform}:${actor.userId}` });
        const vars = { key: incident.key };
        try {
          return { draft: await deps.refresh(incident, signal), noticeKey: spec.noticeKey, vars };
        } catch (error) {
          // The transition itself succeeded: report that, and let the next refresh or poll bring the card up to date.
          deps.logger.warn('maxpatrol re-read after transition failed', { incident: incident.key, kind: errorKind(error), error: errorMessage(error) });
          return { noticeKey: spec.noticeKey, vars };
        }
      },
    }),
  );
}
