import type { IncidentDraft } from '../../../src/core/incident.js';
import type { PollResult } from '../../../src/core/ports.js';
import { illumioConfigSchema, type IllumioConfig } from '../../../src/sources/illumio/config.js';
import { createIllumioSource, type IllumioSource } from '../../../src/sources/illumio/index.js';
import { PCE_SECRET, PCE_USER, type FakePce } from '../../support/fakes/illumio.js';
import { memoryState, recordingLogger, testClock } from '../../support/state.js';

export const T0 = Date.parse('2026-03-02T07:00:00.000Z');
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

export function illumioConfig(pce: FakePce, overrides: Record<string, unknown> = {}): IllumioConfig {
  return illumioConfigSchema.parse({
    url: pce.url,
    org: 1,
    apiUser: PCE_USER,
    apiSecret: PCE_SECRET,
    watchers: [{ eventType: '*' }],
    enrichWorkloads: false,
    ...overrides,
  });
}

export interface Harness {
  readonly source: IllumioSource;
  readonly clock: ReturnType<typeof testClock>;
  readonly logger: ReturnType<typeof recordingLogger>;
  readonly state: ReturnType<typeof memoryState>;
  poll(cursor: string | undefined): Promise<PollResult>;
}

export function harness(pce: FakePce, overrides: Record<string, unknown> = {}, shared?: Partial<Pick<Harness, 'clock' | 'state'>>): Harness {
  const clock = shared?.clock ?? testClock(new Date(T0 + HOUR).toISOString());
  const logger = recordingLogger();
  const state = shared?.state ?? memoryState(clock);
  const source = createIllumioSource(illumioConfig(pce, overrides), { logger, clock, state });
  return { source, clock, logger, state, poll: (cursor) => source.poll(cursor, new AbortController().signal) };
}

/** Polls until the source stops asking for more; returns every draft and the last cursor. */
export async function drain(h: Harness, cursor: string | undefined, maxPolls = 50): Promise<{ drafts: IncidentDraft[]; cursor: string | undefined; polls: number }> {
  const drafts: IncidentDraft[] = [];
  let current = cursor;
  for (let polls = 1; polls <= maxPolls; polls++) {
    const result = await h.poll(current);
    drafts.push(...result.drafts);
    current = result.nextCursor ?? current;
    if (!result.more) return { drafts, cursor: current, polls };
  }
  throw new Error('source kept asking for more');
}

export function ids(drafts: readonly IncidentDraft[]): string[] {
  return drafts.map((d) => d.sourceId);
}
