/**
 * The sources that a config enables: a present block enables its source. Adding a source is one folder
 * plus one line here.
 */
import type { Config } from '../config/schema.js';
import type { AdapterDeps, SourceAdapter } from '../core/ports.js';
import { createElasticSource } from './elastic/index.js';
import { createIllumioSource } from './illumio/index.js';
import { createMaxpatrolSource } from './maxpatrol/index.js';
import { createSophosSource } from './sophos/index.js';
import type { SophosCentralClient } from './sophos/central-client.js';

export interface SourceEntry {
  readonly adapter: SourceAdapter;
  readonly pollInterval: number;
}

export function createSources(
  config: Config,
  depsFor: (source: string) => AdapterDeps,
  shared: { sophosCentral?: SophosCentralClient },
): SourceEntry[] {
  const out: SourceEntry[] = [];
  const s = config.sources;
  if (s.maxpatrol) out.push({ adapter: createMaxpatrolSource(s.maxpatrol, depsFor('maxpatrol')), pollInterval: s.maxpatrol.pollInterval });
  if (s.elastic) out.push({ adapter: createElasticSource(s.elastic, depsFor('elastic')), pollInterval: s.elastic.pollInterval });
  if (s.sophos) out.push({ adapter: createSophosSource(s.sophos, depsFor('sophos'), shared.sophosCentral), pollInterval: s.sophos.pollInterval });
  if (s.illumio) out.push({ adapter: createIllumioSource(s.illumio, depsFor('illumio')), pollInterval: s.illumio.pollInterval });
  return out;
}
