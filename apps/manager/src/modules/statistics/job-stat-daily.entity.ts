import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { JobDetailEntity } from '../job-definition/job-detail.entity';

/**
 * Daily roll-up of run outcomes per job, kept up to date when a run gets its outcome,
 * so statistics stay fast however many runs the run table holds.
 */
@Entity('chac_job_stat_daily')
@Index('ix_stat_date', ['statDate'])
export class JobStatDailyEntity {
  @PrimaryColumn({ name: 'job_id', type: 'int' })
  jobId!: number;

  @ManyToOne(() => JobDetailEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'fk_stat_job' })
  job?: JobDetailEntity;

  /** The day (in the manager's time zone) of the run's planned time. */
  @PrimaryColumn({ name: 'stat_date', type: 'date' })
  statDate!: string;

  @Column({ type: 'int', default: 0 })
  completed!: number;

  @Column({ type: 'int', default: 0 })
  failed!: number;

  @Column({ type: 'int', default: 0 })
  skipped!: number;

  @Column({ type: 'int', default: 0 })
  finished!: number;

  /** Runs that were retries (attempt > 0). */
  @Column({ type: 'int', default: 0 })
  retries!: number;

  @Column({ name: 'last_execution_time', type: 'datetime', precision: 3, nullable: true })
  lastExecutionTime!: Date | null;
}
