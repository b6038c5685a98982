import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './migration.schema';

/**
 * Redelivery is recognised by the transcript's inbound line instead of a row of its own: the line carries the channel
 * its message id came from, a partial unique index on (conversation, channel, message id) is the dedupe record, and
 * the response to repeat is the turn's reply lines. A turn writes one row and two index entries fewer, and a message id
 * is remembered as long as the transcript is kept (it was 72 hours).
 */
export class DedupeInTranscript1763856000000 implements MigrationInterface {
  name = 'DedupeInTranscript1763856000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.transcript ADD COLUMN channel text`);
    await queryRunner.query(`
      UPDATE ${s}.transcript t SET channel = i.channel
        FROM ${s}.inbound_messages i
       WHERE t.conversation_id = i.conversation_id AND t.turn = i.turn AND t.direction = 'in' AND t.message_id = i.message_id`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX transcript_inbound_message_idx ON ${s}.transcript (conversation_id, channel, message_id) WHERE channel IS NOT NULL`,
    );
    await queryRunner.query(`DROP TABLE ${s}.inbound_messages`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.inbound_messages (
        conversation_id text        NOT NULL REFERENCES ${s}.conversations (id) ON DELETE CASCADE,
        channel         text        NOT NULL,
        message_id      text        NOT NULL,
        turn            integer     NOT NULL,
        response        jsonb       NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (conversation_id, channel, message_id)
      )`);
    await queryRunner.query(`CREATE INDEX inbound_messages_created_at_idx ON ${s}.inbound_messages (created_at)`);
    await queryRunner.query(`
      INSERT INTO ${s}.inbound_messages (conversation_id, channel, message_id, turn, response, created_at)
      SELECT i.conversation_id, i.channel, i.message_id, i.turn,
             jsonb_build_object('conversationId', i.conversation_id, 'messageId', i.message_id, 'replies',
               (SELECT coalesce(jsonb_agg(jsonb_build_object('type', 'text', 'text', o.text) ORDER BY o.seq), '[]'::jsonb)
                  FROM ${s}.transcript o
                 WHERE o.conversation_id = i.conversation_id AND o.turn = i.turn AND o.direction = 'out')),
             i.at
        FROM ${s}.transcript i
       WHERE i.channel IS NOT NULL`);
    await queryRunner.query(`DROP INDEX ${s}.transcript_inbound_message_idx`);
    await queryRunner.query(`ALTER TABLE ${s}.transcript DROP COLUMN channel`);
  }
}
