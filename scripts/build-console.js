#!/usr/bin/env node
/**
 * Puts the web console's files where the manager serves them from: apps/manager/console/, inside the
 * @chaconne/manager package (so `npm pack` ships them; the folder is git-ignored build output). Today
 * the console is the static placeholder in apps/console/public; a console build (Vite) replaces this
 * copy by writing its output to the same folder. Run by `npm run build` and by the manager's prepack.
 */
'use strict';

const { cpSync, existsSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const source = join(root, 'apps', 'console', 'public');
const target = join(root, 'apps', 'manager', 'console');

if (!existsSync(join(source, 'index.html'))) {
  console.error(`build-console: ${join(source, 'index.html')} is missing`);
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true });
