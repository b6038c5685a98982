import { randomUUID } from 'node:crypto';
import { PgChangeRelay } from '@parley/persistence';
import type { JsonLogger } from '../logging/json.logger';

/** A conversation changed: a turn was taken (or it was reset). What the Studio's live views listen for. */
export interface ConversationChange {
  conversationId: string;
  botId: string;
  /** Turn number after the change. */
  turn: number;
  /** `turn`, or `reset` (admin reset). */
  kind: 'turn' | 'reset';
}

export type ChangeListener = (change: ConversationChange | { kind: 'resync' }) => void;

/**
 * Conversation changes for the Studio's live views, from every instance. Changes made here reach this instance's
 * listeners at once. With a PostgreSQL server, they also go to the other instances over LISTEN/NOTIFY (batched, after
 * commit) and theirs come back the same way. The embedded database belongs to one process, so every change is made
 * here and no relay is needed.
 */
export class ConversationChanges {
  private readonly listeners = new Set<ChangeListener>();
  private readonly instance = randomUUID().slice(0, 12);
  private relay?: PgChangeRelay;

  constructor(private readonly logger: JsonLogger) {}

  /** Relay through PostgreSQL on `url` (one channel per schema). */
  async connect(url: string, schema: string): Promise<void> {
    const relay = new PgChangeRelay({
      url,
      channel: `parley_changes.${schema}`,
      onMessages: (messages) => {
        for (const message of messages) {
          const change = parse(message, this.instance);
          if (change) this.deliver(change);
        }
      },
      onResync: () => this.deliver({ kind: 'resync' }),
      onError: (error) => this.logger.warn('conversation changes relay', { err: String(error) }),
    });
    await relay.start();
    this.relay = relay;
  }

  publish(change: ConversationChange): void {
    this.deliver(change);
    this.relay?.send(JSON.stringify({ ...change, from: this.instance }));
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.relay?.close();
  }

  private deliver(change: ConversationChange | { kind: 'resync' }): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.warn('conversation change listener failed', { err: String(error) });
      }
    }
  }
}

/** A change another instance published (this instance's own were delivered when published). */
function parse(message: string, self: string): ConversationChange | undefined {
  try {
    const m = JSON.parse(message) as Partial<ConversationChange> & { from?: string };
    if (m.from === self || typeof m.conversationId !== 'string' || typeof m.botId !== 'string') return undefined;
    return {
      conversationId: m.conversationId,
      botId: m.botId,
      turn: typeof m.turn === 'number' ? m.turn : 0,
      kind: m.kind === 'reset' ? 'reset' : 'turn',
    };
  } catch {
    return undefined;
  }
}
