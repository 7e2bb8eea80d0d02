/**
 * One Fluent catalogue for every surface: grammY middleware (`ctx.t`) and `translate()` for everything that
 * has no grammY context (notices, Teams, e-mail, summaries).
 */
import { join } from 'node:path';
import { I18n } from '@grammyjs/i18n';
import type { Context } from 'grammy';
import { LOCALES, type Locale } from '../config/schema.js';
import { packageRoot } from './paths.js';

export type Vars = Readonly<Record<string, string | number>>;
export type Translate = (locale: string, key: string, vars?: Vars) => string;

export function isLocale(value: string | undefined): value is Locale {
  return value !== undefined && (LOCALES as readonly string[]).includes(value);
}

/** Telegram sends `ru`, `ru-RU`, `hu`, `en-GB`…: use the primary subtag when we have it. */
export function pickLocale(languageCode: string | undefined, fallback: Locale): Locale {
  const primary = languageCode?.toLowerCase().split(/[-_]/)[0];
  return isLocale(primary) ? primary : fallback;
}

export function localesDir(): string {
  return join(packageRoot(), 'locales');
}

export function createI18n<C extends Context = Context>(defaultLocale: Locale): I18n<C> {
  return new I18n<C>({
    defaultLocale,
    directory: localesDir(),
    useSession: false,
    // Without this Fluent wraps variables in invisible isolation marks, which clutters chat text.
    fluentBundleOptions: { useIsolating: false },
  });
}

export function translatorOf(i18n: I18n<Context> | I18n<never>, fallback: Locale): Translate {
  return (locale, key, vars) => (i18n as I18n<Context>).t(isLocale(locale) ? locale : fallback, key, vars as Record<string, string | number> | undefined);
}
