import { randomBytes } from 'node:crypto';
import { dropStack, freePort, newStack, ProcessHandle, REPO_ROOT, startManager } from './support/processes';
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

it('refuses a secret without entropy, saying how to make one, without echoing it', async () => {
  const { code, output } = await runManager({ CHACONNE_SECRET: 'changeme'.repeat(4) });
  expect(code).toBe(1);
  expect(output).toContain('- CHACONNE_SECRET: repeats a block of 8 characters');
  expect(output).toContain('openssl rand -hex 32');
  expect(output).not.toContain('changeme');
}, 30_000);

it('refuses to start with another CHACONNE_ADMIN_TOKEN than the stored one, unless told to rotate', async () => {
  const stack = newStack();
  try {
    const first = await startManager(stack);
    await first.handle.stop();
    const other = randomBytes(32).toString('hex');
    const env = {
      CHACONNE_MYSQL_URL: stack.mysqlUrl,
      CHACONNE_PREFIX: stack.prefix,
      CHACONNE_SECRET: stack.secret,
      CHACONNE_ADMIN_TOKEN: other,
    };
    const refused = await runManager(env);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('Cannot start the Chaconne manager.');
    expect(refused.output).toContain(
      'CHACONNE_ADMIN_TOKEN is not the bootstrap admin token stored in this database',
    );
    expect(refused.output).toContain('CHACONNE_ROTATE_ADMIN_TOKEN=true');
    expect(refused.output).not.toContain(other);
    expect(refused.output).not.toMatch(STACK_FRAME);

    const rotated = await startManager(
      { ...stack, adminToken: other },
      { CHACONNE_ROTATE_ADMIN_TOKEN: 'true' },
    );
    await rotated.handle.stop();
    expect(rotated.handle.output).toContain('The bootstrap admin token was replaced by CHACONNE_ADMIN_TOKEN');
    expect(rotated.handle.output).not.toContain(other);
  } finally {
    await dropStack(stack);
  }
}, 90_000);
