/**
 * The persisted outbox: one ordered queue per destination. Entry ids are deterministic
 * (`dest|ref|post`), so enqueueing the same incident twice (a crash before the cursor was saved) is a no-op.
 * Sent posts are kept (with their message reference) so cards can be edited and re-sends refused;
 * housekeeping prunes them after the retention.
 */
import type { Clock, Collection, DeadLetter, Destination, OutboxStats } from './ports.js';

export type OutboxOp = 'post' | 'edit';
export type OutboxState = 'pending' | 'sent' | 'dead';

export interface OutboxEntry {
  readonly id: string;
  readonly destination: Destination;
  readonly ref: string;
  readonly op: OutboxOp;
  readonly seq: number;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly createdAt: string;
  readonly firstFailedAt?: string;
  readonly sentAt?: string;
  /** Platform message id of the card (or of the digest that named it). */
  readonly messageRef?: string;
  readonly viaDigest?: boolean;
  readonly reason?: string;
}

export function entryId(dest: Destination, ref: string, op: OutboxOp): string {
  return `${dest}|${ref}|${op}`;
}

export interface Outbox {
  /** Loads the working set from the store; call once at start. */
  load(): Promise<void>;
  enqueuePost(dest: Destination, ref: string): Promise<boolean>;
  /** Queues a card edit in every destination whose card for `ref` is sent or still pending. */
  enqueueEdits(ref: string): Promise<number>;
  pendingFor(dest: Destination): readonly OutboxEntry[];
  destinations(): readonly Destination[];
  sentPost(dest: Destination, ref: string): OutboxEntry | undefined;
  /** Any entry of this incident still waiting (retention must not remove its record). */
  hasPending(ref: string): boolean;
  update(entry: OutboxEntry): Promise<void>;
  /** Moves every pending entry of `from` to `to` (chat migration), keeping order. */
  move(from: Destination, to: Destination): Promise<void>;
  stats(): OutboxStats;
  deadLetters(limit: number): readonly DeadLetter[];
  prune(olderThanMs: number): Promise<number>;
  onChange(listener: () => void): void;
}

export function createOutbox(collection: Collection<OutboxEntry>, clock: Clock): Outbox {
  // The store is the truth; these indexes are the working set, so a send never scans every entry ever kept.
  const entries = new Map<string, OutboxEntry>();
  const pendingByDest = new Map<Destination, Map<string, OutboxEntry>>();
  const idsByRef = new Map<string, Set<string>>();
  const listeners: Array<() => void> = [];
  let lastSeq = 0;
  const nextSeq = (): number => {
    lastSeq = Math.max(lastSeq + 1, clock.now().getTime() * 1000);
    return lastSeq;
  };
  const changed = (): void => listeners.forEach((l) => l());

  function index(entry: OutboxEntry): void {
    const previous = entries.get(entry.id);
    if (previous && previous.destination !== entry.destination) pendingByDest.get(previous.destination)?.delete(entry.id);
    entries.set(entry.id, entry);
    let refIds = idsByRef.get(entry.ref);
    if (!refIds) idsByRef.set(entry.ref, (refIds = new Set()));
    refIds.add(entry.id);
    let lane = pendingByDest.get(entry.destination);
    if (entry.state === 'pending') {
      if (!lane) pendingByDest.set(entry.destination, (lane = new Map()));
      lane.set(entry.id, entry);
    } else if (lane) {
      lane.delete(entry.id);
      if (lane.size === 0) pendingByDest.delete(entry.destination);
    }
  }

  function unindex(entry: OutboxEntry): void {
    entries.delete(entry.id);
    idsByRef.get(entry.ref)?.delete(entry.id);
    if (idsByRef.get(entry.ref)?.size === 0) idsByRef.delete(entry.ref);
    pendingByDest.get(entry.destination)?.delete(entry.id);
  }

  async function put(entry: OutboxEntry): Promise<void> {
    await collection.set(entry.id, entry);
    index(entry);
  }

  const ofRef = (ref: string): OutboxEntry[] => [...(idsByRef.get(ref) ?? [])].map((id) => entries.get(id)).filter((e): e is OutboxEntry => e !== undefined);

  return {
    async load() {
      entries.clear();
      pendingByDest.clear();
      idsByRef.clear();
      for await (const [, entry] of collection.entries()) {
        index(entry);
        lastSeq = Math.max(lastSeq, entry.seq);
      }
    },
    async enqueuePost(dest, ref) {
      const id = entryId(dest, ref, 'post');
      if (entries.has(id) || (await collection.get(id))) return false;
      await put({ id, destination: dest, ref, op: 'post', seq: nextSeq(), state: 'pending', attempts: 0, createdAt: clock.now().toISOString() });
      changed();
      return true;
    },
    async enqueueEdits(ref) {
      let n = 0;
      for (const entry of ofRef(ref)) {
        if (entry.op !== 'post' || entry.state !== 'sent' || entry.viaDigest) continue;
        const id = entryId(entry.destination, ref, 'edit');
        if (entries.get(id)?.state === 'pending') continue;
        await put({ id, destination: entry.destination, ref, op: 'edit', seq: nextSeq(), state: 'pending', attempts: 0, createdAt: clock.now().toISOString() });
        n += 1;
      }
      if (n > 0) changed();
      return n;
    },
    pendingFor(dest) {
      return [...(pendingByDest.get(dest)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
    },
    destinations() {
      return [...pendingByDest.keys()];
    },
    sentPost(dest, ref) {
      const e = entries.get(entryId(dest, ref, 'post'));
      return e?.state === 'sent' ? e : undefined;
    },
    hasPending(ref) {
      return ofRef(ref).some((e) => e.state === 'pending');
    },
    async update(entry) {
      await put(entry);
    },
    async move(from, to) {
      for (const entry of [...(pendingByDest.get(from)?.values() ?? [])]) {
        const id = entryId(to, entry.ref, entry.op);
        if (!entries.has(id)) await put({ ...entry, id, destination: to, attempts: 0 });
        await put({ ...entry, state: 'dead', reason: `moved to ${to}` });
      }
      changed();
    },
    stats() {
      const byDestination: Record<Destination, number> = {};
      let pending = 0;
      for (const [dest, lane] of pendingByDest) {
        byDestination[dest] = lane.size;
        pending += lane.size;
      }
      let dead = 0;
      for (const e of entries.values()) if (e.state === 'dead' && !e.reason?.startsWith('moved to')) dead += 1;
      return { pending, dead, byDestination };
    },
    deadLetters(limit) {
      return [...entries.values()]
        .filter((e) => e.state === 'dead' && !e.reason?.startsWith('moved to'))
        .sort((a, b) => b.seq - a.seq)
        .slice(0, limit)
        .map((e) => ({ id: e.id, destination: e.destination, ref: e.ref, reason: e.reason ?? '', at: e.sentAt ?? e.createdAt }));
    },
    async prune(olderThanMs) {
      const cutoff = clock.now().getTime() - olderThanMs;
      let n = 0;
      for (const e of [...entries.values()]) {
        if (e.state === 'pending') continue;
        if (Date.parse(e.sentAt ?? e.createdAt) < cutoff) {
          await collection.delete(e.id);
          unindex(e);
          n += 1;
        }
      }
      return n;
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
