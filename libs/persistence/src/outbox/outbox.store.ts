import type { Json } from '@parley/dialogue-core';
import type { Database } from '../database/database';

export interface OutboxDelivery {
  conversationId: string;
  id: string;
  kind: 'reply' | 'call';
  target: string;
  payload: Json;
  messageId: string;
  attempts: number;
  /** The conversation's bot and user (for channel adapters). */
  botId: string;
  userId: string;
}

/** The outbox after commit: claim pending items (SKIP LOCKED, so instances share the work), mark the outcome. */
export class OutboxStore {
  constructor(private readonly db: Database) {}

  /** Pending items, oldest first; each is leased for `leaseMs` so a crashed deliverer's items come back later. */
  async claim(limit: number, leaseMs: number): Promise<OutboxDelivery[]> {
    const t = this.db.tables;
    const rows = await this.db.dataSource.query<[
      { conversation_id: string; id: string; kind: 'reply' | 'call'; target: string; payload: Json; message_id: string; attempts: number; bot_id: string; user_id: string }[],
      number,
    ]>(
      `UPDATE ${t.outbox} o SET available_at = now() + make_interval(secs => $2::double precision / 1000), attempts = o.attempts + 1
        WHERE (o.conversation_id, o.id) IN (
          SELECT conversation_id, id FROM ${t.outbox}
           WHERE status = 'pending' AND available_at <= now()
           ORDER BY available_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING o.conversation_id, o.id, o.kind, o.target, o.payload, o.message_id, o.attempts,
                  (SELECT c.bot_id FROM ${t.conversations} c WHERE c.id = o.conversation_id) AS bot_id,
                  (SELECT c.user_id FROM ${t.conversations} c WHERE c.id = o.conversation_id) AS user_id`,
      [limit, leaseMs],
    );
    return rows[0].map((r) => ({
      conversationId: r.conversation_id,
      id: r.id,
      kind: r.kind,
      target: r.target,
      payload: r.payload,
      messageId: r.message_id,
      attempts: r.attempts,
      botId: r.bot_id,
      userId: r.user_id,
    }));
  }

  async delivered(item: OutboxDelivery): Promise<void> {
    await this.db.dataSource.query(
      `UPDATE ${this.db.tables.outbox} SET status = 'delivered', delivered_at = now(), last_error = NULL WHERE conversation_id = $1 AND id = $2`,
      [item.conversationId, item.id],
    );
  }

  /** A failed attempt: retry after `retryInMs`, or give up (`failed`) after `maxAttempts`. */
  async failed(item: OutboxDelivery, error: string, retryInMs: number, maxAttempts: number): Promise<void> {
    await this.db.dataSource.query(
      `UPDATE ${this.db.tables.outbox}
          SET status = CASE WHEN attempts >= $4 THEN 'failed' ELSE 'pending' END,
              available_at = now() + make_interval(secs => $5::double precision / 1000), last_error = $3
        WHERE conversation_id = $1 AND id = $2`,
      [item.conversationId, item.id, error.slice(0, 2000), maxAttempts, retryInMs],
    );
  }

  /** Whether the conversation has an outbox item with this message id, in any state (a pushed reply, say). */
  async holds(conversationId: string, messageId: string): Promise<boolean> {
    const rows = await this.db.dataSource.query<unknown[]>(
      `SELECT 1 FROM ${this.db.tables.outbox} WHERE conversation_id = $1 AND message_id = $2 LIMIT 1`,
      [conversationId, messageId],
    );
    return rows.length > 0;
  }

  async backlog(): Promise<number> {
    const [row] = await this.db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${this.db.tables.outbox} WHERE status = 'pending'`,
    );
    return row?.n ?? 0;
  }
}
