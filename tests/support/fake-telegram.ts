/**
 * A fake Telegram Bot API on 127.0.0.1 for driving the real grammY bot end to end. It speaks the real wire
 * format (`POST /bot<token>/<method>`, JSON or multipart, `{ ok, result }` / `{ ok: false, error_code,
 * description, parameters }`), keeps chats and messages, records every call, and enforces what the real API
 * enforces and socbot must respect: 4096 UTF-16 units of text after HTML parsing, well-formed UTF-16, strict
 * HTML, callback_data of 1–64 bytes, "message is not modified", answering a callback query once, and — when
 * configured — flood limits per chat, per group and globally with 429 + retry_after.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Chat, InlineKeyboardMarkup, Message, MessageEntity, Update, User, UserFromGetMe } from 'grammy/types';

export interface FloodRule {
  readonly limit: number;
  readonly windowMs: number;
}

export interface FloodLimits {
  /** Private chats. */
  readonly perChat?: FloodRule;
  /** Groups, supergroups and channels (negative ids). */
  readonly perGroup?: FloodRule;
  readonly global?: FloodRule;
}

export type Outage = '500' | 'reset';

export type ChatFailure = 'blocked' | 'kicked' | 'not-found' | { readonly migrateTo: string };

export interface ApiCall {
  readonly method: string;
  readonly payload: Record<string, unknown>;
  readonly at: number;
  readonly ok: boolean;
  readonly errorCode?: number;
  readonly description?: string;
}

export interface StoredMessage {
  readonly chatId: string;
  readonly messageId: number;
  readonly kind: 'text' | 'document' | 'sticker' | 'animation';
  /** Raw text as sent (HTML when parseMode is HTML). */
  text: string;
  /** What a user sees: entities parsed. */
  visible: string;
  parseMode?: string;
  replyMarkup?: InlineKeyboardMarkup;
  readonly document?: { readonly filename: string; readonly content: Buffer; readonly caption?: string };
  readonly file?: string;
  readonly date: number;
  edits: number;
  readonly replyTo?: number;
}

/** A message as it arrives in an update (never from a channel). */
export type UserMessage = NonNullable<Update['message']>;

interface ApiErrorBody {
  ok: false;
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

class ApiError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.description);
  }
}

const bad = (description: string, parameters?: ApiErrorBody['parameters']): ApiError =>
  new ApiError({ ok: false, error_code: 400, description: `Bad Request: ${description}`, ...(parameters ? { parameters } : {}) });

const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'code', 'pre', 'a', 'span', 'tg-spoiler', 'blockquote', 'tg-emoji']);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Telegram's HTML parse mode, strictly: known tags properly nested, only the documented entities. */
export function parseTelegramHtml(html: string): string {
  let out = '';
  const stack: string[] = [];
  let i = 0;
  while (i < html.length) {
    const c = html[i] as string;
    if (c === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) throw bad(`can't parse entities: Unclosed start tag at byte offset ${i}`);
      const inner = html.slice(i + 1, end);
      if (inner.startsWith('/')) {
        const name = inner.slice(1).trim().toLowerCase();
        if (stack.pop() !== name) throw bad(`can't parse entities: Unexpected end tag at byte offset ${i}`);
      } else {
        const name = (/^[a-z-]+/i.exec(inner)?.[0] ?? '').toLowerCase();
        if (!ALLOWED_TAGS.has(name)) throw bad(`can't parse entities: Unsupported start tag "${name}" at byte offset ${i}`);
        if (name === 'a' && !/\shref="[^"]*"/.test(inner)) throw bad(`can't parse entities: Can't find href of the link at byte offset ${i}`);
        if (/"[^"]*</.test(inner)) throw bad(`can't parse entities: Unexpected < in attribute at byte offset ${i}`);
        stack.push(name);
      }
      i = end + 1;
      continue;
    }
    if (c === '&') {
      const m = /^&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-f]{1,6});/i.exec(html.slice(i, i + 12));
      if (!m) throw bad(`can't parse entities: Character '&' is reserved and must be escaped at byte offset ${i}`);
      const name = (m[1] as string).toLowerCase();
      out += name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'amp' ? '&' : name === 'quot' ? '"' : String.fromCodePoint(name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
      i += m[0].length;
      continue;
    }
    if (c === '>') throw bad(`can't parse entities: Character '>' is reserved and must be escaped at byte offset ${i}`);
    out += c;
    i++;
  }
  if (stack.length > 0) throw bad(`can't parse entities: Can't find end tag corresponding to start tag "${stack[stack.length - 1] ?? ''}"`);
  return out;
}

function commandEntity(text: string): MessageEntity[] {
  const m = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  return m ? [{ type: 'bot_command', offset: 0, length: m[0].length }] : [];
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Part {
  name: string;
  filename?: string;
  data: Buffer;
}

function parseMultipart(body: Buffer, contentType: string): Part[] {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const chunk = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after delimiter and before next
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = chunk.subarray(0, headerEnd).toString('utf8');
      const name = /(?:^|[;\s])name="([^"]*)"/i.exec(headers)?.[1];
      // grammY writes `filename=x.txt` without quotes; browsers quote it.
      const filename = /filename="?([^";\r\n]*)"?/i.exec(headers)?.[1];
      if (name !== undefined) parts.push({ name, ...(filename !== undefined ? { filename } : {}), data: chunk.subarray(headerEnd + 4) });
    }
    start = next;
  }
  return parts;
}

export interface FakeTelegramOptions {
  readonly token?: string;
  readonly bot?: Partial<UserFromGetMe>;
  readonly flood?: FloodLimits;
  /** Longest a getUpdates call is held open (the bot's timeout is honoured up to this). */
  readonly maxPollMs?: number;
}

export class FakeTelegram {
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  readonly calls: ApiCall[] = [];
  readonly updates: Update[] = [];
  readonly answers = new Map<string, { text?: string; show_alert?: boolean }>();
  readonly left = new Set<string>();
  readonly commands: { commands: unknown; scope?: unknown; language_code?: string }[] = [];
  flood: FloodLimits;
  /** Runs (and is awaited) when a call arrives, before it is handled: lets a test look at the bot's state then. */
  beforeCall: ((method: string, payload: Record<string, unknown>) => Promise<void> | void) | undefined;
  /** 429s served, per chat id. */
  readonly floodHits = new Map<string, number>();
  private readonly messages = new Map<string, StoredMessage[]>();
  private readonly failures = new Map<string, ChatFailure>();
  private readonly nextFailures: { method: string; error: ApiErrorBody; chatId?: string }[] = [];
  private readonly stalls: { method: string; ms: number; chatId?: string }[] = [];
  private outageMode: Outage | undefined;
  private readonly windows = new Map<string, number[]>();
  private readonly waiters = new Set<() => void>();
  private readonly maxPollMs: number;
  private server: Server | undefined;
  private nextUpdateId = 1000;
  private nextMessageId = new Map<string, number>();
  private nextQueryId = 1;
  private nextUserMessageId = 5000;
  url = '';

  constructor(options: FakeTelegramOptions = {}) {
    this.token = options.token ?? '123456:TEST-token_for-the-fake-bot-api-0000000';
    this.botInfo = {
      id: 7000000001,
      is_bot: true,
      first_name: 'socbot',
      username: 'socbot_test_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      ...options.bot,
    } as UserFromGetMe;
    this.flood = options.flood ?? {};
    this.maxPollMs = options.maxPollMs ?? 100;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.route(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const wake of this.waiters) wake();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  // ------------------------------------------------------------ test controls

  failChat(chatId: string | number, failure: ChatFailure | undefined): void {
    if (failure === undefined) this.failures.delete(String(chatId));
    else this.failures.set(String(chatId), failure);
  }

  /** The next call of `method` (to `chatId` when given) fails with this error (then behaves normally). */
  failNext(method: string, errorCode: number, description: string, parameters?: ApiErrorBody['parameters'], chatId?: string | number): void {
    this.nextFailures.push({
      method,
      error: { ok: false, error_code: errorCode, description, ...(parameters ? { parameters } : {}) },
      ...(chatId !== undefined ? { chatId: String(chatId) } : {}),
    });
  }

  /**
   * Telegram unreachable for every method, getUpdates included: `500` answers Internal Server Error, `reset`
   * destroys the connection before answering. `undefined` ends the outage.
   */
  outage(mode: Outage | undefined): void {
    this.outageMode = mode;
  }

  /**
   * The next successful call of `method` (to `chatId` when given) is carried out — a message is stored — but its
   * answer is held back for `ms`: what a client sees as a timeout after the server accepted the request.
   */
  stallNext(method: string, ms: number, chatId?: string | number): void {
    this.stalls.push({ method, ms, ...(chatId !== undefined ? { chatId: String(chatId) } : {}) });
  }

  pushUpdate(update: Omit<Update, 'update_id'>): number {
    const update_id = this.nextUpdateId++;
    this.updates.push({ update_id, ...update } as Update);
    this.pollsSinceEmpty = 0;
    for (const wake of [...this.waiters]) wake();
    return update_id;
  }

  /** Queues updates again with their old ids, ignoring the confirmed offset (a redelivered batch). */
  redeliver(updates: readonly Update[]): void {
    this.redelivered.push(...updates);
    this.pollsSinceEmpty = 0;
    for (const wake of [...this.waiters]) wake();
  }
  private readonly redelivered: Update[] = [];

  user(id: number, firstName: string, extra: Partial<User> = {}): User {
    return { id, is_bot: false, first_name: firstName, ...extra };
  }

  privateChat(user: User): Chat.PrivateChat {
    return { id: user.id, type: 'private', first_name: user.first_name, ...(user.username ? { username: user.username } : {}) };
  }

  group(id: number, title: string, type: 'group' | 'supergroup' = 'supergroup'): Chat.GroupChat | Chat.SupergroupChat {
    return type === 'group' ? { id, type, title } : { id, type, title };
  }

  message(from: User, chat: Chat, text: string): { update_id: number; message: UserMessage } {
    const message = { message_id: this.nextUserMessageId++, from, chat, date: Math.floor(Date.now() / 1000), text, entities: commandEntity(text) } as UserMessage;
    const update_id = this.pushUpdate({ message });
    return { update_id, message };
  }

  /** A user presses an inline button of a stored message; `button` is its text, a RegExp on the text, or its index. */
  press(from: User, chatId: string | number, messageId: number, button: string | RegExp | number): string {
    const stored = this.findMessage(String(chatId), messageId);
    if (!stored) throw new Error(`no message ${messageId} in chat ${chatId}`);
    const buttons = (stored.replyMarkup?.inline_keyboard ?? []).flat();
    const found =
      typeof button === 'number'
        ? buttons[button]
        : buttons.find((b) => (typeof button === 'string' ? b.text === button : button.test(b.text)));
    if (!found || !('callback_data' in found)) throw new Error(`no button ${String(button)} on message ${messageId}: ${buttons.map((b) => b.text).join(', ')}`);
    return this.pressData(from, chatId, messageId, found.callback_data);
  }

  /** A press with arbitrary callback data (forgeries). */
  pressData(from: User, chatId: string | number, messageId: number, data: string): string {
    const stored = this.findMessage(String(chatId), messageId);
    const chat = this.chatFor(String(chatId));
    const id = `q${this.nextQueryId++}`;
    this.pushUpdate({
      callback_query: {
        id,
        from,
        chat_instance: `ci-${String(chatId)}`,
        data,
        message: {
          message_id: messageId,
          date: stored?.date ?? Math.floor(Date.now() / 1000),
          chat,
          from: this.botInfo,
          text: stored?.visible ?? '',
        } as Message,
      },
    });
    return id;
  }

  myChatMember(from: User, chat: Chat, oldStatus: 'left' | 'member' | 'kicked' | 'administrator', newStatus: 'left' | 'member' | 'kicked' | 'administrator'): number {
    const member = (status: string) => ({ user: this.botInfo, status, ...(status === 'kicked' ? { until_date: 0 } : {}) });
    return this.pushUpdate({ my_chat_member: { chat, from, date: Math.floor(Date.now() / 1000), old_chat_member: member(oldStatus), new_chat_member: member(newStatus) } as Update['my_chat_member'] });
  }

  /** The group → supergroup service messages, as Telegram sends them. */
  migrate(from: User, oldChat: Chat.GroupChat, newChat: Chat.SupergroupChat): void {
    const date = Math.floor(Date.now() / 1000);
    this.pushUpdate({ message: { message_id: this.nextUserMessageId++, from, chat: oldChat, date, migrate_to_chat_id: newChat.id } as UserMessage });
    this.pushUpdate({ message: { message_id: this.nextUserMessageId++, from, chat: newChat, date, migrate_from_chat_id: oldChat.id } as UserMessage });
  }

  // ------------------------------------------------------------ inspection

  messagesIn(chatId: string | number): StoredMessage[] {
    return this.messages.get(String(chatId)) ?? [];
  }

  lastMessage(chatId: string | number): StoredMessage | undefined {
    const list = this.messagesIn(chatId);
    return list[list.length - 1];
  }

  findMessage(chatId: string, messageId: number): StoredMessage | undefined {
    return this.messagesIn(chatId).find((m) => m.messageId === messageId);
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  answerOf(queryId: string): { text?: string; show_alert?: boolean } | undefined {
    return this.answers.get(queryId);
  }

  totalFloodHits(): number {
    return [...this.floodHits.values()].reduce((a, b) => a + b, 0);
  }

  /** Resolves with the first truthy value of `probe`, polling every 10 ms; rejects after `ms`. */
  async waitFor<T>(probe: () => T | undefined | null | false, ms = 5000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits until the bot has consumed every queued update (confirmed via the getUpdates offset). */
  async drained(ms = 5000): Promise<void> {
    await this.waitFor(() => this.updates.length === 0 && this.redelivered.length === 0 && this.pollsSinceEmpty >= 1, ms, 'updates to be consumed');
  }
  private pollsSinceEmpty = 0;

  // ------------------------------------------------------------ server

  private chatFor(chatId: string): Chat {
    const n = Number(chatId);
    return n < 0 ? { id: n, type: 'supergroup', title: `chat ${chatId}` } : { id: n, type: 'private', first_name: `user ${chatId}` };
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    const reply = (status: number, body: unknown): void => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!match) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== this.token) return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2] as string;
    const body = await readBody(req);
    let payload: Record<string, unknown> = {};
    const files = new Map<string, Part>();
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      for (const part of parseMultipart(body, type)) {
        if (part.filename !== undefined) files.set(part.name, part);
        else {
          const text = part.data.toString('utf8');
          try {
            payload[part.name] = /^[[{]/.test(text) ? JSON.parse(text) : text;
          } catch {
            payload[part.name] = text;
          }
        }
      }
      for (const name of files.keys()) if (!(name in payload)) payload[name] = `attach://${name}`;
    } else if (body.length > 0) {
      payload = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    }
    const at = Date.now();
    if (this.outageMode !== undefined) {
      this.calls.push({ method, payload, at, ok: false, errorCode: this.outageMode === '500' ? 500 : 0, description: `outage ${this.outageMode}` });
      if (this.outageMode === 'reset') {
        req.socket.destroy();
        return;
      }
      return reply(500, { ok: false, error_code: 500, description: 'Internal Server Error' });
    }
    try {
      await this.beforeCall?.(method, payload);
      const result = await this.handle(method, payload, files, res);
      this.calls.push({ method, payload, at, ok: true });
      const chatOf = payload.chat_id === undefined ? undefined : String(payload.chat_id as string | number);
      const stall = this.stalls.findIndex((s) => s.method === method && (s.chatId === undefined || s.chatId === chatOf));
      if (stall >= 0) {
        const [held] = this.stalls.splice(stall, 1);
        await new Promise((resolve) => setTimeout(resolve, held?.ms ?? 0));
      }
      reply(200, { ok: true, result });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.calls.push({ method, payload, at, ok: false, errorCode: error.body.error_code, description: error.body.description });
      reply(error.body.error_code === 429 ? 429 : error.body.error_code, error.body);
    }
  }

  private checkFailures(method: string, chatId: string | undefined): void {
    const index = this.nextFailures.findIndex((f) => f.method === method && (f.chatId === undefined || f.chatId === chatId));
    if (index >= 0) {
      const [f] = this.nextFailures.splice(index, 1);
      if (f) throw new ApiError(f.error);
    }
    if (chatId === undefined) return;
    const failure = this.failures.get(chatId);
    if (failure === undefined) return;
    if (failure === 'blocked') throw new ApiError({ ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    if (failure === 'kicked') throw new ApiError({ ok: false, error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
    if (failure === 'not-found') throw bad('chat not found');
    throw bad('group chat was upgraded to a supergroup chat', { migrate_to_chat_id: Number(failure.migrateTo) });
  }

  private checkFlood(chatId: string): void {
    const now = Date.now();
    const rules: [string, FloodRule | undefined][] = [
      [Number(chatId) < 0 ? `group:${chatId}` : `chat:${chatId}`, Number(chatId) < 0 ? this.flood.perGroup : this.flood.perChat],
      ['global', this.flood.global],
    ];
    for (const [key, rule] of rules) {
      if (!rule) continue;
      const stamps = (this.windows.get(key) ?? []).filter((t) => t > now - rule.windowMs);
      this.windows.set(key, stamps);
      if (stamps.length >= rule.limit) {
        const waitMs = (stamps[0] as number) + rule.windowMs - now;
        this.floodHits.set(chatId, (this.floodHits.get(chatId) ?? 0) + 1);
        const retry = Math.max(1, Math.ceil(waitMs / 1000));
        throw new ApiError({ ok: false, error_code: 429, description: `Too Many Requests: retry after ${retry}`, parameters: { retry_after: retry } });
      }
    }
    for (const [key, rule] of rules) if (rule) (this.windows.get(key) as number[]).push(now);
  }

  private validateText(text: unknown, parseMode: unknown, limit = 4096): string {
    if (typeof text !== 'string') throw bad('message text is empty');
    if (LONE_SURROGATE.test(text)) throw bad('strings must be encoded in UTF-8');
    const visible = parseMode === 'HTML' ? parseTelegramHtml(text) : text;
    if (visible.trim().length === 0) throw bad('message text is empty');
    if (visible.length > limit) throw bad(limit === 4096 ? 'message is too long' : 'message caption is too long');
    return visible;
  }

  private validateMarkup(markup: unknown): InlineKeyboardMarkup | undefined {
    if (markup === undefined) return undefined;
    const m = markup as InlineKeyboardMarkup;
    for (const row of m.inline_keyboard ?? []) {
      for (const button of row) {
        if (!button.text) throw bad('text buttons are unallowed in the inline keyboard');
        if (LONE_SURROGATE.test(button.text)) throw bad('strings must be encoded in UTF-8');
        if ('callback_data' in button) {
          const bytes = Buffer.byteLength(button.callback_data ?? '');
          if (bytes < 1 || bytes > 64) throw bad('BUTTON_DATA_INVALID');
          if (LONE_SURROGATE.test(button.callback_data ?? '')) throw bad('BUTTON_DATA_INVALID');
        } else if ('url' in button && !/^(https?|tg):\/\//.test(button.url ?? '')) {
          throw bad('BUTTON_URL_INVALID');
        }
      }
    }
    return m;
  }

  private store(chatId: string, message: Omit<StoredMessage, 'chatId' | 'messageId' | 'date' | 'edits'>): StoredMessage {
    const messageId = (this.nextMessageId.get(chatId) ?? 1) + 0;
    this.nextMessageId.set(chatId, messageId + 1);
    const stored: StoredMessage = { chatId, messageId, date: Math.floor(Date.now() / 1000), edits: 0, ...message };
    const list = this.messages.get(chatId) ?? [];
    list.push(stored);
    this.messages.set(chatId, list);
    return stored;
  }

  private asMessage(stored: StoredMessage): Message {
    return {
      message_id: stored.messageId,
      date: stored.date,
      chat: this.chatFor(stored.chatId),
      from: this.botInfo,
      ...(stored.kind === 'text' ? { text: stored.visible } : {}),
      ...(stored.replyMarkup ? { reply_markup: stored.replyMarkup } : {}),
    } as Message;
  }

  private async handle(method: string, p: Record<string, unknown>, files: Map<string, Part>, res: ServerResponse): Promise<unknown> {
    const chatId = p.chat_id === undefined ? undefined : String(p.chat_id as string | number);
    switch (method) {
      case 'getMe':
        this.checkFailures(method, undefined);
        return this.botInfo;
      case 'deleteWebhook':
      case 'setMyCommands':
        this.checkFailures(method, undefined);
        if (method === 'setMyCommands') {
          const commands = p.commands as { command: string; description: string }[];
          for (const c of commands) {
            if (!/^[a-z0-9_]{1,32}$/.test(c.command)) throw bad('BOT_COMMAND_INVALID');
            if (!c.description || c.description.length > 256) throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
          }
          this.commands.push({ commands, scope: p.scope, ...(typeof p.language_code === 'string' ? { language_code: p.language_code } : {}) });
        }
        return true;
      case 'getUpdates':
        return this.getUpdates(p, res);
      case 'sendMessage': {
        this.checkFailures(method, chatId);
        if (chatId === undefined) throw bad('chat_id is empty');
        const visible = this.validateText(p.text, p.parse_mode);
        const markup = this.validateMarkup(p.reply_markup);
        this.checkFlood(chatId);
        const replyTo = (p.reply_parameters as { message_id?: number } | undefined)?.message_id;
        const stored = this.store(chatId, {
          kind: 'text',
          text: p.text as string,
          visible,
          ...(typeof p.parse_mode === 'string' ? { parseMode: p.parse_mode } : {}),
          ...(markup ? { replyMarkup: markup } : {}),
          ...(replyTo !== undefined ? { replyTo } : {}),
        });
        return this.asMessage(stored);
      }
      case 'editMessageText': {
        this.checkFailures(method, chatId);
        if (chatId === undefined) throw bad('chat_id is empty');
        const stored = this.findMessage(chatId, Number(p.message_id));
        if (!stored) throw bad('message to edit not found');
        const visible = this.validateText(p.text, p.parse_mode);
        const markup = this.validateMarkup(p.reply_markup);
        const sameMarkup = JSON.stringify(markup?.inline_keyboard ?? []) === JSON.stringify(stored.replyMarkup?.inline_keyboard ?? []);
        if (stored.visible === visible && stored.text === p.text && sameMarkup) {
          throw bad('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
        }
        stored.text = p.text as string;
        stored.visible = visible;
        if (typeof p.parse_mode === 'string') stored.parseMode = p.parse_mode;
        else delete stored.parseMode;
        if (markup && markup.inline_keyboard.length > 0) stored.replyMarkup = markup;
        else delete stored.replyMarkup;
        stored.edits++;
        return this.asMessage(stored);
      }
      case 'editMessageReplyMarkup': {
        this.checkFailures(method, chatId);
        const stored = chatId === undefined ? undefined : this.findMessage(chatId, Number(p.message_id));
        if (!stored) throw bad('message to edit not found');
        const markup = this.validateMarkup(p.reply_markup);
        if (JSON.stringify(markup?.inline_keyboard ?? []) === JSON.stringify(stored.replyMarkup?.inline_keyboard ?? [])) throw bad('message is not modified');
        if (markup && markup.inline_keyboard.length > 0) stored.replyMarkup = markup;
        else delete stored.replyMarkup;
        stored.edits++;
        return this.asMessage(stored);
      }
      case 'answerCallbackQuery': {
        this.checkFailures(method, undefined);
        const id = String(p.callback_query_id);
        if (this.answers.has(id)) throw bad('query is too old and response timeout expired or query ID is invalid');
        if (typeof p.text === 'string' && p.text.length > 200) throw bad('MESSAGE_TOO_LONG');
        this.answers.set(id, { ...(typeof p.text === 'string' ? { text: p.text } : {}), ...(p.show_alert === true ? { show_alert: true } : {}) });
        return true;
      }
      case 'sendDocument': {
        this.checkFailures(method, chatId);
        if (chatId === undefined) throw bad('chat_id is empty');
        const ref = typeof p.document === 'string' ? p.document : '';
        const part = ref.startsWith('attach://') ? files.get(ref.slice('attach://'.length)) : undefined;
        if (!part) throw bad('there is no document in the request');
        if (typeof p.caption === 'string') this.validateText(p.caption, p.parse_mode, 1024);
        this.checkFlood(chatId);
        const stored = this.store(chatId, {
          kind: 'document',
          text: '',
          visible: typeof p.caption === 'string' ? p.caption : '',
          document: { filename: part.filename ?? 'file', content: part.data, ...(typeof p.caption === 'string' ? { caption: p.caption } : {}) },
        });
        return { ...this.asMessage(stored), document: { file_id: `doc-${stored.messageId}`, file_unique_id: `u${stored.messageId}`, file_name: part.filename } };
      }
      case 'sendSticker':
      case 'sendAnimation': {
        this.checkFailures(method, chatId);
        if (chatId === undefined) throw bad('chat_id is empty');
        const file = String(method === 'sendSticker' ? p.sticker : p.animation);
        if (method === 'sendSticker' && /^https?:\/\//.test(file) && /\.(gif|mp4)(\?|$)/i.test(file)) throw bad('wrong file identifier/HTTP URL specified');
        this.checkFlood(chatId);
        const stored = this.store(chatId, { kind: method === 'sendSticker' ? 'sticker' : 'animation', text: '', visible: '', file });
        return this.asMessage(stored);
      }
      case 'leaveChat':
        this.checkFailures(method, chatId);
        if (chatId !== undefined) this.left.add(chatId);
        return true;
      default:
        return true;
    }
  }

  private async getUpdates(p: Record<string, unknown>, res: ServerResponse): Promise<Update[]> {
    const offset = typeof p.offset === 'number' ? p.offset : 0;
    const limit = typeof p.limit === 'number' ? p.limit : 100;
    const timeoutMs = Math.min((typeof p.timeout === 'number' ? p.timeout : 0) * 1000, this.maxPollMs);
    // Confirmed updates are gone for good, as on the real server.
    for (let i = this.updates.length - 1; i >= 0; i--) if ((this.updates[i] as Update).update_id < offset) this.updates.splice(i, 1);
    const take = (): Update[] => {
      if (this.redelivered.length > 0) return this.redelivered.splice(0, limit);
      return this.updates.filter((u) => u.update_id >= offset).slice(0, limit);
    };
    let batch = take();
    // An empty poll means the bot finished every earlier batch: grammY handles a batch before polling again.
    if (batch.length === 0) this.pollsSinceEmpty++;
    if (batch.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiters.delete(done);
          res.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        this.waiters.add(done);
        // Only an aborted poll closes the response early (bot.stop()).
        res.on('close', done);
      });
      batch = take();
    }
    return batch;
  }
}
