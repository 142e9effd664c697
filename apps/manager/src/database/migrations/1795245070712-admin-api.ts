import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AdminApi1795245070712 implements MigrationInterface {
  name = 'AdminApi1795245070712';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `chac_api_token` (`token_id` int NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL, `token_hash` char(64) NOT NULL, `created_at` datetime(3) NOT NULL, `last_used_at` datetime(3) NULL, `revoked_at` datetime(3) NULL, UNIQUE INDEX `uq_api_token_name` (`name`), UNIQUE INDEX `uq_api_token_hash` (`token_hash`), PRIMARY KEY (`token_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      "CREATE TABLE `chac_job_stat_daily` (`job_id` int NOT NULL, `stat_date` date NOT NULL, `completed` int NOT NULL DEFAULT '0', `failed` int NOT NULL DEFAULT '0', `skipped` int NOT NULL DEFAULT '0', `finished` int NOT NULL DEFAULT '0', `retries` int NOT NULL DEFAULT '0', `last_execution_time` datetime(3) NULL, INDEX `ix_stat_date` (`stat_date`), PRIMARY KEY (`job_id`, `stat_date`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "ALTER TABLE `chac_job_detail` ADD `executor` varchar(16) NOT NULL DEFAULT 'worker'",
    );
    await queryRunner.query("ALTER TABLE `chac_job_runtime_detail` ADD `run_count` int NOT NULL DEFAULT '0'");
    await queryRunner.query('CREATE INDEX `ix_job_created` ON `chac_job_detail` (`create_date`)');
    await queryRunner.query('CREATE INDEX `ix_run_job_state` ON `chac_job_run` (`job_id`, `running_state`)');
    await queryRunner.query(
      'ALTER TABLE `chac_job_stat_daily` ADD CONSTRAINT `fk_stat_job` FOREIGN KEY (`job_id`) REFERENCES `chac_job_detail`(`job_id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `chac_job_stat_daily` DROP FOREIGN KEY `fk_stat_job`');
    await queryRunner.query('DROP INDEX `ix_run_job_state` ON `chac_job_run`');
    await queryRunner.query('DROP INDEX `ix_job_created` ON `chac_job_detail`');
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` DROP COLUMN `run_count`');
    await queryRunner.query('ALTER TABLE `chac_job_detail` DROP COLUMN `executor`');
    await queryRunner.query('DROP INDEX `ix_stat_date` ON `chac_job_stat_daily`');
    await queryRunner.query('DROP TABLE `chac_job_stat_daily`');
    await queryRunner.query('DROP INDEX `uq_api_token_hash` ON `chac_api_token`');
    await queryRunner.query('DROP INDEX `uq_api_token_name` ON `chac_api_token`');
    await queryRunner.query('DROP TABLE `chac_api_token`');
  }
}
