import { thresholdFor } from '../../app/shared/network.ts';
import path from 'node:path';
import { NodeStore } from '../../app/nodes/node-store.ts';
import { PresignStore } from '../../app/nodes/presign/presign-store.ts';
import { KeychainVault } from '../../app/host/vault/keychain-vault.ts';
import { loadOrCreateMasterKey, nodeStorageKey } from '../../app/host/vault/network-keys.ts';

/**
 * Test support: reads every node's presignature bindings (with the vault's master key, as
 * the nodes do) and reports any presignature bound to two different (key, digest) targets
 * anywhere in the network, the one thing that must never happen. Safe while the nodes run
 * (SQLite readers).
 */
export async function auditPresignatureBindings(
  dataDir: string,
  nodeCount: number,
): Promise<{
  bindings: number;
  doubleBound: string[];
  releasedForTwo: string[];
  quorumForTwo: string[];
  /** Per digest signed: each presignature bound to it, at how many nodes, and how many released a share. */
  byDigest: Record<string, { presignatureId: string; bound: number; released: number }[]>;
}> {
  const master = await loadOrCreateMasterKey(await KeychainVault.open(dataDir));
  const seen = new Map<string, string>();
  const doubleBound: string[] = [];
  let bindings = 0;
  // Per presignature: which nodes bound it to which target, and which released a share.
  const targets = new Map<string, Map<string, { bound: number; released: number }>>();
  for (let i = 1; i <= nodeCount; i++) {
    const store = new NodeStore(path.join(dataDir, 'nodes', `node-${i}`), nodeStorageKey(master, i));
    try {
      for (const b of new PresignStore(store.db, store.box).bindings()) {
        const target = `${b.tokenId}:${b.digest}`;
        const earlier = seen.get(b.id);
        if (earlier !== undefined && earlier !== target) doubleBound.push(`${b.id} (node ${i})`);
        seen.set(b.id, target);
        bindings++;
        const byTarget = targets.get(b.id) ?? new Map<string, { bound: number; released: number }>();
        const count = byTarget.get(target) ?? { bound: 0, released: 0 };
        count.bound++;
        if (b.released) count.released++;
        byTarget.set(target, count);
        targets.set(b.id, byTarget);
      }
    } finally {
      store.close();
    }
  }
  // With a requester binding at some nodes what others bound to another message (anyone with
  // a PKP can), doubleBound is not empty, and that is harmless; what must never be is shares
  // released for two messages, or T bindings gathered by two.
  const threshold = thresholdFor(nodeCount);
  const releasedForTwo: string[] = [];
  const quorumForTwo: string[] = [];
  for (const [id, byTarget] of targets) {
    const counts = [...byTarget.values()];
    if (counts.filter((c) => c.released > 0).length > 1) releasedForTwo.push(id);
    if (counts.filter((c) => c.bound >= threshold).length > 1) quorumForTwo.push(id);
  }
  const byDigest: Record<string, { presignatureId: string; bound: number; released: number }[]> = {};
  for (const [id, byTarget] of targets)
    for (const [target, count] of byTarget)
      (byDigest[target.split(':')[1]!] ??= []).push({ presignatureId: id, ...count });
  return { bindings, doubleBound, releasedForTwo, quorumForTwo, byDigest };
}
