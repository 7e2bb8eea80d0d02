import type { Config } from '../config/schema.js';
import type { AdapterDeps, Forwarder } from '../core/ports.js';
import { createIdmefv2Forwarder } from './idmefv2/index.js';
import { createSoarForwarder } from './soar/index.js';

/** The forwarders a config enables; a forwarder's buttons appear only when it is configured. */
export function createForwarders(config: Config, depsFor: (forwarder: string) => AdapterDeps, translate?: (key: string) => string): Forwarder[] {
  const out: Forwarder[] = [];
  if (config.forwarders.soar) out.push(createSoarForwarder(config.forwarders.soar, { ...depsFor('soar'), ...(translate ? { translate } : {}) }));
  if (config.forwarders.idmefv2) out.push(createIdmefv2Forwarder(config.forwarders.idmefv2, depsFor('idmefv2')));
  return out;
}
