/**
 * `/cleanls [tenant] [level]` (admins): clean up Sophos Central web-control local sites that SophosLabs Intelix
 * rates as risky.
 *
 * 1. Dry run, always first: every local site of the chosen tenant(s) is read, each distinct URL/IP looked up once
 *    with Intelix (token and answers cached by the client), and the plan is stored (`cleanls-plans`). The answer
 *    counts sites per risk and carries a document listing every site, its risk and whether it would be deleted.
 *    Nothing is deleted by a dry run.
 * 2. Deletion only when an admin presses Confirm on that report before it expires (`confirmTtlSeconds`, 10 min).
 *    The press re-reads the tenants' local sites and looks them up again; any change (a new or removed site,
 *    another URL, another risk) refuses and asks for a new dry run. Then exactly the planned sites are deleted,
 *    one audit entry each, and a deletion report (deleted / failed / unknown per tenant, per-site details as a
 *    document) is sent. A second press, an expired plan or a non-admin press changes nothing.
 *
 * Rules: only sites whose risk is in `cleanLevelRisks(level)` are deleted; UNCLASSIFIED and UNKNOWN (no Intelix
 * result) never are. `ALL` includes TRUSTED only after a separate, explicit confirmation.
 *
 * Without arguments the command guides: tenant buttons, then level buttons, then the dry run (platform-neutral;
 * Telegram may use the conversation in bot/telegram/features/cleanls-conversation.ts for the same steps).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { actorLabel, satisfies, type Actor } from '../core/access.js';
import type { Clock } from '../core/clock.js';
import { errorMessage, isAppError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ActionContext, ActionHandler, ActionResult, AuditLog, CommandModule, Store } from '../core/ports.js';
import { lineText, type Button, type DocumentFile, type JsonValue, type Line, type Reply } from '../core/reply.js';
import { CLEAN_LEVELS, RISKS, cleanLevelRisks, deletableRisks, levelLabelKey, parseCleanLevel, riskLabelKey, trustedNeedsConfirmation, type CleanLevel, type Risk } from './clean-levels.js';
import { isAllTenants, tokens } from './args.js';
import { csvDocument, jsonDocument } from './export.js';
import { clip, fileStamp, formatTime, oneLine } from './format.js';
import { evenStarts, pageSlice, type Translate } from './listing.js';
import type { CentralReader, LocalSite, RiskBatch, RiskLookup, Tenant as SophosTenant, TenantDirectory, WebCategory } from './sophos-port.js';
import { failureNotes, failureReasonKey, matchTenant, reasonKeyOf, skippedNotes, tenantNoteSchema, tenantNotes, tenantProblem } from './tenants.js';


export const CLEANLS_ACTION = 'cleanls';
const REQUIRES = 'admin' as const;

export type CleanlsCentral = Pick<CentralReader, 'tenants' | 'forEachTenant' | 'localSites' | 'deleteLocalSite' | 'webCategories'>;
export type CleanlsIntelix = RiskLookup;

export interface CleanlsDeps {
  readonly central: CleanlsCentral;
  readonly intelix: CleanlsIntelix;
  readonly store: Store;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timezone: string;
  /** How long a dry run may be confirmed (seconds, default 600). */
  readonly confirmTtlSeconds?: number;
}

/** `*` means every tenant. */
export type TenantSelection = readonly string[] | '*';

export interface DryRunRequest {
  readonly actor: Actor;
  readonly tenants: TenantSelection;
  readonly level: CleanLevel;
  readonly t: Translate;
  readonly signal?: AbortSignal;
}

export interface CleanlsService {
  readonly command: CommandModule;
  readonly action: ActionHandler;
  /** Tenants that can be picked, sorted by name. */
  tenantChoices(signal?: AbortSignal): Promise<readonly { readonly id: string; readonly name: string }[]>;
  /** The dry run behind the command, the buttons and the Telegram conversation. Re-checks the admin role. */
  dryRun(request: DryRunRequest): Promise<Reply>;
}

// ------------------------------------------------------------------ stored plan

const riskSchema = z.enum(RISKS);
const levelSchema = z.enum(CLEAN_LEVELS);

const plannedSiteSchema = z.object({
  tenantId: z.string(),
  id: z.string(),
  url: z.string(),
  risk: riskSchema,
  lookupType: z.enum(['url', 'ip']),
  categoryId: z.number().optional(),
  categoryName: z.string().optional(),
  tags: z.array(z.string()),
  comment: z.string().optional(),
  intelixCategory: z.union([z.string(), z.array(z.string())]).optional(),
  intelixSecurity: z.string().optional(),
  requestId: z.string().optional(),
  error: z.string().optional(),
});
type PlannedSite = z.infer<typeof plannedSiteSchema>;

const tallySchema = z.object({ deleted: z.number(), failed: z.number(), unknown: z.number() });

const planSchema = z.object({
  v: z.literal(1),
  id: z.string(),
  chatId: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  level: levelSchema,
  tenants: z.array(z.object({ id: z.string(), name: z.string(), apiHost: z.string() })),
  failures: z.array(tenantNoteSchema),
  skipped: z.array(tenantNoteSchema),
  invalid: z.number(),
  lookups: z.number(),
  distinct: z.number(),
  sites: z.array(plannedSiteSchema),
  /** `interrupted`: found `running` with no deletion running in this process (socbot restarted mid-way). */
  state: z.enum(['pending', 'running', 'done', 'stale', 'expired', 'cancelled', 'interrupted']),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  trusted: z.boolean().optional(),
  result: z.record(z.string(), tallySchema).optional(),
});
type Plan = z.infer<typeof planSchema>;

export const PLAN_NAMESPACE = 'cleanls-plans';
const PLAN_GRACE_MS = 7 * 24 * 3600_000;
const DEFAULT_CONFIRM_TTL_S = 600;
const TENANTS_PER_PAGE = 8;
const MAX_TENANT_LINES = 20;

const planId = z.string().regex(/^[A-Za-z0-9_-]{8,32}$/);
const tenantSel = z.union([z.literal('*'), z.string().min(1).max(100)]);
const payloadSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('tenants'), p: z.number().int().min(0).max(10_000), l: levelSchema.optional() }),
  z.object({ op: z.literal('tenant'), t: tenantSel, l: levelSchema.optional() }),
  z.object({ op: z.literal('level'), t: tenantSel, l: levelSchema }),
  z.object({ op: z.literal('confirm'), plan: planId, trusted: z.boolean() }),
  z.object({ op: z.literal('trusted'), plan: planId }),
  z.object({ op: z.literal('cancel'), plan: planId }),
]);
type Payload = z.infer<typeof payloadSchema>;

/** Connector report names for the totals (sophos.md "Report fields"). */
const TOTAL_NAMES: Record<Risk, string> = {
  HIGH: 'High Risk',
  MEDIUM: 'Medium Risk',
  LOW: 'Low Risk',
  TRUSTED: 'Trusted',
  UNCLASSIFIED: 'Unclassified',
  UNKNOWN: 'NULL',
};

function totals(sites: readonly PlannedSite[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const risk of RISKS) out[TOTAL_NAMES[risk]] = sites.filter((s) => s.risk === risk).length;
  out.Total = sites.length;
  return out;
}

// ------------------------------------------------------------------ the service

export function createCleanls(deps: CleanlsDeps): CleanlsService {
  const { central, intelix, audit, clock } = deps;
  const confirmTtlSeconds = deps.confirmTtlSeconds ?? DEFAULT_CONFIRM_TTL_S;
  const plans = deps.store.collection(PLAN_NAMESPACE, planSchema);
  const log = deps.logger.child({ command: 'cleanls' });
  /** Plans being confirmed in this process right now: a second press must not start a second deletion. */
  const busy = new Set<string>();
  // Buttons outlive the plan a little, so that a late press reaches us and is told "expired" (and audited).
  const buttonTtl = confirmTtlSeconds + 3600;

  const button = (text: string, payload: Payload): Button => ({ text, action: CLEANLS_ACTION, payload: payload as unknown as JsonValue, ttlSeconds: buttonTtl });
  const now = (): Date => clock.now();
  const time = (iso: string | undefined): string => formatTime(iso, deps.timezone, 'yyyy-LL-dd HH:mm');

  async function record(actor: Actor, action: string, target: string, outcome: 'ok' | 'refused' | 'failed', details?: string): Promise<void> {
    try {
      await audit.record({ actor: actorLabel(actor), action, target, outcome, ...(details ? { details } : {}) });
    } catch (error) {
      // An audit failure must be visible in the logs; it does not undo what already happened at Sophos.
      log.error('audit entry not written', { action, target, error: errorMessage(error) });
    }
  }

  async function directory(signal: AbortSignal | undefined): Promise<TenantDirectory> {
    return central.tenants(signal ? { signal } : {});
  }

  /** The tenant directory, or the answer saying Sophos could not be read. */
  async function directoryOr(t: Translate, signal: AbortSignal | undefined): Promise<{ dir: TenantDirectory } | { failed: Reply }> {
    try {
      return { dir: await directory(signal) };
    } catch (error) {
      log.warn('sophos tenant directory failed', { reason: reasonKeyOf(error) });
      return { failed: { lines: [`⚠️ ${t('cleanls-sophos-failed', { reason: t(reasonKeyOf(error)) })}`] } };
    }
  }

  function usage(t: Translate): string {
    return t('cleanls-usage', { levels: CLEAN_LEVELS.join(' | ') });
  }

  // ---------------------------------------------------------------- guided steps

  async function tenantPicker(page: number, level: CleanLevel | undefined, t: Translate, signal?: AbortSignal): Promise<Reply> {
    const read = await directoryOr(t, signal);
    if ('failed' in read) return read.failed;
    const { dir } = read;
    const sorted = [...dir.tenants].sort((a, b) => a.name.localeCompare(b.name));
    if (sorted.length === 0) return { lines: [t('cleanls-no-tenants')] };
    const { page: p, pages, items: slice } = pageSlice(sorted, page, evenStarts(sorted.length, TENANTS_PER_PAGE));
    const withLevel = level ? { l: level } : {};
    const rows: Button[][] = [];
    for (let i = 0; i < slice.length; i += 2) {
      rows.push(slice.slice(i, i + 2).map((tenant) => button(clip(oneLine(tenant.name) || tenant.id, 30), { op: 'tenant', t: tenant.id, ...withLevel })));
    }
    if (sorted.length > 1) rows.push([button(t('cleanls-button-all-tenants'), { op: 'tenant', t: '*', ...withLevel })]);
    const nav: Button[] = [];
    if (p > 0) nav.push(button(t('ondemand-button-previous'), { op: 'tenants', p: p - 1, ...withLevel }));
    if (p < pages - 1) nav.push(button(t('ondemand-button-next'), { op: 'tenants', p: p + 1, ...withLevel }));
    if (nav.length > 0) rows.push(nav);
    const lines: Line[] = [[{ b: t('cleanls-title') }], t('cleanls-pick-tenant')];
    if (level) lines.push(t('cleanls-level', { level, risks: riskList(level, t) }));
    if (pages > 1) lines.push(t('ondemand-page', { page: p + 1, pages }));
    return { lines, buttons: rows };
  }

  function levelPicker(selection: '*' | SophosTenant, t: Translate): Reply {
    const target = selection === '*' ? '*' : selection.id;
    const rows: Button[][] = CLEAN_LEVELS.map((level) => [button(t(levelLabelKey(level)), { op: 'level', t: target, l: level })]);
    rows.push([button(t('cleanls-button-back'), { op: 'tenants', p: 0 })]);
    const name = selection === '*' ? t('cleanls-all-tenants') : clip(selection.name, 60);
    return { lines: [[{ b: t('cleanls-title') }], t('cleanls-pick-level', { tenant: name }), t('cleanls-never')], buttons: rows };
  }

  function riskList(level: CleanLevel, t: Translate): string {
    return cleanLevelRisks(level)
      .map((r) => t(riskLabelKey(r)))
      .join(', ');
  }

  // ---------------------------------------------------------------- dry run

  async function dryRun(req: DryRunRequest): Promise<Reply> {
    const { actor, level, t, signal } = req;
    if (!satisfies(actor.role, REQUIRES)) {
      await record(actor, 'cleanls.dry-run', 'sophos:local-sites', 'refused', `role ${actor.role ?? 'none'}`);
      return { lines: [t('cleanls-admin-only')] };
    }
    const read = await directoryOr(t, signal);
    if ('failed' in read) return read.failed;
    const { dir } = read;
    const selected = req.tenants === '*' ? dir.tenants : dir.tenants.filter((x) => req.tenants.includes(x.id));
    if (selected.length === 0) return { lines: [t('cleanls-tenant-gone')] };

    const sweep = await central.forEachTenant(
      async (tenant, s) => {
        const sites = await central.localSites(tenant, s ? { signal: s } : {});
        let categories: readonly WebCategory[] = [];
        try {
          categories = await central.webCategories(tenant, s);
        } catch {
          // Category names only decorate the report; the clean-up does not depend on them.
        }
        return { sites, categories };
      },
      { tenants: selected, ...(signal ? { signal } : {}) },
    );
    const failures = failureNotes(sweep.failed, log, 'local-sites');
    const okTenants: SophosTenant[] = [];
    const raw: { tenant: SophosTenant; site: LocalSite; categories: ReadonlyMap<number, string> }[] = [];
    let invalid = 0;
    for (const { tenant, value } of sweep.ok) {
      if (value.sites.nextPage !== undefined) {
        // A partial list cannot be verified at confirmation time: leave the tenant out rather than guess.
        failures.push({ name: tenant.name, reasonKey: 'cleanls-error-truncated' });
        continue;
      }
      okTenants.push(tenant);
      invalid += value.sites.invalid.length;
      const names = new Map(value.categories.map((c) => [c.id, oneLine(c.label ?? c.name)]));
      for (const site of value.sites.items) raw.push({ tenant, site, categories: names });
    }

    let batch: RiskBatch;
    try {
      batch = await intelix.lookupMany(
        raw.map((r) => r.site.url),
        signal ? { signal } : {},
      );
    } catch (error) {
      log.warn('intelix lookups failed', { kind: isAppError(error) ? error.kind : 'internal' });
      return { lines: [`⚠️ ${t('cleanls-intelix-failed', { reason: t(reasonKeyOf(error)) })}`] };
    }

    const sites: PlannedSite[] = raw.map(({ tenant, site, categories }) => {
      const r = batch.results.get(site.url);
      const categoryName = site.categoryId !== undefined ? categories.get(site.categoryId) : undefined;
      const intelixCategory = r?.lookupType === 'ip' ? [...(r.ipCategory ?? [])] : r?.productivityCategory;
      return {
        tenantId: tenant.id,
        id: site.id,
        url: site.url,
        risk: r?.risk ?? 'UNKNOWN',
        lookupType: r?.lookupType ?? 'url',
        ...(site.categoryId !== undefined ? { categoryId: site.categoryId } : {}),
        ...(categoryName ? { categoryName } : {}),
        tags: [...(site.tags ?? [])],
        ...(site.comment !== undefined ? { comment: site.comment } : {}),
        ...(intelixCategory !== undefined ? { intelixCategory } : {}),
        ...(r?.securityCategory !== undefined ? { intelixSecurity: r.securityCategory } : {}),
        ...(r?.requestId !== undefined ? { requestId: r.requestId } : {}),
        ...(r?.error !== undefined ? { error: r.error } : {}),
      };
    });

    const created = now();
    const plan: Plan = {
      v: 1,
      id: randomBytes(9).toString('base64url'),
      chatId: actor.chat.id,
      createdBy: actorLabel(actor),
      createdAt: created.toISOString(),
      expiresAt: new Date(created.getTime() + confirmTtlSeconds * 1000).toISOString(),
      level,
      tenants: okTenants.map((x) => ({ id: x.id, name: x.name, apiHost: x.apiHost })),
      failures,
      skipped: req.tenants === '*' ? skippedNotes(dir) : [],
      invalid,
      lookups: batch.lookups,
      distinct: batch.distinct,
      sites,
      state: 'pending',
    };
    await plans.set(plan.id, plan, confirmTtlSeconds * 1000 + PLAN_GRACE_MS);
    const toDelete = sites.filter((s) => deletableRisks(level, false).includes(s.risk)).length;
    await record(
      actor,
      'cleanls.dry-run',
      `sophos:${req.tenants === '*' ? 'all-tenants' : okTenants.map((x) => x.id).join(',') || 'none'}`,
      'ok',
      `plan=${plan.id} level=${level} sites=${sites.length} to-delete=${toDelete} lookups=${batch.lookups}`,
    );
    return { ...renderPlan(plan, t), documents: dryRunDocuments(plan) };
  }

  // ---------------------------------------------------------------- rendering

  function renderPlan(plan: Plan, t: Translate): Reply {
    const lines: Line[] = [];
    const deleting = deletableRisks(plan.level, false);
    const toDelete = plan.sites.filter((s) => deleting.includes(s.risk));
    const trusted = trustedNeedsConfirmation(plan.level) ? plan.sites.filter((s) => s.risk === 'TRUSTED') : [];
    lines.push([{ b: t('cleanls-title') }, ` — ${t('cleanls-dry-run')}`]);
    lines.push(t('cleanls-level', { level: plan.level, risks: riskList(plan.level, t) }));
    const names = plan.tenants.map((x) => clip(x.name, 40));
    lines.push(t('cleanls-tenants', { count: names.length, names: names.slice(0, 10).join(', ') + (names.length > 10 ? ' …' : '') }));
    lines.push(t('cleanls-sites', { count: plan.sites.length, distinct: plan.distinct, lookups: plan.lookups }));
    for (const risk of RISKS) {
      const n = plan.sites.filter((s) => s.risk === risk).length;
      if (n > 0) lines.push(`  ${t(riskLabelKey(risk))}: ${n}`);
    }
    if (plan.tenants.length > 1) {
      // Tenants with something to delete first; a partner may have hundreds, the document lists them all.
      const perTenant = plan.tenants
        .map((tenant) => {
          const mine = plan.sites.filter((s) => s.tenantId === tenant.id);
          return { name: tenant.name, count: mine.length, delete: mine.filter((s) => deleting.includes(s.risk)).length };
        })
        .sort((a, b) => b.delete - a.delete);
      for (const x of perTenant.slice(0, MAX_TENANT_LINES)) lines.push([{ b: clip(x.name, 40) }, `: ${t('cleanls-tenant-line', { count: x.count, delete: x.delete })}`]);
      if (perTenant.length > MAX_TENANT_LINES) lines.push(t('ondemand-more-tenants', { count: perTenant.length - MAX_TENANT_LINES }));
    }
    lines.push(...tenantNotes(plan.failures, plan.skipped, t));
    if (plan.invalid > 0) lines.push(`⚠️ ${t('cleanls-invalid', { count: plan.invalid })}`);
    lines.push('');
    lines.push([{ b: toDelete.length > 0 ? t('cleanls-would-delete', { count: toDelete.length }) : t('cleanls-nothing') }]);
    if (trusted.length > 0) lines.push(t('cleanls-trusted-note', { count: trusted.length }));
    lines.push(t('cleanls-never'));
    const buttons: Button[][] = [];
    switch (plan.state) {
      case 'pending':
      case 'running':
        lines.push(t('cleanls-nothing-deleted'));
        if (toDelete.length > 0 || trusted.length > 0) {
          lines.push(t('cleanls-confirm-within', { minutes: Math.round(confirmTtlSeconds / 60), until: time(plan.expiresAt) }));
          if (toDelete.length > 0) buttons.push([button(t('cleanls-button-confirm', { count: toDelete.length }), { op: 'confirm', plan: plan.id, trusted: false })]);
          if (trusted.length > 0) buttons.push([button(t('cleanls-button-trusted', { count: trusted.length }), { op: 'trusted', plan: plan.id })]);
          buttons.push([button(t('cleanls-button-cancel'), { op: 'cancel', plan: plan.id })]);
        }
        break;
      case 'done':
        lines.push(`✅ ${t('cleanls-state-done', { by: plan.decidedBy ?? '?', at: time(plan.decidedAt) })}`);
        break;
      case 'stale':
        lines.push(`⛔ ${t('cleanls-state-stale')}`);
        break;
      case 'interrupted':
        lines.push(`⛔ ${t('cleanls-state-interrupted')}`);
        break;
      case 'expired':
        lines.push(`⌛ ${t('cleanls-state-expired')}`);
        break;
      case 'cancelled':
        lines.push(`✖ ${t('cleanls-state-cancelled', { by: plan.decidedBy ?? '?', at: time(plan.decidedAt) })}`);
        break;
    }
    return buttons.length > 0 ? { lines, buttons } : { lines };
  }

  function dryRunDocuments(plan: Plan): DocumentFile[] {
    const stamp = fileStamp(new Date(plan.createdAt), deps.timezone);
    const tenantName = new Map(plan.tenants.map((x) => [x.id, x.name]));
    const deleting = deletableRisks(plan.level, false);
    const trustedGate = trustedNeedsConfirmation(plan.level);
    const bySite: Record<string, unknown> = {};
    for (const s of plan.sites) {
      const key = s.id in bySite ? `${s.tenantId}:${s.id}` : s.id;
      bySite[key] = {
        tenantId: s.tenantId,
        tenantName: tenantName.get(s.tenantId) ?? s.tenantId,
        url: s.url,
        categoryId: s.categoryId ?? null,
        categoryName: s.categoryName ?? null,
        tags: s.tags,
        lookup_type: s.lookupType,
        intelixRisk: s.risk === 'UNKNOWN' ? null : s.risk,
        intelixCategory: s.intelixCategory ?? null,
        intelixSecurity: s.intelixSecurity ?? null,
        requestId: s.requestId ?? null,
        wouldDelete: deleting.includes(s.risk),
        ...(trustedGate && s.risk === 'TRUSTED' ? { needsTrustedConfirmation: true } : {}),
        ...(s.error ? { lookupError: s.error } : {}),
      };
    }
    const perTenant: Record<string, unknown> = {};
    for (const tenant of plan.tenants) {
      const mine = plan.sites.filter((s) => s.tenantId === tenant.id);
      perTenant[tenant.id] = { name: tenant.name, Totals: totals(mine), ToDelete: mine.filter((s) => deleting.includes(s.risk)).length };
    }
    const json = {
      plan: plan.id,
      level: plan.level,
      generatedAt: plan.createdAt,
      confirmBefore: plan.expiresAt,
      sites: bySite,
      Totals: totals(plan.sites),
      ToDelete: plan.sites.filter((s) => deleting.includes(s.risk)).length,
      tenants: perTenant,
      failedTenants: plan.failures.map((f) => ({ tenant: f.name, reason: f.reasonKey })),
    };
    const header = ['tenant', 'tenantId', 'siteId', 'url', 'lookupType', 'risk', 'delete', 'categoryId', 'categoryName', 'tags', 'comment', 'intelixCategory', 'intelixSecurity', 'lookupError'];
    const rows = plan.sites.map((s) => [
      tenantName.get(s.tenantId) ?? s.tenantId,
      s.tenantId,
      s.id,
      s.url,
      s.lookupType,
      s.risk,
      deleting.includes(s.risk) ? 'yes' : trustedGate && s.risk === 'TRUSTED' ? 'trusted-confirmation' : 'no',
      s.categoryId,
      s.categoryName,
      s.tags,
      s.comment,
      Array.isArray(s.intelixCategory) ? s.intelixCategory : s.intelixCategory,
      s.intelixSecurity,
      s.error,
    ]);
    return [
      csvDocument(`cleanls-dry-run-${plan.level}-${stamp}.csv`, header, rows),
      jsonDocument(`cleanls-dry-run-${plan.level}-${stamp}.json`, json),
    ];
  }

  // ---------------------------------------------------------------- confirmation

  async function loadPlan(id: string): Promise<Plan | undefined> {
    return plans.get(id);
  }

  async function savePlan(plan: Plan): Promise<void> {
    const remaining = Math.max(0, Date.parse(plan.expiresAt) - now().getTime());
    await plans.set(plan.id, plan, remaining + PLAN_GRACE_MS);
  }

  /**
   * A plan still `running` while no deletion of it runs in this process was cut off by a restart: some of its
   * sites may be gone (each deletion is audited), so it can only be followed by a new dry run.
   */
  async function interrupted(plan: Plan, ctx: ActionContext): Promise<ActionResult> {
    const ended: Plan = { ...plan, state: 'interrupted' };
    await savePlan(ended);
    await record(ctx.actor, 'cleanls.confirm', `cleanls:${plan.id}`, 'refused', 'an earlier deletion of this plan was interrupted');
    return { toast: ctx.t('cleanls-state-interrupted'), alert: true, edit: renderPlan(ended, ctx.t) };
  }

  /** Common checks of every press on a report; a reason to refuse, or undefined. */
  function stateRefusal(plan: Plan, t: Translate): ActionResult | undefined {
    switch (plan.state) {
      case 'pending':
        return undefined;
      case 'running':
        return { toast: t('cleanls-state-running'), alert: true };
      case 'done':
        return { toast: t('cleanls-state-done', { by: plan.decidedBy ?? '?', at: time(plan.decidedAt) }), alert: true };
      case 'stale':
        return { toast: t('cleanls-state-stale'), alert: true };
      case 'interrupted':
        return { toast: t('cleanls-state-interrupted'), alert: true };
      case 'expired':
        return { toast: t('cleanls-state-expired'), alert: true };
      case 'cancelled':
        return { toast: t('cleanls-state-cancelled', { by: plan.decidedBy ?? '?', at: time(plan.decidedAt) }), alert: true };
    }
  }

  interface Verification {
    readonly ok: boolean;
    readonly added: number;
    readonly removed: number;
    readonly changed: number;
    readonly failedTenant?: { readonly name: string; readonly reasonKey: string };
  }

  /** Re-reads the plan's tenants and compares sites and risks with the dry run. */
  async function verify(plan: Plan, signal: AbortSignal): Promise<Verification> {
    const planned = new Map(plan.sites.map((s) => [`${s.tenantId}/${s.id}`, s]));
    const current: { tenantId: string; site: LocalSite }[] = [];
    for (const tenant of plan.tenants) {
      try {
        const read = await central.localSites(tenant, { signal });
        if (read.nextPage !== undefined) return { ok: false, added: 0, removed: 0, changed: 0, failedTenant: { name: tenant.name, reasonKey: 'cleanls-error-truncated' } };
        for (const site of read.items) current.push({ tenantId: tenant.id, site });
      } catch (error) {
        const reasonKey = isAppError(error) ? failureReasonKey(error, error.kind === 'auth' && error.status === 403) : 'ondemand-error-other';
        return { ok: false, added: 0, removed: 0, changed: 0, failedTenant: { name: tenant.name, reasonKey } };
      }
    }
    let added = 0;
    let changed = 0;
    const seen = new Set<string>();
    for (const { tenantId, site } of current) {
      const key = `${tenantId}/${site.id}`;
      seen.add(key);
      const before = planned.get(key);
      if (!before) added++;
      else if (before.url !== site.url) changed++;
    }
    const removed = [...planned.keys()].filter((k) => !seen.has(k)).length;
    if (added + removed + changed > 0) return { ok: false, added, removed, changed };
    const batch = await intelix.lookupMany(
      current.map((c) => c.site.url),
      { signal },
    );
    for (const { tenantId, site } of current) {
      const before = planned.get(`${tenantId}/${site.id}`);
      const verdict = batch.results.get(site.url);
      // A lookup that fails now says nothing about the site: the plan stays open to be confirmed again.
      if (before && verdict?.error !== undefined && before.risk !== 'UNKNOWN') {
        return { ok: false, added, removed, changed, failedTenant: { name: 'SophosLabs Intelix', reasonKey: 'ondemand-error-unavailable' } };
      }
      if (before && (verdict?.risk ?? 'UNKNOWN') !== before.risk) changed++;
    }
    return { ok: changed === 0, added, removed, changed };
  }

  interface Outcome {
    readonly tenantId: string;
    readonly site: PlannedSite;
    readonly status: 'deleted' | 'unknown' | 'failed';
    readonly date?: string;
    readonly error?: string;
  }

  async function deleteSites(plan: Plan, actor: Actor, includeTrusted: boolean, signal: AbortSignal): Promise<Outcome[]> {
    const risks = deletableRisks(plan.level, includeTrusted);
    const outcomes: Outcome[] = [];
    for (const tenant of plan.tenants) {
      let stopReason: string | undefined;
      for (const site of plan.sites.filter((s) => s.tenantId === tenant.id && risks.includes(s.risk))) {
        const target = `sophos:${tenant.id}:local-site:${site.id}`;
        const details = `plan=${plan.id} level=${plan.level} risk=${site.risk} url=${clip(oneLine(site.url), 200)}`;
        if (stopReason !== undefined) {
          outcomes.push({ tenantId: tenant.id, site, status: 'failed', error: stopReason });
          await record(actor, 'cleanls.delete', target, 'failed', `${details} not attempted: ${stopReason}`);
          continue;
        }
        try {
          const res = await central.deleteLocalSite(tenant, site.id, signal);
          outcomes.push({ tenantId: tenant.id, site, status: res.deleted ? 'deleted' : 'unknown', ...(res.date ? { date: res.date } : {}) });
          await record(actor, 'cleanls.delete', target, res.deleted ? 'ok' : 'failed', `${details} deleted=${String(res.deleted)}`);
        } catch (error) {
          const message = clip(oneLine(errorMessage(error)), 200);
          outcomes.push({ tenantId: tenant.id, site, status: 'failed', error: message });
          await record(actor, 'cleanls.delete', target, 'failed', `${details} error=${message}`);
          // Refused or throttled: the rest of this tenant would fail the same way, so it is not hammered.
          if (isAppError(error) && (error.kind === 'auth' || error.kind === 'rate-limited')) stopReason = message;
          if (signal.aborted) stopReason = 'aborted';
        }
      }
    }
    return outcomes;
  }

  function deletionReport(plan: Plan, outcomes: readonly Outcome[], t: Translate): Reply {
    const tally: Record<string, { deleted: number; failed: number; unknown: number }> = {};
    for (const tenant of plan.tenants) tally[tenant.id] = { deleted: 0, failed: 0, unknown: 0 };
    for (const o of outcomes) {
      const entry = tally[o.tenantId] ?? { deleted: 0, failed: 0, unknown: 0 };
      entry[o.status]++;
      tally[o.tenantId] = entry;
    }
    const lines: Line[] = [[{ b: t('cleanls-report-title') }], t('cleanls-level', { level: plan.level, risks: riskList(plan.level, t) })];
    for (const tenant of plan.tenants) {
      const x = tally[tenant.id] ?? { deleted: 0, failed: 0, unknown: 0 };
      lines.push([{ b: clip(tenant.name, 60) }, `: ${t('cleanls-report-line', { deleted: x.deleted, failed: x.failed, unknown: x.unknown })}`]);
    }
    const failed = outcomes.filter((o) => o.status !== 'deleted');
    for (const o of failed.slice(0, 5)) {
      lines.push(`  ${o.status === 'failed' ? '❌' : '❔'} ${clip(oneLine(o.site.url), 60)}${o.error ? ` — ${clip(o.error, 100)}` : ''}`);
    }
    if (failed.length > 5) lines.push(`  ${t('cleanls-report-more', { count: failed.length - 5 })}`);
    const stamp = fileStamp(now(), deps.timezone);
    const details: Record<string, unknown> = {};
    for (const o of outcomes) {
      const key = o.site.id in details ? `${o.tenantId}:${o.site.id}` : o.site.id;
      details[key] = {
        tenantId: o.tenantId,
        intelixRisk: o.site.risk,
        url: o.site.url,
        delStatus: o.status === 'deleted' ? true : o.status === 'unknown' ? false : null,
        date: o.date ?? null,
        ...(o.error ? { error: o.error } : {}),
      };
    }
    const report: Record<string, unknown> = {};
    for (const [id, x] of Object.entries(tally)) report[id] = { Deleted: x.deleted, Failed: x.failed, Unknown: x.unknown };
    return {
      lines,
      documents: [jsonDocument(`cleanls-deletion-details-${stamp}.json`, details), jsonDocument(`cleanls-deletion-report-${stamp}.json`, report)],
    };
  }

  async function confirm(plan: Plan, includeTrusted: boolean, ctx: ActionContext): Promise<ActionResult> {
    const t = ctx.t;
    if (busy.has(plan.id)) return { toast: t('cleanls-state-running'), alert: true };
    busy.add(plan.id);
    try {
      // Re-read under the lock: a press that waited behind another sees its result.
      const fresh = (await loadPlan(plan.id)) ?? plan;
      if (fresh.state === 'running') return interrupted(fresh, ctx);
      const refusal = stateRefusal(fresh, t);
      if (refusal) return refusal;
      if (Date.parse(fresh.expiresAt) <= now().getTime()) {
        const expired: Plan = { ...fresh, state: 'expired' };
        await savePlan(expired);
        await record(ctx.actor, 'cleanls.confirm', `cleanls:${plan.id}`, 'refused', 'confirmation expired');
        return { toast: t('cleanls-state-expired'), alert: true, edit: renderPlan(expired, t) };
      }
      await savePlan({ ...fresh, state: 'running' });
      let verification: Verification;
      try {
        verification = await verify(fresh, ctx.signal);
      } catch (error) {
        await savePlan({ ...fresh, state: 'pending' });
        log.warn('cleanls re-check failed', { plan: plan.id, kind: isAppError(error) ? error.kind : 'internal' });
        const reason = t(reasonKeyOf(error));
        return { toast: t('cleanls-recheck-failed', { reason }), alert: true, reply: { lines: [`⚠️ ${t('cleanls-recheck-failed', { reason })}`] } };
      }
      if (verification.failedTenant) {
        await savePlan({ ...fresh, state: 'pending' });
        const reason = `${verification.failedTenant.name}: ${t(verification.failedTenant.reasonKey)}`;
        return { toast: t('cleanls-recheck-failed', { reason }), alert: true, reply: { lines: [`⚠️ ${t('cleanls-recheck-failed', { reason })}`] } };
      }
      if (!verification.ok) {
        const stale: Plan = { ...fresh, state: 'stale' };
        await savePlan(stale);
        await record(
          ctx.actor,
          'cleanls.confirm',
          `cleanls:${plan.id}`,
          'refused',
          `local sites changed since the dry run: added=${verification.added} removed=${verification.removed} changed=${verification.changed}`,
        );
        return {
          toast: t('cleanls-state-stale'),
          alert: true,
          edit: renderPlan(stale, t),
          reply: { lines: [`⛔ ${t('cleanls-changed', { added: verification.added, removed: verification.removed, changed: verification.changed })}`, t('cleanls-new-dry-run')] },
        };
      }
      await record(ctx.actor, 'cleanls.confirm', `cleanls:${plan.id}`, 'ok', `level=${fresh.level} trusted=${String(includeTrusted)}`);
      const outcomes = await deleteSites(fresh, ctx.actor, includeTrusted, ctx.signal);
      const report = deletionReport(fresh, outcomes, t);
      const result: Record<string, { deleted: number; failed: number; unknown: number }> = {};
      for (const o of outcomes) {
        const entry = result[o.tenantId] ?? { deleted: 0, failed: 0, unknown: 0 };
        entry[o.status]++;
        result[o.tenantId] = entry;
      }
      const done: Plan = { ...fresh, state: 'done', decidedBy: actorLabel(ctx.actor), decidedAt: now().toISOString(), trusted: includeTrusted, result };
      await savePlan(done);
      const deleted = outcomes.filter((o) => o.status === 'deleted').length;
      return { toast: t('cleanls-done-toast', { count: deleted }), edit: renderPlan(done, t), reply: report };
    } finally {
      busy.delete(plan.id);
    }
  }

  // ---------------------------------------------------------------- command and action

  async function selectionFor(target: string, t: Translate, signal?: AbortSignal): Promise<{ sel: '*' | SophosTenant } | { reply: Reply }> {
    if (target === '*') return { sel: '*' };
    const read = await directoryOr(t, signal);
    if ('failed' in read) return { reply: read.failed };
    const { dir } = read;
    const tenant = dir.tenants.find((x) => x.id === target);
    return tenant ? { sel: tenant } : { reply: { lines: [t('cleanls-tenant-gone')] } };
  }

  const command: CommandModule = {
    name: 'cleanls',
    descriptionKey: 'cmd-cleanls-description',
    requires: REQUIRES,
    async run(ctx) {
      const t = ctx.t;
      if (!satisfies(ctx.actor.role, REQUIRES)) {
        await record(ctx.actor, 'command.cleanls', 'sophos:local-sites', 'refused', `role ${ctx.actor.role ?? 'none'}`);
        return { lines: [t('cleanls-admin-only')] };
      }
      const words = tokens(ctx.args);
      if (words.join(' ').length > 300) return { lines: [usage(t)] };
      const level = parseCleanLevel(words.at(-1));
      if (level) words.pop();
      const tenantText = words.join(' ');
      if (!tenantText) return tenantPicker(0, level, t, ctx.signal);
      let selection: '*' | SophosTenant;
      if (isAllTenants(tenantText)) selection = '*';
      else {
        const read = await directoryOr(t, ctx.signal);
        if ('failed' in read) return read.failed;
        const { dir } = read;
        const match = matchTenant(dir, tenantText);
        if (match.kind !== 'ok') {
          // `/cleanls Acme HIGHEST`: a tenant, then a word that is no level.
          const leading = words.slice(0, -1).join(' ');
          if (!level && leading && (isAllTenants(leading) || matchTenant(dir, leading).kind === 'ok')) {
            return { lines: [t('cleanls-unknown-level', { level: clip(words.at(-1) ?? '', 30) }), usage(t)] };
          }
          return { lines: [...(tenantProblem(match, tenantText, dir.tenants.length, t) ?? []), usage(t)] };
        }
        selection = match.tenant;
      }
      if (!level) return levelPicker(selection, t);
      return dryRun({ actor: ctx.actor, tenants: selection === '*' ? '*' : [selection.id], level, t, signal: ctx.signal });
    },
  };

  const action: ActionHandler = {
    action: CLEANLS_ACTION,
    requires: REQUIRES,
    async handle(payload, ctx) {
      const t = ctx.t;
      const parsed = payloadSchema.safeParse(payload);
      if (!parsed.success) return { toast: t('ondemand-view-gone', { command: '/cleanls' }), alert: true };
      const p = parsed.data;
      // The platform checks the button's requirement; this handler checks again on every press.
      if (!satisfies(ctx.actor.role, REQUIRES)) {
        await record(ctx.actor, `cleanls.${p.op}`, 'plan' in p ? `cleanls:${p.plan}` : 'sophos:local-sites', 'refused', `role ${ctx.actor.role ?? 'none'}`);
        return { toast: t('cleanls-admin-only'), alert: true };
      }
      switch (p.op) {
        case 'tenants':
          return { edit: await tenantPicker(p.p, p.l, t, ctx.signal) };
        case 'tenant': {
          const found = await selectionFor(p.t, t, ctx.signal);
          if ('reply' in found) return { toast: lineText(found.reply.lines[0] ?? '').slice(0, 190), alert: true };
          if (!p.l) return { edit: levelPicker(found.sel, t) };
          return runFromButton(found.sel, p.l, ctx);
        }
        case 'level': {
          const found = await selectionFor(p.t, t, ctx.signal);
          if ('reply' in found) return { toast: lineText(found.reply.lines[0] ?? '').slice(0, 190), alert: true };
          return runFromButton(found.sel, p.l, ctx);
        }
        case 'confirm':
        case 'trusted':
        case 'cancel': {
          const plan = await loadPlan(p.plan);
          if (!plan || plan.chatId !== ctx.actor.chat.id) return { toast: t('ondemand-view-gone', { command: '/cleanls' }), alert: true };
          if (p.op === 'confirm') {
            if (p.trusted && !trustedNeedsConfirmation(plan.level)) return { toast: t('ondemand-view-gone', { command: '/cleanls' }), alert: true };
            return confirm(plan, p.trusted, ctx);
          }
          if (plan.state === 'running' && !busy.has(plan.id)) return interrupted(plan, ctx);
          const refusal = stateRefusal(plan, t);
          if (refusal) return refusal;
          if (Date.parse(plan.expiresAt) <= now().getTime()) {
            const expired: Plan = { ...plan, state: 'expired' };
            await savePlan(expired);
            await record(ctx.actor, `cleanls.${p.op}`, `cleanls:${plan.id}`, 'refused', 'confirmation expired');
            return { toast: t('cleanls-state-expired'), alert: true, edit: renderPlan(expired, t) };
          }
          if (p.op === 'cancel') {
            const cancelled: Plan = { ...plan, state: 'cancelled', decidedBy: actorLabel(ctx.actor), decidedAt: now().toISOString() };
            await savePlan(cancelled);
            await record(ctx.actor, 'cleanls.cancel', `cleanls:${plan.id}`, 'ok');
            return { toast: t('cleanls-cancelled-toast'), edit: renderPlan(cancelled, t) };
          }
          return { reply: trustedPrompt(plan, t) };
        }
      }
    },
  };

  function trustedPrompt(plan: Plan, t: Translate): Reply {
    const trusted = plan.sites.filter((s) => s.risk === 'TRUSTED');
    const all = plan.sites.filter((s) => deletableRisks(plan.level, true).includes(s.risk));
    const lines: Line[] = [[{ b: `⚠️ ${t('cleanls-trusted-title')}` }], t('cleanls-trusted-warning', { count: trusted.length, total: all.length })];
    for (const s of trusted.slice(0, 10)) lines.push(`  • ${clip(oneLine(s.url), 80)}`);
    if (trusted.length > 10) lines.push(`  ${t('cleanls-report-more', { count: trusted.length - 10 })}`);
    lines.push(t('cleanls-confirm-within', { minutes: Math.round(confirmTtlSeconds / 60), until: time(plan.expiresAt) }));
    return {
      lines,
      buttons: [
        [button(t('cleanls-button-confirm-trusted', { count: all.length }), { op: 'confirm', plan: plan.id, trusted: true })],
        [button(t('cleanls-button-cancel'), { op: 'cancel', plan: plan.id })],
      ],
    };
  }

  async function runFromButton(sel: '*' | SophosTenant, level: CleanLevel, ctx: ActionContext): Promise<ActionResult> {
    const t = ctx.t;
    const report = await dryRun({ actor: ctx.actor, tenants: sel === '*' ? '*' : [sel.id], level, t, signal: ctx.signal });
    const name = sel === '*' ? t('cleanls-all-tenants') : clip(sel.name, 60);
    return { edit: { lines: [t('cleanls-picked', { tenant: name, level })] }, reply: report };
  }

  return {
    command,
    action,
    dryRun,
    async tenantChoices(signal) {
      const dir = await directory(signal);
      return [...dir.tenants].sort((a, b) => a.name.localeCompare(b.name)).map((x) => ({ id: x.id, name: x.name }));
    },
  };
}
