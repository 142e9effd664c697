import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the console into apps/console/dist; scripts/build-console.js copies it to where the
 * manager serves it (/console/). Workspace packages are read from their TypeScript sources
 * (the `@chaconne/source` export condition), so the bundle is ESM throughout.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  resolve: { conditions: ['@chaconne/source', 'module', 'browser', 'development|production'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/job': 'http://127.0.0.1:6543',
      '/xcron': 'http://127.0.0.1:6543',
    },
  },
});
