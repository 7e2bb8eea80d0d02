/**
 * The platform-neutral approval rules and service with in-memory ports.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/access.js';
import {
  createApprovalService,
  decideRequest,
  type ApprovalEffects,
  type ApprovalRequest,
  type ApprovalService,
  type ApprovalSubject,
} from '../../../src/core/approval.js';
import type { Directory } from '../../../src/core/directory.js';
import type { AuditEntry, Store } from '../../../src/core/ports.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createApprovalStore, createDirectoryStore } from '../../../src/store/directory-store.js';
import { openStore } from '../../../src/store/keyv.js';
import { manualClock } from '../../support/memory.js';

const admin: Actor = { platform: 'telegram', userId: '1', name: 'Admin', role: 'admin', locale: 'en', chat: { id: '1', type: 'private' } };
const person: ApprovalSubject = { kind: 'user', platform: 'telegram', id: '5000000001', chatId: '5000000001', name: 'Иван', username: 'soc_duty', languageCode: 'ru', locale: 'ru' };
const group: ApprovalSubject = { kind: 'chat', platform: 'telegram', id: '-1001987654321', chatId: '-1001987654321', name: 'SOC', addedBy: { id: '1', name: 'Admin' } };

let store: Store;
let directory: Directory;
let service: ApprovalService;
let audit: AuditEntry[];
let effects: { prompts: string[]; updates: string[]; told: string[]; left: string[]; notices: string[] };
let clock: ReturnType<typeof manualClock>;

beforeEach(async () => {
  store = await openStore('memory://', { logger: silentLogger });
  directory = createDirectoryStore(store);
  clock = manualClock('2026-11-23T09:00:00Z');
  audit = [];
  effects = { prompts: [], updates: [], told: [], left: [], notices: [] };
  const fx: ApprovalEffects = {
    promptAdmins: (r) => {
      effects.prompts.push(r.id);
      return Promise.resolve([{ chatId: '1', messageRef: String(effects.prompts.length), locale: 'en' }]);
    },
    updatePrompts: (r) => Promise.resolve(void effects.updates.push(`${r.id}:${r.state}`)),
    tellRequester: (r) => Promise.resolve(void effects.told.push(`${r.subject.id}:${r.state}`)),
    leaveChat: (_p, id) => Promise.resolve(void effects.left.push(id)),
    notifyAdmins: (key, vars) => Promise.resolve(void effects.notices.push(`${key}:${String(vars?.destination)}`)),
  };
  service = createApprovalService({
    directory,
    approvals: createApprovalStore(store),
    audit: { record: (e) => Promise.resolve(void audit.push({ ...e, at: clock.now().toISOString() })), recent: () => Promise.resolve(audit) },
    clock,
    logger: silentLogger,
    ttlSeconds: 600,
    effects: fx,
    isConfigAdmin: (p, id) => p === 'telegram' && id === '1',
  });
});
afterEach(async () => {
  await store.close();
});

describe('decideRequest', () => {
  const base: ApprovalRequest = { id: 'r', subject: person, state: 'pending', requestedAt: '2026-11-23T09:00:00Z', expiresAt: '2026-11-23T09:10:00Z', prompts: [] };
  it('first decision wins, later ones see it, overdue requests expire', () => {
    const first = decideRequest(base, 'approve', { label: 'A', id: '1' }, new Date('2026-11-23T09:05:00Z'));
    expect(first).toMatchObject({ kind: 'decided', request: { state: 'approved', decidedBy: 'A' } });
    expect(decideRequest(first.request, 'ban', { label: 'B', id: '2' }, new Date('2026-11-23T09:06:00Z'))).toMatchObject({ kind: 'already', request: { state: 'approved', decidedBy: 'A' } });
    expect(decideRequest(base, 'approve', { label: 'A', id: '1' }, new Date('2026-11-23T09:10:00Z'))).toMatchObject({ kind: 'expired', request: { state: 'expired' } });
  });
});

describe('approval service', () => {
  it('one open request per subject, however often and however concurrently it asks', async () => {
    const outcomes = await Promise.all([service.requestAccess(person), service.requestAccess(person), service.requestAccess(person)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['created', 'pending', 'pending']);
    expect(effects.prompts).toHaveLength(1);
    expect(await directory.getUser('telegram', person.id)).toMatchObject({ status: 'pending', languageCode: 'ru', privateChatId: person.id });
    expect(await directory.getChat('telegram', person.id)).toMatchObject({ status: 'pending', kind: 'private', locale: 'ru' });
  });

  it('approving a person makes them an analyst and their chat a destination; the decision is audited', async () => {
    const created = await service.requestAccess(person);
    if (created.kind !== 'created') throw new Error('not created');
    const decided = await service.decide(created.request.id, 'approve', admin);
    expect(decided.kind).toBe('decided');
    expect(await directory.getUser('telegram', person.id)).toMatchObject({ status: 'approved', role: 'analyst', updatedBy: 'Admin [telegram:1]' });
    expect(await directory.getChat('telegram', person.id)).toMatchObject({ status: 'approved', active: true });
    expect(audit.map((a) => a.action)).toEqual(['approval.requested', 'approval.approve']);
    if (decided.kind === 'decided') await service.announce(decided.request);
    expect(effects.updates).toEqual([`${created.request.id}:approved`]);
    expect(effects.told).toEqual([`${person.id}:approved`]);
    expect((await service.requestAccess(person)).kind).toBe('approved');
  });

  it('banning a group leaves it; a denied subject cannot ask again', async () => {
    const g = await service.requestAccess(group);
    if (g.kind !== 'created') throw new Error('not created');
    const banned = await service.decide(g.request.id, 'ban', admin);
    if (banned.kind !== 'decided') throw new Error('not decided');
    await service.announce(banned.request);
    expect(effects.left).toEqual([group.id]);
    expect(effects.told).toEqual([]);
    expect((await service.requestAccess(group)).kind).toBe('banned');

    const p = await service.requestAccess(person);
    if (p.kind !== 'created') throw new Error('not created');
    await service.decide(p.request.id, 'deny', admin);
    expect((await service.requestAccess(person)).kind).toBe('denied');
    expect(effects.prompts).toHaveLength(2);
  });

  it('expires overdue requests once, tells everyone, and lets the subject ask anew', async () => {
    const created = await service.requestAccess(person);
    if (created.kind !== 'created') throw new Error('not created');
    clock.advance(599_000);
    expect(await service.expire()).toBe(0);
    clock.advance(2_000);
    expect(await service.expire()).toBe(1);
    expect(await service.expire()).toBe(0);
    expect(effects.updates).toEqual([`${created.request.id}:expired`]);
    expect(effects.told).toEqual([`${person.id}:expired`]);
    expect(await directory.getUser('telegram', person.id)).toMatchObject({ status: 'none' });
    expect((await service.decide(created.request.id, 'approve', admin)).kind).toBe('already');
    expect((await service.requestAccess(person)).kind).toBe('created');
  });

  it('roles and access changes from /users; config admins are untouchable', async () => {
    const created = await service.requestAccess(person);
    if (created.kind !== 'created') throw new Error('not created');
    expect(await service.setRole('telegram', person.id, 'viewer', admin)).toBe('not-found'); // not approved yet
    expect(await service.changeAccess('user', 'telegram', person.id, 'approve', admin)).toBe('ok');
    expect(effects.updates).toEqual([`${created.request.id}:approved`]); // the open prompt was resolved too
    expect(await service.setRole('telegram', person.id, 'viewer', admin)).toBe('ok');
    expect(await service.setRole('telegram', person.id, 'viewer', admin)).toBe('unchanged');
    expect(await directory.getUser('telegram', person.id)).toMatchObject({ role: 'viewer' });
    expect(await service.changeAccess('user', 'telegram', person.id, 'revoke', admin)).toBe('ok');
    expect(await directory.getChat('telegram', person.id)).toMatchObject({ status: 'denied' });
    expect(await service.changeAccess('user', 'telegram', '1', 'ban', admin)).toBe('config-admin');
    expect(await service.setRole('telegram', '1', 'viewer', admin)).toBe('config-admin');
    expect(await service.changeAccess('chat', 'telegram', '-42', 'ban', admin)).toBe('not-found');
    expect(audit.filter((a) => a.action.startsWith('access.')).map((a) => a.action)).toEqual(['access.role', 'access.revoke']);
  });

  it('migration keeps approval and answers a request the new id made meanwhile', async () => {
    const old: ApprovalSubject = { ...group, id: '-555', chatId: '-555' };
    const g = await service.requestAccess(old);
    if (g.kind !== 'created') throw new Error('not created');
    await service.decide(g.request.id, 'approve', admin);
    const fresh = await service.requestAccess({ ...group, id: '-1005550000', chatId: '-1005550000' });
    if (fresh.kind !== 'created') throw new Error('not created');
    await service.migrate('telegram', '-555', '-1005550000');
    await service.migrate('telegram', '-555', '-1005550000'); // idempotent
    expect(await directory.getChat('telegram', '-1005550000')).toMatchObject({ status: 'approved', active: true, migratedFrom: ['-555'] });
    expect(await directory.getChat('telegram', '-555')).toMatchObject({ migratedTo: '-1005550000', active: false });
    expect(effects.updates).toEqual([`${fresh.request.id}:approved`]);
    expect(audit.filter((a) => a.action === 'chat.migrated')).toHaveLength(1);
  });

  it('inactive chats: admins are told once per transition, and not at all when the worker tells them', async () => {
    const g = await service.requestAccess(group);
    if (g.kind !== 'created') throw new Error('not created');
    await service.decide(g.request.id, 'approve', admin);
    await service.markInactive('telegram', group.id, 'kicked');
    await service.markInactive('telegram', group.id, 'kicked');
    expect(effects.notices).toEqual([`delivery-chat-inactive:telegram:${group.id}`]);
    await service.markActive('telegram', group.id);
    expect(await directory.getChat('telegram', group.id)).toMatchObject({ active: true });
    await service.markInactive('telegram', group.id, '403', { notify: false });
    expect(effects.notices).toHaveLength(1);
    expect(await directory.getChat('telegram', group.id)).toMatchObject({ active: false, inactiveReason: '403' });
  });

  it('a config admin\u2019s first /start approves their private chat once; their role stays with the config', async () => {
    await service.registerAdmin({ platform: 'telegram', id: '1', name: 'Admin', languageCode: 'hu', chatId: '1', locale: 'hu' });
    expect(await directory.getChat('telegram', '1')).toMatchObject({ status: 'approved', locale: 'hu' });
    expect(await directory.getUser('telegram', '1')).toMatchObject({ status: 'none', languageCode: 'hu' });
    await service.changeAccess('chat', 'telegram', '1', 'revoke', admin);
    await service.registerAdmin({ platform: 'telegram', id: '1', name: 'Admin', chatId: '1' });
    expect(await directory.getChat('telegram', '1')).toMatchObject({ status: 'denied' });
    await service.registerAdmin({ platform: 'telegram', id: '99', name: 'Not an admin', chatId: '99' });
    expect(await directory.getUser('telegram', '99')).toBeUndefined();
  });
});
