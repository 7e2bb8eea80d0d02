/** Fixture loading and alert builders shared by the Elastic unit and integration tests. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** An alert document as stored in the index (structurally the fake server's `FakeHit`). */
export interface FakeHit {
  _index: string;
  _id: string;
  _source: Record<string, unknown>;
  fields?: Record<string, unknown>;
}

const dir = fileURLToPath(new URL('../../fixtures/elastic/', import.meta.url));

export function loadJson(name: string): unknown {
  return JSON.parse(readFileSync(`${dir}${name}`, 'utf8'));
}

/** Fresh deep copies each call, so tests may mutate them. */
export function eqlGroup(): FakeHit[] {
  return loadJson('ssh-bruteforce-eql-group.hits.json') as FakeHit[];
}

export function singleAlerts(): FakeHit[] {
  return loadJson('single-alerts.hits.json') as FakeHit[];
}

export const SHELL_ID = '6b00bc0588ac58f903ab41fca84fa616b98a0d1418a8a15bf6534dbdec9088a3';
export const C2_ID = '2bfb56ceb9130fd616f8c11e7995893f15cfc1ec4094a3553c97f714d82ff331';
export const MALWARE_ID = 'a6c4e798d1d66fde74168252c4b5280cdc70d12068fd09c7945eb48600ab6f46';
export const WEBSHELL_ID = '3e5e1e252ed993563178332a5b7d1abbc699f3a0394086304480f78f643b4de4';

export function alertIdFor(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/**
 * A copy of a fixture alert with a new id (`_id` = `kibana.alert.uuid`, like real alerts), new times and
 * optional flat-key overrides (`{'kibana.alert.rule.name': …}`); `kibana.alert.url` is dropped because it names
 * the old id.
 */
export function deriveAlert(base: FakeHit, seed: string, timestamp: string, overrides: Record<string, unknown> = {}): FakeHit {
  const copy = JSON.parse(JSON.stringify(base)) as FakeHit;
  const id = alertIdFor(seed);
  copy._id = id;
  const source = copy._source;
  source['kibana.alert.uuid'] = id;
  source['@timestamp'] = timestamp;
  source['kibana.alert.original_time'] = timestamp;
  delete source['kibana.alert.url'];
  if (source['kibana.alert.group.id'] === base._id) source['kibana.alert.group.id'] = id;
  Object.assign(source, overrides);
  return copy;
}

/** A sequence group: shell + `blocks` building blocks, all sharing `timestamp` (as Kibana writes them). */
export function deriveGroup(seed: string, timestamp: string, blocks: number, overrides: Record<string, unknown> = {}): FakeHit[] {
  const [shellBase, blockBase] = eqlGroup();
  if (!shellBase || !blockBase) throw new Error('fixture missing');
  const shell = deriveAlert(shellBase, `${seed}-shell`, timestamp, overrides);
  const out = [shell];
  for (let i = 0; i < blocks; i++) {
    out.push(
      deriveAlert(blockBase, `${seed}-block-${i}`, timestamp, {
        ...overrides,
        'kibana.alert.group.id': shell._id,
        'kibana.alert.group.index': i,
        message: `Failed password for root from 203.0.113.45 port ${50000 + i} ssh2`,
      }),
    );
  }
  return out;
}
