/** Helpers for the Elastic source tests: config, deps with a persisted-like state, and a mergeDraft-based book. */
import { afterEach } from 'vitest';
import { mergeDraft, type Incident, type IncidentDraft } from '../../../src/core/incident.js';
import type { AdapterDeps, Clock, Collection, SourceAdapter } from '../../../src/core/ports.js';
import type { JsonValue } from '../../../src/core/reply.js';
import { startFakeElasticsearch, type FakeElasticsearch, type FakeElasticsearchOptions, type FakeHit } from '../../support/fakes/elasticsearch.js';
import { memoryState, testClock } from '../../support/state.js';

// Shared with the other sources' tests: a state that survives "restarts" (hand it to a new adapter) and a clock.
export { memoryState, testClock };
import { silentLogger } from '../../../src/lib/logger.js';
import { elasticConfigSchema, type ElasticConfig } from '../../../src/sources/elastic/config.js';

export const API_KEY = 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==';

export function config(url: string, overrides: Record<string, unknown> = {}): ElasticConfig {
  return elasticConfigSchema.parse({
    url,
    apiKey: API_KEY,
    rulePrefixes: ['TRI_'],
    tags: ['tri'],
    pollInterval: 60,
    initialLookback: 3600,
    lookback: 300,
    pageSize: 50,
    ...overrides,
  });
}

/**
 * The fake Elasticsearch and the adapters of each test, closed after it: call once at the top of a test file
 * (it registers an afterEach).
 */
export function elasticLifecycle(): {
  start(docs: FakeHit[], options?: Omit<FakeElasticsearchOptions, 'docs'>): Promise<FakeElasticsearch>;
  track<T extends SourceAdapter>(adapter: T): T;
} {
  let fake: FakeElasticsearch | undefined;
  const adapters: SourceAdapter[] = [];
  afterEach(async () => {
    for (const a of adapters.splice(0)) await a.close?.();
    await fake?.close();
    fake = undefined;
  });
  return {
    async start(docs, options = {}) {
      fake = await startFakeElasticsearch({ apiKey: API_KEY, docs, ...options });
      return fake;
    },
    track(adapter) {
      adapters.push(adapter);
      return adapter;
    },
  };
}

export function deps(clock: Clock, state: Collection<JsonValue> = memoryState()): AdapterDeps {
  return { logger: silentLogger, clock, state };
}

/**
 * What the pipeline does with drafts, reduced to its storage rule: a new sourceId creates an incident, a known one
 * is merged with the real `mergeDraft`. Counts creations so "no new incident" is checkable.
 */
export class IncidentBook {
  readonly incidents = new Map<string, Incident>();
  created = 0;
  updated = 0;

  apply(drafts: readonly IncidentDraft[]): void {
    for (const draft of drafts) {
      const stored = this.incidents.get(draft.sourceId);
      if (!stored) {
        this.incidents.set(draft.sourceId, { ...draft, source: 'elastic', key: draft.sourceId, firstSeenAt: '2026-01-01T00:00:00.000Z', revision: 1 });
        this.created++;
        continue;
      }
      const merged = mergeDraft(stored, draft);
      if (merged) {
        this.incidents.set(draft.sourceId, merged);
        this.updated++;
      }
    }
  }

  get(id: string): Incident {
    const found = this.incidents.get(id);
    if (!found) throw new Error(`no incident ${id}`);
    return found;
  }
}

export const controller = (): AbortSignal => new AbortController().signal;
