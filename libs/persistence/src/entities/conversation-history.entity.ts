import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The bounded back-step snapshots of a conversation (oldest first, at most the bot's `backDepth`). */
@Entity({ name: 'conversation_history' })
export class ConversationHistoryEntity {
  @PrimaryColumn({ type: 'text', name: 'conversation_id' }) conversationId: string;
  @Column({ type: 'jsonb' }) snapshots: unknown[];
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
}
