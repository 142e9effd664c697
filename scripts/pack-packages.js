#!/usr/bin/env node
/**
 * `npm run pack:all -- <folder>`: builds and packs the publishable packages (@chaconne/contracts, /worker,
 * /client, /manager) into <folder> with `npm pack` (each package's prepack builds it), and prints each
 * tarball with its size. `--demo-worker` adds the private demo worker (the Docker image's). Until the
 * packages are on a registry, a service installs them from these tarballs:
 *   npm install <folder>/chaconne-contracts-0.1.0.tgz <folder>/chaconne-worker-0.1.0.tgz
 */
'use strict';

const { spawnSync } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const { resolve } = require('node:path');

const PACKAGES = ['@chaconne/contracts', '@chaconne/worker', '@chaconne/client', '@chaconne/manager'];

const args = process.argv.slice(2);
const withDemo = args.includes('--demo-worker');
const folders = args.filter((arg) => arg !== '--demo-worker');
if (folders.length !== 1 || folders[0].startsWith('-')) {
  console.error('usage: node scripts/pack-packages.js [--demo-worker] <folder>');
  process.exit(2);
}
const destination = resolve(folders[0]);
mkdirSync(destination, { recursive: true });

const workspaces = [...PACKAGES, ...(withDemo ? ['@chaconne/demo-worker'] : [])];
const packed = spawnSync(
  'npm',
  ['pack', '--json', '--pack-destination', destination, ...workspaces.flatMap((name) => ['-w', name])],
  { cwd: resolve(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
);
if (packed.status !== 0) {
  console.error(`npm pack failed with status ${packed.status ?? packed.signal}`);
  process.exit(1);
}
for (const tarball of JSON.parse(packed.stdout)) {
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  console.log(
    `${resolve(destination, tarball.filename)}  ${kib(tarball.size)} (${kib(tarball.unpackedSize)} unpacked, ${tarball.entryCount} files)`,
  );
}
