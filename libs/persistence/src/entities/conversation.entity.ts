import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One conversation of one user with one bot on one channel; its row lock serializes the conversation's turns. */
@Entity({ name: 'conversations' })
export class ConversationEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'text', name: 'bot_id' }) botId: string;
  @Column({ type: 'text' }) channel: string;
  @Column({ type: 'text', name: 'user_id' }) userId: string;
  @Column({ type: 'integer', name: 'bot_version' }) botVersion: number;
  /**
   * `{ snapshot, history }`: the XState persisted snapshot of the bot's process actor (null before the first turn and
   * after a reset) and the back-step history, in one value (PostgreSQL compresses them together).
   */
  @Column({ type: 'jsonb', nullable: true }) state: { snapshot?: unknown; history?: unknown[] } | null;
  @Column({ type: 'integer' }) turns: number;
  @Column({ type: 'text' }) status: 'active' | 'ended';
  @Column({ type: 'integer', name: 'transcript_seq' }) transcriptSeq: number;
  @Column({ type: 'integer' }) version: number;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
}
