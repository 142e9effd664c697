#!/usr/bin/env node
/**
 * Builds the web console (Vite: apps/console -> apps/console/dist) and puts its files where the
 * manager serves them from: apps/manager/console/, inside the @chaconne/manager package (so `npm pack`
 * ships them; the folder is git-ignored build output). Run by `npm run build` and by the manager's
 * prepack.
 *
 * It syncs rather than recreates the folder: unchanged files are left alone and changed ones replaced
 * by a rename, because the packaging test packs the manager while other tests' managers read the folder.
 */
'use strict';

const {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = join(__dirname, '..');
const consoleDir = join(root, 'apps', 'console');
const source = join(consoleDir, 'dist');
const target = join(root, 'apps', 'manager', 'console');

execFileSync(
  process.execPath,
  [
    join(require.resolve('vite/package.json', { paths: [consoleDir] }), '..', 'bin', 'vite.js'),
    'build',
    '--logLevel',
    'warn',
  ],
  {
    cwd: consoleDir,
    stdio: 'inherit',
  },
);
if (!existsSync(join(source, 'index.html'))) {
  console.error(`build-console: the Vite build left no ${join(source, 'index.html')}`);
  process.exit(1);
}
// The manager replaces it with each answer's CSP nonce (apps/manager/src/modules/console/console-files.ts).
if (!readFileSync(join(source, 'index.html'), 'utf8').includes('__CSP_NONCE__')) {
  console.error(
    'build-console: index.html lost its <meta name="csp-nonce" content="__CSP_NONCE__"> placeholder',
  );
  process.exit(1);
}

function sync(from, to) {
  mkdirSync(to, { recursive: true });
  const wanted = new Set();
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    wanted.add(entry.name);
    const path = join(to, entry.name);
    if (entry.isDirectory()) {
      sync(join(from, entry.name), path);
      continue;
    }
    const content = readFileSync(join(from, entry.name));
    if (existsSync(path) && readFileSync(path).equals(content)) continue;
    writeFileSync(`${path}.tmp`, content);
    renameSync(`${path}.tmp`, path);
  }
  for (const name of readdirSync(to)) {
    if (!wanted.has(name)) rmSync(join(to, name), { recursive: true, force: true });
  }
}

sync(source, target);
