/**
 * What the on-demand commands need from Sophos Central and from a URL/IP reputation service, as ports.
 *
 * Commands import no source adapter (architecture.md, "Dependency direction"): these types describe only the
 * fields and calls /alerts, /inventory and /cleanls use, and the composition root (src/app/on-demand.ts) adapts
 * the real Central and Intelix clients to them. Every vendor field is optional because real data leaves any of
 * them out. Types only: nothing here runs.
 */
import type { AppError } from '../core/errors.js';
import type { Risk } from './clean-levels.js';

/** A tenant that can be called. `apiHost` is the reader's routing data: handed out by it, handed back to it. */
export interface Tenant {
  readonly id: string;
  /** The tenant's name, else its "show as" name, else its id. */
  readonly name: string;
  readonly showAs?: string;
  readonly apiHost: string;
}

/** A tenant the directory lists but that cannot be called; `reason` names a `sophos-tenant-<reason>` Fluent id. */
export interface SkippedTenant {
  readonly id: string;
  readonly name: string;
  readonly reason: string;
}

export interface TenantDirectory {
  readonly tenants: readonly Tenant[];
  readonly skipped: readonly SkippedTenant[];
}

/** One list call of one tenant: the valid items, how many were invalid, and whether the read was cut short. */
export interface Listing<T> {
  readonly items: readonly T[];
  readonly invalid: readonly unknown[];
  /** Present when more pages were left unread (key paging). */
  readonly nextKey?: string;
  /** Present when more pages were left unread (page-number paging). */
  readonly nextPage?: number;
}

export interface TenantFailure {
  readonly tenant: Tenant;
  readonly error: AppError;
  /** The credential may not read this tenant or this API of it (403). */
  readonly forbidden: boolean;
}

export interface TenantSweep<T> {
  readonly ok: readonly { readonly tenant: Tenant; readonly value: T }[];
  readonly failed: readonly TenantFailure[];
}

interface Ref {
  readonly id?: string;
  readonly name?: string;
}

export interface Alert {
  readonly id: string;
  /** ISO-8601 UTC. */
  readonly raisedAt: string;
  readonly severity?: string;
  readonly category?: string;
  readonly product?: string;
  readonly type?: string;
  readonly description?: string;
  readonly managedAgent?: Ref;
  readonly person?: Ref;
}

export interface Endpoint {
  readonly id: string;
  readonly type?: string;
  readonly hostname?: string;
  readonly health?: {
    readonly overall?: string;
    readonly threats?: { readonly status?: string };
    readonly services?: { readonly status?: string };
  };
  readonly os?: {
    readonly platform?: string;
    readonly name?: string;
    readonly majorVersion?: number;
    readonly minorVersion?: number;
    readonly build?: number;
  };
  readonly ipv4Addresses?: readonly string[];
  readonly ipv6Addresses?: readonly string[];
  readonly macAddresses?: readonly string[];
  readonly group?: Ref;
  readonly associatedPerson?: { readonly name?: string; readonly viaLogin?: string };
  readonly tamperProtectionEnabled?: boolean;
  readonly assignedProducts?: readonly { readonly code?: string; readonly version?: string }[];
  /** ISO-8601 UTC. */
  readonly lastSeenAt?: string;
  readonly online?: boolean;
  readonly isolation?: { readonly status?: string };
}

export interface LocalSite {
  readonly id: string;
  /** A domain, URL or IP address. */
  readonly url: string;
  readonly categoryId?: number;
  readonly tags?: readonly string[];
  readonly comment?: string;
}

export interface WebCategory {
  readonly id: number;
  readonly name?: string;
  readonly label?: string;
}

export interface DeleteResult {
  /** What the vendor answered (it also says true for a site that no longer existed). */
  readonly deleted: boolean;
  /** The answer's HTTP `Date`, for the deletion report. */
  readonly date?: string;
}

type Signal = { readonly signal?: AbortSignal };

/** Sophos Central as the commands read it. */
export interface CentralReader {
  tenants(options?: Signal): Promise<TenantDirectory>;
  /** Runs `fn` per tenant; a failing tenant is reported in `failed` and never stops the others. */
  forEachTenant<T>(
    fn: (tenant: Tenant, signal: AbortSignal | undefined) => Promise<T>,
    options?: { readonly tenants?: readonly Tenant[]; readonly signal?: AbortSignal },
  ): Promise<TenantSweep<T>>;
  alerts(tenant: Tenant, query: Signal & { readonly from: Date; readonly to: Date; readonly maxPages?: number }): Promise<Listing<Alert>>;
  endpoints(tenant: Tenant, query: Signal & { readonly view: 'full'; readonly maxPages?: number }): Promise<Listing<Endpoint>>;
  localSites(tenant: Tenant, query?: Signal): Promise<Listing<LocalSite>>;
  deleteLocalSite(tenant: Tenant, id: string, signal?: AbortSignal): Promise<DeleteResult>;
  webCategories(tenant: Tenant, signal?: AbortSignal): Promise<readonly WebCategory[]>;
}

/** The verdict for one looked-up value. */
export interface RiskVerdict {
  readonly risk: Risk;
  readonly lookupType: 'url' | 'ip';
  readonly productivityCategory?: string;
  readonly securityCategory?: string;
  readonly ipCategory?: readonly string[];
  readonly requestId?: string;
  /** Set when the lookup failed (then `risk` is UNKNOWN). */
  readonly error?: string;
}

export interface RiskBatch {
  /** One entry per input value as given; duplicates share a verdict. */
  readonly results: ReadonlyMap<string, RiskVerdict>;
  /** Values looked up over the network in this call (cache hits excluded). */
  readonly lookups: number;
  /** Distinct values after normalisation. */
  readonly distinct: number;
}

/** URL/IP reputation (SophosLabs Intelix): each distinct value looked up once; refused credentials throw. */
export interface RiskLookup {
  lookupMany(values: Iterable<string>, options?: Signal): Promise<RiskBatch>;
}
