import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './migration.schema';

/**
 * The answers a reply offered (`ask({ choices })`), on its transcript line: a redelivered message is answered with the
 * very response it got the first time, buttons included, and the transcript shows what the user could tap. Null for
 * replies without choices and for lines before this migration.
 */
export class ReplyChoicesInTranscript1765152000000 implements MigrationInterface {
  name = 'ReplyChoicesInTranscript1765152000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.transcript ADD COLUMN choices jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.transcript DROP COLUMN choices`);
  }
}
