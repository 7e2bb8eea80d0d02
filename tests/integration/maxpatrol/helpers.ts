import type { Actor } from '../../../src/core/access.js';
import type { Incident, IncidentDraft } from '../../../src/core/incident.js';
import type { AdapterDeps, Clock, PollResult, SourceAdapter } from '../../../src/core/ports.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { maxpatrolConfigSchema, type MaxpatrolConfig } from '../../../src/sources/maxpatrol/config.js';
import { createMaxpatrolSource } from '../../../src/sources/maxpatrol/index.js';
import type { FakeItem, FakeMaxpatrol } from '../../support/fakes/maxpatrol.js';
import { memoryState, testClock } from '../../support/state.js';

export { testClock };

export const PASSWORD = 'S3cr3t&p@ss=word+%';
export const CLIENT_SECRET = 'client-secret-value';

export function configFor(fake: FakeMaxpatrol, overrides: Record<string, unknown> = {}): MaxpatrolConfig {
  return maxpatrolConfigSchema.parse({
    url: fake.url,
    authUrl: fake.url,
    username: 'socbot',
    password: PASSWORD,
    clientSecret: CLIENT_SECRET,
    initialLookback: 86_400,
    requestTimeout: 5,
    ...overrides,
  });
}

export function depsWith(clock: Clock): AdapterDeps {
  return { logger: silentLogger, clock, state: memoryState() };
}

export function sourceFor(fake: FakeMaxpatrol, clock: Clock, overrides: Record<string, unknown> = {}): SourceAdapter {
  return createMaxpatrolSource(configFor(fake, overrides), depsWith(clock));
}

/** `n` incidents created `stepMs` apart from `startIso` (step 0: all in one millisecond). */
export function makeItems(n: number, startIso: string, stepMs: number, prefix = 'a'): FakeItem[] {
  const start = Date.parse(startIso);
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${String(i).padStart(4, '0')}-0000-4000-8000-000000000000`,
    key: `INC-${prefix}${String(i).padStart(4, '0')}`,
    name: `Incident ${prefix}${i}`,
    category: 'Attack',
    type: 'Test',
    status: 'New',
    severity: 'Medium',
    created: new Date(start + i * stepMs).toISOString().replace('Z', '0000Z'),
    assigned: null,
    isConfirmed: false,
  }));
}

/**
 * The pipeline's part, reduced to what the cursor contract says: dedupe on sourceId, keep drafts, and save the
 * cursor only after a poll succeeded.
 */
export class PipelineSim {
  cursor: string | undefined;
  readonly stored = new Map<string, IncidentDraft>();
  readonly deliveries: string[] = [];
  readonly cursors: (string | undefined)[] = [];

  constructor(cursor?: string) {
    this.cursor = cursor;
  }

  async pollOnce(source: SourceAdapter): Promise<PollResult> {
    const result = await source.poll(this.cursor, new AbortController().signal);
    for (const draft of result.drafts) {
      this.deliveries.push(draft.sourceId);
      const previous = this.stored.get(draft.sourceId);
      this.stored.set(draft.sourceId, previous ? { ...previous, status: draft.status, statusKey: draft.statusKey } : draft);
    }
    if (result.nextCursor !== undefined) this.cursor = result.nextCursor;
    this.cursors.push(this.cursor);
    return result;
  }

  /** Polls until the source reports no more pages, at most `limit` times. */
  async drain(source: SourceAdapter, limit = 50): Promise<number> {
    for (let i = 1; i <= limit; i++) {
      const result = await this.pollOnce(source);
      if (!result.more) return i;
    }
    throw new Error('source kept returning more');
  }

  newIds(): string[] {
    return [...this.stored.keys()];
  }
}

export function toIncident(draft: IncidentDraft): Incident {
  return { ...draft, source: 'maxpatrol', key: draft.key ?? draft.sourceId, firstSeenAt: draft.createdAt, revision: 1 };
}

export const analyst: Actor = {
  platform: 'telegram',
  userId: '123456789',
  name: 'Иван Петров',
  username: 'soc_duty',
  role: 'analyst',
  locale: 'ru',
  chat: { id: '-1001987654321', type: 'group' },
};

export const signal = (): AbortSignal => new AbortController().signal;
