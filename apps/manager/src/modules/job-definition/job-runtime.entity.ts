import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { bigintAsNumber, TIMESTAMP } from '../../database/column-types';
import { JobDetailEntity } from './job-detail.entity';

/** A job's runtime state (Chaconne's chac_job_runtime_detail), one per job. */
@Entity('chac_job_runtime_detail')
@Index('ix_runtime_state', ['jobState'])
// The job list by next fire time (filter and sort).
@Index('ix_runtime_next', ['nextExecutionTime'])
export class JobRuntimeEntity {
  @PrimaryColumn({ name: 'job_id', type: 'int' })
  jobId!: number;

  @OneToOne(() => JobDetailEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'fk_runtime_job' })
  job?: JobDetailEntity;

  @Column({ name: 'job_state', type: 'int' })
  jobState!: number;

  @Column({ name: 'last_running_state', type: 'int', nullable: true })
  lastRunningState!: number | null;

  @Column({ name: 'last_execution_time', ...TIMESTAMP, nullable: true })
  lastExecutionTime!: Date | null;

  @Column({ name: 'last_completion_time', ...TIMESTAMP, nullable: true })
  lastCompletionTime!: Date | null;

  @Column({ name: 'next_execution_time', ...TIMESTAMP, nullable: true })
  nextExecutionTime!: Date | null;

  /** Occurrences that produced a run (first attempts), counted against the trigger's repeatCount. */
  @Column({ name: 'run_count', type: 'int', default: 0 })
  runCount!: number;

  /** The latest scheduled occurrence handled: missed occurrences (misfires) are counted from it. */
  @Column({ name: 'last_planned_at', ...TIMESTAMP, nullable: true })
  lastPlannedAt!: Date | null;

  /** The run holding the job's overlap slot (policies other than ALLOW). */
  @Column({ name: 'active_run_id', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  activeRunId!: number | null;

  /** QUEUE_ONE: the run waiting for the slot. */
  @Column({ name: 'queued_run_id', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  queuedRunId!: number | null;

  @Column({ name: 'consecutive_failures', type: 'int', default: 0 })
  consecutiveFailures!: number;

  @Column({ name: 'consecutive_timeouts', type: 'int', default: 0 })
  consecutiveTimeouts!: number;

  /** Freezes in a row; the next cool-down lasts timeout x 2^freezeCount. Reset by a completed run. */
  @Column({ name: 'freeze_count', type: 'int', default: 0 })
  freezeCount!: number;

  @Column({ name: 'frozen_until', ...TIMESTAMP, nullable: true })
  frozenUntil!: Date | null;

  /**
   * Why the manager itself ended the job (FINISHED): its trigger has no fire time left, its
   * repeat count or end date was reached, a run or a termination policy ended it. Null when
   * an operator's request moved it last.
   */
  @Column({ name: 'state_reason', type: 'varchar', length: 1000, nullable: true })
  stateReason!: string | null;
}
