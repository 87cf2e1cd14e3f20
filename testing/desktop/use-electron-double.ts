import module from 'node:module';

/**
 * `node --import ./testing/desktop/use-electron-double.ts out/main/index.js` runs the compiled
 * main process under plain Node, with `electron` resolved to the double (electron-double.ts):
 * Electron's binary cannot be downloaded on our machines.
 */
const doubleUrl = new URL('./electron-double.ts', import.meta.url).href;

module.registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron') return { url: doubleUrl, shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
