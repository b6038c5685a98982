import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './migration.schema';

/**
 * The state after each turn, on the turn's inbound transcript line: which thread has the focus, the stacks, the
 * focused thread's active stages and what the turn did (`{ focus, sleeping, yielding, blocking, activePath, outcome,
 * intent }`, a few hundred bytes). The Studio steps through a conversation's history with it; turns before this
 * migration have none.
 */
export class TurnStateInTranscript1764460800000 implements MigrationInterface {
  name = 'TurnStateInTranscript1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.transcript ADD COLUMN state jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.transcript DROP COLUMN state`);
  }
}
