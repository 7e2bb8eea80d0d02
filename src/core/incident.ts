/**
 * The normalised incident every source maps into and every chat platform and forwarder reads from.
 * Sources produce drafts (pure data, no keys assigned by us); the pipeline turns them into stored incidents.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank for comparisons: a larger number is more severe. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

export function atLeast(severity: Severity, minimum: Severity): boolean {
  return severityRank(severity) >= severityRank(minimum);
}

export type SourceId = string;

export interface Assets {
  readonly hosts: readonly string[];
  readonly ips: readonly string[];
  readonly users: readonly string[];
  readonly urls: readonly string[];
  readonly hashes: readonly string[];
}

export const ASSET_KINDS = ['hosts', 'ips', 'users', 'urls', 'hashes'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export function emptyAssets(): Assets {
  return { hosts: [], ips: [], users: [], urls: [], hashes: [] };
}

/** Union of asset lists, order kept, duplicates and empty strings dropped. */
export function mergeAssets(...all: ReadonlyArray<Partial<Assets> | undefined>): Assets {
  const out: Record<AssetKind, string[]> = { hosts: [], ips: [], users: [], urls: [], hashes: [] };
  for (const assets of all) {
    if (!assets) continue;
    for (const kind of ASSET_KINDS) {
      for (const value of assets[kind] ?? []) {
        const v = value.trim();
        if (v && !out[kind].includes(v)) out[kind].push(v);
      }
    }
  }
  return out;
}

/**
 * A labelled fact shown on the card. `label` is a Fluent message id; `value` is untrusted source text
 * (escaped by the renderer) unless `valueKey` names a Fluent id to localise (e.g. a status code).
 */
export interface Fact {
  readonly label: string;
  readonly value: string;
  readonly valueKey?: string;
}

/** A building block, correlated event or other child record of an incident. */
export interface SubEvent {
  readonly id: string;
  readonly title: string;
  readonly time?: string;
  readonly severity?: Severity;
  readonly assets?: Partial<Assets>;
  /** Flat string details, e.g. rule name, process, command line. Untrusted text. */
  readonly details?: Readonly<Record<string, string>>;
}

export interface IncidentDraft {
  /** The source's own id for this incident (string even when the source uses numbers). */
  readonly sourceId: string;
  /** Human key shown on cards and used by `/forward` (MaxPatrol `INC-…`); defaults to `sourceId`. */
  readonly key?: string;
  readonly title: string;
  readonly severity: Severity;
  /** Source status code; `statusKey` is its Fluent id for localisation when known. */
  readonly status?: string;
  readonly statusKey?: string;
  /** ISO-8601 with offset. */
  readonly createdAt: string;
  readonly updatedAt?: string;
  readonly description?: string;
  readonly assets: Assets;
  /** Deep link into the source's UI. */
  readonly link?: string;
  readonly subEvents: readonly SubEvent[];
  readonly facts: readonly Fact[];
  /** Occurrences collapsed into this incident (throttled repeats); 1 when absent. */
  readonly count?: number;
  /** Elastic group id, Sophos tenant id and the like: correlation data forwarders may need. */
  readonly correlation?: Readonly<Record<string, string>>;
  /** The vendor payload as received, for Details and forwarders. Never shown unescaped. */
  readonly raw: unknown;
}

export interface Acknowledgement {
  readonly by: string;
  readonly byId: string;
  readonly at: string;
}

export type ForwardState =
  | { readonly state: 'pending'; readonly at: string; readonly by: string }
  | { readonly state: 'done'; readonly at: string; readonly by: string; readonly ref: string; readonly link?: string; readonly dryRun?: boolean }
  | { readonly state: 'failed'; readonly at: string; readonly by: string; readonly error: string };

export interface Incident extends IncidentDraft {
  readonly source: SourceId;
  readonly key: string;
  /** When socbot first stored it. */
  readonly firstSeenAt: string;
  /** Bumped on every stored change (late sub-events, status, ack, forward); cards are edited on change. */
  readonly revision: number;
  readonly ack?: Acknowledgement;
  readonly forwards?: Readonly<Record<string, ForwardState>>;
}

/** Ledger identity of an incident: unique per source. */
export function incidentRef(source: SourceId, sourceId: string): string {
  return `${source}:${sourceId}`;
}

export function refOf(incident: Pick<Incident, 'source' | 'sourceId'>): string {
  return incidentRef(incident.source, incident.sourceId);
}

/**
 * Merge a re-read draft into the stored incident. Returns the updated incident, or undefined when the draft
 * brings nothing new (the common case of overlapping polls), so callers can skip writes and card edits.
 */
export function mergeDraft(stored: Incident, draft: IncidentDraft): Incident | undefined {
  const known = new Set(stored.subEvents.map((e) => e.id));
  const added = draft.subEvents.filter((e) => !known.has(e.id));
  const count = Math.max(stored.count ?? 1, draft.count ?? 1);
  const statusChanged = draft.status !== undefined && draft.status !== stored.status;
  if (added.length === 0 && count === (stored.count ?? 1) && !statusChanged) return undefined;
  const subEvents = [...stored.subEvents, ...added];
  return {
    ...stored,
    status: draft.status ?? stored.status,
    statusKey: draft.statusKey ?? stored.statusKey,
    updatedAt: draft.updatedAt ?? stored.updatedAt,
    severity: draft.severity,
    subEvents,
    assets: mergeAssets(stored.assets, ...added.map((e) => e.assets)),
    count: count === 1 ? stored.count : count,
    revision: stored.revision + 1,
  };
}
