import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795243498069 implements MigrationInterface {
  name = 'InitialSchema1795243498069';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `chac_job_detail` (`job_id` int NOT NULL AUTO_INCREMENT, `cluster_name` varchar(64) NOT NULL, `group_name` varchar(64) NOT NULL, `job_name` varchar(191) NOT NULL, `job_class_name` varchar(255) NOT NULL, `description` varchar(1024) NOT NULL DEFAULT '', `attachment` mediumtext NULL, `email` varchar(1024) NOT NULL DEFAULT '', `retries` int NOT NULL DEFAULT '0', `weight` int NOT NULL DEFAULT '100', `timeout` bigint NOT NULL DEFAULT '-1', `create_date` datetime(3) NOT NULL, `update_date` datetime(3) NOT NULL, UNIQUE INDEX `uq_job_key` (`cluster_name`, `group_name`, `job_name`, `job_class_name`), PRIMARY KEY (`job_id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `chac_job_runtime_detail` (`job_id` int NOT NULL, `job_state` int NOT NULL, `last_running_state` int NULL, `last_execution_time` datetime(3) NULL, `last_completion_time` datetime(3) NULL, `next_execution_time` datetime(3) NULL, INDEX `ix_runtime_state` (`job_state`), PRIMARY KEY (`job_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      "CREATE TABLE `chac_job_trigger_detail` (`job_id` int NOT NULL, `trigger_type` int NOT NULL, `trigger_description` text NOT NULL, `start_date` datetime(3) NULL, `end_date` datetime(3) NULL, `repeat_count` int NOT NULL DEFAULT '-1', `time_zone` varchar(64) NOT NULL, `revision` int NOT NULL DEFAULT '1', PRIMARY KEY (`job_id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `chac_job_run` (`run_id` bigint NOT NULL AUTO_INCREMENT, `job_id` int NOT NULL, `planned_at` datetime(3) NOT NULL, `attempt` int NOT NULL DEFAULT '0', `running_state` int NOT NULL, `reason` varchar(1024) NULL, `instance_id` varchar(128) NULL, `address` varchar(512) NULL, `created_at` datetime(3) NOT NULL, `dispatched_at` datetime(3) NULL, `started_at` datetime(3) NULL, `finished_at` datetime(3) NULL, `result` mediumtext NULL, `error_message` text NULL, `error_stack` mediumtext NULL, INDEX `ix_run_state` (`running_state`, `created_at`), UNIQUE INDEX `uq_run_occurrence` (`job_id`, `planned_at`, `attempt`), PRIMARY KEY (`run_id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `chac_job_log` (`log_id` bigint NOT NULL AUTO_INCREMENT, `run_id` bigint NOT NULL, `job_id` int NOT NULL, `level` int NOT NULL, `message` text NOT NULL, `logged_at` datetime(3) NOT NULL, INDEX `ix_log_run` (`run_id`, `log_id`), PRIMARY KEY (`log_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      "CREATE TABLE `chac_worker_instance` (`instance_id` varchar(128) NOT NULL, `cluster_name` varchar(64) NOT NULL, `group_name` varchar(64) NOT NULL, `base_url` varchar(512) NOT NULL, `base_url_source` varchar(16) NOT NULL, `weight` int NOT NULL DEFAULT '1', `labels` text NOT NULL, `jobs` mediumtext NOT NULL, `sdk_version` varchar(32) NOT NULL, `protocol_version` int NOT NULL, `state` int NOT NULL, `started_at` datetime(3) NOT NULL, `registered_at` datetime(3) NOT NULL, `deregistered_at` datetime(3) NULL, INDEX `ix_worker_group` (`cluster_name`, `group_name`, `state`), PRIMARY KEY (`instance_id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'ALTER TABLE `chac_job_runtime_detail` ADD CONSTRAINT `fk_runtime_job` FOREIGN KEY (`job_id`) REFERENCES `chac_job_detail`(`job_id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `chac_job_trigger_detail` ADD CONSTRAINT `fk_trigger_job` FOREIGN KEY (`job_id`) REFERENCES `chac_job_detail`(`job_id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `chac_job_run` ADD CONSTRAINT `fk_run_job` FOREIGN KEY (`job_id`) REFERENCES `chac_job_detail`(`job_id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `chac_job_log` ADD CONSTRAINT `fk_log_run` FOREIGN KEY (`run_id`) REFERENCES `chac_job_run`(`run_id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `chac_job_log` DROP FOREIGN KEY `fk_log_run`');
    await queryRunner.query('ALTER TABLE `chac_job_run` DROP FOREIGN KEY `fk_run_job`');
    await queryRunner.query('ALTER TABLE `chac_job_trigger_detail` DROP FOREIGN KEY `fk_trigger_job`');
    await queryRunner.query('ALTER TABLE `chac_job_runtime_detail` DROP FOREIGN KEY `fk_runtime_job`');
    await queryRunner.query('DROP INDEX `ix_worker_group` ON `chac_worker_instance`');
    await queryRunner.query('DROP TABLE `chac_worker_instance`');
    await queryRunner.query('DROP INDEX `ix_log_run` ON `chac_job_log`');
    await queryRunner.query('DROP TABLE `chac_job_log`');
    await queryRunner.query('DROP INDEX `uq_run_occurrence` ON `chac_job_run`');
    await queryRunner.query('DROP INDEX `ix_run_state` ON `chac_job_run`');
    await queryRunner.query('DROP TABLE `chac_job_run`');
    await queryRunner.query('DROP TABLE `chac_job_trigger_detail`');
    await queryRunner.query('DROP INDEX `ix_runtime_state` ON `chac_job_runtime_detail`');
    await queryRunner.query('DROP TABLE `chac_job_runtime_detail`');
    await queryRunner.query('DROP INDEX `uq_job_key` ON `chac_job_detail`');
    await queryRunner.query('DROP TABLE `chac_job_detail`');
  }
}
