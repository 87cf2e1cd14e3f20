import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as ecc from 'tiny-secp256k1';
import { afterEach, describe, expect, it } from 'vitest';
import { tokenIdFromPubkey } from '../../shared/contracts/index.ts';
import { secp256k1Group } from '../../shared/threshold/groups.ts';
import { simulateDkg, simulatePresign } from '../../shared/threshold/simulation.ts';
import { KeyShareStore } from '../keys/key-share-store.ts';
import { identityFromSecrets, newIdentitySecrets, type NodeIdentity } from '../node-identity.ts';
import { NodeRequestError } from '../node-request-error.ts';
import { NodeStore } from '../node-store.ts';
import { PeerCrypto, type PeerInfo } from '../peers/peer-crypto.ts';
import { PeerDirectory } from '../peers/peer-directory.ts';
import { PresignStore } from '../presign/presign-store.ts';
import type { SigningContext } from './sign-routes.ts';
import {
  SigningAgreement,
  type AgreementPeers,
  type AgreementRequest,
  type Proposal,
  type WeightedShare,
} from './signing-agreement.ts';

// The signing set's agreement on a presignature (signing-agreement.ts), with N = 4 in-process
// nodes on real SQLite stores, real key and presignature shares and real binding MACs; only the
// transport between them is direct calls. Crashes drop a node's memory and reopen its store.
// What must hold whatever happens: no presignature gives shares for two messages anywhere, and
// no two messages gather T bindings of one presignature; what comes back combines into a
// signature that verifies.

const N = 4;
const T = 3;
const t = 1;
const F = secp256k1Group.Fn;

interface TestNode {
  index: number;
  dir: string;
  storageKey: Buffer;
  identity: NodeIdentity;
  store: NodeStore;
  ctx: SigningContext;
  agreement: SigningAgreement;
  /** Messages to this node fail (it is down). */
  down: boolean;
}

let dirs: string[] = [];
let nodes: TestNode[] = [];
/** Every share any node released: presignature id and the digest it was bound to there. */
let released: { node: number; id: string; digest: string }[] = [];
let publicKey: string;
let tokenId: string;

afterEach(async () => {
  await new Promise((r) => setTimeout(r, 80)); // the stores' batched wipes of released secrets
  for (const n of nodes) n.store.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
  nodes = [];
  released = [];
});

/** Delivery between nodes; `intercept` may fail a message (a crash) before or after it is handled. */
let intercept: (
  step: 'propose' | 'commit' | 'abort',
  from: number,
  to: number,
  when: 'before' | 'after',
) => void = () => undefined;

function unreachable(to: number): Error {
  return Object.assign(new Error(`node ${to}: unreachable`), { code: undefined });
}

function transport(from: number): AgreementPeers {
  const deliver = async <R>(
    step: 'propose' | 'commit' | 'abort',
    to: number,
    handle: (n: TestNode) => R | Promise<R>,
  ): Promise<R> => {
    const target = nodes[to - 1]!;
    if (target.down || nodes[from - 1]!.down) throw unreachable(to);
    intercept(step, from, to, 'before');
    const result = await handle(target);
    intercept(step, from, to, 'after');
    return result;
  };
  return {
    propose: (to, proposal) => deliver('propose', to, (n) => n.agreement.onPropose(from, proposal)),
    commit: (to, commit) => deliver('commit', to, (n) => n.agreement.onCommit(from, commit)),
    abort: (to, key, reason) => deliver('abort', to, (n) => n.agreement.onAbort(from, key, reason)),
  };
}

/** Opens (or reopens after a crash) node `index`'s stores and a fresh agreement with no memory. */
function boot(node: Omit<TestNode, 'store' | 'ctx' | 'agreement'>, infos: PeerInfo[]): TestNode {
  const store = new NodeStore(node.dir, node.storageKey);
  const presigs = new PresignStore(store.db, store.box);
  const markReleased = presigs.markReleased.bind(presigs);
  presigs.markReleased = (id: string) => {
    const binding = presigs.bindings().find((b) => b.id === id)!;
    released.push({ node: node.index, id, digest: binding.digest });
    markReleased(id);
  };
  const peers = new PeerDirectory(async () => infos);
  const ctx: SigningContext = {
    index: node.index,
    threshold: T,
    crypto: new PeerCrypto(node.identity),
    peers,
    presigs,
    keys: new KeyShareStore(store.db, store.box),
  };
  const agreement = new SigningAgreement(ctx, transport(node.index), { requestWaitMs: 300, outcomeWaitMs: 1_500 });
  return { ...node, store, ctx, agreement };
}

async function network(presignatures = 6): Promise<void> {
  const identities = Array.from({ length: N }, () => identityFromSecrets(newIdentitySecrets()));
  const infos: PeerInfo[] = identities.map((identity, i) => ({
    index: i + 1,
    address: identity.chainKey.address,
    endpoint: `http://127.0.0.1:${7100 + i}`,
    signingKey: identity.signingPublicKey,
    encryptionKey: identity.encryptionPublicKey,
  }));
  const dkg = simulateDkg(secp256k1Group, N, t);
  publicKey = `0x${Buffer.from(dkg[0]!.publicKey.toBytes(false)).toString('hex')}`;
  tokenId = tokenIdFromPubkey(publicKey).toString();
  const batch = simulatePresign({ batchId: 'ps-agree', participants: [1, 2, 3, 4], t, count: presignatures });
  for (let i = 1; i <= N; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `litbox-agreement-${i}-`));
    dirs.push(dir);
    const node = boot({ index: i, dir, storageKey: randomBytes(32), identity: identities[i - 1]!, down: false }, infos);
    await node.ctx.peers.refresh();
    await node.ctx.presigs.saveBatch(batch.get(i)!);
    node.ctx.keys.savePending('dkg-agree', [{ tokenId, publicKey, share: dkg[i - 1]!.secretShare }]);
    node.ctx.keys.markReady([tokenId]);
    nodes.push(node);
  }
}

/** A crash: the node's memory is gone; its store is what it committed. It comes back at once, or later. */
async function crash(index: number): Promise<void> {
  const old = nodes[index - 1]!;
  old.down = true;
  old.store.close();
  const infos = old.ctx.peers.all() as PeerInfo[];
  const back = boot({ ...old, down: true }, [...infos]);
  await back.ctx.peers.refresh();
  nodes[index - 1] = back;
}

function restart(index: number): void {
  nodes[index - 1]!.down = false;
}

function digestOf(label: string): string {
  return `0x${Buffer.from(label.padEnd(32, '.').slice(0, 32)).toString('hex')}`;
}

function request(set: number[], digest: string, key = `${digest.slice(2, 34)}${set.join('')}`.padEnd(64, '0')) {
  return { key, tokenId, publicKey, digest, set } satisfies AgreementRequest;
}

/** Every member of the set asks (as the SDK does, one request each); the outcome per member. */
async function signAll(
  set: number[],
  digestFor: (node: number) => string,
  key?: string,
): Promise<Map<number, WeightedShare | NodeRequestError>> {
  const results = await Promise.allSettled(
    set.map((i) => nodes[i - 1]!.agreement.sign(request(set, digestFor(i), key))),
  );
  return new Map(set.map((i, k) => [i, results[k]!.status === 'fulfilled' ? results[k]!.value : results[k]!.reason]));
}

/** The SDK's combine: add the weighted shares, low-s, verify against the key. */
function verifies(shares: readonly WeightedShare[], digest: string): boolean {
  const bigR = shares[0]!.bigR;
  if (!shares.every((s) => Buffer.from(s.bigR).equals(Buffer.from(bigR)))) return false;
  const r = F.create(secp256k1Group.Point.fromBytes(bigR).toAffine().x);
  let s = shares.reduce((sum, share) => F.add(sum, share.s), 0n);
  if (s > F.ORDER >> 1n) s = F.neg(s);
  const compact = Buffer.concat([
    Buffer.from(r.toString(16).padStart(64, '0'), 'hex'),
    Buffer.from(s.toString(16).padStart(64, '0'), 'hex'),
  ]);
  return ecc.verify(Buffer.from(digest.slice(2), 'hex'), Buffer.from(publicKey.slice(2), 'hex'), compact, true);
}

/** The invariants: shares for one message per presignature; T bindings for one message per presignature. */
async function audit(): Promise<void> {
  await new Promise((r) => setTimeout(r, 10));
  const releasedFor = new Map<string, Set<string>>();
  for (const r of released) releasedFor.set(r.id, (releasedFor.get(r.id) ?? new Set()).add(r.digest));
  for (const [id, digests] of releasedFor) expect([...digests], `shares of ${id}`).toHaveLength(1);
  const boundBy = new Map<string, Map<string, number>>();
  for (const n of nodes)
    for (const b of n.ctx.presigs.bindings()) {
      const byDigest = boundBy.get(b.id) ?? new Map<string, number>();
      byDigest.set(b.digest, (byDigest.get(b.digest) ?? 0) + 1);
      boundBy.set(b.id, byDigest);
    }
  for (const [id, byDigest] of boundBy)
    expect([...byDigest.values()].filter((count) => count >= T).length, `quorums of ${id}`).toBeLessThanOrEqual(1);
}

describe('the signing set agrees on a presignature', () => {
  it('signs: every member binds the same presignature and the weighted shares add up to a valid signature', async () => {
    await network();
    for (const set of [
      [1, 2, 3],
      [2, 3, 4],
      [1, 2, 3, 4],
    ]) {
      const digest = digestOf(`message for ${set.join(',')}`);
      const outcome = await signAll(set, () => digest);
      const shares = [...outcome.values()];
      expect(
        shares.every((s) => !(s instanceof Error)),
        String(shares),
      ).toBe(true);
      expect(verifies(shares as WeightedShare[], digest)).toBe(true);
    }
    // Node 4 was not in the first set: it bound nothing then. Three calls, three presignatures.
    const ids = new Set(nodes.flatMap((n) => n.ctx.presigs.bindings().map((b) => b.id)));
    expect(ids.size).toBe(3);
    expect(nodes[3]!.ctx.presigs.bindings()).toHaveLength(2);
    await audit();
  });

  it('binds nothing, and gives nothing, when a member was asked another message than the leader', async () => {
    await network();
    // One call (one key), but node 2 was sent another message than nodes 1 and 3.
    const outcome = await signAll(
      [1, 2, 3],
      (i) => digestOf(i === 2 ? 'something else' : 'the message'),
      'ef'.repeat(32),
    );
    for (const [, result] of outcome) expect(result).toBeInstanceOf(NodeRequestError);
    expect((outcome.get(1) as NodeRequestError).message).toMatch(/node 2 .*refused.*another message/);
    expect(nodes[1]!.ctx.presigs.bindings()).toEqual([]);
    expect(released).toEqual([]);
    await audit();
  });

  it('refuses a proposal from a node that does not lead the set, and one for a request this node never had', async () => {
    await network();
    const proposal: Proposal = {
      key: 'ab'.repeat(32),
      presignatureId: nodes[0]!.ctx.presigs.freshIds(1)[0]!,
      tokenId,
      digest: digestOf('x'),
      set: [1, 2, 3],
    };
    await expect(nodes[2]!.agreement.onPropose(2, proposal)).rejects.toThrow(/does not lead/);
    await expect(nodes[2]!.agreement.onPropose(1, proposal)).rejects.toThrow(/no verified request/);
    expect(nodes[2]!.ctx.presigs.bindings()).toEqual([]);
  });

  it('moves to another presignature when a member already used the proposed one elsewhere', async () => {
    await network();
    // Node 2 bound the oldest presignature to another message (the host's client, say).
    const oldest = nodes[0]!.ctx.presigs.oldestFreshHeldBy([1, 2, 3], new Set())!;
    await nodes[1]!.ctx.presigs.bind(oldest, tokenId, digestOf('the host signed this'));
    const digest = digestOf('the SDK signs this');
    const outcome = await signAll([1, 2, 3], () => digest);
    expect(verifies([...outcome.values()] as WeightedShare[], digest)).toBe(true);
    await audit();
  });

  it('after a leader lost what it proposed, re-proposing that presignature for another message gets it refused', async () => {
    await network();
    // An earlier round: nodes 2 and 3 bound the oldest presignature to `first`; the leader
    // crashed before its own binding was committed, so it still holds that one fresh.
    const oldest = nodes[0]!.ctx.presigs.oldestFreshHeldBy([1, 2, 3], new Set())!;
    const first = digestOf('first');
    for (const i of [2, 3]) await nodes[i - 1]!.ctx.presigs.bind(oldest, tokenId, first);
    const second = digestOf('second');
    const outcome = await signAll([1, 2, 3], () => second);
    expect(verifies([...outcome.values()] as WeightedShare[], second)).toBe(true);
    // The leader did propose it again (and bound it, to `second`): one binding, no quorum.
    expect(nodes[0]!.ctx.presigs.bindings().find((b) => b.id === oldest)?.digest).toBe(second);
    expect(released.filter((r) => r.id === oldest)).toEqual([]);
    await audit();
  });

  // Each member of the set crashes at each moment of the exchange: before or after it handles
  // the proposal (bound or not, its answer lost), before or after the commit (bindings seen or
  // not). Then it comes back and the same requester signs another message, then the first again.
  const moments = [
    ['propose', 'before'],
    ['propose', 'after'],
    ['commit', 'before'],
    ['commit', 'after'],
  ] as const;
  for (const victim of [1, 2, 3])
    for (const [step, when] of moments)
      it(`node ${victim} crashing ${when} the ${step} never lets a presignature sign two messages`, async () => {
        await network(8);
        const set = [1, 2, 3];
        const first = digestOf('first message');
        let crashed = false;
        intercept = (s, from, to, w) => {
          if (crashed || s !== step || w !== when) return;
          if (to !== victim && !(victim === 1 && from === 1)) return;
          crashed = true;
          void crash(victim);
          throw unreachable(victim);
        };
        try {
          await signAll(set, () => first);
        } finally {
          intercept = () => undefined;
        }
        if (!crashed) await crash(victim); // the leader only sends: it crashes after its round
        await audit();
        restart(victim);
        const second = digestOf('second message');
        const again = await signAll(set, () => second);
        expect(verifies([...again.values()] as WeightedShare[], second)).toBe(true);
        const retry = await signAll(set, () => first, 'cd'.repeat(32));
        expect(verifies([...retry.values()] as WeightedShare[], first)).toBe(true);
        await audit();
      });
});
