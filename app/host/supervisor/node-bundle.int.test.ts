import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_BUNDLE } from './node-entry.ts';

// Reads what `npm run build:nodes` made (`npm test` builds first). The bundle keeps its region
// comments ("// node_modules/jose/..."): they say which package's code went into which file.
const OUT_DIR = path.dirname(NODE_BUNDLE);
const read = (file: string) => fs.readFileSync(path.join(OUT_DIR, file), 'utf8');
const packagesIn = (code: string) =>
  new Set([...code.matchAll(/^\/\/ node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\//gm)].map((m) => m[1]!));

describe('the node program bundle', () => {
  it('keeps the verifiers a node imports per request out of what it loads at start', () => {
    expect(fs.existsSync(NODE_BUNDLE), 'out/nodes/main.mjs: run `npm run build:nodes` first').toBe(true);
    const main = read(path.basename(NODE_BUNDLE));
    // The chunks main.mjs imports on demand, each beside it.
    const chunks = [...main.matchAll(/\bimport\("\.\/(main-[\w-]+\.mjs)"\)/g)].map((m) => m[1]!);
    const webauthn = chunks.find((c) => c.startsWith('main-webauthn-'));
    const googleJwt = chunks.find((c) => c.startsWith('main-verify-google-jwt-'));
    expect(webauthn, `chunks imported by main.mjs: ${chunks.join(', ')}`).toBeDefined();
    expect(googleJwt, `chunks imported by main.mjs: ${chunks.join(', ')}`).toBeDefined();

    // What only those verifiers use is in the chunks, and not in main.mjs.
    const atStart = packagesIn(main);
    for (const pkg of ['@simplewebauthn/server', '@peculiar/x509', 'asn1js']) {
      expect(packagesIn(read(webauthn!)).has(pkg), `${pkg} in ${webauthn}`).toBe(true);
      expect(atStart.has(pkg), `${pkg} in main.mjs`).toBe(false);
    }
    expect(packagesIn(read(googleJwt!)).has('jose'), `jose in ${googleJwt}`).toBe(true);
    expect(atStart.has('jose'), 'jose in main.mjs').toBe(false);
    // What a node needs at once stays in main.mjs.
    for (const pkg of ['ethers', 'zod']) expect(atStart.has(pkg), `${pkg} in main.mjs`).toBe(true);
  });

  it('leaves no chunk of an earlier build beside the current ones', () => {
    // Every chunk reachable from main.mjs, through dynamic or static imports.
    const reachable = new Set<string>();
    const visit = (file: string) => {
      for (const m of read(file).matchAll(/(?:\bimport\(|\bfrom )"\.\/(main-[\w-]+\.mjs)"/g))
        if (!reachable.has(m[1]!)) {
          reachable.add(m[1]!);
          visit(m[1]!);
        }
    };
    visit(path.basename(NODE_BUNDLE));
    const present = fs.readdirSync(OUT_DIR).filter((f) => f.startsWith('main-') && f.endsWith('.mjs'));
    expect(present.sort()).toEqual([...reachable].sort());
  });
});
