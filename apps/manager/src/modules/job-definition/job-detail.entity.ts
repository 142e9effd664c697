import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber, TIMESTAMP } from '../../database/column-types';

/** A job's definition (Chaconne's chac_job_detail), unique by its four-part JobKey. */
@Entity('chac_job_detail')
@Index('uq_job_key', ['clusterName', 'groupName', 'jobName', 'jobClassName'], { unique: true })
@Index('ix_job_created', ['createDate'])
// A cluster's or group's jobs newest first (the job list, xcron's listTasks); the list by name.
@Index('ix_job_group_created', ['clusterName', 'groupName', 'createDate'])
@Index('ix_job_name', ['jobName'])
export class JobDetailEntity {
  @PrimaryGeneratedColumn({ name: 'job_id' })
  jobId!: number;

  @Column({ name: 'cluster_name', type: 'varchar', length: 64 })
  clusterName!: string;

  @Column({ name: 'group_name', type: 'varchar', length: 64 })
  groupName!: string;

  @Column({ name: 'job_name', type: 'varchar', length: 191 })
  jobName!: string;

  @Column({ name: 'job_class_name', type: 'varchar', length: 255 })
  jobClassName!: string;

  @Column({ type: 'varchar', length: 1024, default: '' })
  description!: string;

  /** The initial parameter; TEXT-sized, not Chaconne's varchar(255). */
  @Column({ type: 'mediumtext', nullable: true })
  attachment!: string | null;

  /** Comma-separated recipients; long enough for a list, not Chaconne's varchar(45). */
  @Column({ type: 'varchar', length: 1024, default: '' })
  email!: string;

  @Column({ type: 'int', default: 0 })
  retries!: number;

  @Column({ type: 'int', default: 100 })
  weight!: number;

  @Column({ type: 'bigint', default: -1, transformer: bigintAsNumber })
  timeout!: number;

  /** Weighted share of fork children that must complete before a fork/join parent runs; -1 = any. */
  @Column({ name: 'completion_rate', type: 'double', default: -1 })
  completionRate!: number;

  /** Who runs it: `worker` (pushed to a worker instance) or `http` (an xcron-style callback run by the manager). */
  @Column({ type: 'varchar', length: 16, default: 'worker' })
  executor!: string;

  /** The job's run policy (cluster mode, balancer, overlap, misfire, ...) as JSON, defaults applied. */
  @Column({ name: 'run_policy', type: 'text', nullable: true })
  runPolicy!: string | null;

  @Column({ name: 'create_date', ...TIMESTAMP })
  createDate!: Date;

  @Column({ name: 'update_date', ...TIMESTAMP })
  updateDate!: Date;
}
