import { randomBytes } from 'node:crypto';
import { freePort, ProcessHandle, REPO_ROOT } from './support/processes';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** A manager that cannot reach a dependency says which one, where, and how to start it: no stack trace. */
async function runManager(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'apps/manager/dist/main.js')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      CHACONNE_SECRET: randomBytes(32).toString('hex'),
      CHACONNE_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const handle = new ProcessHandle('manager', child);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output: handle.output };
}

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

it('names MySQL, its address and how to start it when MySQL is down', async () => {
  const port = await freePort();
  const { code, output } = await runManager({
    CHACONNE_MYSQL_URL: `mysql://root@127.0.0.1:${port}/chaconne`,
  });
  expect(code).toBe(1);
  expect(output).toContain(`MySQL is not reachable at 127.0.0.1:${port}: connection refused.`);
  expect(output).toMatch(/Start MySQL 8 or MariaDB 10\.6\+ there/);
  expect(output).not.toMatch(STACK_FRAME);
}, 30_000);

it('names Redis, its address and how to start it when Redis is down', async () => {
  const port = await freePort();
  const { code, output } = await runManager({ CHACONNE_REDIS_URL: `redis://127.0.0.1:${port}` });
  expect(code).toBe(1);
  expect(output).toContain(`Redis is not reachable at 127.0.0.1:${port}: connection refused.`);
  expect(output).toContain('redis-server --daemonize yes');
  expect(output).not.toMatch(STACK_FRAME);
}, 30_000);

it('lists every invalid setting and exits 1 before touching anything', async () => {
  const { code, output } = await runManager({
    CHACONNE_SECRET: '',
    CHACONNE_PORT: 'x',
    CHACONNE_TIMEZONE: 'Mars/Base',
  });
  expect(code).toBe(1);
  expect(output).toContain('Invalid configuration:');
  for (const key of ['CHACONNE_PORT', 'CHACONNE_SECRET', 'CHACONNE_TIMEZONE'])
    expect(output).toContain(`- ${key}:`);
  expect(output).not.toMatch(STACK_FRAME);
}, 30_000);
