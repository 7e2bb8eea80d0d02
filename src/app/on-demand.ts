/**
 * On-demand commands that need source clients (/alerts, /inventory, /cleanls). They are offered only when
 * the source they read from is configured:
 *
 * - `/alerts`: Sophos Central (`sources.sophos`) and/or any other source (then the stored incidents alone);
 * - `/inventory`: Sophos Central;
 * - `/cleanls`: Sophos Central and SophosLabs Intelix (`sources.intelix`), admins only.
 *
 * The Central client is shared with the alert source (one token, one tenant cache); the Intelix client is
 * created here. The commands import no source: they declare what they read in commands/sophos-port.ts, and
 * `centralReader`/`riskLookup` below adapt the real clients to it. `cleanls` is returned as well so a chat platform can drive the same dry run from a guided
 * conversation (bot/telegram/features/cleanls-conversation.ts).
 */
import { createAlertsCommand } from '../commands/alerts.js';
import { createCleanls, type CleanlsService } from '../commands/cleanls.js';
import { createInventoryCommand } from '../commands/inventory.js';
import type { CentralReader, RiskLookup } from '../commands/sophos-port.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { ActionHandler, AuditLog, CommandModule, IncidentService, Store } from '../core/ports.js';
import type { Config } from '../config/schema.js';
import type { SophosCentralClient } from '../sources/sophos/central-client.js';
import { createIntelixClient, type IntelixClient } from '../sources/sophos/intelix.js';

export interface OnDemandDeps {
  incidents: IncidentService;
  clock: Clock;
  logger: Logger;
  audit: AuditLog;
  store: Store;
  sophosCentral?: SophosCentralClient;
  /** Replaces the Intelix client built from `sources.intelix` (tests). */
  intelix?: IntelixClient;
  /** Tuning; every field optional. */
  options?: OnDemandOptions;
}

export interface OnDemandOptions {
  /** Seconds a /cleanls dry run may be confirmed (default 600). */
  readonly cleanlsConfirmTtl?: number;
  /** Seconds the paging/export buttons of /alerts and /inventory work (default 6 h). */
  readonly viewTtl?: number;
  readonly alertsPageSize?: number;
  readonly inventoryPageSize?: number;
}

export interface OnDemandCommands {
  commands: CommandModule[];
  actions: ActionHandler[];
  /** Present when /cleanls is offered. */
  cleanls?: CleanlsService;
}

/**
 * The Central client seen through the commands' port. Written out call by call so the commands get only these
 * calls, and so a change of the client's shape breaks the build here rather than inside a command.
 */
export function centralReader(client: SophosCentralClient): CentralReader {
  return {
    tenants: (options) => client.tenants(options),
    forEachTenant: (fn, options) => client.forEachTenant(fn, options),
    alerts: (tenant, query) => client.alerts(tenant, query),
    endpoints: (tenant, query) => client.endpoints(tenant, query),
    localSites: (tenant, query) => client.localSites(tenant, query),
    deleteLocalSite: (tenant, id, signal) => client.deleteLocalSite(tenant, id, signal),
    webCategories: (tenant, signal) => client.webCategories(tenant, signal),
  };
}

/** The Intelix client as the /cleanls risk lookup. */
export function riskLookup(client: Pick<IntelixClient, 'lookupMany'>): RiskLookup {
  return { lookupMany: (values, options) => client.lookupMany(values, options) };
}

export function createOnDemandCommands(config: Config, deps: OnDemandDeps): OnDemandCommands {
  const commands: CommandModule[] = [];
  const actions: ActionHandler[] = [];
  const logger = deps.logger.child({ component: 'on-demand' });
  const options = deps.options ?? {};
  const common = { store: deps.store, clock: deps.clock, logger, timezone: config.timezone, ...(options.viewTtl ? { viewTtlSeconds: options.viewTtl } : {}) };
  const central = config.sources.sophos && deps.sophosCentral ? centralReader(deps.sophosCentral) : undefined;
  const otherSources = Object.entries(config.sources).some(([id, block]) => block !== undefined && id !== 'sophos' && id !== 'intelix');

  if (central || otherSources) {
    const alerts = createAlertsCommand({
      ...common,
      ...(central ? { central } : {}),
      incidents: deps.incidents,
      ...(options.alertsPageSize ? { pageSize: options.alertsPageSize } : {}),
    });
    commands.push(alerts.command);
    actions.push(alerts.action);
  }

  if (!central) {
    if (config.sources.sophos) logger.warn('sophos is configured but no Central client was passed; /inventory and /cleanls are off', {});
    return { commands, actions };
  }

  const inventory = createInventoryCommand({ ...common, central, ...(options.inventoryPageSize ? { pageSize: options.inventoryPageSize } : {}) });
  commands.push(inventory.command);
  actions.push(inventory.action);

  const intelixConfig = config.sources.intelix;
  if (!intelixConfig && !deps.intelix) return { commands, actions };
  const intelix = deps.intelix ?? (intelixConfig ? createIntelixClient(intelixConfig, { logger: logger.child({ client: 'intelix' }), clock: deps.clock }) : undefined);
  if (!intelix) return { commands, actions };
  const cleanls = createCleanls({
    central,
    intelix: riskLookup(intelix),
    store: deps.store,
    audit: deps.audit,
    clock: deps.clock,
    logger,
    timezone: config.timezone,
    ...(options.cleanlsConfirmTtl ? { confirmTtlSeconds: options.cleanlsConfirmTtl } : {}),
  });
  commands.push(cleanls.command);
  actions.push(cleanls.action);
  return { commands, actions, cleanls };
}
