import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TIMESTAMP } from '../../database/column-types';

export const WorkerInstanceState = {
  ACTIVE: 0,
  DRAINING: 1,
  DEREGISTERED: 2,
} as const;
export type WorkerInstanceState = (typeof WorkerInstanceState)[keyof typeof WorkerInstanceState];

/**
 * Worker instances that registered with a manager. Liveness lives in Redis (heartbeats);
 * this table is the durable record the Redis registry is rebuilt from.
 */
@Entity('chac_worker_instance')
@Index('ix_worker_group', ['clusterName', 'groupName', 'state'])
@Index('ix_worker_left', ['deregisteredAt'])
export class WorkerInstanceEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 128 })
  instanceId!: string;

  @Column({ name: 'cluster_name', type: 'varchar', length: 64 })
  clusterName!: string;

  @Column({ name: 'group_name', type: 'varchar', length: 64 })
  groupName!: string;

  @Column({ name: 'base_url', type: 'varchar', length: 512 })
  baseUrl!: string;

  @Column({ name: 'base_url_source', type: 'varchar', length: 16 })
  baseUrlSource!: string;

  @Column({ type: 'int', default: 1 })
  weight!: number;

  /** JSON object of labels. */
  @Column({ type: 'text' })
  labels!: string;

  /** JSON array of the job class names this instance can run. */
  @Column({ type: 'mediumtext' })
  jobs!: string;

  @Column({ name: 'sdk_version', type: 'varchar', length: 32 })
  sdkVersion!: string;

  @Column({ name: 'protocol_version', type: 'int' })
  protocolVersion!: number;

  @Column({ type: 'int' })
  state!: number;

  @Column({ name: 'started_at', ...TIMESTAMP })
  startedAt!: Date;

  @Column({ name: 'registered_at', ...TIMESTAMP })
  registeredAt!: Date;

  @Column({ name: 'deregistered_at', ...TIMESTAMP, nullable: true })
  deregisteredAt!: Date | null;
}
