/**
 * One croner job per source. A job only asks the pipeline to poll; failures mark the source failing with
 * backoff (health), and one source never stops another.
 */
import { Cron } from 'croner';
import type { HealthTracker } from '../core/health.js';
import type { Logger } from '../core/logger.js';
import type { Pipeline } from '../core/pipeline.js';
import { errorKind, errorMessage } from '../core/errors.js';

export interface SourceSchedule {
  readonly source: string;
  readonly intervalSeconds: number;
}

export interface Scheduler {
  start(): void;
  stop(): Promise<void>;
  /** Poll one source now, outside its schedule (tests, /ping --now). */
  runNow(source: string): Promise<void>;
}

export function createScheduler(deps: {
  schedules: readonly SourceSchedule[];
  pipeline: Pipeline;
  health: HealthTracker;
  logger: Logger;
  extraJobs?: ReadonlyArray<{ name: string; pattern: string; timezone?: string; run: () => Promise<void> }>;
}): Scheduler {
  const jobs: Cron[] = [];
  const controller = new AbortController();
  const running = new Set<Promise<void>>();

  async function pollSource(schedule: SourceSchedule): Promise<void> {
    if (controller.signal.aborted || !deps.health.due(schedule.source)) return;
    // A poll that hangs must not hold the source forever.
    const timeout = AbortSignal.timeout(Math.max(120_000, schedule.intervalSeconds * 5000));
    const signal = AbortSignal.any([controller.signal, timeout]);
    try {
      await deps.pipeline.pollOnce(schedule.source, signal);
    } catch (error) {
      if (controller.signal.aborted) return;
      deps.logger.warn('source poll failed', { source: schedule.source, kind: errorKind(error), error: errorMessage(error) });
      await deps.health.failed(schedule.source, error, schedule.intervalSeconds * 1000);
    }
  }

  function track(work: Promise<void>): Promise<void> {
    running.add(work);
    void work.finally(() => running.delete(work));
    return work;
  }

  return {
    start() {
      for (const schedule of deps.schedules) {
        const job = new Cron('* * * * * *', { name: `poll-${schedule.source}`, interval: schedule.intervalSeconds, protect: true, catch: true }, () =>
          track(pollSource(schedule)),
        );
        jobs.push(job);
        // First poll right away instead of one interval after start.
        void track(pollSource(schedule));
      }
      for (const extra of deps.extraJobs ?? []) {
        jobs.push(
          new Cron(extra.pattern, { name: extra.name, protect: true, catch: true, ...(extra.timezone ? { timezone: extra.timezone } : {}) }, () =>
            track(
              extra.run().catch((error: unknown) => deps.logger.warn('scheduled job failed', { job: extra.name, error: errorMessage(error) })),
            ),
          ),
        );
      }
    },
    async stop() {
      for (const job of jobs) job.stop();
      controller.abort();
      await Promise.allSettled([...running]);
    },
    async runNow(source) {
      const schedule = deps.schedules.find((s) => s.source === source);
      if (schedule) await track(pollSource(schedule));
    },
  };
}
