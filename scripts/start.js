#!/usr/bin/env node
/**
 * `npm start`: runs the manager (with the console) and the demo worker against the local
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
env.CHACONNE_MANAGER_URL = env.CHACONNE_MANAGER_URL || managerUrl;

const children = new Map();
let stopping = false;

function run(name, script) {
  const child = spawn(process.execPath, [join(root, script)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
      stop(code || 1);
    } else if (children.size === 0) {
      process.exit(0);
    }
  });
  children.set(name, child);
  return child;
}

function stop(code) {
  stopping = true;
  if (children.size === 0) process.exit(code);
  for (const child of children.values()) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 35_000).unref();
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
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  run('manager', 'apps/manager/dist/main.js');
  if (!(await waitForHealth(Date.now() + 60_000))) {
    if (!stopping) {
      console.log('[start] the manager did not become healthy within 60 s; stopping');
      stop(1);
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
      '[start] Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

void main();
