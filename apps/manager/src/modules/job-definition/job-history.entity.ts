import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TIMESTAMP } from '../../database/column-types';
import { JobDetailEntity } from './job-detail.entity';

/** Who changed a job's definition, when, and what changed (field -> from/to). */
@Entity('chac_job_history')
@Index('ix_history_job', ['jobId', 'historyId'])
export class JobHistoryEntity {
  @PrimaryGeneratedColumn({ name: 'history_id' })
  historyId!: number;

  @Column({ name: 'job_id', type: 'int' })
  jobId!: number;

  @ManyToOne(() => JobDetailEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'fk_history_job' })
  job?: JobDetailEntity;

  @Column({ name: 'changed_at', ...TIMESTAMP })
  changedAt!: Date;

  /** `api` (admin API or console), `worker` (a code-defined job registered by an instance), `xcron`. */
  @Column({ type: 'varchar', length: 16 })
  source!: string;

  /** The admin token's name or the worker instance id. */
  @Column({ type: 'varchar', length: 128 })
  actor!: string;

  /** `create` or `update`. */
  @Column({ type: 'varchar', length: 16 })
  action!: string;

  /** JSON: `{ field: { from, to } }`. */
  @Column({ type: 'mediumtext' })
  changes!: string;
}
