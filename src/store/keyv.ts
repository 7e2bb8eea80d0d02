/**
 * The Store port on keyv 5. One keyv (and one adapter connection) per namespace, values wrapped as
 * `{ v, data }` and validated on read. keyv reports failed writes by returning false, so every write is checked.
 */
import { mkdirSync, accessSync, constants as fsConstants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { AppError, errorMessage } from '../core/errors.js';
import type { Collection, Store, Validator } from '../core/ports.js';
import type { Logger } from '../lib/logger.js';
import { redactText } from '../lib/redact.js';

const RECORD_VERSION = 1;

interface Envelope {
  v: number;
  data: unknown;
}

function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && 'v' in value && 'data' in value;
}

type AdapterFactory = (namespace: string) => Promise<KeyvStoreAdapter | Map<string, unknown>>;

export interface OpenStoreOptions {
  logger: Logger;
  /** How long SQLite waits for another connection's lock before a write fails. */
  busyTimeoutMs?: number;
}

export function storeKind(url: string): 'sqlite' | 'redis' | 'postgres' | 'memory' {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('redis:') || url.startsWith('rediss:')) return 'redis';
  if (url.startsWith('postgres')) return 'postgres';
  if (url.startsWith('memory:')) return 'memory';
  throw new AppError('config', 'store.url: unsupported scheme');
}

/** `sqlite://./data/x.sqlite` → absolute file path, creating its folder. Fails clearly if unusable. */
export function prepareSqliteFile(url: string): string {
  const file = resolve(url.replace(/^sqlite:\/\//, ''));
  const dir = dirname(file);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, fsConstants.W_OK);
    if (existsSync(file)) accessSync(file, fsConstants.R_OK | fsConstants.W_OK);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw new AppError('store', `state file ${file} is not usable (${code})`, { cause: error });
  }
  return file;
}

async function adapterFactory(url: string, busyTimeoutMs: number): Promise<AdapterFactory> {
  const memory = new Map<string, Map<string, unknown>>();
  switch (storeKind(url)) {
    case 'memory':
      return (ns) => {
        const existing = memory.get(ns);
        if (existing) return Promise.resolve(existing);
        const map = new Map<string, unknown>();
        memory.set(ns, map);
        return Promise.resolve(map);
      };
    case 'sqlite': {
      const file = prepareSqliteFile(url);
      const { default: KeyvSqlite } = await import('@keyv/sqlite');
      // Several namespaces mean several connections to one file: wait for locks instead of failing at once.
      return async (_ns) => {
        const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: busyTimeoutMs });
        // WAL: appends instead of rewriting pages, readers never block the writer; FULL keeps every commit durable.
        await adapter.query('PRAGMA journal_mode = WAL');
        await adapter.query('PRAGMA synchronous = FULL');
        return adapter as unknown as KeyvStoreAdapter;
      };
    }
    case 'redis': {
      const { default: KeyvRedis } = await import('@keyv/redis');
      return (_ns) => Promise.resolve(new KeyvRedis(url) as unknown as KeyvStoreAdapter);
    }
    case 'postgres': {
      const { default: KeyvPostgres } = await import('@keyv/postgres');
      return (_ns) => Promise.resolve(new KeyvPostgres({ uri: url }) as unknown as KeyvStoreAdapter);
    }
  }
}

class KeyvCollection<T> implements Collection<T> {
  constructor(
    private readonly namespace: string,
    private readonly kv: Keyv,
    private readonly validator: Validator<T>,
    private readonly logger: Logger,
  ) {}

  private decode(id: string, raw: unknown): T | undefined {
    if (!isEnvelope(raw) || raw.v !== RECORD_VERSION) {
      this.logger.warn('store record of an unknown version ignored', { namespace: this.namespace, id });
      return undefined;
    }
    try {
      return this.validator.parse(raw.data);
    } catch (error) {
      this.logger.warn('store record failed validation, ignored', { namespace: this.namespace, id, error: errorMessage(error).slice(0, 300) });
      return undefined;
    }
  }

  async get(id: string): Promise<T | undefined> {
    let raw: unknown;
    try {
      raw = await this.kv.get(id);
    } catch (error) {
      throw new AppError('store', `store read failed in ${this.namespace}: ${redactText(errorMessage(error))}`, { cause: error });
    }
    return raw === undefined ? undefined : this.decode(id, raw);
  }

  async set(id: string, value: T, ttlMs?: number): Promise<void> {
    let ok: boolean;
    try {
      ok = await this.kv.set(id, { v: RECORD_VERSION, data: value } satisfies Envelope, ttlMs);
    } catch (error) {
      throw new AppError('store', `store write failed in ${this.namespace}: ${redactText(errorMessage(error))}`, { cause: error });
    }
    if (!ok) throw new AppError('store', `store write failed in ${this.namespace}`);
  }

  async delete(id: string): Promise<boolean> {
    try {
      return await this.kv.delete(id);
    } catch (error) {
      throw new AppError('store', `store delete failed in ${this.namespace}: ${redactText(errorMessage(error))}`, { cause: error });
    }
  }

  async *entries(): AsyncIterable<readonly [string, T]> {
    const iterator = this.kv.iterator;
    if (!iterator) throw new AppError('store', `store backend cannot list ${this.namespace}`);
    const prefix = `${this.namespace}:`;
    for await (const [key, raw] of iterator(this.namespace) as AsyncIterable<[string, unknown]>) {
      const id = key.startsWith(prefix) ? key.slice(prefix.length) : key;
      const value = this.decode(id, raw);
      if (value !== undefined) yield [id, value] as const;
    }
  }
}

export async function openStore(url: string, options: OpenStoreOptions): Promise<Store> {
  const kind = storeKind(url);
  const factory = await adapterFactory(url, options.busyTimeoutMs ?? 10_000);
  const instances = new Map<string, Keyv>();
  const pending: Promise<unknown>[] = [];

  async function keyvFor(namespace: string): Promise<Keyv> {
    const existing = instances.get(namespace);
    if (existing) return existing;
    const store = await factory(namespace);
    const kv = new Keyv({ store, namespace, throwOnErrors: true, useKeyPrefix: true });
    kv.on('error', (error: unknown) => options.logger.error('store error', { namespace, error: errorMessage(error) }));
    instances.set(namespace, kv);
    return kv;
  }

  const store: Store = {
    kind,
    collection<T>(namespace: string, validator: Validator<T>): Collection<T> {
      // Lazily bound so collections can be declared synchronously at wiring time.
      const ready = keyvFor(namespace);
      pending.push(ready);
      let bound: KeyvCollection<T> | undefined;
      const get = async (): Promise<KeyvCollection<T>> => (bound ??= new KeyvCollection(namespace, await ready, validator, options.logger));
      return {
        get: async (id) => (await get()).get(id),
        set: async (id, value, ttl) => (await get()).set(id, value, ttl),
        delete: async (id) => (await get()).delete(id),
        entries: async function* () {
          yield* (await get()).entries();
        },
      };
    },
    async close() {
      await Promise.allSettled(pending);
      await Promise.allSettled([...instances.values()].map((kv) => kv.disconnect()));
      instances.clear();
    },
  };

  // Fail at start, not later: prove the backend can be written and read back.
  const probe = store.collection('settings', { parse: (v: unknown) => v });
  try {
    const stamp = new Date().toISOString();
    await probe.set('store-probe', stamp);
    if ((await probe.get('store-probe')) !== stamp) throw new AppError('store', 'store probe read back a different value');
  } catch (error) {
    await store.close().catch(() => undefined);
    if (error instanceof AppError) throw error;
    throw new AppError('store', `cannot open the state store: ${redactText(errorMessage(error))}`, { cause: error });
  }
  return store;
}
