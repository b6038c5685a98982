import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './migration.schema';

/**
 * Whether an outbox item's try is under way (claimed, not yet settled). A turn's item written behind a head that has
 * failed before waits for the head's retry time only while the head waits for it; behind a head whose try is under
 * way it is due at once, so that the try's success, recorded before the turn commits, cannot leave it waiting for the
 * lease. False for every item before this migration (none is in flight across a deploy that stops the instances).
 */
export class OutboxInFlight1765238400000 implements MigrationInterface {
  name = 'OutboxInFlight1765238400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.outbox ADD COLUMN in_flight boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.outbox DROP COLUMN in_flight`);
  }
}
