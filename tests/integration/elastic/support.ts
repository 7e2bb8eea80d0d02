/** Helpers for the Elastic source tests: config, deps with a persisted-like state, and a mergeDraft-based book. */
import { afterEach } from 'vitest';
import type { AdapterDeps, Clock, Collection, SourceAdapter } from '../../../src/core/ports.js';
import type { JsonValue } from '../../../src/core/reply.js';
import { startFakeElasticsearch, type FakeElasticsearch, type FakeElasticsearchOptions, type FakeHit } from '../../support/fakes/elasticsearch.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { elasticConfigSchema, type ElasticConfig } from '../../../src/sources/elastic/config.js';
import { IncidentBook, memoryState, testClock } from '../../support/state.js';

// Shared with the other sources' tests: a state that survives "restarts" (hand it to a new adapter) and a clock.
export { memoryState, testClock };

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

/** The pipeline's storage rule for Elastic drafts (see IncidentBook). */
export function incidentBook(): IncidentBook {
  return new IncidentBook('elastic');
}

export const controller = (): AbortSignal => new AbortController().signal;
