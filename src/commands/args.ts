/**
 * Strict argument parsing for the on-demand commands (/alerts, /inventory, /cleanls). Everything here is pure
 * and runs before any vendor call, so a malformed request never reaches Sophos (reliability.md item 45).
 */

/** Central keeps 90 days of alerts. */
export const MAX_DAYS = 90;
export const DEFAULT_DAYS = 1;

/**
 * Only plain ASCII decimals 1–90 without sign, leading zero, exponent, fraction or other scripts' digits:
 * `Number()` would accept `1e1`, `0x10`, ` 7 ` and `7.0`, and `\d` with the `u` flag may be widened later, so
 * the accepted forms are spelled out.
 */
const DAYS = /^(?:[1-9]|[1-8][0-9]|90)$/;

export function parseDays(token: string): number | undefined {
  return DAYS.test(token) ? Number(token) : undefined;
}

/** Words people add after the number (`/alerts 7 days`); a tenant is never addressed this way. */
const UNIT_WORD = /^(?:d|days?|дн(?:ей|я)?|день|сут(?:ки|ок)?|nap(?:ot|ig|ra|ja|ok)?)\.?$/iu;

export function isUnitWord(token: string): boolean {
  return UNIT_WORD.test(token);
}

/**
 * Whitespace-separated tokens. Telegram may deliver non-breaking spaces from copy-paste; they separate too.
 * An explicit empty quoted argument (`""`) is kept as a token so that it can be refused.
 */
export function tokens(args: string): string[] {
  return args
    .trim()
    .split(/[\s\u00a0\u2000-\u200a\u202f\u3000]+/u)
    .filter((t) => t.length > 0);
}

/** Keywords that mean "every tenant" where a tenant is expected. */
export function isAllTenants(token: string | undefined): boolean {
  return token === '*' || token?.toLowerCase() === 'all';
}

export type AlertsArgs =
  | { readonly ok: true; readonly days: number; readonly tenant?: string }
  | { readonly ok: false };

/**
 * `/alerts [days] [tenant]`: positional, days first. Anything but a valid day count in the first place is a
 * usage error (so `/alerts abc` costs no API call), and a unit word after the number is refused too.
 */
export function parseAlertsArgs(args: string): AlertsArgs {
  const parts = tokens(args);
  if (parts.length === 0) return { ok: true, days: DEFAULT_DAYS };
  const [first = '', ...rest] = parts;
  const days = parseDays(first);
  if (days === undefined) return { ok: false };
  if (rest.length === 0) return { ok: true, days };
  if (isUnitWord(rest[0] ?? '') || rest.some((t) => /^["'“”«»]{2}$/u.test(t))) return { ok: false };
  const tenant = rest.join(' ');
  if (tenant.length > 200) return { ok: false };
  // `all` and `*` mean every tenant, as they do for /inventory and /cleanls.
  if (isAllTenants(tenant)) return { ok: true, days };
  return { ok: true, days, tenant };
}

/** Health values Sophos reports for an endpoint (`health.overall`); anything else is unknown. */
export const HEALTH_VALUES = ['bad', 'suspicious', 'unknown', 'good'] as const;
export type Health = (typeof HEALTH_VALUES)[number];

export function isHealth(value: string): value is Health {
  return (HEALTH_VALUES as readonly string[]).includes(value);
}

/** `/inventory` filter: a health value, `host:`/`os:`/`health:` with a value, or free text (hostname or OS). */
export type InventoryFilter =
  | { readonly kind: 'health'; readonly value: Health }
  | { readonly kind: 'host'; readonly value: string }
  | { readonly kind: 'os'; readonly value: string }
  | { readonly kind: 'text'; readonly value: string };

export function parseInventoryFilter(text: string): InventoryFilter | undefined {
  const value = text.trim();
  if (!value || value.length > 100) return undefined;
  const lower = value.toLowerCase();
  if (isHealth(lower)) return { kind: 'health', value: lower };
  const prefixed = /^(host|hostname|os|health):\s*(.+)$/i.exec(value);
  if (prefixed) {
    const key = (prefixed[1] ?? '').toLowerCase();
    const rest = (prefixed[2] ?? '').trim();
    if (key === 'health') {
      const h = rest.toLowerCase();
      return isHealth(h) ? { kind: 'health', value: h } : undefined;
    }
    return { kind: key === 'os' ? 'os' : 'host', value: rest };
  }
  return { kind: 'text', value };
}

/** A filter written so that it cannot be a tenant name (used when no tenant matches the first words). */
export function isExplicitFilter(text: string): boolean {
  const f = parseInventoryFilter(text);
  return f !== undefined && f.kind !== 'text';
}
