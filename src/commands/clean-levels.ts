/**
 * The /cleanls rules: which reputation risks each clean level deletes (sophos.md "Clean levels").
 *
 * UNCLASSIFIED and UNKNOWN (no verdict, or the lookup failed) are in no level and can never be deleted.
 * `ALL` includes TRUSTED, which is deleted only after its own, separate confirmation (the Python connector
 * included it silently).
 */

/** Most to least risky, then the two that are never deleted. */
export const RISKS = ['HIGH', 'MEDIUM', 'LOW', 'TRUSTED', 'UNCLASSIFIED', 'UNKNOWN'] as const;
export type Risk = (typeof RISKS)[number];

export const CLEAN_LEVELS = ['HIGH', 'HIGH_MEDIUM', 'MEDIUM', 'LOW', 'ALL'] as const;
export type CleanLevel = (typeof CLEAN_LEVELS)[number];

const NEVER: readonly Risk[] = ['UNCLASSIFIED', 'UNKNOWN'];

/** The risks a level covers (TRUSTED included for `ALL`; see `deletableRisks` for what one press deletes). */
export function cleanLevelRisks(level: CleanLevel): readonly Risk[] {
  switch (level) {
    case 'HIGH':
      return ['HIGH'];
    case 'HIGH_MEDIUM':
      return ['HIGH', 'MEDIUM'];
    case 'MEDIUM':
      return ['MEDIUM'];
    case 'LOW':
      return ['LOW'];
    case 'ALL':
      return ['HIGH', 'MEDIUM', 'LOW', 'TRUSTED'];
  }
}

/** The risks a confirmation deletes: never UNCLASSIFIED/UNKNOWN, TRUSTED only with its own confirmation. */
export function deletableRisks(level: CleanLevel, includeTrusted: boolean): readonly Risk[] {
  return cleanLevelRisks(level).filter((r) => !NEVER.includes(r) && (includeTrusted || r !== 'TRUSTED'));
}

/** Whether the level reaches TRUSTED sites, which then need the separate confirmation. */
export function trustedNeedsConfirmation(level: CleanLevel): boolean {
  return cleanLevelRisks(level).includes('TRUSTED');
}

/** `high_medium`, `High-Medium`, `HIGH+MEDIUM` → HIGH_MEDIUM; anything else → undefined. */
export function parseCleanLevel(token: string | undefined): CleanLevel | undefined {
  const up = token?.toUpperCase().replace(/[-+]/g, '_');
  return CLEAN_LEVELS.find((l) => l === up);
}

/** Fluent id of a risk label (`sophos-risk-high` …; the Sophos locale block defines them). */
export function riskLabelKey(risk: Risk): string {
  return `sophos-risk-${risk.toLowerCase()}`;
}

/** Fluent id of a level's button label (`cleanls-level-high-medium` …). */
export function levelLabelKey(level: CleanLevel): string {
  return `cleanls-level-${level.toLowerCase().replace(/_/g, '-')}`;
}
