import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './migration.schema';

/**
 * The conversation store (docs/design.md, data). `conversation_id` leads every per-conversation key so the tables can be
 * distributed by it (Citus); `memories` is keyed by scope (user-scoped memory spans conversations).
 */
export class InitialSchema1763769600000 implements MigrationInterface {
  name = 'InitialSchema1763769600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.conversations (
        id             text        PRIMARY KEY,
        bot_id         text        NOT NULL,
        channel        text        NOT NULL,
        user_id        text        NOT NULL,
        bot_version    integer     NOT NULL,
        snapshot       jsonb,
        turns          integer     NOT NULL DEFAULT 0,
        status         text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
        transcript_seq integer     NOT NULL DEFAULT 0,
        version        integer     NOT NULL DEFAULT 0,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX conversations_bot_user_idx ON ${s}.conversations (bot_id, user_id)`);
    await queryRunner.query(`
      CREATE TABLE ${s}.conversation_history (
        conversation_id text        PRIMARY KEY REFERENCES ${s}.conversations (id) ON DELETE CASCADE,
        snapshots       jsonb       NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.transcript (
        conversation_id text        NOT NULL REFERENCES ${s}.conversations (id) ON DELETE CASCADE,
        seq             integer     NOT NULL,
        turn            integer     NOT NULL,
        direction       text        NOT NULL CHECK (direction IN ('in', 'out')),
        kind            text        NOT NULL CHECK (kind IN ('message', 'event', 'reply')),
        text            text        NOT NULL,
        message_id      text,
        event           jsonb,
        at              timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (conversation_id, seq)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.memories (
        scope_key  text        NOT NULL,
        name       text        NOT NULL,
        data       jsonb       NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope_key, name)
      )`);
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
      CREATE TABLE ${s}.outbox (
        conversation_id text        NOT NULL REFERENCES ${s}.conversations (id) ON DELETE CASCADE,
        id              uuid        NOT NULL,
        turn            integer     NOT NULL,
        kind            text        NOT NULL CHECK (kind IN ('reply', 'call')),
        target          text        NOT NULL,
        payload         jsonb       NOT NULL,
        message_id      text        NOT NULL,
        status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts        integer     NOT NULL DEFAULT 0,
        available_at    timestamptz NOT NULL DEFAULT now(),
        last_error      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        delivered_at    timestamptz,
        PRIMARY KEY (conversation_id, id)
      )`);
    await queryRunner.query(
      `CREATE INDEX outbox_pending_idx ON ${s}.outbox (available_at) WHERE status = 'pending'`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.scheduled_jobs (
        conversation_id text        NOT NULL REFERENCES ${s}.conversations (id) ON DELETE CASCADE,
        id              uuid        NOT NULL,
        key             text,
        run_at          timestamptz NOT NULL,
        event           jsonb       NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (conversation_id, id),
        UNIQUE (conversation_id, key)
      )`);
    await queryRunner.query(`CREATE INDEX scheduled_jobs_run_at_idx ON ${s}.scheduled_jobs (run_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.scheduled_jobs`);
    await queryRunner.query(`DROP TABLE ${s}.outbox`);
    await queryRunner.query(`DROP TABLE ${s}.inbound_messages`);
    await queryRunner.query(`DROP TABLE ${s}.memories`);
    await queryRunner.query(`DROP TABLE ${s}.transcript`);
    await queryRunner.query(`DROP TABLE ${s}.conversation_history`);
    await queryRunner.query(`DROP TABLE ${s}.conversations`);
  }
}
