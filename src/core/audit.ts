import type { AuditEntry, AuditLog, Clock, Collection } from './ports.js';

/** Audit entries are append-only records keyed by time, so a listing sorts naturally. */
export function createAuditLog(collection: Collection<AuditEntry>, clock: Clock): AuditLog {
  let counter = 0;
  return {
    async record(entry) {
      const at = clock.now().toISOString();
      counter = (counter + 1) % 1_000_000;
      const id = `${at}-${String(counter).padStart(6, '0')}`;
      await collection.set(id, { ...entry, at });
    },
    async recent(limit) {
      const all: AuditEntry[] = [];
      for await (const [, entry] of collection.entries()) all.push(entry);
      all.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
      return all.slice(0, limit);
    },
  };
}
