import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './migration.schema';

/**
 * Identity links: a user of one channel joined to an identity (a user of another channel) of the same bot, so that
 * user-scoped memory is shared (docs/channels.md#identity-links). One row per joined user, naming the identity whose
 * user id keys the shared memory. A small reference table, read by (bot, channel, user): under a distributed
 * PostgreSQL (Citus) it is a reference table replicated to every node, not distributed by conversation.
 */
export class IdentityLinks1764720000000 implements MigrationInterface {
  name = 'IdentityLinks1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.identity_links (
        bot_id           text        NOT NULL,
        channel          text        NOT NULL,
        user_id          text        NOT NULL,
        identity_channel text        NOT NULL,
        identity_user_id text        NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (bot_id, channel, user_id),
        CHECK ((channel, user_id) <> (identity_channel, identity_user_id))
      )`);
    await queryRunner.query(`CREATE INDEX identity_links_identity_idx ON ${s}.identity_links (bot_id, identity_channel, identity_user_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${schemaOf(queryRunner)}.identity_links`);
  }
}
