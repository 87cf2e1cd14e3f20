import { ethers } from 'ethers';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LastSignature } from './client-types.ts';
import { NotEnoughNodesError, PresignaturesSpoiledError, SigningRefusedError } from './errors.ts';
import type { LitNetwork } from './node-transport.ts';
import type { PresignatureChoice } from './presignature-queue.ts';
import { MAX_SPOILED_PRESIGNATURES } from './refusal-or-retry.ts';
import { pkpSign, UNREACHABLE_FOR_MS } from './sign.ts';
import {
  fakeNetwork,
  type FakeNodes,
  type ListedPresignatures,
  signingNodes,
} from '../../../testing/lit-client/signing-nodes.ts';

// pkpSign's quorum and retry decisions over a transport whose nodes bind once, like real ones,
// and release real shares (signing-nodes.fixture.ts); ethers judges the signatures.
// N = 5: T = 4, so one spare share can show a bad one.

const net = signingNodes(5, 24);
const authSig = { sig: '0x', derivedVia: 'web3.eth.personal.sign', signedMessage: 'm', address: ethers.ZeroAddress };
const address = ethers.computeAddress(net.publicKey);
const digest = () => ethers.hexlify(ethers.randomBytes(32));

let nodes: FakeNodes;
let presignatures: ListedPresignatures;
let combined: LastSignature[];
let network: LitNetwork;

function held(ids: number[], holders = net.indices): PresignatureChoice[] {
  return ids.map((k) => ({ id: `ps:${k}`, holders: [...holders] }));
}

function setUp(list: PresignatureChoice[]): void {
  ({ nodes, presignatures, combined, network } = fakeNetwork(net, list));
}

const sign = (toSign = digest()) => pkpSign(network, { publicKey: net.publicKey, toSign, authSig });

describe('pkpSign over the nodes', () => {
  beforeEach(() => setUp(held([0, 1, 2, 3])));

  it('binds at every holder, releases at the first T only, and returns a signature ethers recovers to the PKP', async () => {
    const toSign = digest();
    const sig = await sign(toSign);
    expect(ethers.recoverAddress(toSign, sig.signature)).toBe(address);
    expect(sig.nodes).toEqual([1, 2, 3, 4]);
    expect(nodes.calls.filter((c) => c.startsWith('release'))).toEqual([
      'release 1',
      'release 2',
      'release 3',
      'release 4',
    ]);
    expect(nodes.calls.filter((c) => c.startsWith('bind'))).toHaveLength(5);
    expect(presignatures.taken).toEqual(['ps:0']);
    expect(combined).toMatchObject([{ kind: 'pkpSign', nodes: [1, 2, 3, 4], publicKey: net.publicKey }]);
  });

  it('with a bad share among the first T, asks the spare binder and leaves the bad node out', async () => {
    nodes.onRelease.set(2, 'bad share');
    const toSign = digest();
    const sig = await sign(toSign);
    expect(ethers.recoverAddress(toSign, sig.signature)).toBe(address);
    expect(sig.nodes).toEqual([1, 3, 4, 5]);
    expect(presignatures.taken).toEqual(['ps:0']);
  });

  it('a presignature someone else bound at two holders costs a retry with the next, not the request', async () => {
    nodes.spoil(1, 'ps:0');
    nodes.spoil(4, 'ps:0');
    const toSign = digest();
    const sig = await sign(toSign);
    expect(ethers.recoverAddress(toSign, sig.signature)).toBe(address);
    expect(presignatures.taken).toEqual(['ps:0', 'ps:1']);
    expect(presignatures.refreshes).toBe(1);
  });

  it('a refusal of the request itself ends it at once, with no second presignature spent', async () => {
    for (const j of net.indices) nodes.onBind.set(j, { fail: [403, 'not_permitted'] });
    await expect(sign()).rejects.toThrow(SigningRefusedError);
    expect(presignatures.taken).toEqual(['ps:0']);
    expect(nodes.calls.some((c) => c.startsWith('release'))).toBe(false);
  });

  it('refuses a malformed request before any node is asked', async () => {
    await expect(pkpSign(network, { publicKey: net.publicKey, toSign: '0x1234', authSig })).rejects.toThrow(
      SigningRefusedError,
    );
    await expect(pkpSign(network, { publicKey: net.publicKey, toSign: digest() })).rejects.toThrow(
      /auth sig or an auth method/,
    );
    expect(nodes.calls).toEqual([]);
  });
});

describe('pkpSign when nodes go down', () => {
  it('with T nodes still up, tries a presignature whose holders are up, leaving the unreachable node out', async () => {
    // ps:0 is held by nodes 2-5 only; node 5 is down, so it cannot gather T = 4 bindings.
    setUp([...held([0], [2, 3, 4, 5]), ...held([1], [1, 2, 3, 4]), ...held([2], [2, 3, 4, 5])]);
    nodes.onBind.set(5, { fail: [0, 'unreachable'] });
    const toSign = digest();
    const sig = await sign(toSign);
    expect(ethers.recoverAddress(toSign, sig.signature)).toBe(address);
    expect(sig.nodes).toEqual([1, 2, 3, 4]);
    expect(presignatures.taken).toEqual(['ps:0', 'ps:1']);
  });

  it('counts a node it found down again a moment later: under churn, nodes restarting in turn do not use up the request', async () => {
    // Every presignature needs node 5, which is down for the first bind only (a restart).
    setUp(held([0, 1, 2], [2, 3, 4, 5]));
    presignatures.waits = true;
    nodes.onBind.set(5, { fail: [0, 'unreachable'], times: 1 });
    const toSign = digest();
    const started = performance.now();
    const sig = await sign(toSign);
    expect(ethers.recoverAddress(toSign, sig.signature)).toBe(address);
    expect(presignatures.taken).toEqual(['ps:0', 'ps:1']);
    // Left out for UNREACHABLE_FOR_MS, not for the whole request.
    expect(performance.now() - started).toBeGreaterThanOrEqual(UNREACHABLE_FOR_MS - 50);
  });

  it('holders whose connection failed during the bind cost another presignature, not the request', async () => {
    setUp(held([0, 1, 2]));
    presignatures.waits = true;
    // Nodes 1 and 3 drop their connections once (restarting): only 3 of 5 bind ps:0.
    nodes.onBind.set(1, { fail: [0, 'unreachable'], times: 1 });
    nodes.onBind.set(3, { fail: [0, 'unreachable'], times: 1 });
    const toSign = digest();
    const sig = await sign(toSign);
    expect(ethers.recoverAddress(toSign, sig.signature)).toBe(address);
    expect(presignatures.taken).toEqual(['ps:0', 'ps:1']);
  });

  it('with fewer than T reachable, fails as not enough nodes (not as a refusal)', async () => {
    setUp(held([0, 1, 2]));
    nodes.onBind.set(1, { fail: [0, 'unreachable'] });
    nodes.onBind.set(3, { fail: [0, 'timeout'] });
    await expect(sign()).rejects.toThrow(/3 of 5 nodes took part \(3 reachable\), signing needs 4/);
    const err = await sign().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotEnoughNodesError);
    expect(err).not.toBeInstanceOf(SigningRefusedError);
  });

  it('with no presignature T reachable nodes hold, fails at once as not enough nodes', async () => {
    setUp(held([0, 1], [1, 2, 3]));
    await expect(sign()).rejects.toThrow(/no presignature is held by 4 reachable nodes/);
    expect(nodes.calls).toEqual([]);
  });

  it('gives up as "spoiled" after MAX_SPOILED_PRESIGNATURES + 1 presignatures all bound elsewhere', async () => {
    const ids = Array.from({ length: 24 }, (_, k) => k);
    setUp(held(ids));
    for (const k of ids) for (const j of [1, 2]) nodes.spoil(j, `ps:${k}`);
    await expect(sign()).rejects.toThrow(PresignaturesSpoiledError);
    expect(presignatures.taken).toHaveLength(MAX_SPOILED_PRESIGNATURES + 1);
  });
});
