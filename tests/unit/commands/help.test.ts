import { describe, expect, it } from 'vitest';
import { createHelpCommand } from '../../../src/commands/help.js';
import type { CommandModule } from '../../../src/core/ports.js';
import { ctx, text } from '../telegram/command-support.js';

const module = (name: string, requires: CommandModule['requires']): CommandModule => ({ name, descriptionKey: `cmd-${name}-description`, requires, run: () => Promise.resolve({ lines: [] }) });
const all = [module('start', 'anyone'), module('ping', 'approved'), module('forward', 'analyst'), module('debug', 'admin')];

describe('/help', () => {
  it.each([
    ['viewer', ['start', 'ping']],
    ['analyst', ['start', 'ping', 'forward']],
    ['admin', ['start', 'ping', 'forward', 'debug']],
  ] as const)('lists what a %s may use', async (role, names) => {
    const help = createHelpCommand({ commands: () => all });
    const out = text(await help.run(ctx(role)));
    for (const m of all) expect(out.includes(`/${m.name} — cmd-${m.name}-description`)).toBe((names as readonly string[]).includes(m.name));
    expect(out).toContain(`help-role(role=role-${role})`);
  });
});
