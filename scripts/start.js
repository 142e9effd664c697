#!/usr/bin/env node
/**
 * `npm start`: runs the manager (`chaconne-manager start`, with the console) and the demo worker against the local
 * MySQL and Redis, prefixing each process's output. A signing secret is generated for
 * this run unless CHACONNE_SECRET is set; there is no built-in default secret.
 */
'use strict';

const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { join } = require('node:path');

const root = join(__dirname, '..');
const port = process.env.CHACONNE_PORT || '6543';
const host = process.env.CHACONNE_HOST || '127.0.0.1';
const managerUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
const workerPort = process.env.DEMO_WORKER_PORT || '8088';

const env = { ...process.env };
if (!env.CHACONNE_SECRET) {
  env.CHACONNE_SECRET = randomBytes(32).toString('hex');
  console.log('[start] generated a signing secret for this run (set CHACONNE_SECRET to choose your own)');
}
// The admin API needs a bearer token. Unless one is given, this run gets a fresh one, printed
// below once. The manager stores only its hash, and replaces the previous run's only because
// this launcher says so (CHACONNE_ROTATE_ADMIN_TOKEN): a manager given another token than the
// stored one otherwise refuses to start.
const generatedToken = !env.CHACONNE_ADMIN_TOKEN;
if (generatedToken) {
  env.CHACONNE_ADMIN_TOKEN = `chac_${randomBytes(32).toString('base64url')}`;
  env.CHACONNE_ROTATE_ADMIN_TOKEN = 'true';
}
env.CHACONNE_MANAGER_URL = env.CHACONNE_MANAGER_URL || managerUrl;
// Everything runs on this machine: the manager reaches the demo worker over loopback.
env.CHACONNE_WORKER_BASE_URL = env.CHACONNE_WORKER_BASE_URL || `http://127.0.0.1:${workerPort}`;

const children = new Map();
let stopping = false;

function run(name, script, ...args) {
  // Own process group: Ctrl+C reaches only this launcher, which then stops the worker before the manager.
  const child = spawn(process.execPath, [join(root, script), ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.log(`[start] ${name} exited (${signal || `code ${code}`}); stopping`);
      void stop(code || 1);
    }
  });
  children.set(name, child);
  return child;
}

/** Stops the demo worker first, so it can finish its runs and deregister while the manager is up. */
async function stop(code) {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(code), 45_000).unref();
  for (const name of ['demo-worker', 'manager']) {
    const child = children.get(name);
    if (!child) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  process.exit(code);
}

async function waitForHealth(deadline) {
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(`${managerUrl}/health`);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}

async function main() {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  run('manager', 'apps/manager/dist/cli.js', 'start');
  if (!(await waitForHealth(Date.now() + 60_000))) {
    if (!stopping) {
      console.log('[start] the manager did not become healthy within 60 s; stopping');
      void stop(1);
    }
    return;
  }
  run('demo-worker', 'apps/demo-worker/dist/main.js');
  console.log(
    [
      '',
      '[start] Chaconne is running',
      `[start]   Console      ${managerUrl}/console/`,
      `[start]   Admin API    ${managerUrl}/job/admin/  (try the persistJob example in README.md)`,
      `[start]   Health       ${managerUrl}/health`,
      `[start]   Demo worker  http://127.0.0.1:${workerPort}  (cluster demo-cluster, group demo-worker)`,
      `[start]   API docs     ${managerUrl}/docs`,
      generatedToken
        ? `[start] Admin token for this run (shown once; sign in to the console with it, or export it for curl):\n` +
          `[start]   export CHACONNE_TOKEN=${env.CHACONNE_ADMIN_TOKEN}\n` +
          `[start]   curl -s -H "Authorization: Bearer $CHACONNE_TOKEN" ${managerUrl}/job/admin/selectClusterNames`
        : '[start] Admin API token: the CHACONNE_ADMIN_TOKEN you set',
      '[start] Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

void main();
