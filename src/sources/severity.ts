/**
 * The one reading of vendor severity words, so that "High", " HIGH " and "high" mean the same on every source.
 * Each source adds its own vocabulary (MaxPatrol's Russian labels, the PCE's syslog scale) and decides what an
 * absent or unknown value means; the shared words below always win the same way.
 */
import type { Severity } from '../core/incident.js';

export const COMMON_SEVERITY_WORDS: Readonly<Record<string, Severity>> = {
  critical: 'critical',
  crit: 'critical',
  'very high': 'critical',
  high: 'high',
  medium: 'medium',
  moderate: 'medium',
  low: 'low',
  info: 'info',
  informational: 'info',
  information: 'info',
};

/** The severity a word names (case and surrounding space ignored), or undefined when it names none. */
export function severityWord(value: unknown, extra: Readonly<Record<string, Severity>> = {}): Severity | undefined {
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase().replace(/\s+/g, ' ');
  if (word === '') return undefined;
  return Object.hasOwn(COMMON_SEVERITY_WORDS, word) ? COMMON_SEVERITY_WORDS[word] : Object.hasOwn(extra, word) ? extra[word] : undefined;
}
