import { ethers } from 'ethers';
import { beforeEach, describe, expect, it } from 'vitest';
import type {
  NodeCallErrorCode,
  NodeRouteName,
  NodeRouteRequest,
  NodeRouteResponse,
} from '../../shared/node-protocol.ts';
import type { LastSignature } from './client-types.ts';
import { NotEnoughNodesError, PresignaturesSpoiledError, SigningRefusedError } from './errors.ts';
import { NodeCallError, type NodeEndpoint } from './node-request.ts';
import type { LitNetwork, NodeTransport, PresignatureSource } from './node-transport.ts';
import type { PresignatureChoice } from './presignature-queue.ts';
import { MAX_SPOILED_PRESIGNATURES } from './refusal-or-retry.ts';
import { pkpSign } from './sign.ts';
import { signingNodes } from './signing-nodes.fixture.ts';

// pkpSign's quorum and retry decisions over a transport whose nodes bind once, like real ones,
// and release real shares (signing-nodes.fixture.ts); ethers judges the signatures.
// N = 5: T = 4, so one spare share can show a bad one.

const net = signingNodes(5, 24);
const authSig = { sig: '0x', derivedVia: 'web3.eth.personal.sign', signedMessage: 'm', address: ethers.ZeroAddress };
const address = ethers.computeAddress(net.publicKey);
const digest = () => ethers.hexlify(ethers.randomBytes(32));

/** What a node does instead of answering: an error, or a share that is off by one. */
type Misbehaviour = { fail: [status: number, code: NodeCallErrorCode] } | 'bad share';

class FakeNodes implements NodeTransport {
  readonly calls: string[] = [];
  /** Per node: what it does on bind / release instead of its job. */
  readonly onBind = new Map<number, Misbehaviour>();
  readonly onRelease = new Map<number, Misbehaviour>();
  private readonly bound = new Map<string, string>();

  call<N extends NodeRouteName>(
    node: NodeEndpoint,
    name: N,
    body: NodeRouteRequest<N>,
    _timeoutMs: number,
  ): Promise<NodeRouteResponse<N>> {
    this.calls.push(`${name} ${node.index}`);
    const j = node.index;
    const misbehaviour = (name === 'bind' ? this.onBind : this.onRelease).get(j);
    if (misbehaviour && misbehaviour !== 'bad share')
      return Promise.reject(new NodeCallError(j, misbehaviour.fail[0], misbehaviour.fail[1], misbehaviour.fail[1]));
    if (name === 'bind') {
      const { presignatureId, toSign } = body as NodeRouteRequest<'bind'>;
      // Bind once: the same digest again is a retry, another is refused.
      const key = `${j}/${presignatureId}`;
      if ((this.bound.get(key) ?? toSign) !== toSign)
        return Promise.reject(new NodeCallError(j, 409, 'presignature_used', 'bound to another message'));
      this.bound.set(key, toSign);
      return Promise.resolve({ binding: { node: j, tags: {} } } as NodeRouteResponse<N>);
    }
    if (name === 'release') {
      const { presignatureId, toSign } = body as NodeRouteRequest<'release'>;
      const share = net.release(j, presignatureId, toSign);
      if (misbehaviour === 'bad share') share.share = `0x${(BigInt(share.share) + 1n).toString(16).padStart(64, '0')}`;
      return Promise.resolve(share as NodeRouteResponse<N>);
    }
    return Promise.reject(new Error(`no ${name} here`));
  }
  connect(): Promise<void> {
    return Promise.resolve();
  }
  knownDown(): boolean {
    return false;
  }
  /** Someone else binds presignature `id` at node `j` to another digest. */
  spoil(j: number, id: string): void {
    this.bound.set(`${j}/${id}`, '0xelse');
  }
}

/** Presignatures handed out in order, the best-scoring first, like PresignatureQueue.take. */
class ListedPresignatures implements PresignatureSource {
  readonly taken: string[] = [];
  refreshes = 0;
  private readonly list: PresignatureChoice[];
  constructor(list: PresignatureChoice[]) {
    this.list = list;
  }
  take(
    _waitMs?: number,
    usable: (c: PresignatureChoice) => boolean = () => true,
    score: (c: PresignatureChoice) => number = () => 0,
  ): Promise<PresignatureChoice | undefined> {
    const candidates = this.list.filter(usable);
    const best = candidates.reduce<PresignatureChoice | undefined>(
      (a, c) => (a && score(a) >= score(c) ? a : c),
      undefined,
    );
    if (best) {
      this.list.splice(this.list.indexOf(best), 1);
      this.taken.push(best.id);
    }
    return Promise.resolve(best);
  }
  giveBack(choices: readonly PresignatureChoice[]): void {
    this.list.unshift(...choices);
  }
  refresh(): void {
    this.refreshes++;
  }
}

let nodes: FakeNodes;
let presignatures: ListedPresignatures;
let combined: LastSignature[];
let network: LitNetwork;

function held(ids: number[], holders = net.indices): PresignatureChoice[] {
  return ids.map((k) => ({ id: `ps:${k}`, holders: [...holders] }));
}

function setUp(list: PresignatureChoice[]): void {
  nodes = new FakeNodes();
  presignatures = new ListedPresignatures(list);
  combined = [];
  network = {
    transport: nodes,
    nodes: () => net.indices.map((index) => ({ index, url: `http://127.0.0.1:${7000 + index}` })),
    threshold: net.threshold,
    nodeCount: net.n,
    requestTimeoutMs: 1_000,
    presignatures,
    combined: (last) => combined.push(last),
  };
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
