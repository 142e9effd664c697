import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { bigintAsNumber, TIMESTAMP } from '../../database/column-types';
import { JobRunEntity } from './job-run.entity';

/** One log line of a run, shipped by the worker SDK (Chaconne's chac_job_log). */
@Entity('chac_job_log')
@Index('ix_log_run', ['runId', 'logId'])
export class JobLogEntity {
  @Column({
    name: 'log_id',
    type: 'bigint',
    primary: true,
    generated: 'increment',
    transformer: bigintAsNumber,
  })
  logId!: number;

  @Column({ name: 'run_id', type: 'bigint', transformer: bigintAsNumber })
  runId!: number;

  @ManyToOne(() => JobRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_log_run' })
  run?: JobRunEntity;

  @Column({ name: 'job_id', type: 'int' })
  jobId!: number;

  @Column({ type: 'int' })
  level!: number;

  @Column({ type: 'text' })
  message!: string;

  @Column({ name: 'logged_at', ...TIMESTAMP })
  loggedAt!: Date;
}
