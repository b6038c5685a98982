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
 *
 * The same relay carries the one other thing instances tell each other: that an identity link changed
 * (`publishLinksChanged`), so that every instance forgets the identities it resolved (`onLinksChanged`).
 */
export class ConversationChanges {
  private readonly listeners = new Set<ChangeListener>();
  private readonly linkListeners = new Set<() => void>();
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
          if (change === 'links') this.linksChanged();
          else if (change) this.deliver(change);
        }
      },
      // Back after a lost connection: changes of either kind may have been missed.
      onResync: () => {
        this.deliver({ kind: 'resync' });
        this.linksChanged();
      },
      onError: (error) => this.logger.warn('conversation changes relay', { err: String(error) }),
    });
    await relay.start();
    this.relay = relay;
  }

  publish(change: ConversationChange): void {
    this.deliver(change);
    this.relay?.send(JSON.stringify({ ...change, from: this.instance }));
  }

  /** Tell the other instances that this one changed an identity link. */
  publishLinksChanged(): void {
    this.relay?.send(JSON.stringify({ links: 'changed', from: this.instance }));
  }

  /** Hear of identity links changed on another instance (or possibly missed while the relay was reconnecting). */
  onLinksChanged(listener: () => void): void {
    this.linkListeners.add(listener);
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
    this.linkListeners.clear();
    await this.relay?.close();
  }

  private linksChanged(): void {
    for (const listener of this.linkListeners) {
      try {
        listener();
      } catch (error) {
        this.logger.warn('identity link listener failed', { err: String(error) });
      }
    }
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

/** A change another instance published (this instance's own were delivered when published), or `links`. */
function parse(message: string, self: string): ConversationChange | 'links' | undefined {
  try {
    const m = JSON.parse(message) as Partial<ConversationChange> & { from?: string; links?: unknown };
    if (m.from === self) return undefined;
    if (m.links === 'changed') return 'links';
    if (typeof m.conversationId !== 'string' || typeof m.botId !== 'string') return undefined;
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
