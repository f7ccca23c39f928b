import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The daemon serves this bundle from daemon/dist/ui (daemon/src/server/ui-routes.ts).
// Preact's JSX goes through esbuild's automatic runtime, so no framework plugin is needed.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: resolve(import.meta.dirname, '../dist/ui'),
    emptyOutDir: true,
    sourcemap: true,
  },
});
