/**
 * In-memory stand-ins for what an adapter gets from the app (AdapterDeps): a clock the test moves, a logger that
 * records, and a state collection. The source tests share them so that "a restart" means the same thing
 * everywhere: a new adapter handed the same state and clock.
 */
import type { Clock } from '../../src/core/clock.js';
import { mergeDraft, type Incident, type IncidentDraft } from '../../src/core/incident.js';
import type { Logger } from '../../src/core/logger.js';
import type { Collection } from '../../src/core/ports.js';
import type { JsonValue } from '../../src/core/reply.js';

export interface TestClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
  /** Every `sleep` asked for, in order. */
  readonly sleeps: number[];
}

/** A clock the test moves by hand; `sleep` returns at once and moves the time forward by what it waited. */
export function testClock(start: string): TestClock {
  let now = Date.parse(start);
  if (Number.isNaN(now)) throw new Error(`testClock: bad start ${start}`);
  const sleeps: number[] = [];
  return {
    now: () => new Date(now),
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    set(iso) {
      now = Date.parse(iso);
    },
    advance(ms) {
      now += ms;
    },
    sleeps,
  };
}

export interface LogRecord {
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly message: string;
  readonly meta: Record<string, unknown>;
}

export function recordingLogger(): Logger & { readonly records: LogRecord[] } {
  const records: LogRecord[] = [];
  const make = (base: Record<string, unknown>): Logger => ({
    error: (message, meta) => records.push({ level: 'error', message, meta: { ...base, ...meta } }),
    warn: (message, meta) => records.push({ level: 'warn', message, meta: { ...base, ...meta } }),
    info: (message, meta) => records.push({ level: 'info', message, meta: { ...base, ...meta } }),
    debug: (message, meta) => records.push({ level: 'debug', message, meta: { ...base, ...meta } }),
    child: (meta) => make({ ...base, ...meta }),
  });
  return Object.assign(make({}), { records });
}

export interface MemoryState extends Collection<JsonValue> {
  /** What is stored now (expired entries included until read), by id. */
  readonly data: Map<string, JsonValue>;
}

/**
 * The adapter's state namespace in memory. Values are JSON round-tripped like a real store does, so an adapter
 * cannot keep a live reference; with a clock, TTLs expire on that clock.
 */
export function memoryState(clock?: Clock): MemoryState {
  const data = new Map<string, JsonValue>();
  const expiry = new Map<string, number>();
  const copy = (value: JsonValue): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue;
  return {
    data,
    get(id) {
      const until = expiry.get(id);
      if (clock && until !== undefined && until <= clock.now().getTime()) {
        data.delete(id);
        expiry.delete(id);
      }
      const value = data.get(id);
      return Promise.resolve(value === undefined ? undefined : copy(value));
    },
    set(id, value, ttlMs) {
      data.set(id, copy(value));
      if (clock && ttlMs) expiry.set(id, clock.now().getTime() + ttlMs);
      else expiry.delete(id);
      return Promise.resolve();
    },
    delete(id) {
      expiry.delete(id);
      return Promise.resolve(data.delete(id));
    },
    async *entries() {
      for (const entry of [...data]) yield await Promise.resolve(entry);
    },
  };
}

/**
 * What the pipeline does with a source's drafts, reduced to its storage rule: a new sourceId is stored and "posted"
 * once; a draft for a stored one is merged with the real `mergeDraft` (an "edit" when it brings news).
 */
export class IncidentBook {
  readonly incidents = new Map<string, Incident>();
  /** sourceIds in the order they were first stored. */
  readonly posts: string[] = [];
  /** sourceIds of merges that changed the stored incident. */
  readonly edits: string[] = [];

  constructor(private readonly source: string) {}

  apply(drafts: readonly IncidentDraft[]): void {
    for (const draft of drafts) {
      const stored = this.incidents.get(draft.sourceId);
      if (!stored) {
        this.incidents.set(draft.sourceId, { ...draft, source: this.source, key: draft.key ?? draft.sourceId, firstSeenAt: draft.createdAt, revision: 1 });
        this.posts.push(draft.sourceId);
        continue;
      }
      const merged = mergeDraft(stored, draft);
      if (merged) {
        this.incidents.set(draft.sourceId, merged);
        this.edits.push(draft.sourceId);
      }
    }
  }

  get created(): number {
    return this.posts.length;
  }

  get updated(): number {
    return this.edits.length;
  }

  get(id: string): Incident {
    const found = this.incidents.get(id);
    if (!found) throw new Error(`no incident ${id}`);
    return found;
  }
}
