import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A durable timer: at `run_at`, `event` runs a turn of the conversation; the job is deleted in that turn's transaction. */
@Entity({ name: 'scheduled_jobs' })
export class ScheduledJobEntity {
  @PrimaryColumn({ type: 'text', name: 'conversation_id' }) conversationId: string;
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text', nullable: true }) key: string | null;
  @Column({ type: 'timestamptz', name: 'run_at' }) runAt: Date;
  @Column({ type: 'jsonb' }) event: unknown;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
}
