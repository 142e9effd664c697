import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RunPolicies1795252657825 implements MigrationInterface {
  name = 'RunPolicies1795252657825';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `chac_job_detail` ADD `run_policy` text NULL');
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` ADD `last_planned_at` datetime(3) NULL');
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` ADD `active_run_id` bigint NULL');
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` ADD `queued_run_id` bigint NULL');
    await queryRunner.query(
      "ALTER TABLE `chac_job_runtime_detail` ADD `consecutive_failures` int NOT NULL DEFAULT '0'",
    );
    await queryRunner.query(
      "ALTER TABLE `chac_job_runtime_detail` ADD `consecutive_timeouts` int NOT NULL DEFAULT '0'",
    );
    await queryRunner.query(
      "ALTER TABLE `chac_job_runtime_detail` ADD `freeze_count` int NOT NULL DEFAULT '0'",
    );
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` ADD `frozen_until` datetime(3) NULL');
    await queryRunner.query('ALTER TABLE `chac_job_run` ADD `first_run_id` bigint NULL');
    await queryRunner.query('ALTER TABLE `chac_job_run` ADD `deadline_at` datetime(3) NULL');
    await queryRunner.query('ALTER TABLE `chac_job_run` ADD `not_before` datetime(3) NULL');
    await queryRunner.query('ALTER TABLE `chac_job_run` ADD `late_report` text NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `chac_job_run` DROP COLUMN `late_report`');
    await queryRunner.query('ALTER TABLE `chac_job_run` DROP COLUMN `not_before`');
    await queryRunner.query('ALTER TABLE `chac_job_run` DROP COLUMN `deadline_at`');
    await queryRunner.query('ALTER TABLE `chac_job_run` DROP COLUMN `first_run_id`');
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` DROP COLUMN `frozen_until`');
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` DROP COLUMN `freeze_count`');
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` DROP COLUMN `consecutive_timeouts`');
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` DROP COLUMN `consecutive_failures`');
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` DROP COLUMN `queued_run_id`');
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` DROP COLUMN `active_run_id`');
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` DROP COLUMN `last_planned_at`');
    await queryRunner.query('ALTER TABLE `chac_job_detail` DROP COLUMN `run_policy`');
  }
}
