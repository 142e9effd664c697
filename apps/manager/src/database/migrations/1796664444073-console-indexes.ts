import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ConsoleIndexes1796664444073 implements MigrationInterface {
  name = 'ConsoleIndexes1796664444073';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX `ix_job_name` ON `chac_job_detail` (`job_name`)');
    await queryRunner.query(
      'CREATE INDEX `ix_job_group_created` ON `chac_job_detail` (`cluster_name`, `group_name`, `create_date`)',
    );
    await queryRunner.query(
      'CREATE INDEX `ix_runtime_next` ON `chac_job_runtime_detail` (`next_execution_time`)',
    );
    await queryRunner.query('CREATE INDEX `ix_trigger_type` ON `chac_job_trigger_detail` (`trigger_type`)');
    await queryRunner.query(
      'CREATE INDEX `ix_run_state_planned` ON `chac_job_run` (`running_state`, `planned_at`)',
    );
    await queryRunner.query('CREATE INDEX `ix_run_planned` ON `chac_job_run` (`planned_at`)');
    await queryRunner.query('CREATE INDEX `ix_worker_left` ON `chac_worker_instance` (`deregistered_at`)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `ix_worker_left` ON `chac_worker_instance`');
    await queryRunner.query('DROP INDEX `ix_run_planned` ON `chac_job_run`');
    await queryRunner.query('DROP INDEX `ix_run_state_planned` ON `chac_job_run`');
    await queryRunner.query('DROP INDEX `ix_trigger_type` ON `chac_job_trigger_detail`');
    await queryRunner.query('DROP INDEX `ix_runtime_next` ON `chac_job_runtime_detail`');
    await queryRunner.query('DROP INDEX `ix_job_group_created` ON `chac_job_detail`');
    await queryRunner.query('DROP INDEX `ix_job_name` ON `chac_job_detail`');
  }
}
