#!/usr/bin/env node
/**
 * Installs packed @chaconne tarballs into a folder of their own, production dependencies only, with this
 * repository's package-lock.json as the starting lockfile: npm keeps every locked version that still
 * fits, so the third-party packages are exactly those the repository's tests ran with (a plain
 * `npm install` of the tarballs takes the newest versions their ranges allow). The Docker image installs
 * the manager this way; the packaging test does too.
 *   node scripts/install-packages.js <folder> <tarball>...
 */
'use strict';

const { spawnSync } = require('node:child_process');
const { copyFileSync, existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const [folderArg, ...tarballs] = process.argv.slice(2);
if (!folderArg || tarballs.length === 0) {
  console.error('usage: node scripts/install-packages.js <folder> <tarball>...');
  process.exit(2);
}
const folder = resolve(folderArg);
if (existsSync(join(folder, 'package.json'))) {
  console.error(`install-packages: ${folder} already has a package.json`);
  process.exit(2);
}
mkdirSync(folder, { recursive: true });
writeFileSync(
  join(folder, 'package.json'),
  `${JSON.stringify(
    {
      name: 'chaconne-deployment',
      private: true,
      // npm 11 runs only the install scripts listed here (as in the repository's package.json).
      allowScripts: { 'msgpackr-extract': true, '@scarf/scarf': false },
    },
    null,
    2,
  )}\n`,
);
copyFileSync(join(__dirname, '..', 'package-lock.json'), join(folder, 'package-lock.json'));
const installed = spawnSync(
  'npm',
  ['install', '--omit=dev', '--no-audit', '--no-fund', ...tarballs.map((tarball) => resolve(tarball))],
  { cwd: folder, stdio: 'inherit' },
);
process.exit(installed.status ?? 1);
