import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TIMESTAMP } from '../../database/column-types';

/** An admin API token. Only its SHA-256 hash is stored; the token itself is shown once. */
@Entity('chac_api_token')
@Index('uq_api_token_hash', ['tokenHash'], { unique: true })
@Index('uq_api_token_name', ['name'], { unique: true })
export class ApiTokenEntity {
  @PrimaryGeneratedColumn({ name: 'token_id' })
  tokenId!: number;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** Hex SHA-256 of the token. */
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ name: 'created_at', ...TIMESTAMP })
  createdAt!: Date;

  @Column({ name: 'last_used_at', ...TIMESTAMP, nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', ...TIMESTAMP, nullable: true })
  revokedAt!: Date | null;
}
