import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Something to deliver after commit: a pushed reply (`target` = channel) or a service call (`target` = service). */
@Entity({ name: 'outbox' })
export class OutboxItemEntity {
  @PrimaryColumn({ type: 'text', name: 'conversation_id' }) conversationId: string;
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'integer' }) turn: number;
  @Column({ type: 'text' }) kind: 'reply' | 'call' | 'webhook';
  @Column({ type: 'text' }) target: string;
  @Column({ type: 'jsonb' }) payload: unknown;
  @Column({ type: 'text', name: 'message_id' }) messageId: string;
  /** The order items were written in (delivery order within a lane). */
  @Column({ type: 'bigint' }) seq: string;
  @Column({ type: 'text' }) lane: string;
  @Column({ type: 'text' }) status: 'pending' | 'delivered' | 'dead';
  @Column({ type: 'integer' }) attempts: number;
  @Column({ type: 'timestamptz', name: 'available_at' }) availableAt: Date;
  @Column({ type: 'text', name: 'last_error', nullable: true }) lastError: string | null;
  /** A try is under way: claimed, not yet settled (a turn's item behind it is due at once, not at its retry time). */
  @Column({ type: 'boolean', name: 'in_flight', default: false }) inFlight: boolean;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @Column({ type: 'timestamptz', name: 'delivered_at', nullable: true }) deliveredAt: Date | null;
  @Column({ type: 'timestamptz', name: 'dead_at', nullable: true }) deadAt: Date | null;
}
