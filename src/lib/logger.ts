import winston from 'winston';
import { oneLine, redactText, redactValue } from './redact.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

import type { Logger } from '../core/logger.js';

export type { Logger };

/** Every record passes here: secrets and token URLs are masked and each record stays on one line. */
const redactFormat = winston.format((info) => {
  const safe = redactValue({ ...info }) as Record<string, unknown>;
  for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
  Object.assign(info, safe);
  if (typeof info.message === 'string') info.message = oneLine(redactText(info.message));
  return info;
});

function levelFromEnv(): LogLevel {
  const level = (process.env.LOG_LEVEL ?? 'info').toLowerCase();
  return level === 'error' || level === 'warn' || level === 'debug' ? level : 'info';
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Human-readable lines (development); JSON otherwise. */
  pretty?: boolean;
  /** Extra transports, e.g. tests capturing output. */
  stream?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? process.env.LOG_FORMAT === 'pretty';
  const format = winston.format.combine(
    winston.format.timestamp(),
    redactFormat(),
    pretty
      ? winston.format.printf((info) => {
          const { level, message, timestamp, ...rest } = info;
          const meta = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
          return `${String(timestamp)} ${level} ${String(message)}${meta}`;
        })
      : winston.format.json(),
  );
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console({ stderrLevels: ['error', 'warn'] });
  const base = winston.createLogger({ level: options.level ?? levelFromEnv(), format, transports: [transport] });
  return wrap(base);
}

function wrap(inner: winston.Logger): Logger {
  return {
    error: (message, meta) => inner.error(message, meta),
    warn: (message, meta) => inner.warn(message, meta),
    info: (message, meta) => inner.info(message, meta),
    debug: (message, meta) => inner.debug(message, meta),
    child: (meta) => wrap(inner.child(meta)),
  };
}

/** For tests and tools that need a logger but no output. */
export const silentLogger: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => silentLogger,
};
