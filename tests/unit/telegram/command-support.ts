import type { Actor, Role } from '../../../src/core/access.js';
import type { CommandContext, Diagnostics, SourceHealth } from '../../../src/core/ports.js';
import { lineText, type Reply } from '../../../src/core/reply.js';

/** A translator that shows the key and its variables, so assertions see exactly what was asked for. */
export const t = (key: string, vars?: Readonly<Record<string, string | number>>): string =>
  vars ? `${key}(${Object.entries(vars).map(([k, v]) => `${k}=${v}`).join(',')})` : key;

export function actor(role: Role | undefined, id = '42', chat: Actor['chat'] = { id, type: 'private' }): Actor {
  return { platform: 'telegram', userId: id, name: `User ${id}`, role, locale: 'en', chat };
}

export function ctx(role: Role | undefined, args = '', id = '42'): CommandContext {
  return { actor: actor(role, id), args, t, signal: new AbortController().signal };
}

export const text = (reply: Reply): string => reply.lines.map(lineText).join('\n');

export function diagnostics(health: SourceHealth[], errors: { at: string; message: string }[] = []): Diagnostics {
  return {
    version: '1.2.3',
    startedAt: new Date('2026-11-21T07:58:00Z'),
    health: () => Promise.resolve(health),
    outbox: () => Promise.resolve({ pending: 12, dead: 2, byDestination: { 'telegram:-100': 10, 'telegram:5': 2 } }),
    deadLetters: () => Promise.resolve([{ id: 'd', destination: 'telegram:5', ref: 'mp:1', reason: 'chat not found', at: '2026-11-23T08:00:00Z' }]),
    recentErrors: (limit) => errors.slice(0, limit),
  };
}

export const health: SourceHealth[] = [
  { source: 'maxpatrol', state: 'ok', since: undefined, lastSuccessAt: '2026-11-23T08:59:00Z', lastErrorKind: undefined, lastError: undefined, consecutiveFailures: 0, cursor: '2026-11-23T08:58:00Z', quarantined: 0 },
  { source: 'sophos', state: 'failing', since: '2026-11-23T08:00:00Z', lastSuccessAt: undefined, lastErrorKind: 'auth', lastError: '401 from id.sophos.com', consecutiveFailures: 4, cursor: undefined, quarantined: 3 },
  { source: 'elastic', state: 'unknown', since: undefined, lastSuccessAt: undefined, lastErrorKind: undefined, lastError: undefined, consecutiveFailures: 0, cursor: undefined, quarantined: 0 },
];

