import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One line of a conversation's transcript, in order (`seq`), written in the turn's transaction. */
@Entity({ name: 'transcript' })
export class TranscriptEntryEntity {
  @PrimaryColumn({ type: 'text', name: 'conversation_id' }) conversationId: string;
  @PrimaryColumn({ type: 'integer' }) seq: number;
  @Column({ type: 'integer' }) turn: number;
  @Column({ type: 'text' }) direction: 'in' | 'out';
  @Column({ type: 'text' }) kind: 'message' | 'event' | 'reply';
  @Column({ type: 'text' }) text: string;
  @Column({ type: 'text', name: 'message_id', nullable: true }) messageId: string | null;
  @Column({ type: 'jsonb', nullable: true }) event: unknown;
  /** On an inbound line deduplicated by message id: the channel the id comes from (unique with it per conversation). */
  @Column({ type: 'text', nullable: true }) channel: string | null;
  /** On an inbound line: the state after its turn (see `TranscriptLine.state`). */
  @Column({ type: 'jsonb', nullable: true }) state: unknown;
  /** On a reply line: the answers it offered (see `TranscriptLine.choices`). */
  @Column({ type: 'jsonb', nullable: true }) choices: string[] | null;
  @Column({ type: 'timestamptz' }) at: Date;
}
