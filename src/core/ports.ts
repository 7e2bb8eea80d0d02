/**
 * The ports between the core and its adapters. Everything here is an interface; adapters live at the edge.
 */
import type { Actor, Requirement } from './access.js';
import type { Incident, IncidentDraft, SourceId } from './incident.js';
import type { Clock as ClockPort } from './clock.js';
import type { Logger } from './logger.js';
import type { JsonValue, Reply } from './reply.js';

export type { Clock } from './clock.js';

// ---------------------------------------------------------------- store

/** Anything with a zod-like `parse`; keeps core free of a schema library. */
export interface Validator<T> {
  parse(value: unknown): T;
}

/**
 * A namespace of versioned records. Writes that fail throw `AppError('store')` (keyv only returns false),
 * reads of a record with an unknown version or shape return undefined and log, never crash.
 */
export interface Collection<T> {
  get(id: string): Promise<T | undefined>;
  set(id: string, value: T, ttlMs?: number): Promise<void>;
  delete(id: string): Promise<boolean>;
  entries(): AsyncIterable<readonly [string, T]>;
}

export interface Store {
  collection<T>(namespace: string, validator: Validator<T>): Collection<T>;
  /** The backend's name for /debug (sqlite, redis, postgres, memory). */
  readonly kind: string;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- sources

export interface PollResult {
  readonly drafts: readonly IncidentDraft[];
  /** Opaque; saved only after the drafts are durably enqueued. Undefined keeps the previous cursor. */
  readonly nextCursor: string | undefined;
  /** True when the source stopped early (page cap) and the pipeline should poll again right away. */
  readonly more?: boolean;
  /** Items that failed validation or mapping; logged by the adapter, counted for /debug. */
  readonly quarantined?: number;
}

/** An operation a person can run on an incident from its card (MaxPatrol Confirm/Close, …). */
export interface IncidentAction {
  /** Short and stable: stored in button records. */
  readonly id: string;
  /** Fluent id of the button label. */
  readonly labelKey: string;
  readonly requires: Requirement;
  appliesTo(incident: Incident): boolean;
  run(incident: Incident, actor: Actor, signal: AbortSignal): Promise<ActionOutcome>;
}

export interface ActionOutcome {
  /** Fresh content from the source; the pipeline merges it and edits the cards. */
  readonly draft?: IncidentDraft;
  /** Fluent id of the toast shown to the presser. */
  readonly noticeKey: string;
  readonly vars?: Readonly<Record<string, string | number>>;
}

/** One localised line of source-specific diagnostics for /debug (throttles, skipped tenants, …). */
export interface DiagnosticLine {
  readonly key: string;
  readonly vars: Readonly<Record<string, string | number>>;
}

export interface SourceAdapter {
  readonly id: SourceId;
  /** Source-specific state worth showing an admin in /debug. */
  details?(): readonly DiagnosticLine[];
  poll(cursor: string | undefined, signal: AbortSignal): Promise<PollResult>;
  /** Connectivity and auth check (socbot check --probe, /ping). */
  probe?(signal: AbortSignal): Promise<void>;
  /** Re-read one incident from the source (Refresh button). */
  refresh?(incident: Incident, signal: AbortSignal): Promise<IncidentDraft>;
  readonly actions?: readonly IncidentAction[];
  close?(): Promise<void>;
}

// ---------------------------------------------------------------- forwarders

export interface ForwardResult {
  /** The remote id (SOAR incident id, IDMEFv2 message ID). */
  readonly ref: string;
  readonly link?: string;
  /** False when an existing remote record was found and reused. */
  readonly created: boolean;
  readonly dryRun?: boolean;
}

export interface Forwarder {
  readonly id: string;
  /** Fluent id of the button label ("→ SOAR"). */
  readonly labelKey: string;
  /**
   * Idempotent per incident: a retry, a double press or a restart must leave one remote record.
   * Throws AppError: `bad-request`/`auth` are permanent, `unavailable`/`rate-limited` retryable.
   */
  forward(incident: Incident, actor: Actor, signal: AbortSignal): Promise<ForwardResult>;
  /** Called when an already forwarded incident gained sub-events. */
  update?(incident: Incident, previous: Incident, signal: AbortSignal): Promise<void>;
}

// ---------------------------------------------------------------- chat delivery

/** `platform:chatId`, e.g. `telegram:-1001234567890`. */
export type Destination = string;

export function destination(platform: string, chatId: string): Destination {
  return `${platform}:${chatId}`;
}

export function splitDestination(dest: Destination): { platform: string; chatId: string } {
  const at = dest.indexOf(':');
  return { platform: dest.slice(0, at), chatId: dest.slice(at + 1) };
}

export interface DeliveryLimits {
  /** Minimum spacing between two messages to this chat. */
  readonly minIntervalMs: number;
  /** Backlog size from which pending posts are folded into digests. */
  readonly digestThreshold: number;
  /** How many incidents one digest may name. */
  readonly digestMax: number;
}

/** A platform's delivery side. Errors are `DeliveryError`s (see delivery-error.ts). */
export interface ChatNotifier {
  readonly platform: string;
  limits(chatId: string): DeliveryLimits;
  /** Posts a card; returns the platform's message reference. */
  post(chatId: string, incident: Incident): Promise<string>;
  /** Brings an existing card up to date; "not modified" is success. */
  edit(chatId: string, messageRef: string, incident: Incident): Promise<void>;
  /** One message naming every incident given (key, severity, title). */
  digest(chatId: string, incidents: readonly Incident[]): Promise<string>;
  /** A localised notice (health transitions, dead letters) to one chat. */
  notice(chatId: string, key: string, vars?: Readonly<Record<string, string | number>>): Promise<void>;
}

/** Which chats an incident goes to (approved chats filtered by routes). */
export interface DestinationResolver {
  destinationsFor(incident: Incident): Promise<readonly Destination[]>;
}

/** Tells every admin something, once per call; used for health transitions and dead letters. */
export interface AdminNotifier {
  notifyAdmins(key: string, vars?: Readonly<Record<string, string | number>>): Promise<void>;
}

// ---------------------------------------------------------------- commands

export interface CommandContext {
  readonly actor: Actor;
  /** Raw argument text after the command word. */
  readonly args: string;
  t(key: string, vars?: Readonly<Record<string, string | number>>): string;
  readonly signal: AbortSignal;
}

export interface CommandModule {
  /** `alerts` → `/alerts`; 1–32 chars of a-z0-9_. */
  readonly name: string;
  /** Fluent id of the menu description. */
  readonly descriptionKey: string;
  readonly requires: Requirement;
  run(ctx: CommandContext): Promise<Reply>;
}

export interface ActionContext extends CommandContext {
  /** The message the button sits on, for handlers that edit it. */
  readonly messageRef?: string;
}

export interface ActionResult {
  /** Short answer to the press (≤ 200 chars). */
  readonly toast?: string;
  readonly alert?: boolean;
  /** Replace the message the button is on. */
  readonly edit?: Reply;
  /** Send a new message into the chat. */
  readonly reply?: Reply;
}

/** The server side of a button: `action` names it, the stored payload is validated by the handler. */
export interface ActionHandler {
  readonly action: string;
  readonly requires: Requirement;
  handle(payload: unknown, ctx: ActionContext): Promise<ActionResult>;
}

// ---------------------------------------------------------------- dependencies handed to adapters


/** What every source and forwarder factory receives besides its config slice. */
export interface AdapterDeps {
  readonly logger: Logger;
  readonly clock: ClockPort;
  /**
   * A private namespace for caches that must survive a restart (ids resolved once, dedupe caches).
   * Never put access tokens here: the state file must hold no secret.
   */
  readonly state: Collection<JsonValue>;
}

// ---------------------------------------------------------------- services the chat platforms use

export interface SourceHealth {
  readonly source: SourceId;
  readonly state: 'ok' | 'failing' | 'unknown';
  readonly since: string | undefined;
  readonly lastSuccessAt: string | undefined;
  readonly lastErrorKind: string | undefined;
  /** Redacted, one line. */
  readonly lastError: string | undefined;
  readonly consecutiveFailures: number;
  readonly cursor: string | undefined;
  readonly quarantined: number;
  readonly details?: readonly DiagnosticLine[];
}

/** A button a card shows: built-ins (details, ack, refresh), source actions and forwarders. */
export interface CardAction {
  /** `details`, `ack`, `refresh`, `src:<actionId>`, `fwd:<forwarderId>`. */
  readonly id: string;
  readonly labelKey: string;
  readonly requires: Requirement;
}

export interface AuditEntry {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly outcome: 'ok' | 'refused' | 'failed';
  readonly details?: string;
}

export interface AuditLog {
  record(entry: Omit<AuditEntry, 'at'>): Promise<void>;
  recent(limit: number): Promise<readonly AuditEntry[]>;
}

/** Everything a chat platform may do to incidents. Every call re-reads state; nothing trusts the button. */
export interface IncidentService {
  get(ref: string): Promise<Incident | undefined>;
  /** By display key (`INC-123`) or by `source:id`. */
  findByKey(key: string): Promise<Incident | undefined>;
  /** Incidents first seen at or after `since`, newest first. */
  listSince(since: Date): Promise<readonly Incident[]>;
  /** The buttons the card of this incident should carry now. */
  cardActions(incident: Incident): readonly CardAction[];
  acknowledge(ref: string, actor: Actor): Promise<Incident>;
  refresh(ref: string, actor: Actor, signal: AbortSignal): Promise<Incident>;
  runSourceAction(ref: string, actionId: string, actor: Actor, signal: AbortSignal): Promise<{ incident: Incident; outcome: ActionOutcome }>;
  /** Forwards once (idempotent); the returned state is also stored on the incident and the cards edited. */
  forward(ref: string, forwarderId: string, actor: Actor, signal: AbortSignal): Promise<Incident>;
  forwarderIds(): readonly string[];
}

export interface OutboxStats {
  readonly pending: number;
  readonly dead: number;
  readonly byDestination: Readonly<Record<Destination, number>>;
}

export interface DeadLetter {
  readonly id: string;
  readonly destination: Destination;
  readonly ref: string;
  readonly reason: string;
  readonly at: string;
}

/** Read-only diagnostics for /ping and /debug. */
export interface Diagnostics {
  readonly version: string;
  readonly startedAt: Date;
  health(): Promise<readonly SourceHealth[]>;
  outbox(): Promise<OutboxStats>;
  deadLetters(limit: number): Promise<readonly DeadLetter[]>;
  /** Last errors logged at warn/error, redacted. */
  recentErrors(limit: number): readonly { at: string; message: string }[];
}

/**
 * Chat bookkeeping the outbox worker needs from the platform that owns the chats: a 403 makes a chat inactive,
 * a migration moves its approval (and routes) to the new id.
 */
export interface ChatLifecycle {
  markInactive(dest: Destination, reason: string): Promise<void>;
  migrate(from: Destination, to: Destination): Promise<void>;
}
