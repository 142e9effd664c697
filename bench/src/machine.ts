import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import { BenchServer } from './database';
import type { BenchOptions } from './options';
import { REPO_ROOT } from './paths';
import { redisVersion } from './redis-store';

/** What the figures were measured on. */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  kernel: string;
  node: string;
  mariadb: string;
  redis: string;
  /** 1, 5 and 15-minute load averages when the bench started: other work on the machine shows here. */
  loadAverage: number[];
  /** The commit measured, and whether the work tree had changes on top of it. */
  commit: string;
  dirty: boolean;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return cpus()[0]?.model ?? 'unknown';
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
}

export async function machineInfo(options: BenchOptions): Promise<MachineInfo> {
  const server = new BenchServer(options.mysqlUrl);
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 3 });
  try {
    return {
      cores: cpus().length,
      cpuModel: cpuModel(),
      memoryGb: Math.round(totalmem() / 1024 ** 3),
      kernel: release(),
      node: process.version,
      mariadb: await server.version(),
      redis: await redisVersion(redis),
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
      dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
    };
  } finally {
    await server.close();
    await redis.quit();
  }
}
