import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createForwardCommand } from '../../../src/commands/forward.js';
import type { Actor, Role } from '../../../src/core/access.js';
import { AppError } from '../../../src/core/errors.js';
import { emptyAssets, refOf, type ForwardState, type Incident } from '../../../src/core/incident.js';
import type { CommandContext, IncidentService } from '../../../src/core/ports.js';
import { lineText, type Reply } from '../../../src/core/reply.js';

function incident(key: string, sourceId: string): Incident {
  return {
    source: 'maxpatrol',
    sourceId,
    key,
    title: 'Brute force',
    severity: 'high',
    createdAt: '2026-11-23T08:00:00.000Z',
    firstSeenAt: '2026-11-23T08:00:01.000Z',
    revision: 1,
    assets: emptyAssets(),
    subEvents: [],
    facts: [],
    raw: null,
  };
}

interface ForwardCall {
  ref: string;
  target: string;
  actor: Actor;
}

/** A small in-memory IncidentService: finds by key, forwards by setting the scripted outcome. */
class FakeIncidents implements IncidentService {
  readonly calls: ForwardCall[] = [];
  readonly lookups: string[] = [];
  readonly store = new Map<string, Incident>();
  outcome: ForwardState | ((ref: string) => never) = { state: 'done', at: '2026-11-23T09:00:00Z', by: 'Anna', ref: 'f3b0c6d2-1111-5222-8333-944455556666' };

  constructor(
    private readonly configured: readonly string[],
    ...incidents: Incident[]
  ) {
    for (const i of incidents) this.store.set(refOf(i), i);
  }
  get(ref: string) {
    return Promise.resolve(this.store.get(ref));
  }
  findByKey(key: string) {
    this.lookups.push(key);
    return Promise.resolve([...this.store.values()].find((i) => i.key === key.toUpperCase() || refOf(i) === key));
  }
  listSince() {
    return Promise.resolve([]);
  }
  cardActions() {
    return [];
  }
  acknowledge(): Promise<Incident> {
    return Promise.reject(new Error('not used'));
  }
  refresh(): Promise<Incident> {
    return Promise.reject(new Error('not used'));
  }
  runSourceAction(): never {
    throw new Error('not used');
  }
  forward(ref: string, target: string, actor: Actor): Promise<Incident> {
    this.calls.push({ ref, target, actor });
    const stored = this.store.get(ref);
    if (!stored) return Promise.reject(new AppError('not-found', `incident ${ref} not found`));
    if (typeof this.outcome === 'function') {
      try {
        this.outcome(ref);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    const state = this.outcome as ForwardState;
    const next: Incident = { ...stored, forwards: { ...stored.forwards, [target]: state }, revision: stored.revision + 1 };
    this.store.set(ref, next);
    return Promise.resolve(next);
  }
  forwarderIds() {
    return this.configured;
  }
}

/** Renders `key{json vars}` so every assertion sees which message and which values were used. */
function ctx(args: string, role: Role | null = 'analyst'): CommandContext {
  return {
    actor: { platform: 'telegram', userId: '7', name: 'Anna', role: role ?? undefined, locale: 'en', chat: { id: '7', type: 'private' } },
    args,
    t: (key, vars) => (vars ? `${key}${JSON.stringify(vars)}` : key),
    signal: new AbortController().signal,
  };
}

const text = (reply: Reply): string => reply.lines.map(lineText).join('\n');

const INC = incident('INC-1528', '5d0f3c1e-8a4b-4d2e-9b7a-2f1c0e9d8a7b');

describe('/forward', () => {
  it('declares itself an analyst command with a localised description', () => {
    const cmd = createForwardCommand({ incidents: new FakeIncidents(['idmefv2']) });
    expect(cmd.name).toBe('forward');
    expect(cmd.requires).toBe('analyst');
    expect(cmd.descriptionKey).toBe('cmd-forward-description');
  });

  it.each([[''], ['INC-1528'], ['INC-1528 soar idmefv2'], ['   ']])('"%s" → usage naming the targets, nothing looked up', async (args) => {
    const incidents = new FakeIncidents(['soar', 'idmefv2'], INC);
    const reply = await createForwardCommand({ incidents }).run(ctx(args));
    expect(text(reply)).toBe('forward-usage{"targets":"soar | idmefv2"}');
    expect(incidents.lookups).toEqual([]);
    expect(incidents.calls).toEqual([]);
  });

  it('an unknown target is named, with the usage', async () => {
    const incidents = new FakeIncidents(['idmefv2'], INC);
    const reply = await createForwardCommand({ incidents }).run(ctx('INC-1528 splunk'));
    expect(text(reply)).toBe('forward-unknown-target{"target":"splunk"}\nforward-usage{"targets":"soar | idmefv2"}');
    expect(incidents.calls).toEqual([]);
  });

  it('a known target that is not configured is refused clearly', async () => {
    const incidents = new FakeIncidents(['idmefv2'], INC);
    const reply = await createForwardCommand({ incidents }).run(ctx('INC-1528 soar'));
    expect(text(reply)).toBe('forward-not-configured{"name":"forward-target-name{\\"target\\":\\"soar\\"}"}');
    expect(incidents.lookups).toEqual([]);
    expect(incidents.calls).toEqual([]);
  });

  it('an unknown incident key is named', async () => {
    const incidents = new FakeIncidents(['idmefv2'], INC);
    const reply = await createForwardCommand({ incidents }).run(ctx('INC-9999 idmefv2'));
    expect(text(reply)).toBe('forward-unknown-incident{"key":"INC-9999"}');
    expect(incidents.calls).toEqual([]);
  });

  // null: a user with no stored role at all.
  it.each([['viewer' as const], [null]])('role %s is refused before anything happens', async (role) => {
    const incidents = new FakeIncidents(['idmefv2'], INC);
    const reply = await createForwardCommand({ incidents }).run(ctx('INC-1528 idmefv2', role));
    expect(text(reply)).toBe('forward-refused');
    expect(incidents.lookups).toEqual([]);
    expect(incidents.calls).toEqual([]);
  });

  it('forwards by ref with the actor and replies with the accepted reference (target is case-insensitive)', async () => {
    const incidents = new FakeIncidents(['soar', 'idmefv2'], INC);
    const c = ctx('  INC-1528   IDMEFv2 ');
    const reply = await createForwardCommand({ incidents }).run(c);
    expect(incidents.calls).toEqual([{ ref: refOf(INC), target: 'idmefv2', actor: c.actor }]);
    expect(text(reply)).toBe(
      'forward-done{"key":"INC-1528","name":"forward-target-name{\\"target\\":\\"idmefv2\\"}","ref":"f3b0c6d2-1111-5222-8333-944455556666"}',
    );
  });

  it('an admin may forward too, and a link becomes a link line', async () => {
    const incidents = new FakeIncidents(['soar'], INC);
    incidents.outcome = { state: 'done', at: 'x', by: 'y', ref: '2095', link: 'https://soar.example.org/#incidents/2095' };
    const reply = await createForwardCommand({ incidents }).run(ctx('INC-1528 soar', 'admin'));
    expect(reply.lines[1]).toEqual([{ link: 'forward-open{"name":"forward-target-name{\\"target\\":\\"soar\\"}"}', url: 'https://soar.example.org/#incidents/2095' }]);
  });

  it('a dry run says so', async () => {
    const incidents = new FakeIncidents(['soar'], INC);
    incidents.outcome = { state: 'done', at: 'x', by: 'y', ref: 'dry-run', dryRun: true };
    const reply = await createForwardCommand({ incidents }).run(ctx('INC-1528 soar'));
    expect(text(reply)).toMatch(/^forward-dry-run\{"key":"INC-1528"/);
  });

  it('a failed forward shows the error and how to retry', async () => {
    const incidents = new FakeIncidents(['idmefv2'], INC);
    incidents.outcome = { state: 'failed', at: 'x', by: 'y', error: 'idmefv2 POST host/: HTTP 400, receiver refused the message: bad IP' };
    const reply = await createForwardCommand({ incidents }).run(ctx('INC-1528 idmefv2'));
    expect(reply.lines[0]).toContain('forward-failed');
    expect(reply.lines[0]).toContain('HTTP 400, receiver refused the message: bad IP');
    expect(reply.lines[1]).toBe('forward-retry-hint');
  });

  it('a pending forward says it is in progress', async () => {
    const incidents = new FakeIncidents(['idmefv2'], INC);
    incidents.outcome = { state: 'pending', at: 'x', by: 'y' };
    const reply = await createForwardCommand({ incidents }).run(ctx('INC-1528 idmefv2'));
    expect(text(reply)).toMatch(/^forward-pending/);
  });

  it('errors thrown by the service are answered, never swallowed', async () => {
    const incidents = new FakeIncidents(['idmefv2'], INC);
    incidents.outcome = () => {
      throw new AppError('auth', 'forward needs the analyst role');
    };
    expect(text(await createForwardCommand({ incidents }).run(ctx('INC-1528 idmefv2')))).toBe('forward-refused');
    incidents.outcome = () => {
      throw new AppError('store', 'disk full');
    };
    const reply = await createForwardCommand({ incidents }).run(ctx('INC-1528 idmefv2'));
    expect(reply.lines[0]).toContain('forward-failed');
    expect(reply.lines[0]).toContain('disk full');
    incidents.outcome = () => {
      throw new AppError('unavailable', 'redis://socbot:hunter2-secret@10.0.0.9:6379 refused the connection');
    };
    const leaked = text(await createForwardCommand({ incidents }).run(ctx('INC-1528 idmefv2')));
    expect(leaked).toContain('refused the connection');
    expect(leaked).not.toContain('hunter2-secret');
  });
});

describe('locales', () => {
  const ids = ['fwd-idmefv2', 'cmd-forward-description', 'forward-target-name', 'forward-usage', 'forward-unknown-target', 'forward-not-configured', 'forward-unknown-incident', 'forward-refused', 'forward-done', 'forward-open', 'forward-dry-run', 'forward-pending', 'forward-failed', 'forward-no-outcome', 'forward-retry-hint'];
  it.each(['en', 'ru', 'hu'])('%s.ftl defines every id the command and the IDMEFv2 button use, once', (locale) => {
    const ftl = readFileSync(join(process.cwd(), 'locales', `${locale}.ftl`), 'utf8');
    for (const id of ids) expect(ftl.match(new RegExp(`^${id} =`, 'gm')) ?? [], id).toHaveLength(1);
  });
});
