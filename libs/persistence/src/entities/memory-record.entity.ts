import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Scoped memory: same scope key, same data, across conversations and channels. */
@Entity({ name: 'memories' })
export class MemoryRecordEntity {
  @PrimaryColumn({ type: 'text', name: 'scope_key' }) scopeKey: string;
  @PrimaryColumn({ type: 'text' }) name: string;
  @Column({ type: 'jsonb' }) data: unknown;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
}
