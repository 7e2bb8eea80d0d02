import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUsersCommand, USERS_ACTION } from '../../../src/commands/users.js';
import { createApprovalService, type ApprovalService } from '../../../src/core/approval.js';
import type { Directory } from '../../../src/core/directory.js';
import type { ActionHandler, CommandModule, Store } from '../../../src/core/ports.js';
import type { Button, Reply } from '../../../src/core/reply.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createApprovalStore, createDirectoryStore } from '../../../src/store/directory-store.js';
import { openStore } from '../../../src/store/keyv.js';
import { manualClock } from '../../support/memory.js';
import { actor, ctx, t, text } from '../telegram/command-support.js';

let store: Store;
let directory: Directory;
let approvals: ApprovalService;
let command: CommandModule;
let action: ActionHandler;

beforeEach(async () => {
  store = await openStore('memory://', { logger: silentLogger });
  directory = createDirectoryStore(store);
  approvals = createApprovalService({
    directory,
    approvals: createApprovalStore(store),
    audit: { record: () => Promise.resolve(), recent: () => Promise.resolve([]) },
    clock: manualClock(),
    logger: silentLogger,
    ttlSeconds: 600,
    effects: {
      promptAdmins: () => Promise.resolve([]),
      updatePrompts: () => Promise.resolve(),
      tellRequester: () => Promise.resolve(),
      leaveChat: () => Promise.resolve(),
      notifyAdmins: () => Promise.resolve(),
    },
    isConfigAdmin: (_p, id) => id === '1',
  });
  ({ command, action } = createUsersCommand({ directory, approvals, platform: 'telegram', configAdmins: ['1'], formatTime: (iso) => iso }));
  await approvals.requestAccess({ kind: 'user', platform: 'telegram', id: '5000000001', chatId: '5000000001', name: 'Иван', username: 'soc_duty' });
  await approvals.requestAccess({ kind: 'chat', platform: 'telegram', id: '-1001987654321', chatId: '-1001987654321', name: 'SOC' });
});
afterEach(async () => {
  await store.close();
});

const buttons = (reply: Reply | undefined): Button[] => (reply?.buttons ?? []).flat();
const press = (reply: Reply | undefined, label: string) => {
  const b = buttons(reply).find((x) => x.text === label || x.text.includes(label));
  if (!b || !('action' in b)) throw new Error(`no ${label} in ${buttons(reply).map((x) => x.text).join(', ')}`);
  expect(b.action).toBe(USERS_ACTION);
  return action.handle(b.payload, { ...ctx('admin', '', '1'), actor: actor('admin', '1') });
};

describe('/users', () => {
  it('is for admins and lists config admins, pending users and chats with manage buttons', async () => {
    expect(command.requires).toBe('admin');
    expect(action.requires).toBe('admin');
    const list = await command.run(ctx('admin', '', '1'));
    const out = text(list);
    expect(out).toContain('users-summary(pending=2,approved=1,denied=0,banned=0)');
    expect(out).toMatch(/✅ 👤 1 .*users-config-admin/);
    expect(out).toContain('⏳ 👤 Иван @soc_duty 5000000001 — users-status-pending');
    expect(out).toContain('⏳ 👥 SOC -1001987654321 — users-status-pending');
    expect(buttons(list).map((b) => b.text)).toEqual(['⚙ SOC', '⚙ Иван']);
  });

  it('approves, changes the role, revokes and bans through buttons', async () => {
    const list = await command.run(ctx('admin', '', '1'));
    const entry = await press(list, 'Иван');
    expect(buttons(entry.edit).map((b) => b.text)).toEqual(['users-button-approve', 'users-button-deny', 'users-button-ban', 'users-back']);
    const approved = await press(entry.edit, 'users-button-approve');
    expect(approved.toast).toBe('users-outcome-ok');
    expect(await directory.getUser('telegram', '5000000001')).toMatchObject({ status: 'approved', role: 'analyst' });
    expect(buttons(approved.edit).map((b) => b.text)).toEqual(['role-viewer', '• role-analyst', 'role-admin', 'users-button-revoke', 'users-button-ban', 'users-back']);
    const viewer = await press(approved.edit, 'role-viewer');
    expect(viewer.toast).toBe('users-outcome-ok');
    expect(await directory.getUser('telegram', '5000000001')).toMatchObject({ role: 'viewer' });
    const chat = await press(await command.run(ctx('admin', '', '1')), 'SOC');
    const banned = await press(chat.edit, 'users-button-ban');
    expect(banned.toast).toBe('users-outcome-ok');
    expect(await directory.getChat('telegram', '-1001987654321')).toMatchObject({ status: 'banned' });
    expect(await action.handle({ v: 'op', kind: 'user', id: '1', op: 'ban' }, ctx('admin', '', '1'))).toMatchObject({ toast: 'users-outcome-config-admin', alert: true });
    expect(await action.handle({ v: 'nope' }, ctx('admin', '', '1'))).toEqual({ toast: 'button-invalid', alert: true });
  });

  it('accepts the same operations as text and explains its usage otherwise', async () => {
    expect(text(await command.run(ctx('admin', 'ban 5000000001', '1')))).toMatch(/^users-outcome-ok/);
    expect(await directory.getUser('telegram', '5000000001')).toMatchObject({ status: 'banned' });
    expect(text(await command.run(ctx('admin', 'approve -1001987654321', '1')))).toMatch(/^users-outcome-ok/);
    expect(text(await command.run(ctx('admin', 'role -1001987654321 viewer', '1')))).toMatch(/^users-outcome-not-found/);
    expect(text(await command.run(ctx('admin', 'role 5000000001 overlord', '1')))).toBe('users-usage');
    expect(text(await command.run(ctx('admin', 'approve 12345', '1')))).toBe(t('users-not-found', { id: '12345' }));
    expect(text(await command.run(ctx('admin', 'drop table', '1')))).toBe('users-usage');
  });
});
