import fs from 'node:fs';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** The shell's own page: its HTML and CSS beside the script built from shell-page.ts. */
function shellPageAssets(): Plugin {
  return {
    name: 'litbox-shell-page-assets',
    generateBundle(_options, bundle) {
      // The page loads its script as a classic one (module scripts do not load from file:).
      const script = bundle['shell-page/shell-page.js'];
      if (script?.type === 'chunk') script.code = script.code.replace(/^export \{\};\s*$/m, '');
      for (const name of ['index.html', 'shell-page.css'])
        this.emitFile({
          type: 'asset',
          fileName: `shell-page/${name}`,
          source: fs.readFileSync(`app/main/shell-page/${name}`),
        });
    },
  };
}

// Main and preload are the thin Electron shell; the renderer is the same React UI the
// host serves in browser mode (out/renderer).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: {
        entry: {
          index: 'app/main/index.ts',
          // A plain browser script (no imports), loaded by the shell page with a classic <script>.
          'shell-page/shell-page': 'app/main/shell-page/shell-page.ts',
        },
      },
    },
    plugins: [shellPageAssets()],
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
