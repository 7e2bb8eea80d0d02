import { afterEach, describe, expect, it } from 'vitest';
import { createDebugCommand } from '../../../src/commands/debug.js';
import type { ApprovalService } from '../../../src/core/approval.js';
import type { ChatRecord, Directory } from '../../../src/core/directory.js';
import { clearSecretsForTests, redactText, registerSecret } from '../../../src/lib/redact.js';
import { manualClock } from '../../support/memory.js';
import { ctx, diagnostics, health, text } from '../telegram/command-support.js';

afterEach(() => clearSecretsForTests());

const chats: ChatRecord[] = [
  { platform: 'telegram', id: '-1001987654321', kind: 'group', title: 'SOC Дежурная смена', status: 'approved', active: true, updatedAt: '' },
  { platform: 'telegram', id: '555', kind: 'private', title: 'Gone', status: 'approved', active: false, updatedAt: '' },
  { platform: 'telegram', id: '777', kind: 'private', title: 'Pending', status: 'pending', active: true, updatedAt: '' },
];
const directory = { listChats: () => Promise.resolve(chats) } as unknown as Directory;
const approvals = { pending: () => Promise.resolve([{}, {}]) } as unknown as ApprovalService;

describe('/debug', () => {
  it('is for admins, and shows state with every secret redacted', async () => {
    registerSecret('SI3M-P@$$w0rd');
    const token = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ';
    const d = diagnostics(
      [{ ...health[1]!, lastError: 'login failed with SI3M-P@$$w0rd', cursor: `{"url":"https://x/bot${token}/getMe"}` }],
      [{ at: '2026-11-23T08:30:00Z', message: `request to https://api.telegram.org/bot${token}/sendMessage failed` }],
    );
    const debug = createDebugCommand({ diagnostics: d, directory, approvals, clock: manualClock(), formatTime: (iso) => iso, redact: redactText, storeKind: 'sqlite', platform: 'telegram' });
    expect(debug.requires).toBe('admin');
    const out = text(await debug.run(ctx('admin')));
    expect(out).not.toContain('SI3M-P@$$w0rd');
    expect(out).not.toContain(token);
    expect(out).not.toMatch(/\d{6,}:[A-Za-z0-9_-]{30,}/);
    expect(out).toContain('debug-version(version=1.2.3,store=sqlite)');
    expect(out).toContain('debug-outbox(pending=12,dead=2)');
    expect(out).toContain('telegram:-100: 10');
    expect(out).toContain('☠ 2026-11-23T08:00:00Z telegram:5 mp:1: chat not found');
    expect(out).toContain('debug-chats(count=1)');
    expect(out).toContain('SOC Дежурная смена (-1001987654321)');
    expect(out).not.toContain('Gone');
    expect(out).toContain('debug-pending(count=2)');
    expect(out).toContain('debug-errors(count=1)');
    expect(out).toContain('[REDACTED]');
  });
});

describe('/debug source details', () => {
  it('shows what a source reports about itself (Illumio throttles, Sophos tenants)', async () => {
    const d = diagnostics([
      {
        ...health[1]!,
        details: [
          { key: 'illumio-debug-suppressed-total', vars: { count: 7 } },
          { key: 'sophos-debug-tenant-skipped', vars: { name: 'Trial tenant', reason: 'no-api-host' } },
        ],
      },
    ]);
    const debug = createDebugCommand({ diagnostics: d, directory, approvals, clock: manualClock(), formatTime: (iso) => iso, redact: redactText, storeKind: 'sqlite', platform: 'telegram' });
    const out = text(await debug.run(ctx('admin')));
    expect(out).toContain('illumio-debug-suppressed-total(count=7)');
    expect(out).toContain('sophos-debug-tenant-skipped(name=Trial tenant,reason=no-api-host)');
  });
});
