import { describe, expect, it } from 'vitest';
import { effectiveRole, incidentDestinations, routeAllows, type ChatRecord, type UserRecord } from '../../../src/core/directory.js';

const user = (status: UserRecord['status'], role: UserRecord['role'] = 'analyst'): UserRecord => ({ platform: 'telegram', id: '5', name: 'U', status, role, updatedAt: '' });
const chat = (id: string, status: ChatRecord['status'], extra: Partial<ChatRecord> = {}): ChatRecord => ({
  platform: 'telegram',
  id,
  kind: id.startsWith('-') ? 'group' : 'private',
  title: id,
  status,
  active: true,
  updatedAt: '',
  ...extra,
});

describe('roles', () => {
  it.each([
    [{ isConfigAdmin: true, user: user('banned'), chat: undefined }, 'admin'],
    [{ isConfigAdmin: false, user: user('approved', 'viewer'), chat: undefined }, 'viewer'],
    [{ isConfigAdmin: false, user: user('pending'), chat: undefined }, undefined],
    [{ isConfigAdmin: false, user: undefined, chat: chat('-1', 'approved') }, 'viewer'],
    [{ isConfigAdmin: false, user: user('banned'), chat: chat('-1', 'approved') }, undefined],
    [{ isConfigAdmin: false, user: undefined, chat: chat('-1', 'pending') }, undefined],
    [{ isConfigAdmin: false, user: undefined, chat: chat('-1', 'approved', { active: false }) }, undefined],
    [{ isConfigAdmin: false, user: undefined, chat: chat('7', 'approved') }, undefined],
  ] as const)('%o → %s', (inputs, expected) => {
    expect(effectiveRole({ ...inputs, groupMemberRole: 'viewer' })).toBe(expected);
  });
});

describe('routing', () => {
  const chats = [chat('-1', 'approved'), chat('-2', 'approved', { migratedFrom: ['-20'] }), chat('3', 'approved'), chat('-4', 'pending'), chat('-5', 'approved', { active: false }), chat('-6', 'banned'), chat('-7', 'approved', { migratedTo: '-2' })];
  const routes = [
    { chat: '-1', sources: ['maxpatrol'], minSeverity: 'high' as const },
    { chat: '-20', minSeverity: 'critical' as const },
  ];
  it('approved, active chats get everything unless a route (also one written for a former id) restricts them', () => {
    const ids = (source: string, severity: 'critical' | 'high' | 'low') => incidentDestinations(chats, routes, { source, severity }).map((c) => c.id);
    expect(ids('maxpatrol', 'high')).toEqual(['-1', '3']);
    expect(ids('maxpatrol', 'critical')).toEqual(['-1', '-2', '3']);
    expect(ids('elastic', 'critical')).toEqual(['-2', '3']);
    expect(ids('elastic', 'low')).toEqual(['3']);
    expect(incidentDestinations(chats, [], { source: 'x', severity: 'info' }).map((c) => c.id)).toEqual(['-1', '-2', '3']);
    expect(routeAllows([{ chat: '3', sources: [], minSeverity: 'info' }], { id: '3' }, { source: 'any', severity: 'info' })).toBe(true);
  });
});
