import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A handled inbound message and the response it got: redelivery returns the same response, with no second turn. */
@Entity({ name: 'inbound_messages' })
export class InboundMessageEntity {
  @PrimaryColumn({ type: 'text', name: 'conversation_id' }) conversationId: string;
  @PrimaryColumn({ type: 'text' }) channel: string;
  @PrimaryColumn({ type: 'text', name: 'message_id' }) messageId: string;
  @Column({ type: 'integer' }) turn: number;
  @Column({ type: 'jsonb' }) response: unknown;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
}
