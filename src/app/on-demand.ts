/**
 * On-demand commands that need source clients (/alerts, /inventory, /cleanls). They are offered only when
 * the source they read from is configured.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { ActionHandler, AuditLog, CommandModule, IncidentService, Store } from '../core/ports.js';
import type { Config } from '../config/schema.js';
import type { SophosCentralClient } from '../sources/sophos/central-client.js';

export interface OnDemandDeps {
  incidents: IncidentService;
  clock: Clock;
  logger: Logger;
  audit: AuditLog;
  store: Store;
  sophosCentral?: SophosCentralClient;
}

export function createOnDemandCommands(_config: Config, _deps: OnDemandDeps): { commands: CommandModule[]; actions: ActionHandler[] } {
  return { commands: [], actions: [] };
}
