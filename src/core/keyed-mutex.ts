/**
 * Per-key serialisation inside one process: work for the same key runs one after the other, in call order,
 * while different keys run in parallel. A failed run never blocks the next one. Keys are forgotten when idle,
 * so the map holds only keys with work queued or running.
 *
 * Not re-entrant: work must not wait for another run of the same key (it would wait for itself).
 */
export interface KeyedMutex {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Keys with work queued or running (for tests and diagnostics). */
  readonly size: number;
}

export function createKeyedMutex(): KeyedMutex {
  const tails = new Map<string, Promise<void>>();
  return {
    async run<T>(key: string, work: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(work);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      try {
        return await result;
      } finally {
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
    get size() {
      return tails.size;
    },
  };
}
