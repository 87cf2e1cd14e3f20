import { encryptWithConditions } from '../app/shared/encryption/access-control-encryption.ts';
import type { RunningHost } from '../app/host/host.ts';

export interface DecryptionFigures {
  encryptP50: number;
  nodeShareP50: number;
  combineP50: number;
  combineP95: number;
  decryptP50: number;
  runs: number;
}

const p = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))] ?? NaN;
};

/**
 * Access-controlled encryption on a running network: encryption (client only: hash to G2,
 * one pairing, AES-GCM), each node's share (auth sig, a balance condition read from anvil,
 * hash to G2, one G2 multiplication), and the client's combine + decrypt (Lagrange in G2,
 * one pairing, AES-GCM, hash check), plus the whole decrypt as the wallet sees it.
 */
export async function benchDecryption(host: RunningHost, runs = 40): Promise<DecryptionFigures> {
  const networkPublicKey = host.supervisor.status().networkPublicKey;
  if (!networkPublicKey) throw new Error('bench: the network key is not made yet');
  const conditions = [
    {
      contractAddress: '',
      standardContractType: '',
      chain: 'litbox',
      method: 'eth_getBalance',
      parameters: [':userAddress', 'latest'],
      returnValueTest: { comparator: '>=', value: '1' },
    },
  ];
  const authSig = await host.wallet.account.authSig();
  const data = new TextEncoder().encode('x'.repeat(1024));
  const encryptMs: number[] = [];
  const nodeMs: number[] = [];
  const combineMs: number[] = [];
  const decryptMs: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    let started = performance.now();
    const encrypted = await encryptWithConditions({ networkPublicKey, conditions, data });
    const encrypting = performance.now() - started;
    started = performance.now();
    const result = await host.wallet.lit.decrypt({ encrypted, authSig });
    const decrypting = performance.now() - started;
    if (new TextDecoder().decode(result.plaintext) !== 'x'.repeat(1024)) throw new Error('bench: decryption mismatch');
    if (i < 5) continue; // warm-up
    encryptMs.push(encrypting);
    decryptMs.push(decrypting);
    combineMs.push(result.combineMs);
    nodeMs.push(...Object.values(result.nodeMs));
  }
  return {
    encryptP50: p(encryptMs, 50),
    nodeShareP50: p(nodeMs, 50),
    combineP50: p(combineMs, 50),
    combineP95: p(combineMs, 95),
    decryptP50: p(decryptMs, 50),
    runs,
  };
}
