import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { bearer, type Envelope, postJson } from '@chaconne/testing';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/** A child process whose output is kept for assertions and diagnostics. */
export class ProcessHandle {
  readonly lines: string[] = [];
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(line);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        resolve(code);
      }),
    );
  }

  get output(): string {
    return this.lines.join('\n');
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for a line matching `pattern`; fails with the process's recent output. */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = this.lines.find((l) => pattern.test(l));
      if (line) return line;
      if (!this.running) break;
      await sleep(100);
    }
    throw new Error(
      `${this.name}: no line matching ${String(pattern)} within ${timeoutMs} ms. Output:\n${this.lines.slice(-40).join('\n')}`,
    );
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

function nodeProcess(name: string, script: string, env: Record<string, string>): ProcessHandle {
  const path = join(REPO_ROOT, script);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (npm test does)`);
  const child = spawn(process.execPath, [path], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new ProcessHandle(name, child);
}

/** Settings one e2e test file shares between its processes: a database, a prefix, a secret. */
export interface Stack {
  mysqlUrl: string;
  redisUrl: string;
  prefix: string;
  secret: string;
  /** Bootstrap admin API token of the stack's managers. */
  adminToken: string;
}

export function newStack(redisUrl = 'redis://127.0.0.1:6379'): Stack {
  const id = randomBytes(4).toString('hex');
  return {
    mysqlUrl: `mysql://root@127.0.0.1:3306/chac_e2e_${id}`,
    redisUrl,
    prefix: `chace2e_${id}`,
    secret: randomBytes(32).toString('hex'),
    adminToken: randomBytes(32).toString('hex'),
  };
}

export async function startManager(
  stack: Stack,
  extraEnv: Record<string, string> = {},
): Promise<{ handle: ProcessHandle; url: string }> {
  const port = await freePort();
  const handle = nodeProcess(`manager:${port}`, 'apps/manager/dist/main.js', {
    CHACONNE_MYSQL_URL: stack.mysqlUrl,
    CHACONNE_REDIS_URL: stack.redisUrl,
    CHACONNE_PREFIX: stack.prefix,
    CHACONNE_SECRET: stack.secret,
    CHACONNE_ADMIN_TOKEN: stack.adminToken,
    CHACONNE_PORT: String(port),
    CHACONNE_HEARTBEAT_INTERVAL_MS: '1000',
    ...extraEnv,
  });
  await handle.waitForLine(/Chaconne manager ready/, 60_000);
  return { handle, url: `http://127.0.0.1:${port}` };
}

export async function startDemoWorker(
  stack: Stack,
  managerUrl: string,
): Promise<{ handle: ProcessHandle; url: string }> {
  const port = await freePort();
  const handle = nodeProcess(`demo-worker:${port}`, 'apps/demo-worker/dist/main.js', {
    CHACONNE_MANAGER_URL: managerUrl,
    CHACONNE_SECRET: stack.secret,
    DEMO_WORKER_PORT: String(port),
    CHACONNE_WORKER_BASE_URL: `http://127.0.0.1:${port}`,
  });
  return { handle, url: `http://127.0.0.1:${port}` };
}

/** A Redis server of the test's own, so a test may FLUSHALL or stop it. */
export async function startRedis(): Promise<{ handle: ProcessHandle; url: string }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const handle = new ProcessHandle(`redis:${port}`, child);
  await handle.waitForLine(/Ready to accept connections/, 10_000);
  return { handle, url: `redis://127.0.0.1:${port}` };
}

/** POSTs to a manager's admin API with the stack's admin token. */
export function adminPost<T = unknown>(
  stack: Stack,
  managerUrl: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Envelope<T> }> {
  return postJson<T>(managerUrl, path, body, bearer(stack.adminToken));
}
