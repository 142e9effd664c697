import type { MigrationInterface, QueryRunner } from 'typeorm';

export class JobStateReason1796675381152 implements MigrationInterface {
  name = 'JobStateReason1796675381152';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` ADD `state_reason` varchar(1000) NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` DROP COLUMN `state_reason`');
  }
}
