import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { IDENTIFIER_MAX_LENGTH } from '@chaconne/contracts';
import { identifier, schemaProblems } from '@chaconne/contracts/definition';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { ApiTokenEntity } from './api-token.entity';

const tokenName = identifier(IDENTIFIER_MAX_LENGTH.tokenName);

/** What is wrong with a token name (the identifier rule of job names), or undefined. */
export function tokenNameProblem(name: string): string | undefined {
  return schemaProblems(tokenName, name)[0]?.reason;
}

/**
 * The manager refuses to start: no way to authenticate admin requests was configured, or
 * CHACONNE_ADMIN_TOKEN conflicts with the bootstrap token stored in the database.
 */
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
export class ApiTokenService implements OnModuleInit {
  private readonly logger = new Logger(ApiTokenService.name);
  private readonly verified = new Map<string, VerifiedToken & { until: number; touchedAt: number }>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  /**
   * Makes sure admin requests can be authenticated: the bootstrap token from the
   * configuration is stored; without any token, development generates and prints one
   * and production refuses to start. At module init, before any bootstrap hook starts work
   * (fires, the reconciler, the sweeper): a manager that refuses to start has done nothing.
   */
  async onModuleInit(): Promise<void> {
    if (this.config.adminToken) await this.installBootstrap(this.config.adminToken);
    if ((await this.activeCount()) > 0) return;
    if (this.config.production) {
      throw new NoAdminToken(
        'No admin API token is configured. Set CHACONNE_ADMIN_TOKEN (at least 32 characters), or create one\n' +
          '  with `chaconne-manager token create <name>` (`npm run token -- create <name>` in the repository)\n' +
          '  before starting in production.',
      );
    }
    const token = await this.create(DEVELOPMENT_NAME);
    // One line each: the logger writes every message on one line, escaping line breaks.
    this.logger.warn('No admin API token existed, so one was generated. It is shown only this once:');
    this.logger.warn(`    ${token}`);
    this.logger.warn(
      'Send it as "Authorization: Bearer <token>". More: chaconne-manager token create <name>',
    );
  }

  /**
   * Stores CHACONNE_ADMIN_TOKEN as the token `bootstrap`. The first manager on a database
   * stores it, and the others started with the same token find it there (several may start
   * at once). A manager given another token, or the stored one after it was revoked, refuses
   * to start unless CHACONNE_ROTATE_ADMIN_TOKEN is true: replacing it silently would lock out
   * every client of the managers that still use the stored one.
   */
  private async installBootstrap(token: string): Promise<void> {
    const hash = hashToken(token);
    // A no-op when a bootstrap token exists (or the value is stored under another name).
    await this.dataSource.query(
      `INSERT INTO chac_api_token (name, token_hash, created_at) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE name = name`,
      [BOOTSTRAP_NAME, hash, new Date()],
    );
    const stored = await this.dataSource
      .getRepository(ApiTokenEntity)
      .findOne({ select: { tokenHash: true, revokedAt: true }, where: { name: BOOTSTRAP_NAME } });
    if (stored?.tokenHash === hash && stored.revokedAt === null) return;
    if (!stored) throw new NoAdminToken(await this.storedUnderAnotherName(hash));
    if (!this.config.rotateAdminToken) throw new NoAdminToken(conflictMessage(stored.revokedAt !== null));
    let replaced: { affectedRows: number };
    try {
      replaced = await this.dataSource.query<{ affectedRows: number }>(
        `UPDATE chac_api_token SET token_hash = ?, created_at = ?, last_used_at = NULL, revoked_at = NULL
          WHERE name = ? AND (token_hash <> ? OR revoked_at IS NOT NULL)`,
        [hash, new Date(), BOOTSTRAP_NAME, hash],
      );
    } catch (error) {
      if ((error as { code?: string }).code !== 'ER_DUP_ENTRY') throw error;
      throw new NoAdminToken(await this.storedUnderAnotherName(hash));
    }
    this.verified.clear();
    // Of managers started together with the same new token, the one whose update changed
    // the row says so. The token itself is never logged.
    if (replaced.affectedRows > 0)
      this.logger.warn(
        'The bootstrap admin token was replaced by CHACONNE_ADMIN_TOKEN (CHACONNE_ROTATE_ADMIN_TOKEN=true): the previous one no longer authenticates (a running manager may accept it for up to 30 s more). Give every manager the new token, and unset CHACONNE_ROTATE_ADMIN_TOKEN.',
      );
  }

  private async storedUnderAnotherName(hash: string): Promise<string> {
    const other = await this.dataSource
      .getRepository(ApiTokenEntity)
      .findOne({ select: { name: true }, where: { tokenHash: hash } });
    return (
      `CHACONNE_ADMIN_TOKEN is already stored as the admin token '${other?.name ?? '?'}', so it cannot also be the bootstrap token.\n` +
      '  Use another value (e.g. `openssl rand -hex 32`), or unset CHACONNE_ADMIN_TOKEN and keep using that token.'
    );
  }

  /** Creates (or replaces) the token named `name` and answers it (the only time it is visible). */
  async create(name: string): Promise<string> {
    const problem = tokenNameProblem(name);
    if (problem) throw new Error(`token name ${problem}`);
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

  /** Stores (or replaces) the token named `name`: an explicit creation, never the bootstrap token of the configuration. */
  private async store(name: string, token: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO chac_api_token (name, token_hash, created_at) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE token_hash = VALUES(token_hash), revoked_at = NULL`,
      [name, hashToken(token), new Date()],
    );
    this.verified.clear();
  }
}

/** Why a manager whose CHACONNE_ADMIN_TOKEN is not the stored bootstrap token does not start, and what to do. */
function conflictMessage(revoked: boolean): string {
  const why = revoked
    ? 'The bootstrap admin token stored in this database was revoked, and CHACONNE_ADMIN_TOKEN still holds it.'
    : 'CHACONNE_ADMIN_TOKEN is not the bootstrap admin token stored in this database (another manager, or an earlier\n' +
      '  start, stored a different one). Replacing it would lock out every client of the managers that use it.';
  return (
    `${why}\n` +
    '  To replace the stored token on purpose, start once with CHACONNE_ROTATE_ADMIN_TOKEN=true and give every\n' +
    '  manager the new token. To keep the stored one, set CHACONNE_ADMIN_TOKEN to it, or unset CHACONNE_ADMIN_TOKEN\n' +
    '  and use tokens made with `chaconne-manager token create <name>` (`chaconne-manager token list` shows them).'
  );
}
