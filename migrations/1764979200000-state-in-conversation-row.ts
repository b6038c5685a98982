import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './migration.schema';

/**
 * A conversation's snapshot and its back-step history in one jsonb value on the conversation row
 * (`conversations.state = {"snapshot": …, "history": […]}`), instead of a `snapshot` column and a
 * `conversation_history` row. PostgreSQL compresses a value only in rows above 2 KB, one value at a time: the juice
 * bot's snapshot (~0.8 KB) was written uncompressed and its history (three snapshots) compressed on its own; together
 * they compress to about 0.6 KB (the history repeats the snapshot), and a turn writes one row version instead of two.
 */
export class StateInConversationRow1764979200000 implements MigrationInterface {
  name = 'StateInConversationRow1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.conversations ADD COLUMN state jsonb`);
    await queryRunner.query(`
      UPDATE ${s}.conversations c
         SET state = jsonb_build_object(
               'snapshot', c.snapshot,
               'history', coalesce((SELECT h.snapshots FROM ${s}.conversation_history h WHERE h.conversation_id = c.id), '[]'::jsonb))`);
    await queryRunner.query(`ALTER TABLE ${s}.conversations DROP COLUMN snapshot`);
    await queryRunner.query(`DROP TABLE ${s}.conversation_history`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.conversation_history (
        conversation_id text        PRIMARY KEY REFERENCES ${s}.conversations (id) ON DELETE CASCADE,
        snapshots       jsonb       NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      INSERT INTO ${s}.conversation_history (conversation_id, snapshots)
      SELECT id, state->'history' FROM ${s}.conversations WHERE jsonb_array_length(coalesce(state->'history', '[]'::jsonb)) > 0`);
    await queryRunner.query(`ALTER TABLE ${s}.conversations ADD COLUMN snapshot jsonb`);
    await queryRunner.query(`UPDATE ${s}.conversations SET snapshot = nullif(state->'snapshot', 'null'::jsonb)`);
    await queryRunner.query(`ALTER TABLE ${s}.conversations DROP COLUMN state`);
  }
}
