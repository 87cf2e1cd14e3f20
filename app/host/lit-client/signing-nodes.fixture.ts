// Test support only (imported by *.test.ts): N nodes' ECDSA key shares and presignatures made
// in-process with the real protocols (app/shared/threshold/simulation.ts), so the client's
// combine, bad-share and retry rules run on real shares without starting a network.
import { degreeFor, thresholdFor } from '../../shared/network.ts';
import type { ReleaseResponse } from '../../shared/node-api.ts';
import { signShare } from '../../shared/threshold/ecdsa.ts';
import { secp256k1Group, secp256k1UncompressedBytes } from '../../shared/threshold/groups.ts';
import { simulateDkg, simulatePresign } from '../../shared/threshold/simulation.ts';

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString('hex')}`;

/** A PKP key shared among nodes 1..n and `count` presignatures 'ps:0'…, as every node holds them. */
export function signingNodes(n: number, count: number) {
  const t = degreeFor(n);
  const indices = Array.from({ length: n }, (_, i) => i + 1);
  const keys = simulateDkg(secp256k1Group, n, t);
  const publicKeyBytes = secp256k1UncompressedBytes(keys[0]!.publicKey);
  const pool = simulatePresign({ batchId: 'ps', participants: indices, t, count });
  return {
    n,
    threshold: thresholdFor(n),
    /** 2t: the degree of the signature shares' polynomial. */
    degree: 2 * t,
    indices,
    publicKey: hex(publicKeyBytes),
    /** Node j's released share of presignature `id` ('ps:k') for `toSign`, as the node answers it. */
    release(j: number, id: string, toSign: string): ReleaseResponse {
      const p = pool.get(j)![Number(id.split(':')[1])]!;
      const out = signShare({
        digest: Buffer.from(toSign.slice(2), 'hex'),
        R: p.R,
        w: p.w,
        z2: p.z2,
        keyShare: keys[j - 1]!.secretShare,
        publicKey: publicKeyBytes,
      });
      return { node: j, share: `0x${out.s.toString(16).padStart(64, '0')}`, bigR: hex(out.bigR) };
    },
  };
}
