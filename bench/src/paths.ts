import { join } from 'node:path';

/**
 * The repository root. This module sits directly in `bench/src` (under Jest) or
 * `bench/dist` (built), so two levels up either way.
 */
export const REPO_ROOT = join(__dirname, '..', '..');

/** Built entry points the bench starts as child processes (`npm run build` makes them). */
export const SCRIPTS = {
  manager: join(REPO_ROOT, 'apps', 'manager', 'dist', 'main.js'),
  noopWorker: join(REPO_ROOT, 'bench', 'dist', 'noop-worker.js'),
} as const;
