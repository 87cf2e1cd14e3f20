import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Main and preload are the thin Electron shell; the renderer is the same React UI the
// host serves in browser mode (out/renderer).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: 'app/main/index.ts' },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: 'app/preload/index.ts' },
      // A sandboxed preload must be CommonJS.
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'app/renderer',
    base: './',
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: 'app/renderer/index.html' },
    },
    plugins: [react()],
  },
});
