import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { ApiTokenEntity } from './api-token.entity';

/** The manager refuses to start: no way to authenticate admin requests was configured. */
export class NoAdminToken extends Error {}

const BOOTSTRAP_NAME = 'bootstrap';
const DEVELOPMENT_NAME = 'development';
const CACHE_MS = 30_000;
const TOUCH_EVERY_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(): string {
  return `chac_${randomBytes(32).toString('base64url')}`;
}

export interface VerifiedToken {
  tokenId: number;
  name: string;
}

export interface TokenInfo {
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/**
 * Admin API tokens. Only SHA-256 hashes are stored; a token is shown once, when created.
 * Verified tokens are cached briefly, so a request costs no database round trip.
 */
@Injectable()
export class ApiTokenService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApiTokenService.name);
  private readonly verified = new Map<string, VerifiedToken & { until: number; touchedAt: number }>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  /**
   * Makes sure admin requests can be authenticated: the bootstrap token from the
   * configuration is stored; without any token, development generates and prints one
   * and production refuses to start.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.adminToken) await this.store(BOOTSTRAP_NAME, this.config.adminToken);
    if ((await this.activeCount()) > 0) return;
    if (this.config.production) {
      throw new NoAdminToken(
        'No admin API token is configured. Set CHACONNE_ADMIN_TOKEN (at least 32 characters), or create one\n' +
          '  with `npm run token -- create <name>` before starting in production.',
      );
    }
    const token = await this.create(DEVELOPMENT_NAME);
    this.logger.warn(
      `No admin API token existed, so one was generated. It is shown only this once:\n\n    ${token}\n\n` +
        `  Send it as "Authorization: Bearer <token>". More: npm run token -- create <name>`,
    );
  }

  /** Creates a token named `name` and answers it (the only time it is visible). */
  async create(name: string): Promise<string> {
    const token = newToken();
    await this.store(name, token);
    return token;
  }

  async revoke(name: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(ApiTokenEntity)
      .update({ name, revokedAt: IsNull() }, { revokedAt: new Date() });
    this.verified.clear();
    return (result.affected ?? 0) > 0;
  }

  async list(): Promise<TokenInfo[]> {
    const rows = await this.dataSource.getRepository(ApiTokenEntity).find({ order: { tokenId: 'ASC' } });
    return rows.map(({ name, createdAt, lastUsedAt, revokedAt }) => ({
      name,
      createdAt,
      lastUsedAt,
      revokedAt,
    }));
  }

  /** Answers the token's id and name if `token` is a live token, else null. */
  async verify(token: string, now = Date.now()): Promise<VerifiedToken | null> {
    const hash = hashToken(token);
    const cached = this.verified.get(hash);
    if (cached && cached.until > now) {
      if (now - cached.touchedAt > TOUCH_EVERY_MS) {
        cached.touchedAt = now;
        void this.touch(cached.tokenId);
      }
      return { tokenId: cached.tokenId, name: cached.name };
    }
    const row = await this.dataSource
      .getRepository(ApiTokenEntity)
      .findOne({ select: { tokenId: true, name: true }, where: { tokenHash: hash, revokedAt: IsNull() } });
    if (!row) {
      this.verified.delete(hash);
      return null;
    }
    if (this.verified.size > 10_000) this.verified.clear();
    this.verified.set(hash, { tokenId: row.tokenId, name: row.name, until: now + CACHE_MS, touchedAt: now });
    void this.touch(row.tokenId);
    return { tokenId: row.tokenId, name: row.name };
  }

  private async touch(tokenId: number): Promise<void> {
    await this.dataSource
      .getRepository(ApiTokenEntity)
      .update({ tokenId }, { lastUsedAt: new Date() })
      .catch((error: unknown) => {
        this.logger.warn(`could not record token use: ${(error as Error).message}`);
      });
  }

  private async activeCount(): Promise<number> {
    return this.dataSource.getRepository(ApiTokenEntity).countBy({ revokedAt: IsNull() });
  }

  /** Stores (or replaces) the token named `name`. */
  private async store(name: string, token: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO chac_api_token (name, token_hash, created_at) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE token_hash = VALUES(token_hash), revoked_at = NULL`,
      [name, hashToken(token), new Date()],
    );
    this.verified.clear();
  }
}
