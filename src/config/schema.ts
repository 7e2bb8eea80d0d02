import { z } from 'zod';
import { idmefv2ConfigSchema } from '../forwarders/idmefv2/config.js';
import { soarConfigSchema } from '../forwarders/soar/config.js';
import { elasticConfigSchema } from '../sources/elastic/config.js';
import { illumioConfigSchema } from '../sources/illumio/config.js';
import { maxpatrolConfigSchema } from '../sources/maxpatrol/config.js';
import { intelixConfigSchema, sophosConfigSchema } from '../sources/sophos/config.js';
import { secret, severity, url } from './common.js';

export const LOCALES = ['en', 'ru', 'hu'] as const;
export type Locale = (typeof LOCALES)[number];

const chatId = z.union([z.number().int(), z.string().regex(/^-?\d+$/, 'must be a numeric chat id')]).transform(String);

const telegramSchema = z.object({
  token: secret.regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like a Bot API token (digits:letters)'),
  apiRoot: url.default('https://api.telegram.org'),
  admins: z.array(chatId).min(1, 'at least one admin user id'),
  pingSticker: z.string().default(''),
  /** Seconds a pending approval request stays open. */
  approvalTtl: z.number().int().min(60).default(7 * 24 * 3600),
  /** Pending posts to one chat above which they are folded into digest messages. */
  digestThreshold: z.number().int().min(2).default(10),
  /** Most incidents one digest message names (each with key, severity and title). */
  digestMax: z.number().int().min(2).max(60).default(25),
  /** Telegram's flood limits; delivery spacing and the interactive throttler follow them. */
  rateLimits: z
    .object({
      groupPerMinute: z.number().positive().default(20),
      privatePerSecond: z.number().positive().default(1),
      globalPerSecond: z.number().positive().default(30),
    })
    .default({ groupPerMinute: 20, privatePerSecond: 1, globalPerSecond: 30 }),
  /** Role of members of an approved group who have none of their own (`none`: they only see what is posted). */
  groupMemberRole: z.enum(['none', 'viewer', 'analyst']).default('viewer'),
});

const routeSchema = z.object({
  chat: chatId,
  sources: z.array(z.string().min(1)).optional(),
  minSeverity: severity.default('info'),
});

const storeSchema = z.object({
  url: z
    .string()
    .min(1)
    .default('sqlite://./data/socbot.sqlite')
    .refine((v) => /^(sqlite|redis|rediss|postgres|postgresql|memory):/.test(v), 'must start with sqlite://, redis://, postgresql:// or memory://'),
  /**
   * Days an incident (and its dedupe record) is kept after it was first seen. Must exceed every source's
   * look-back, or a re-read of an old item would be announced again.
   */
  retentionDays: z.number().int().min(1).default(30),
});

const deliverySchema = z.object({
  /** Attempts before an outbox entry becomes a dead letter. */
  maxAttempts: z.number().int().min(1).max(100).default(8),
  /** Longest retry_after honoured in place; longer waits keep the entry pending. */
  maxRetryAfter: z.number().int().min(1).default(3600),
});

export const configSchema = z.object({
  locale: z.enum(LOCALES).default('en'),
  timezone: z
    .string()
    .default('UTC')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Moscow'),
  store: storeSchema.default({ url: 'sqlite://./data/socbot.sqlite', retentionDays: 30 }),
  telegram: telegramSchema,
  routes: z.array(routeSchema).default([]),
  delivery: deliverySchema.default({ maxAttempts: 8, maxRetryAfter: 3600 }),
  sources: z
    .object({
      maxpatrol: maxpatrolConfigSchema.optional(),
      elastic: elasticConfigSchema.optional(),
      sophos: sophosConfigSchema.optional(),
      intelix: intelixConfigSchema.optional(),
      illumio: illumioConfigSchema.optional(),
    })
    .default({}),
  forwarders: z
    .object({
      soar: soarConfigSchema.optional(),
      idmefv2: idmefv2ConfigSchema.optional(),
    })
    .default({}),
});

/** Cross-field rules: ones a single key cannot express. */
export const checkedConfigSchema = configSchema.superRefine((config, ctx) => {
  const retentionSeconds = config.store.retentionDays * 86_400;
  for (const [name, source] of Object.entries(config.sources)) {
    if (!source) continue;
    for (const key of ['lookback', 'initialLookback'] as const) {
      const value = (source as Partial<Record<typeof key, number>>)[key];
      if (value !== undefined && value >= retentionSeconds) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', name, key],
          message: `is ${value} s, not shorter than store.retentionDays (${config.store.retentionDays} days): old incidents would be announced again`,
        });
      }
    }
  }
});

export type Config = z.infer<typeof configSchema>;
export type TelegramConfig = Config['telegram'];
export type RouteConfig = Config['routes'][number];
