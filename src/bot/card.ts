/**
 * What an incident card says, as platform-neutral lines (`core/reply.ts` spans). Telegram renders these as HTML
 * within its length limit, Teams as an Adaptive Card. Every vendor string stays a plain span: renderers escape.
 */
import { DateTime } from 'luxon';
import { ASSET_KINDS, type Incident, type Severity, type SubEvent } from '../core/incident.js';
import type { Line, Span } from '../core/reply.js';
import { cleanLine, cleanText, truncateUnits } from '../core/text.js';

export type Translate = (key: string, vars?: Readonly<Record<string, string | number>>) => string;

export interface CardOptions {
  readonly t: Translate;
  /** IANA zone for every displayed time. */
  readonly timezone: string;
}

export interface CardContent {
  /** Always shown: mark, title, key, source, status, time. */
  readonly head: readonly Line[];
  /** Shown while it fits: count, assets, facts, ack, forwards, link, description. */
  readonly body: readonly Line[];
  /** One line per sub-event, oldest first; the renderer shows the first ones that fit. */
  readonly events: readonly Line[];
}

const MARKS: Record<Severity, string> = { critical: '‼️', high: '🔴', medium: '🟠', low: '🟡', info: '🔵' };

export function severityMark(severity: Severity): string {
  return MARKS[severity];
}

/** Known forwarder display names; anything else shows its id. */
export function forwarderName(id: string): string {
  const names: Record<string, string> = { soar: 'SOAR', idmefv2: 'IDMEFv2' };
  return names[id] ?? id;
}

/** Display names of the built-in sources; anything else shows its id. */
export function sourceName(id: string): string {
  const names: Record<string, string> = { maxpatrol: 'MaxPatrol SIEM', elastic: 'Elastic Security', sophos: 'Sophos Central', illumio: 'Illumio' };
  return names[id] ?? id;
}

/**
 * An actor label (`Name (@handle) [telegram:123]`) as people read it on a card: the platform id only helps the
 * audit log and makes the line wrap on a phone.
 */
export function displayActor(label: string): string {
  const shown = label.replace(/\s*\[[a-z]+:-?\d+\]$/, '');
  return cleanLine(shown || label);
}

export function formatTime(iso: string | undefined, timezone: string, format = 'yyyy-LL-dd HH:mm:ss ZZ'): string {
  if (!iso) return '';
  const parsed = DateTime.fromISO(iso, { setZone: true });
  return parsed.isValid ? parsed.setZone(timezone).toFormat(format) : cleanLine(iso);
}

export function isWebUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function labelled(t: Translate, labelKey: string, value: string, max = 400): Line {
  return [`${t(labelKey)}: `, truncateUnits(cleanLine(value), max)];
}

function statusText(incident: Incident, t: Translate): string | undefined {
  if (incident.statusKey) return t(incident.statusKey);
  return incident.status ? cleanLine(incident.status) : undefined;
}

function forwardLines(incident: Incident, opts: CardOptions): Line[] {
  const { t } = opts;
  const lines: Line[] = [];
  for (const [id, state] of Object.entries(incident.forwards ?? {})) {
    const target = forwarderName(id);
    switch (state.state) {
      case 'pending':
        lines.push([t('card-forward-pending', { target })]);
        break;
      case 'done': {
        const ref = truncateUnits(cleanLine(state.ref), 120);
        const refSpan: Span = state.link && isWebUrl(state.link) ? { link: ref, url: state.link } : { code: ref };
        const key = state.dryRun ? 'card-forward-dry-run' : 'card-forward-done';
        lines.push([`${t(key, { target, by: truncateUnits(displayActor(state.by), 120) })} `, refSpan]);
        break;
      }
      case 'failed':
        lines.push([t('card-forward-failed', { target, error: truncateUnits(cleanLine(state.error), 300) })]);
        break;
    }
  }
  return lines;
}

function eventLine(event: SubEvent, opts: CardOptions, maxTitle: number): Line {
  const time = event.time ? formatTime(event.time, opts.timezone, 'LL-dd HH:mm:ss') : '';
  const mark = event.severity ? `${severityMark(event.severity)} ` : '';
  return [`• ${mark}${time ? `${time} — ` : ''}`, truncateUnits(cleanLine(event.title), maxTitle)];
}

export function buildCard(incident: Incident, opts: CardOptions): CardContent {
  const { t, timezone } = opts;
  const head: Line[] = [
    [`${severityMark(incident.severity)} `, { b: truncateUnits(cleanLine(incident.title), 500) }],
    [`${t('card-severity')}: ${t(`severity-${incident.severity}`)} · ${t('card-key')}: `, { code: truncateUnits(cleanLine(incident.key), 100) }],
  ];
  const status = statusText(incident, t);
  head.push([`${t('card-source')}: `, truncateUnits(cleanLine(sourceName(incident.source)), 60), ...(status ? [` · ${t('card-status')}: `, truncateUnits(status, 100)] : [])]);
  head.push([`${t('card-time')}: ${formatTime(incident.createdAt, timezone)}`]);

  const body: Line[] = [];
  if ((incident.count ?? 1) > 1) body.push([t('card-count', { count: incident.count ?? 1 })]);
  for (const kind of ASSET_KINDS) {
    const values = incident.assets[kind];
    if (values.length > 0) body.push(labelled(t, `card-assets-${kind}`, values.join(', ')));
  }
  for (const fact of incident.facts) {
    body.push(labelled(t, fact.label, fact.valueKey ? t(fact.valueKey) : fact.value, 300));
  }
  if (incident.ack) {
    body.push([t('card-ack', { by: truncateUnits(displayActor(incident.ack.by), 120), at: formatTime(incident.ack.at, timezone) })]);
  }
  body.push(...forwardLines(incident, opts));
  if (incident.link && isWebUrl(incident.link)) body.push(['🔗 ', { link: t('card-link'), url: incident.link }]);
  if (incident.description) body.push([{ i: truncateUnits(cleanLine(incident.description), 500) }]);

  const events = incident.subEvents.map((e) => eventLine(e, opts, 200));
  return { head, body, events };
}

/** Everything about an incident, for the Details button. */
export function buildDetails(incident: Incident, opts: CardOptions): Line[] {
  const { t, timezone } = opts;
  const lines: Line[] = [];
  lines.push([`${severityMark(incident.severity)} `, { b: cleanLine(incident.title) }]);
  lines.push([`${t('card-severity')}: ${t(`severity-${incident.severity}`)} · ${t('card-key')}: `, { code: cleanLine(incident.key) }]);
  const status = statusText(incident, t);
  lines.push([`${t('card-source')}: `, cleanLine(sourceName(incident.source)), ` (${cleanLine(incident.sourceId)})`, ...(status ? [` · ${t('card-status')}: `, status] : [])]);
  lines.push([`${t('card-time')}: ${formatTime(incident.createdAt, timezone)}`]);
  if (incident.updatedAt) lines.push([`${t('card-updated')}: ${formatTime(incident.updatedAt, timezone)}`]);
  if ((incident.count ?? 1) > 1) lines.push([t('card-count', { count: incident.count ?? 1 })]);
  for (const kind of ASSET_KINDS) {
    const values = incident.assets[kind];
    if (values.length > 0) lines.push([`${t(`card-assets-${kind}`)}: `, cleanLine(values.join(', '))]);
  }
  for (const fact of incident.facts) lines.push([`${t(fact.label)}: `, fact.valueKey ? t(fact.valueKey) : cleanLine(fact.value)]);
  for (const [name, value] of Object.entries(incident.correlation ?? {})) lines.push([`${cleanLine(name)}: `, cleanLine(value)]);
  if (incident.ack) lines.push([t('card-ack', { by: cleanLine(incident.ack.by), at: formatTime(incident.ack.at, timezone) })]);
  lines.push(...forwardLines(incident, opts));
  if (incident.link && isWebUrl(incident.link)) lines.push(['🔗 ', { link: t('card-link'), url: incident.link }]);
  if (incident.description) {
    lines.push('');
    for (const para of cleanText(incident.description).split('\n')) lines.push(para);
  }
  if (incident.subEvents.length > 0) {
    lines.push('', [{ b: t('card-events-all', { total: incident.subEvents.length }) }]);
    for (const event of incident.subEvents) {
      lines.push(eventLine(event, opts, 2000));
      for (const [name, value] of Object.entries(event.details ?? {})) lines.push([`   ${cleanLine(name)}: `, cleanLine(value)]);
      for (const kind of ASSET_KINDS) {
        const values = event.assets?.[kind] ?? [];
        if (values.length > 0) lines.push([`   ${t(`card-assets-${kind}`)}: `, cleanLine(values.join(', '))]);
      }
    }
  }
  return lines;
}

/** One digest line: mark, key, severity, title. */
export function digestLine(incident: Incident, t: Translate, maxTitle: number): Line {
  return [
    `${severityMark(incident.severity)} `,
    { code: truncateUnits(cleanLine(incident.key), 60) },
    ` ${t(`severity-${incident.severity}`)} — `,
    truncateUnits(cleanLine(incident.title), maxTitle),
  ];
}
