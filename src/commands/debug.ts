/**
 * `/debug` (admins): version, uptime, store, cursors and health per source, outbox depth, dead letters, allowed
 * chats, pending requests and the last errors. Every string from state or logs passes the redactor again.
 */
import type { ApprovalService } from '../core/approval.js';
import type { Clock } from '../core/clock.js';
import { receivesIncidents, type Directory } from '../core/directory.js';
import type { CommandModule, Diagnostics } from '../core/ports.js';
import type { Line } from '../core/reply.js';
import { healthLine, uptimeParts } from './ping.js';

export interface DebugDeps {
  readonly diagnostics: Diagnostics;
  readonly directory: Directory;
  readonly approvals: ApprovalService;
  readonly clock: Clock;
  readonly formatTime: (iso: string) => string;
  readonly redact: (text: string) => string;
  readonly storeKind: string;
  readonly platform: string;
}

/** Cuts by code point: half an emoji would make Telegram refuse the whole reply. */
const clip = (text: string, max: number): string => {
  const points = [...text];
  return points.length > max ? `${points.slice(0, max - 1).join('')}…` : text;
};

export function createDebugCommand(deps: DebugDeps): CommandModule {
  return {
    name: 'debug',
    descriptionKey: 'cmd-debug-description',
    requires: 'admin',
    async run(ctx) {
      const { t } = ctx;
      const r = (text: string, max = 300): string => clip(deps.redact(text).replace(/[\r\n]+/g, ' '), max);
      const d = deps.diagnostics;
      const lines: Line[] = [[{ b: t('debug-title') }]];
      lines.push(t('debug-version', { version: d.version, store: deps.storeKind }));
      lines.push(t('debug-uptime', { ...uptimeParts(d.startedAt, deps.clock.now()), since: deps.formatTime(d.startedAt.toISOString()) }));

      lines.push('', [{ b: t('debug-sources') }]);
      const health = await d.health();
      if (health.length === 0) lines.push(t('ping-no-sources'));
      for (const h of health) {
        lines.push(healthLine(h, t, deps.formatTime));
        lines.push([`   ${t('debug-cursor')}: `, { code: r(h.cursor ?? '—', 200) }]);
        if (h.lastSuccessAt) lines.push(`   ${t('debug-last-success')}: ${deps.formatTime(h.lastSuccessAt)}`);
        if (h.lastError) lines.push(`   ${t('debug-last-error')}: ${r(h.lastError)}`);
        if (h.quarantined > 0) lines.push(`   ${t('debug-quarantined', { count: h.quarantined })}`);
        for (const detail of (h.details ?? []).slice(0, 20)) lines.push(`   ${r(t(detail.key, detail.vars))}`);
      }

      const outbox = await d.outbox();
      lines.push('', [{ b: t('debug-outbox', { pending: outbox.pending, dead: outbox.dead }) }]);
      const busiest = Object.entries(outbox.byDestination).sort((a, b) => b[1] - a[1]).slice(0, 10);
      for (const [dest, count] of busiest) lines.push(`   ${dest}: ${count}`);
      const dead = await d.deadLetters(5);
      for (const letter of dead) lines.push(`   ☠ ${deps.formatTime(letter.at)} ${letter.destination} ${r(letter.ref, 80)}: ${r(letter.reason, 200)}`);

      const chats = (await deps.directory.listChats(deps.platform)).filter(receivesIncidents);
      lines.push('', [{ b: t('debug-chats', { count: chats.length }) }]);
      for (const chat of chats.slice(0, 30)) lines.push(['   ', clip(chat.title, 60), ` (${chat.id})`]);
      if (chats.length > 30) lines.push(`   … ${chats.length - 30}`);
      const pending = await deps.approvals.pending();
      lines.push(t('debug-pending', { count: pending.length }));

      const errors = d.recentErrors(10);
      lines.push('', [{ b: t('debug-errors', { count: errors.length }) }]);
      for (const e of errors) lines.push(`   ${deps.formatTime(e.at)} ${r(e.message)}`);
      return { lines };
    },
  };
}
