import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { TIMESTAMP } from '../../database/column-types';
import { JobDetailEntity } from './job-detail.entity';

/** A job's trigger (Chaconne's chac_job_trigger_detail), one per job. */
@Entity('chac_job_trigger_detail')
// The job list and getJobKeys by trigger type.
@Index('ix_trigger_type', ['triggerType'])
export class JobTriggerEntity {
  @PrimaryColumn({ name: 'job_id', type: 'int' })
  jobId!: number;

  @OneToOne(() => JobDetailEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'fk_trigger_job' })
  job?: JobDetailEntity;

  @Column({ name: 'trigger_type', type: 'int' })
  triggerType!: number;

  /** JSON: `{ cron: { expression } }` or `{ periodic: { period, schedulingUnit, fixedRate } }`. */
  @Column({ name: 'trigger_description', type: 'text' })
  triggerDescription!: string;

  @Column({ name: 'start_date', ...TIMESTAMP, nullable: true })
  startDate!: Date | null;

  @Column({ name: 'end_date', ...TIMESTAMP, nullable: true })
  endDate!: Date | null;

  @Column({ name: 'repeat_count', type: 'int', default: -1 })
  repeatCount!: number;

  @Column({ name: 'time_zone', type: 'varchar', length: 64 })
  timeZone!: string;

  /** Bumped on every change of the timing fields, so schedulers in Redis can tell they are stale. */
  @Column({ type: 'int', default: 1 })
  revision!: number;
}
