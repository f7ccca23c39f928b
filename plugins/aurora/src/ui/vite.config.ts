import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The page is one self-contained ES module the daemon serves as the plugin's `ui`
// (package.json "mesolite.ui"), so it is built as a library with nothing external.
export default defineConfig({
  root: import.meta.dirname,
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir: resolve(import.meta.dirname, '../../dist/ui'),
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: resolve(import.meta.dirname, 'page.ts'),
      formats: ['es'],
      fileName: () => 'page.js',
    },
  },
});
