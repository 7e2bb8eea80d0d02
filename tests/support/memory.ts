import type { Clock } from '../../src/core/clock.js';
import type { IncidentDraft } from '../../src/core/incident.js';
import { emptyAssets } from '../../src/core/incident.js';

/** A clock the test moves by hand; sleep resolves when the clock passes the deadline. */
export function manualClock(start = '2026-11-23T09:00:00Z'): Clock & { advance(ms: number): void } {
  let now = Date.parse(start);
  const sleepers: Array<{ until: number; resolve: () => void }> = [];
  return {
    now: () => new Date(now),
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        sleepers.push({ until: now + ms, resolve });
      }),
    advance(ms) {
      now += ms;
      for (const s of sleepers.splice(0)) {
        if (s.until <= now) s.resolve();
        else sleepers.push(s);
      }
    },
  };
}

export function draft(id: string, overrides: Partial<IncidentDraft> = {}): IncidentDraft {
  return {
    sourceId: id,
    title: `Incident ${id}`,
    severity: 'high',
    createdAt: '2026-11-23T08:00:00.000Z',
    assets: emptyAssets(),
    subEvents: [],
    facts: [],
    raw: { id },
    ...overrides,
  };
}
