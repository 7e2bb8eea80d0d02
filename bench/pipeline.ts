/**
 * Pipeline benchmark: how fast and in how much memory the core stores, dedupes and enqueues incidents on the
 * default SQLite store, and how fast a re-poll of the same data is turned into no-ops. Figures only.
 * Run: `npx tsx bench/pipeline.ts [count]`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { draft } from '../tests/support/memory.js';
import { createHarness } from '../tests/support/pipeline-harness.js';

export interface PipelineBenchResult {
  readonly incidents: number;
  readonly ingestSeconds: number;
  readonly repollSeconds: number;
  readonly heapDeltaMiB: number;
}

export async function runPipelineBench(count = 5000): Promise<PipelineBenchResult> {
  const file = join(mkdtempSync(join(tmpdir(), 'socbot-bench-')), 'bench.sqlite');
  const h = await createHarness({ storeUrl: `sqlite://${file}`, chats: ['1', '2'] });
  h.source.pageSize = 500;
  h.source.items = Array.from({ length: count }, (_, i) =>
    draft(`b-${i}`, { title: `Benchmark incident ${i} on host-${i % 97}`, subEvents: [{ id: `s-${i}`, title: 'event' }], assets: { hosts: [`host-${i % 97}`], ips: [`10.0.${i % 250}.${i % 200}`], users: [], urls: [], hashes: [] } }),
  );
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const signal = new AbortController().signal;
  let started = performance.now();
  await h.pipeline.pollOnce('fake', signal);
  const ingestSeconds = (performance.now() - started) / 1000;
  const heapDeltaMiB = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  await h.store.collection('cursors', { parse: (v: unknown) => v as string }).delete('fake');
  started = performance.now();
  await h.pipeline.pollOnce('fake', signal);
  const repollSeconds = (performance.now() - started) / 1000;
  await h.store.close();
  return { incidents: count, ingestSeconds, repollSeconds, heapDeltaMiB };
}

export function formatPipelineBench(r: PipelineBenchResult): string {
  return [
    `pipeline: ${r.incidents} incidents stored and enqueued for 2 chats in ${r.ingestSeconds.toFixed(2)} s (${Math.round(r.incidents / r.ingestSeconds)}/s) on SQLite`,
    `pipeline: re-poll of the same ${r.incidents} (all duplicates) in ${r.repollSeconds.toFixed(2)} s; heap grew ${r.heapDeltaMiB.toFixed(1)} MiB during ingest`,
  ].join('\n');
}

if (process.argv[1]?.endsWith('pipeline.ts')) {
  console.log(formatPipelineBench(await runPipelineBench(Number(process.argv[2] ?? 5000))));
}
