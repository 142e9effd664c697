import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { JobDetailEntity } from './job-detail.entity';

/**
 * A job's declared dependency on another job (Chaconne's chac_job_dependency), kept by
 * key so a dependency on a job that does not exist yet is not lost. dependency_type:
 * 0 SERIAL (the job's dependentKeys), 1 PARALLEL (its forkKeys).
 */
@Entity('chac_job_dependency')
@Index('ix_dependency_upstream', ['clusterName', 'groupName', 'jobName', 'jobClassName'])
export class JobDependencyEntity {
  @PrimaryGeneratedColumn({ name: 'dependency_id' })
  dependencyId!: number;

  /** The job that declares the dependency (downstream, or the fork/join parent). */
  @Column({ name: 'job_id', type: 'int' })
  jobId!: number;

  @ManyToOne(() => JobDetailEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'fk_dependency_job' })
  job?: JobDetailEntity;

  @Column({ name: 'dependency_type', type: 'int' })
  dependencyType!: number;

  @Column({ name: 'cluster_name', type: 'varchar', length: 64 })
  clusterName!: string;

  @Column({ name: 'group_name', type: 'varchar', length: 64 })
  groupName!: string;

  @Column({ name: 'job_name', type: 'varchar', length: 191 })
  jobName!: string;

  @Column({ name: 'job_class_name', type: 'varchar', length: 255 })
  jobClassName!: string;

  /** Position in the declared list. */
  @Column({ type: 'int' })
  position!: number;
}
