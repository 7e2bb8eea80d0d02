/**
 * Finding the tenant a person means, from the Sophos tenant directory: id (exact), name or "show as" name
 * (exact, case-insensitive), else a unique case-insensitive prefix. Nothing here calls an API.
 */
import { z } from 'zod';
import { isAppError, type AppError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Line } from '../core/reply.js';
import { clip } from './format.js';
import type { SkippedTenant, Tenant as SophosTenant, TenantDirectory, TenantFailure } from './sophos-port.js';

export type TenantMatch =
  | { readonly kind: 'ok'; readonly tenant: SophosTenant }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly SophosTenant[] }
  | { readonly kind: 'skipped'; readonly skipped: SkippedTenant }
  | { readonly kind: 'unknown'; readonly candidates: readonly string[] };

const CANDIDATES = 5;

function names(t: { readonly name: string; readonly showAs?: string }): string[] {
  return [t.name, t.showAs ?? ''].filter(Boolean).map((n) => n.toLowerCase());
}

export function matchTenant(directory: Pick<TenantDirectory, 'tenants' | 'skipped'>, query: string): TenantMatch {
  const q = query.trim().toLowerCase();
  const all = directory.tenants;
  const byId = all.find((t) => t.id.toLowerCase() === q);
  if (byId) return { kind: 'ok', tenant: byId };
  const exact = all.filter((t) => names(t).includes(q));
  if (exact.length === 1 && exact[0]) return { kind: 'ok', tenant: exact[0] };
  if (exact.length > 1) return { kind: 'ambiguous', candidates: exact };
  const skipped = directory.skipped.find((s) => s.id.toLowerCase() === q || s.name.toLowerCase() === q);
  if (skipped) return { kind: 'skipped', skipped };
  const prefixed = q ? all.filter((t) => names(t).some((n) => n.startsWith(q))) : [];
  if (prefixed.length === 1 && prefixed[0]) return { kind: 'ok', tenant: prefixed[0] };
  if (prefixed.length > 1) return { kind: 'ambiguous', candidates: prefixed };
  const skippedPrefix = q ? directory.skipped.filter((s) => s.name.toLowerCase().startsWith(q)) : [];
  if (skippedPrefix.length === 1 && skippedPrefix[0]) return { kind: 'skipped', skipped: skippedPrefix[0] };
  return { kind: 'unknown', candidates: suggestions(all, q) };
}

/** A few names to offer: those containing the query or sharing its first letter, else the first few. */
function suggestions(all: readonly SophosTenant[], q: string): string[] {
  const containing = q ? all.filter((t) => names(t).some((n) => n.includes(q))) : [];
  const sameStart = q ? all.filter((t) => names(t).some((n) => n.startsWith(q.slice(0, 1)))) : [];
  const ordered = [...containing, ...sameStart, ...all];
  const out: string[] = [];
  for (const t of ordered) {
    if (!out.includes(t.name)) out.push(t.name);
    if (out.length >= CANDIDATES) break;
  }
  return out;
}

/**
 * The longest leading run of words that names a tenant, and the remaining words (`/inventory Acme Corp bad`).
 * Only an exact id/name or a unique prefix counts; ambiguity is reported for the whole text.
 */
export function matchLeadingTenant(
  directory: Pick<TenantDirectory, 'tenants' | 'skipped'>,
  words: readonly string[],
): { readonly match: TenantMatch; readonly rest: string } {
  for (let k = words.length; k >= 1; k--) {
    const match = matchTenant(directory, words.slice(0, k).join(' '));
    if (match.kind === 'ok' || match.kind === 'skipped' || (match.kind === 'ambiguous' && k === 1)) {
      return { match, rest: words.slice(k).join(' ') };
    }
  }
  return { match: matchTenant(directory, words.join(' ')), rest: '' };
}

type T = (key: string, vars?: Readonly<Record<string, string | number>>) => string;

/** The reply lines for a tenant that could not be resolved; `undefined` for a match. */
export function tenantProblem(match: TenantMatch, query: string, total: number, t: T): Line[] | undefined {
  switch (match.kind) {
    case 'ok':
      return undefined;
    case 'ambiguous':
      return [
        t('ondemand-tenant-ambiguous', { query: clip(query, 60) }),
        t('ondemand-tenant-candidates', { names: match.candidates.slice(0, CANDIDATES).map((c) => clip(c.name, 60)).join(', ') }),
      ];
    case 'skipped':
      return [t('ondemand-tenant-skipped', { tenant: clip(match.skipped.name, 60), reason: t(`sophos-tenant-${match.skipped.reason}`) })];
    case 'unknown':
      return [
        t('ondemand-tenant-unknown', { query: clip(query, 60) }),
        ...(match.candidates.length > 0
          ? [t('ondemand-tenant-candidates', { names: match.candidates.map((c) => clip(c, 60)).join(', ') }) + (total > match.candidates.length ? ` ${t('ondemand-tenant-total', { count: total })}` : '')]
          : [t('ondemand-tenant-none')]),
      ];
  }
}

/** Fluent id of a short reason for a failed tenant call. */
export function failureReasonKey(error: AppError, forbidden: boolean): string {
  if (forbidden) return 'sophos-tenant-forbidden';
  switch (error.kind) {
    case 'auth':
      return 'ondemand-error-auth';
    case 'rate-limited':
      return 'ondemand-error-rate-limited';
    case 'unavailable':
      return 'ondemand-error-unavailable';
    case 'invalid-response':
      return 'ondemand-error-invalid-response';
    default:
      return 'ondemand-error-other';
  }
}

/** Fluent id of a short reason for any failed call (not only an `AppError`). */
export function reasonKeyOf(error: unknown): string {
  return isAppError(error) ? failureReasonKey(error, false) : 'ondemand-error-other';
}

/** A tenant named in an answer with the Fluent id of why it is missing from it. */
export const tenantNoteSchema = z.object({ name: z.string(), reasonKey: z.string() });
export type TenantNote = z.infer<typeof tenantNoteSchema>;

/** Notes for the tenants the directory lists but that cannot be called. */
export function skippedNotes(directory: Pick<TenantDirectory, 'skipped'>): TenantNote[] {
  return directory.skipped.map((s) => ({ name: s.name, reasonKey: `sophos-tenant-${s.reason}` }));
}

/** Notes for the tenants a sweep could not read, each logged (kind and status only, never a message). */
export function failureNotes(failed: readonly TenantFailure[], log: Logger, what: string): TenantNote[] {
  return failed.map((f) => {
    log.warn('sophos call of a tenant failed', { call: what, tenant: f.tenant.id, kind: f.error.kind, status: f.error.status });
    return { name: f.tenant.name, reasonKey: failureReasonKey(f.error, f.forbidden) };
  });
}

/** Lines shown per list of failed or skipped tenants; the rest is summed up (a partner may have hundreds). */
export const MAX_NOTES = 10;

/** `⚠️ Acme: access denied` for failures, `ℹ️ …` for skipped tenants, each list capped at MAX_NOTES lines. */
export function tenantNotes(failures: readonly TenantNote[], skipped: readonly TenantNote[], t: T): string[] {
  const out: string[] = [];
  const add = (list: readonly TenantNote[], mark: string): void => {
    for (const n of list.slice(0, MAX_NOTES)) out.push(`${mark} ${t('ondemand-tenant-failed', { tenant: clip(n.name, 60), reason: t(n.reasonKey) })}`);
    if (list.length > MAX_NOTES) out.push(`${mark} ${t('ondemand-more-tenants', { count: list.length - MAX_NOTES })}`);
  };
  add(failures, '⚠️');
  add(skipped, 'ℹ️');
  return out;
}

/** One line per named tenant, capped like `tenantNotes`. */
export function cappedNames(names: readonly string[], render: (name: string) => string, t: T): string[] {
  const out = names.slice(0, MAX_NOTES).map((n) => render(clip(n, 60)));
  if (names.length > MAX_NOTES) out.push(`⚠️ ${t('ondemand-more-tenants', { count: names.length - MAX_NOTES })}`);
  return out;
}
