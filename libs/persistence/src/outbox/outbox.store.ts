import { randomUUID } from 'node:crypto';
import type { Json } from '@parley/dialogue-core';
import type { Database } from '../database/database';

export type OutboxKind = 'reply' | 'call' | 'webhook';

export interface OutboxDelivery {
  conversationId: string;
  id: string;
  /** The turn that wrote the item. */
  turn: number;
  kind: OutboxKind;
  target: string;
  payload: Json;
  messageId: string;
  /** Tries so far, this one included (1 on the first try). */
  attempts: number;
  /** The conversation's bot, channel and user (for channel adapters and event payloads). */
  botId: string;
  channel: string;
  userId: string;
  /** Where the conversation's pushes go when the item does not say (`conversations.address`). */
  address: Json | null;
}

/** A webhook item written after a delivery's outcome (`push.sent`, `delivery.dead_lettered`), in the same statement. */
export interface FollowUp {
  /** The webhook subscription. */
  target: string;
  payload: Json;
  messageId: string;
}

/** A dead letter, as the admin API lists it. */
export interface DeadLetter
  extends Pick<OutboxDelivery, 'conversationId' | 'id' | 'botId' | 'turn' | 'kind' | 'target' | 'payload' | 'messageId' | 'attempts'> {
  lastError: string | null;
  createdAt: Date;
  deadAt: Date | null;
  /** The paging position after this item (`deadLetters`' `before`), exact to the microsecond. */
  cursor: { deadAt: string; id: string };
}

export interface DeadLetterFilter {
  botId?: string;
  conversationId?: string;
}

interface ClaimedRow {
  conversation_id: string;
  id: string;
  turn: number;
  kind: OutboxKind;
  target: string;
  payload: Json;
  message_id: string;
  attempts: number;
  bot_id: string;
  channel: string;
  user_id: string;
  address: Json | null;
}

/**
 * The outbox after commit (docs/delivery.md). Items are delivered in order per conversation and receiver (`lane`):
 * only the oldest pending item of a lane is ever claimed, so a later item never overtakes an earlier one that is
 * failing. Claims use SKIP LOCKED (instances share the work) and lease the item (`available_at` moves on), so the
 * items of an instance that died come back when the lease ends. Every outcome is recorded only by the claim that
 * holds the item (its `attempts`): a claim whose lease ran out and was taken over records nothing.
 *
 * Items behind a head that waits for a retry wait as long (`available_at`): a failed try moves them with the head, and
 * an item written behind a head that has failed before and waits for its retry starts there (`turn.write.ts`; behind a
 * head whose try is under way, `in_flight`, it is due at once). So a claim, which looks only at due items, does not
 * look at them again and again while a receiver is down; settling the head releases them.
 */
export class OutboxStore {
  constructor(private readonly db: Database) {}

  /** The heads of lanes that are due, oldest first, leased for `leaseMs` (their try counted). */
  async claim(limit: number, leaseMs: number): Promise<OutboxDelivery[]> {
    const t = this.db.tables;
    const rows = await this.db.dataSource.query<[ClaimedRow[], number]>(
      `UPDATE ${t.outbox} o SET available_at = now() + make_interval(secs => $2::double precision / 1000), attempts = o.attempts + 1,
              in_flight = true
         FROM ${t.conversations} c
        WHERE c.id = o.conversation_id AND (o.conversation_id, o.id) IN (
          SELECT h.conversation_id, h.id FROM ${t.outbox} h
           WHERE h.status = 'pending' AND h.available_at <= now()
             AND NOT EXISTS (
               SELECT 1 FROM ${t.outbox} e
                WHERE e.conversation_id = h.conversation_id AND e.lane = h.lane AND e.status = 'pending' AND e.seq < h.seq)
           ORDER BY h.available_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING o.conversation_id, o.id, o.turn, o.kind, o.target, o.payload, o.message_id, o.attempts,
                  c.bot_id, c.channel, c.user_id, c.address`,
      [limit, leaseMs],
    );
    return rows[0].map((r) => ({
      conversationId: r.conversation_id,
      id: r.id,
      turn: r.turn,
      kind: r.kind,
      target: r.target,
      payload: r.payload,
      messageId: r.message_id,
      attempts: r.attempts,
      botId: r.bot_id,
      channel: r.channel,
      userId: r.user_id,
      address: r.address,
    }));
  }

  /** The transport confirmed: delivered, and `followUps` written behind it. False when this claim no longer held it. */
  async delivered(item: OutboxDelivery, followUps: readonly FollowUp[] = []): Promise<boolean> {
    return this.settle(
      item,
      `status = 'delivered', delivered_at = now(), last_error = NULL`,
      [],
      followUps,
    );
  }

  /** A failed try: pending again in `retryInMs`; the items behind it in its lane wait at least as long. */
  async retry(item: OutboxDelivery, error: string, retryInMs: number): Promise<boolean> {
    return this.settle(
      item,
      `available_at = now() + make_interval(secs => $4::double precision / 1000), last_error = $5`,
      [retryInMs, error.slice(0, 2000)],
      [],
      'wait',
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

  /** Given up: a dead letter (the lane moves on), with `followUps` (the `delivery.dead_lettered` webhooks). */
  async dead(item: OutboxDelivery, error: string, followUps: readonly FollowUp[] = []): Promise<boolean> {
    return this.settle(item, `status = 'dead', dead_at = now(), last_error = $4`, [error.slice(0, 2000)], followUps);
  }

  /**
   * Record a claim's outcome (if the claim still holds the item) and move the items behind it in its lane: `wait`
   * (a retry) keeps them from being due before the head; `release` (delivered, dead) makes any that waited due now.
   */
  private async settle(
    item: OutboxDelivery,
    set: string,
    params: unknown[],
    followUps: readonly FollowUp[],
    behind: 'wait' | 'release' = 'release',
  ): Promise<boolean> {
    const t = this.db.tables;
    const rows = followUps.map((f, n) => ({ n, id: randomUUID(), target: f.target, payload: f.payload, message_id: f.messageId }));
    // What the items behind become, and which of them move: up to the head's retry time, or back to now.
    const [to, moves] =
      behind === 'wait' ? ['done.available_at', 'b.available_at < done.available_at'] : ['now()', 'b.available_at > now()'];
    const [result] = await this.db.dataSource.query<[{ settled: number }]>(
      `WITH done AS (
         UPDATE ${t.outbox} SET ${set}, in_flight = false
          WHERE conversation_id = $1 AND id = $2 AND status = 'pending' AND attempts = $3
         RETURNING conversation_id, turn, lane, seq, available_at),
       behind AS (
         UPDATE ${t.outbox} b SET available_at = ${to} FROM done
          WHERE ${moves} AND b.conversation_id = done.conversation_id AND b.lane = done.lane AND b.status = 'pending' AND b.seq > done.seq),
       more AS (
         INSERT INTO ${t.outbox} (conversation_id, id, turn, kind, target, lane, payload, message_id)
         SELECT done.conversation_id, x.id, done.turn, 'webhook', x.target, 'webhook:' || x.target, x.payload, x.message_id
           FROM done, jsonb_to_recordset($${params.length + 4}::jsonb) AS x(n integer, id uuid, target text, payload jsonb, message_id text)
          ORDER BY x.n)
       SELECT count(*)::int AS settled FROM done`,
      [item.conversationId, item.id, item.attempts, ...params, JSON.stringify(rows)],
    );
    return (result?.settled ?? 0) > 0;
  }

  /** Items waiting for delivery (all instances). */
  async backlog(): Promise<number> {
    const [row] = await this.db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${this.db.tables.outbox} WHERE status = 'pending'`,
    );
    return row?.n ?? 0;
  }

  /** Pending and dead items (all instances), for the metrics page. */
  async counts(): Promise<{ pending: number; dead: number }> {
    const [row] = await this.db.dataSource.query<{ pending: number; dead: number }[]>(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'dead')::int AS dead
         FROM ${this.db.tables.outbox} WHERE status IN ('pending', 'dead')`,
    );
    return { pending: row?.pending ?? 0, dead: row?.dead ?? 0 };
  }

  /** The earliest moment a pending item becomes due (undefined: none pending). */
  async nextDueAt(): Promise<Date | undefined> {
    const [row] = await this.db.dataSource.query<{ at: Date | null }[]>(
      `SELECT min(available_at) AS at FROM ${this.db.tables.outbox} WHERE status = 'pending'`,
    );
    return row?.at ?? undefined;
  }

  /** Dead letters, most recent first; `before` (a `deadAt`/id cursor from the previous page) pages on. */
  async deadLetters(filter: DeadLetterFilter, page: { limit: number; before?: { deadAt: string; id: string } }): Promise<DeadLetter[]> {
    const t = this.db.tables;
    const params: unknown[] = [page.limit];
    const where = [`o.status = 'dead'`];
    if (filter.conversationId !== undefined) where.push(`o.conversation_id = $${params.push(filter.conversationId)}`);
    if (filter.botId !== undefined) where.push(`c.bot_id = $${params.push(filter.botId)}`);
    if (page.before) {
      where.push(`(o.dead_at, o.id) < ($${params.push(page.before.deadAt)}::timestamptz, $${params.push(page.before.id)}::uuid)`);
    }
    const rows = await this.db.dataSource.query<
      {
        conversation_id: string;
        id: string;
        bot_id: string;
        turn: number;
        kind: OutboxKind;
        target: string;
        payload: Json;
        message_id: string;
        attempts: number;
        last_error: string | null;
        created_at: Date;
        dead_at: Date | null;
        dead_at_text: string;
      }[]
    >(
      `SELECT o.conversation_id, o.id, c.bot_id, o.turn, o.kind, o.target, o.payload, o.message_id, o.attempts, o.last_error,
              o.created_at, o.dead_at, o.dead_at::text AS dead_at_text
         FROM ${t.outbox} o JOIN ${t.conversations} c ON c.id = o.conversation_id
        WHERE ${where.join(' AND ')}
        ORDER BY o.dead_at DESC, o.id DESC LIMIT $1`,
      params,
    );
    return rows.map((r) => ({
      conversationId: r.conversation_id,
      id: r.id,
      botId: r.bot_id,
      turn: r.turn,
      kind: r.kind,
      target: r.target,
      payload: r.payload,
      messageId: r.message_id,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      deadAt: r.dead_at,
      cursor: { deadAt: r.dead_at_text, id: r.id },
    }));
  }

  /**
   * Dead letters back to pending, tries reset, due now: one (`id`) or every one matching `filter`. A replayed item is
   * older than what its lane still holds, so it goes first. Returns how many were replayed.
   */
  async replay(filter: DeadLetterFilter & { id?: string }): Promise<number> {
    const t = this.db.tables;
    const params: unknown[] = [];
    const where = [`o.status = 'dead'`];
    if (filter.id !== undefined) where.push(`o.id = $${params.push(filter.id)}::uuid`);
    if (filter.conversationId !== undefined) where.push(`o.conversation_id = $${params.push(filter.conversationId)}`);
    if (filter.botId !== undefined) {
      where.push(`o.conversation_id IN (SELECT id FROM ${t.conversations} WHERE bot_id = $${params.push(filter.botId)})`);
    }
    const [, count] = await this.db.dataSource.query<[unknown[], number]>(
      `UPDATE ${t.outbox} o SET status = 'pending', attempts = 0, available_at = now(), dead_at = NULL
        WHERE ${where.join(' AND ')}`,
      params,
    );
    return count;
  }

  /** Drop what is still to be sent to a receiver that no longer exists (a deleted webhook subscription). */
  async dropLane(lane: string): Promise<number> {
    const [, count] = await this.db.dataSource.query<[unknown[], number]>(
      `DELETE FROM ${this.db.tables.outbox} WHERE lane = $1 AND status <> 'delivered'`,
      [lane],
    );
    return count;
  }
}
