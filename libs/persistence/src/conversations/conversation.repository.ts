import type { Json, TranscriptEntry } from '@parley/dialogue-core';
import type { Database } from '../database/database';
import { ConversationEntity, MemoryRecordEntity, OutboxItemEntity, TranscriptEntryEntity } from '../entities';

export interface StoredConversation {
  id: string;
  botId: string;
  channel: string;
  userId: string;
  botVersion: number;
  snapshot: Json | null;
  history: Json[];
  turns: number;
  status: 'active' | 'ended';
  createdAt: Date;
  updatedAt: Date;
}

export type TranscriptItem = TranscriptEntry;

/** One row of the conversation list (no snapshot). */
export interface ConversationSummary {
  id: string;
  botId: string;
  channel: string;
  userId: string;
  botVersion: number;
  turns: number;
  status: 'active' | 'ended';
  createdAt: Date;
  updatedAt: Date;
  /** Where the next page starts after this row (keyset: last activity, then id). */
  cursor: { at: string; id: string };
}

/** Reads for the admin API (not on the turn path). */
export class ConversationRepository {
  constructor(private readonly db: Database) {}

  async find(id: string): Promise<StoredConversation | undefined> {
    const manager = this.db.dataSource.manager;
    const row = await manager.findOne(ConversationEntity, { where: { id } });
    if (!row) return undefined;
    return {
      id: row.id,
      botId: row.botId,
      channel: row.channel,
      userId: row.userId,
      botVersion: row.botVersion,
      snapshot: (row.state?.snapshot ?? null) as Json | null,
      history: (row.state?.history ?? []) as Json[],
      turns: row.turns,
      status: row.status,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  /**
   * Conversations by last activity, newest first, optionally of one bot and/or user; `after` continues a page (keyset
   * pagination: stable while turns happen). Sorting by `updated_at` needs no index of its own for the sizes an admin
   * browses; an index on it would cost every turn's update its HOT path.
   */
  async list(filter: {
    botId?: string;
    userId?: string;
    limit: number;
    after?: { at: string; id: string };
  }): Promise<ConversationSummary[]> {
    const rows = await this.db.dataSource.query<
      {
        id: string;
        bot_id: string;
        channel: string;
        user_id: string;
        bot_version: number;
        turns: number;
        status: 'active' | 'ended';
        created_at: Date;
        updated_at: Date;
        at: string;
      }[]
    >(
      `SELECT id, bot_id, channel, user_id, bot_version, turns, status, created_at, updated_at, updated_at::text AS at
         FROM ${this.db.tables.conversations}
        WHERE ($1::text IS NULL OR bot_id = $1) AND ($2::text IS NULL OR user_id = $2)
          AND ($3::timestamptz IS NULL OR (updated_at, id) < ($3::timestamptz, $4::text))
        ORDER BY updated_at DESC, id DESC
        LIMIT $5`,
      [filter.botId ?? null, filter.userId ?? null, filter.after?.at ?? null, filter.after?.id ?? '', filter.limit],
    );
    return rows.map((r) => ({
      id: r.id,
      botId: r.bot_id,
      channel: r.channel,
      userId: r.user_id,
      botVersion: r.bot_version,
      turns: r.turns,
      status: r.status,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      cursor: { at: r.at, id: r.id },
    }));
  }

  async transcript(id: string, options: { afterSeq?: number; limit?: number } = {}): Promise<TranscriptItem[]> {
    const rows = await this.db.dataSource.manager
      .createQueryBuilder(TranscriptEntryEntity, 't')
      .where('t.conversationId = :id AND t.seq > :after', { id, after: options.afterSeq ?? 0 })
      .orderBy('t.seq', 'ASC')
      .limit(options.limit ?? 1000)
      .getMany();
    return rows.map(transcriptItem);
  }

  /** The last `limit` lines of a transcript, in order (a chat page opening on a long conversation). */
  async recentTranscript(id: string, limit: number): Promise<TranscriptItem[]> {
    const rows = await this.db.dataSource.manager
      .createQueryBuilder(TranscriptEntryEntity, 't')
      .where('t.conversationId = :id', { id })
      .orderBy('t.seq', 'DESC')
      .limit(limit)
      .getMany();
    return rows.reverse().map(transcriptItem);
  }

  /** Memory records under the given scope keys (the user's and the conversation's). */
  async memory(scopes: readonly string[]): Promise<{ scope: string; name: string; data: Json; updatedAt: Date }[]> {
    if (scopes.length === 0) return [];
    const rows = await this.db.dataSource.manager
      .createQueryBuilder(MemoryRecordEntity, 'm')
      .where('m.scopeKey IN (:...scopes)', { scopes })
      .orderBy('m.scopeKey')
      .addOrderBy('m.name')
      .getMany();
    return rows.map((r) => ({ scope: r.scopeKey, name: r.name, data: r.data as Json, updatedAt: r.updatedAt }));
  }

  async outbox(id: string): Promise<(OutboxItemEntity & { payload: Json })[]> {
    const rows = await this.db.dataSource.manager.find(OutboxItemEntity, { where: { conversationId: id }, order: { seq: 'ASC' } });
    return rows as (OutboxItemEntity & { payload: Json })[];
  }

  async pendingJobs(id: string): Promise<{ id: string; key: string | null; runAt: Date; event: Json }[]> {
    const rows = await this.db.dataSource.query<{ id: string; key: string | null; run_at: Date; event: Json }[]>(
      `SELECT id, key, run_at, event FROM ${this.db.tables.jobs} WHERE conversation_id = $1 ORDER BY run_at`,
      [id],
    );
    return rows.map((r) => ({ id: r.id, key: r.key, runAt: r.run_at, event: r.event }));
  }
}

function transcriptItem(r: TranscriptEntryEntity): TranscriptItem {
  return {
    seq: r.seq,
    turn: r.turn,
    direction: r.direction,
    kind: r.kind,
    text: r.text,
    messageId: r.messageId,
    event: (r.event ?? null) as Json | null,
    state: (r.state ?? null) as Json | null,
    ...(r.choices ? { choices: r.choices } : {}),
    at: r.at,
  };
}
