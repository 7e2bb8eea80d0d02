/**
 * A platform-neutral message. Commands and actions return it; Telegram renders HTML + inline keyboards,
 * Teams an Adaptive Card. Every string here is plain text: renderers escape it, so untrusted vendor text can
 * never become markup.
 */

export type Span =
  | string
  | { readonly b: string }
  | { readonly i: string }
  | { readonly code: string }
  | { readonly link: string; readonly url: string };

export type Line = string | readonly Span[];

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/**
 * A button either opens a URL or triggers a registered action. The payload never travels to the client:
 * the platform stores it server-side behind a short token and re-validates the presser on every press.
 */
export type Button =
  | { readonly text: string; readonly url: string }
  | { readonly text: string; readonly action: string; readonly payload?: JsonValue; readonly ttlSeconds?: number };

export interface DocumentFile {
  readonly filename: string;
  readonly mime: string;
  readonly content: string | Uint8Array;
  readonly caption?: string;
}

export interface Reply {
  readonly lines: readonly Line[];
  readonly buttons?: readonly (readonly Button[])[];
  readonly documents?: readonly DocumentFile[];
  /** Sticker file_id or animation URL (Telegram); other platforms ignore it. */
  readonly sticker?: string;
}

export function textReply(...lines: Line[]): Reply {
  return { lines };
}

export function spanText(span: Span): string {
  if (typeof span === 'string') return span;
  if ('b' in span) return span.b;
  if ('i' in span) return span.i;
  if ('code' in span) return span.code;
  return span.link;
}

export function lineText(line: Line): string {
  return typeof line === 'string' ? line : line.map(spanText).join('');
}
