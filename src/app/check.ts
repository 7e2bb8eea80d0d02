/**
 * Cross-checks `socbot check` runs after the schema: things that are valid YAML and valid types but
 * probably not what the operator meant. They are warnings; the exit status stays 0.
 */
import type { ConfigProblem } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createI18n, translatorOf } from '../lib/i18n.js';
import { validateWatchers } from '../sources/illumio/watchers.js';

export function configWarnings(config: Config): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  const t = translatorOf(createI18n('en'), 'en');
  if (config.sources.illumio) {
    for (const w of validateWatchers(config.sources.illumio.watchers)) warnings.push({ path: w.path.replace(/\[(\d+)\]/g, '.$1'), message: t('en', w.key, w.vars) });
  }
  if (config.sources.intelix && !config.sources.sophos) {
    warnings.push({ path: 'sources.intelix', message: 'Intelix is only used by /cleanls, which needs sources.sophos' });
  }
  const tooFrequent = Object.entries(config.sources).filter(([, v]) => v && 'pollInterval' in v && v.pollInterval < 10);
  for (const [name] of tooFrequent) warnings.push({ path: `sources.${name}.pollInterval`, message: 'below 10 seconds: fine for tests, heavy for a production API' });
  return warnings;
}
