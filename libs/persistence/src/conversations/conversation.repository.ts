import type { Json, TranscriptEntry } from '@parley/dialogue-core';
import type { Database } from '../database/database';
import { ConversationEntity, ConversationHistoryEntity, MemoryRecordEntity, OutboxItemEntity, TranscriptEntryEntity } from '../entities';

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

/** Reads for the admin API (not on the turn path). */
export class ConversationRepository {
  constructor(private readonly db: Database) {}

  async find(id: string): Promise<StoredConversation | undefined> {
    const manager = this.db.dataSource.manager;
    const row = await manager.findOne(ConversationEntity, { where: { id } });
    if (!row) return undefined;
    const history = await manager.findOne(ConversationHistoryEntity, { where: { conversationId: id } });
    return {
      id: row.id,
      botId: row.botId,
      channel: row.channel,
      userId: row.userId,
      botVersion: row.botVersion,
      snapshot: (row.snapshot ?? null) as Json | null,
      history: (history?.snapshots ?? []) as Json[],
      turns: row.turns,
      status: row.status,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  async transcript(id: string, options: { afterSeq?: number; limit?: number } = {}): Promise<TranscriptItem[]> {
    const rows = await this.db.dataSource.manager
      .createQueryBuilder(TranscriptEntryEntity, 't')
      .where('t.conversationId = :id AND t.seq > :after', { id, after: options.afterSeq ?? 0 })
      .orderBy('t.seq', 'ASC')
      .limit(options.limit ?? 1000)
      .getMany();
    return rows.map((r) => ({
      seq: r.seq,
      turn: r.turn,
      direction: r.direction,
      kind: r.kind,
      text: r.text,
      messageId: r.messageId,
      event: (r.event ?? null) as Json | null,
      at: r.at,
    }));
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
    const rows = await this.db.dataSource.manager.find(OutboxItemEntity, { where: { conversationId: id }, order: { createdAt: 'ASC', turn: 'ASC', messageId: 'ASC' } });
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
