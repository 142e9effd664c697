import type { MigrationInterface, QueryRunner } from 'typeorm';

export class JobDependenciesAndHistory1795247889520 implements MigrationInterface {
  name = 'JobDependenciesAndHistory1795247889520';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `chac_job_dependency` (`dependency_id` int NOT NULL AUTO_INCREMENT, `job_id` int NOT NULL, `dependency_type` int NOT NULL, `cluster_name` varchar(64) NOT NULL, `group_name` varchar(64) NOT NULL, `job_name` varchar(191) NOT NULL, `job_class_name` varchar(255) NOT NULL, `position` int NOT NULL, INDEX `ix_dependency_upstream` (`cluster_name`, `group_name`, `job_name`, `job_class_name`), PRIMARY KEY (`dependency_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `chac_job_history` (`history_id` int NOT NULL AUTO_INCREMENT, `job_id` int NOT NULL, `changed_at` datetime(3) NOT NULL, `source` varchar(16) NOT NULL, `actor` varchar(128) NOT NULL, `action` varchar(16) NOT NULL, `changes` mediumtext NOT NULL, INDEX `ix_history_job` (`job_id`, `history_id`), PRIMARY KEY (`history_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      "ALTER TABLE `chac_job_detail` ADD `completion_rate` double NOT NULL DEFAULT '-1'",
    );
    await queryRunner.query(
      'ALTER TABLE `chac_job_dependency` ADD CONSTRAINT `fk_dependency_job` FOREIGN KEY (`job_id`) REFERENCES `chac_job_detail`(`job_id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE `chac_job_history` ADD CONSTRAINT `fk_history_job` FOREIGN KEY (`job_id`) REFERENCES `chac_job_detail`(`job_id`) ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `chac_job_history` DROP FOREIGN KEY `fk_history_job`');
    await queryRunner.query('ALTER TABLE `chac_job_dependency` DROP FOREIGN KEY `fk_dependency_job`');
    await queryRunner.query('ALTER TABLE `chac_job_detail` DROP COLUMN `completion_rate`');
    await queryRunner.query('DROP INDEX `ix_history_job` ON `chac_job_history`');
    await queryRunner.query('DROP TABLE `chac_job_history`');
    await queryRunner.query('DROP INDEX `ix_dependency_upstream` ON `chac_job_dependency`');
    await queryRunner.query('DROP TABLE `chac_job_dependency`');
  }
}
