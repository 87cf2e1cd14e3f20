import path from 'node:path';
import { NodeStore } from '../../nodes/node-store.ts';
import { PresignStore } from '../../nodes/presign/presign-store.ts';
import { KeychainVault } from '../vault/keychain-vault.ts';
import { loadOrCreateMasterKey, nodeStorageKey } from '../vault/network-keys.ts';

/**
 * Test support: reads every node's presignature bindings (with the vault's master key, as
 * the nodes do) and reports any presignature bound to two different (key, digest) targets
 * anywhere in the network, the one thing that must never happen. Safe while the nodes run
 * (SQLite readers).
 */
export async function auditPresignatureBindings(
  dataDir: string,
  nodeCount: number,
): Promise<{ bindings: number; doubleBound: string[] }> {
  const master = await loadOrCreateMasterKey(await KeychainVault.open(dataDir));
  const seen = new Map<string, string>();
  const doubleBound: string[] = [];
  let bindings = 0;
  for (let i = 1; i <= nodeCount; i++) {
    const store = new NodeStore(path.join(dataDir, 'nodes', `node-${i}`), nodeStorageKey(master, i));
    try {
      for (const b of new PresignStore(store.db, store.box).bindings()) {
        const target = `${b.tokenId}:${b.digest}`;
        const earlier = seen.get(b.id);
        if (earlier !== undefined && earlier !== target) doubleBound.push(`${b.id} (node ${i})`);
        seen.set(b.id, target);
        bindings++;
      }
    } finally {
      store.close();
    }
  }
  return { bindings, doubleBound };
}
