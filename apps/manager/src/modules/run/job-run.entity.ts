import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { bigintAsNumber, TIMESTAMP } from '../../database/column-types';
import { JobDetailEntity } from '../job-definition/job-detail.entity';

/**
 * One run of a job (Chaconne's trace). The unique key on (job, planned time, attempt)
 * makes a duplicated tick unable to create a second run, whatever Redis does.
 */
@Entity('chac_job_run')
@Index('uq_run_occurrence', ['jobId', 'plannedAt', 'attempt'], { unique: true })
@Index('ix_run_state', ['runningState', 'createdAt'])
@Index('ix_run_job_state', ['jobId', 'runningState'])
// Runs of every job newest first (selectRuns), all or by outcome; InnoDB appends run_id.
@Index('ix_run_planned', ['plannedAt'])
@Index('ix_run_state_planned', ['runningState', 'plannedAt'])
export class JobRunEntity {
  @Column({
    name: 'run_id',
    type: 'bigint',
    primary: true,
    generated: 'increment',
    transformer: bigintAsNumber,
  })
  runId!: number;

  @Column({ name: 'job_id', type: 'int' })
  jobId!: number;

  @ManyToOne(() => JobDetailEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'fk_run_job' })
  job?: JobDetailEntity;

  @Column({ name: 'planned_at', ...TIMESTAMP })
  plannedAt!: Date;

  @Column({ type: 'int', default: 0 })
  attempt!: number;

  /** A retry's first attempt; null on a first attempt. */
  @Column({ name: 'first_run_id', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  firstRunId!: number | null;

  /** RunningState code; 99 while the run has no outcome yet. */
  @Column({ name: 'running_state', type: 'int' })
  runningState!: number;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  reason!: string | null;

  @Column({ name: 'instance_id', type: 'varchar', length: 128, nullable: true })
  instanceId!: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  address!: string | null;

  @Column({ name: 'created_at', ...TIMESTAMP })
  createdAt!: Date;

  @Column({ name: 'dispatched_at', ...TIMESTAMP, nullable: true })
  dispatchedAt!: Date | null;

  /** When a dispatched run times out (dispatch time + the job's timeout); null without a timeout. */
  @Column({ name: 'deadline_at', ...TIMESTAMP, nullable: true })
  deadlineAt!: Date | null;

  /** A retry's backoff: not dispatched before this time. */
  @Column({ name: 'not_before', ...TIMESTAMP, nullable: true })
  notBefore!: Date | null;

  @Column({ name: 'started_at', ...TIMESTAMP, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', ...TIMESTAMP, nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'mediumtext', nullable: true })
  result!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'error_stack', type: 'mediumtext', nullable: true })
  errorStack!: string | null;

  /** A report that came after the run already had an outcome (JSON), kept for the record. */
  @Column({ name: 'late_report', type: 'text', nullable: true })
  lateReport!: string | null;
}
