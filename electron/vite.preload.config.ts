import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// A sandboxed preload can require only 'electron' and a few built-ins, never a file of its
// own, so the preload and the channel list it imports are bundled into one CommonJS file.
export default defineConfig({
  root: import.meta.dirname,
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: false,
    sourcemap: true,
    minify: false,
    target: 'es2023',
    lib: {
      entry: resolve(import.meta.dirname, 'src/preload.ts'),
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rollupOptions: { external: ['electron'] },
  },
});
