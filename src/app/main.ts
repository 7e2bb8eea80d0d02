/**
 * socbot run | check | --help. Exit codes are part of the operator contract: 0 ok, 2 invalid config.
 */
import { parseArgs } from 'node:util';
import { loadConfigFile, type ConfigProblem } from '../config/load.js';
import { errorMessage, isAppError } from '../core/errors.js';
import { createLogger } from '../lib/logger.js';
import { redactText } from '../lib/redact.js';
import type { Config } from '../config/schema.js';
import { configWarnings } from './check.js';
import { packageVersion } from './diagnostics.js';

const HELP = `socbot ${packageVersion()} — security chat-ops bot

Usage:
  socbot run   --config FILE   run until SIGINT/SIGTERM
  socbot check --config FILE   validate the config, print every problem by key path
  socbot --help | --version

The config file may also be named by SOCBOT_CONFIG. LOG_LEVEL sets the log level (error, warn, info, debug);
LOG_FORMAT=pretty prints readable lines instead of JSON.

Exit status: 0 ok, 1 runtime failure, 2 invalid config.
`;

function write(stream: NodeJS.WriteStream, text: string): void {
  stream.write(redactText(text));
}

function printProblems(problems: readonly ConfigProblem[], stream: NodeJS.WriteStream, label: string): void {
  for (const p of problems) write(stream, `${label} ${p.path}: ${p.message}\n`);
}

export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
    });
  } catch (error) {
    write(process.stderr, `${errorMessage(error)}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    write(process.stdout, `${packageVersion()}\n`);
    return 0;
  }
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    write(process.stdout, HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (command !== 'run' && command !== 'check') {
    write(process.stderr, `unknown command "${command}"\n\n${HELP}`);
    return 2;
  }
  const file = values.config ?? process.env.SOCBOT_CONFIG;
  if (!file) {
    write(process.stderr, 'no config file: pass --config FILE or set SOCBOT_CONFIG\n');
    return 2;
  }
  const result = loadConfigFile(file);
  if (!result.ok) {
    write(process.stderr, `config ${file} is invalid:\n`);
    printProblems(result.problems, process.stderr, '  error');
    return 2;
  }
  printProblems(result.warnings, process.stderr, 'warning');
  printProblems(configWarnings(result.config), process.stderr, 'warning');
  if (command === 'check') {
    write(process.stdout, `config ${file} is valid\n`);
    return 0;
  }
  return run(result.config);
}

async function run(config: Config): Promise<number> {
  const logger = createLogger();
  // Loaded only for `run`: `check` must not need the adapters' dependencies.
  const { createApp } = await import('./container.js');
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  try {
    app = await createApp(config, { logger });
    await app.start();
  } catch (error) {
    logger.error('socbot failed to start', { kind: isAppError(error) ? error.kind : 'internal', error: errorMessage(error) });
    await app?.stop().catch(() => undefined);
    return 1;
  }
  const running = app;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info('shutting down', { signal });
      running
        .stop()
        .then(() => resolve(0))
        .catch((error: unknown) => {
          logger.error('unclean shutdown', { error: errorMessage(error) });
          resolve(1);
        });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    // A bot that can never reach its chats must not run on silently: stop and exit non-zero.
    void running.fatal.then((reason) => {
      if (stopping) return;
      stopping = true;
      logger.error('socbot cannot run', { reason });
      running
        .stop()
        .catch(() => undefined)
        .then(() => resolve(1));
    });
  });
}

