/**
 * Benchmark: forward an Elastic group of 500 building blocks to a fake SOAR that answers every request after
 * 20 ms, and print the elapsed time and request count. Figures only, no assertions.
 *
 *   npx tsx bench/soar-forward.ts [subEvents=500] [delayMs=20] [concurrency=<config default>]
 */
import { pathToFileURL } from 'node:url';
import { systemClock } from '../src/core/clock.js';
import type { Actor } from '../src/core/access.js';
import { soarConfigSchema } from '../src/forwarders/soar/config.js';
import { createSoarForwarder } from '../src/forwarders/soar/index.js';
import { silentLogger } from '../src/lib/logger.js';
import { largeGroupIncident, memoryState, startFakeSoar } from '../tests/support/fakes/soar.js';

export interface SoarBenchResult {
  readonly subEvents: number;
  readonly delayMs: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly requests: number;
  readonly rows: number;
  readonly artifacts: number;
}

const actor: Actor = { platform: 'bench', userId: '1', name: 'bench', role: 'analyst', locale: 'en', chat: { id: '1', type: 'private' } };

export async function runSoarForwardBench(subEvents = 500, delayMs = 20, concurrency?: number): Promise<SoarBenchResult> {
  const soar = await startFakeSoar({ delayMs });
  try {
    const config = soarConfigSchema.parse({
      url: soar.url,
      org: 'Test Organization',
      apiKeyId: soar.apiKeyId,
      apiKeySecret: soar.apiKeySecret,
      incidentTypes: ['System Intrusion'],
      ...(concurrency === undefined ? {} : { concurrency }),
    });
    const forwarder = createSoarForwarder(config, { logger: silentLogger, clock: systemClock, state: memoryState() });
    const incident = largeGroupIncident(subEvents);
    const started = process.hrtime.bigint();
    const result = await forwarder.forward(incident, actor, new AbortController().signal);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stored = soar.incidents.get(Number(result.ref));
    return {
      subEvents,
      delayMs,
      concurrency: config.concurrency,
      seconds,
      requests: soar.requests.length,
      rows: soar.rowsOf(Number(result.ref)).length,
      artifacts: stored?.artifacts.length ?? 0,
    };
  } finally {
    await soar.close();
  }
}

export function formatSoarBench(r: SoarBenchResult): string {
  return (
    `soar-forward: ${r.subEvents} sub-events, fake SOAR answering in ${r.delayMs} ms, concurrency ${r.concurrency}: ` +
    `${r.seconds.toFixed(2)} s, ${r.requests} requests, ${r.rows} rows, ${r.artifacts} artifacts`
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [subEvents, delayMs, concurrency] = process.argv.slice(2).map(Number);
  const result = await runSoarForwardBench(subEvents || 500, delayMs ?? 20, concurrency || undefined);
  console.log(formatSoarBench(result));
}
