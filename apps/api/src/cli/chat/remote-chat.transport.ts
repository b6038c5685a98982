import type { ConversationView } from '@parley/dialogue-core';
import { conversationIdFor } from '@parley/persistence';
import type { AppConfig } from '../../config/app.config';
import { databaseLabel, readServerFile, type ServerFile } from '../../ops/server.file';
import { CHAT_CHANNEL, replyLine, type ChatTransport } from './chat.transport';

/** How long the chat waits for the server to confirm it is there before opening the database itself. */
const PROBE_TIMEOUT_MS = 3000;

/** A server answered, but not as expected (it does not serve the bot, or it refused a message). */
export class ChatServerError extends Error {
  override readonly name = 'ChatServerError';
}

/**
 * Find a running server of this data directory and database (`<dataDir>/server.json`, written by `npm start`) and
 * check that it answers with the admin token it wrote there. Undefined when there is none, or it is on another
 * database, or it does not answer (a file left by a killed server): the chat then opens the database itself.
 */
export async function connectToServer(
  config: AppConfig,
  botId: string,
  userId: string,
  onPushed: (text: string) => void,
  pollMs = 1000,
): Promise<ChatTransport | undefined> {
  const server = await readServerFile(config);
  if (!server || server.database !== databaseLabel(config)) return undefined;
  let bots: { id: string }[];
  try {
    const response = await call(server, 'GET', '/api/bots', undefined, PROBE_TIMEOUT_MS);
    if (!response.ok) return undefined;
    bots = ((await response.json()) as { items: { id: string }[] }).items;
  } catch {
    return undefined;
  }
  if (!bots.some((bot) => bot.id === botId)) {
    throw new ChatServerError(
      `The server at ${server.url} does not serve '${botId}' (it serves ${bots.map((b) => b.id).join(', ') || 'no bots'}).`,
    );
  }
  const conversationId = conversationIdFor(botId, CHAT_CHANNEL, userId);
  const pushes = new PushedReplies(server, conversationId, onPushed, pollMs);
  await pushes.start();
  return {
    via: `through the server at ${server.url}`,
    conversationId,
    async send(text, messageId) {
      pushes.own(messageId);
      const response = await call(server, 'POST', `/channels/rest/${encodeURIComponent(botId)}`, { userId, messageId, text });
      const body = (await response.json()) as { replies?: { text: string; choices?: string[] }[]; error?: { code: string; message: string } };
      if (!response.ok || !body.replies) {
        throw new ChatServerError(`The server refused the message: ${body.error?.code ?? response.status} ${body.error?.message ?? ''}`);
      }
      return body.replies.map(replyLine);
    },
    async view() {
      const response = await call(server, 'GET', `/api/conversations/${encodeURIComponent(conversationId)}`);
      if (response.status === 404) return null;
      if (!response.ok) throw new ChatServerError(`The server could not describe the conversation (${response.status}).`);
      return ((await response.json()) as { state: ConversationView | null }).state;
    },
    close: () => pushes.stop(),
  };
}

function call(server: ServerFile, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 30_000): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

interface TranscriptLine {
  seq: number;
  turn: number;
  direction: 'in' | 'out';
  messageId: string | null;
  text: string;
}

/**
 * The REST channel has no push transport: replies the bot pushes later (timers, external events) are in the
 * transcript. This reads the lines after the last one seen, every `pollMs`, and hands on the bot's lines of turns
 * the chat did not start itself (those replies came back with the chat's own request).
 */
class PushedReplies {
  private lastSeq = 0;
  private readonly ownMessages = new Set<string>();
  private timer?: NodeJS.Timeout;
  private polling: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly server: ServerFile,
    private readonly conversationId: string,
    private readonly onPushed: (text: string) => void,
    private readonly pollMs: number,
  ) {}

  /** Everything already in the transcript is history, not news. */
  async start(): Promise<void> {
    const lines = await this.read();
    this.lastSeq = lines.at(-1)?.seq ?? 0;
    this.schedule();
  }

  own(messageId: string): void {
    this.ownMessages.add(messageId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => this.schedule());
    }, this.pollMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    let lines: TranscriptLine[];
    try {
      lines = await this.read();
    } catch {
      return; // the server may be restarting; the next poll tries again
    }
    const ownTurns = new Set(lines.filter((l) => l.direction === 'in' && l.messageId && this.ownMessages.has(l.messageId)).map((l) => l.turn));
    for (const line of lines) {
      this.lastSeq = Math.max(this.lastSeq, line.seq);
      if (line.direction === 'out' && !ownTurns.has(line.turn)) this.onPushed(line.text);
    }
  }

  private async read(): Promise<TranscriptLine[]> {
    const response = await call(this.server, 'GET', `/api/conversations/${encodeURIComponent(this.conversationId)}/transcript?after=${this.lastSeq}`);
    if (response.status === 404) return [];
    if (!response.ok) throw new ChatServerError(`transcript: ${response.status}`);
    return ((await response.json()) as { items: TranscriptLine[] }).items;
  }
}
