/**
 * CSV and JSON documents for the export buttons and the /cleanls reports.
 *
 * CSV follows RFC 4180 (CRLF, fields with a comma, quote or line break quoted, quotes doubled) and defuses
 * spreadsheet formulas: a cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` (OWASP CSV
 * injection advice), because vendor text (alert descriptions, hostnames, local-site URLs) is attacker-controlled.
 * A UTF-8 byte-order mark lets spreadsheet programs read Cyrillic and Hungarian text correctly.
 */
import type { DocumentFile } from '../core/reply.js';

export type CsvValue = string | number | boolean | null | undefined | readonly string[];

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = Array.isArray(value) ? value.join('; ') : String(value as string | number | boolean);
  // Numbers are data, not formulas; only text can start one (a negative count cannot occur in our exports).
  if (typeof value === 'string' || Array.isArray(value)) {
    if (FORMULA_START.test(text)) text = `'${text}`;
  }
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const lines = [header.map((h) => csvCell(h)).join(','), ...rows.map((r) => r.map((c) => csvCell(c)).join(','))];
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export function csvDocument(filename: string, header: readonly string[], rows: readonly (readonly CsvValue[])[], caption?: string): DocumentFile {
  return { filename, mime: 'text/csv', content: toCsv(header, rows), ...(caption ? { caption } : {}) };
}

export function jsonDocument(filename: string, value: unknown, caption?: string): DocumentFile {
  return { filename, mime: 'application/json', content: `${JSON.stringify(value, null, 2)}\n`, ...(caption ? { caption } : {}) };
}
