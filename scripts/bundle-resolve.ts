import { fileURLToPath } from 'node:url';

/**
 * Module resolution shared by the bundles (node program, CLI). CommonJS dependencies such as
 * siwe `require('ethers')`, which resolves to ethers' CommonJS build: the bundle then carried
 * ethers twice, and a node evaluated both copies at every start. Every import of ethers gets
 * its ES module build instead (a node's bundle 4.3 → 3.4 MB, its load 0.42 → 0.34 s of CPU).
 */
export const BUNDLE_RESOLVE = {
  alias: { ethers: fileURLToPath(import.meta.resolve('ethers')) },
};
