// Test support only (imported by *.test.ts): N nodes' ECDSA key shares and presignatures made
// in-process with the real protocols (app/shared/threshold/simulation.ts), so the client's
// combine, bad-share and retry rules run on real shares without starting a network.
import type {
  NodeCallErrorCode,
  NodeRouteName,
  NodeRouteRequest,
  NodeRouteResponse,
} from '../../app/shared/node-protocol.ts';
import { degreeFor, thresholdFor } from '../../app/shared/network.ts';
import type { ReleaseResponse } from '../../app/shared/node-api.ts';
import { signShare } from '../../app/shared/threshold/ecdsa.ts';
import { secp256k1Group, secp256k1UncompressedBytes } from '../../app/shared/threshold/groups.ts';
import { simulateDkg, simulatePresign } from '../../app/shared/threshold/simulation.ts';
import { NodeCallError, type NodeEndpoint } from '../../app/host/lit-client/node-request.ts';
import type { LitNetwork, NodeTransport, PresignatureSource } from '../../app/host/lit-client/node-transport.ts';
import type { LastSignature } from '../../app/host/lit-client/client-types.ts';
import type { PresignatureChoice } from '../../app/host/lit-client/presignature-queue.ts';

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString('hex')}`;

export type SigningNodes = ReturnType<typeof signingNodes>;

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

/** What a node does instead of answering: an error (the next `times` calls, or every one), or a share that is off by one. */
export type Misbehaviour = { fail: [status: number, code: NodeCallErrorCode]; times?: number } | 'bad share';

/** Nodes that bind once, like real ones, and release real shares; what they were asked is in `calls`. */
export class FakeNodes implements NodeTransport {
  readonly calls: string[] = [];
  /** Per node: what it does on bind / rebind / release instead of its job. */
  readonly onBind = new Map<number, Misbehaviour>();
  readonly onRebind = new Map<number, Misbehaviour>();
  readonly onRelease = new Map<number, Misbehaviour>();
  /** Per node: how it answers a Lit Action run (none: it cannot run actions). */
  readonly onExecute = new Map<
    number,
    (
      body: NodeRouteRequest<'execute'>,
    ) => NodeRouteResponse<'execute'> | NodeCallError | Promise<NodeRouteResponse<'execute'>>
  >();
  /** Per node: the presignatures the client told it to retire. */
  readonly retired = new Map<number, string[]>();
  private readonly bound = new Map<string, string>();
  private readonly net: SigningNodes;

  constructor(net: SigningNodes) {
    this.net = net;
  }

  call<N extends NodeRouteName>(
    node: NodeEndpoint,
    name: N,
    body: NodeRouteRequest<N>,
    _timeoutMs: number,
  ): Promise<NodeRouteResponse<N>> {
    this.calls.push(`${name} ${node.index}`);
    const j = node.index;
    const misbehaviours = { bind: this.onBind, rebind: this.onRebind, release: this.onRelease } as const;
    const misbehaviour = misbehaviours[name as keyof typeof misbehaviours]?.get(j);
    if (misbehaviour && misbehaviour !== 'bad share') {
      if (misbehaviour.times !== undefined && --misbehaviour.times <= 0)
        misbehaviours[name as keyof typeof misbehaviours].delete(j);
      return Promise.reject(new NodeCallError(j, misbehaviour.fail[0], misbehaviour.fail[1], misbehaviour.fail[1]));
    }
    if (name === 'bind' || name === 'rebind') {
      const { presignatureId, toSign } = body as NodeRouteRequest<'bind' | 'rebind'>;
      // Bind once: the same digest again is a retry, another is refused.
      const key = `${j}/${presignatureId}`;
      if ((this.bound.get(key) ?? toSign) !== toSign)
        return Promise.reject(new NodeCallError(j, 409, 'presignature_used', 'bound to another message'));
      this.bound.set(key, toSign);
      return Promise.resolve({ binding: { node: j, tags: {} } } as NodeRouteResponse<N>);
    }
    if (name === 'release') {
      const { presignatureId, toSign } = body as NodeRouteRequest<'release'>;
      const share = this.net.release(j, presignatureId, toSign);
      if (misbehaviour === 'bad share') share.share = `0x${(BigInt(share.share) + 1n).toString(16).padStart(64, '0')}`;
      return Promise.resolve(share as NodeRouteResponse<N>);
    }
    if (name === 'presignRetire') {
      const { presignatureIds } = body as NodeRouteRequest<'presignRetire'>;
      this.retired.set(j, [...(this.retired.get(j) ?? []), ...presignatureIds]);
      return Promise.resolve({ node: j, retired: presignatureIds.length } as NodeRouteResponse<N>);
    }
    const run = name === 'execute' ? this.onExecute.get(j) : undefined;
    if (!run) return Promise.reject(new Error(`no ${name} here`));
    const answer = run(body as NodeRouteRequest<'execute'>);
    return answer instanceof NodeCallError
      ? Promise.reject(answer)
      : (Promise.resolve(answer) as Promise<NodeRouteResponse<N>>);
  }
  connect(): Promise<void> {
    return Promise.resolve();
  }
  /** Nodes whose channel is known down (see NodeTransport.knownDown). */
  readonly down = new Set<number>();
  knownDown(node: NodeEndpoint): boolean {
    return this.down.has(node.index);
  }
  /** Per node: calls it has not answered yet, as a test sets them (a slow node has more). */
  readonly unanswered = new Map<number, number>();
  inFlight(node: NodeEndpoint): number {
    return this.unanswered.get(node.index) ?? 0;
  }
  /** Someone else binds presignature `id` at node `j` to another digest. */
  spoil(j: number, id: string): void {
    this.bound.set(`${j}/${id}`, '0xelse');
  }
}

/** Presignatures handed out in order, the best-scoring first, like PresignatureQueue.take. */
export class ListedPresignatures implements PresignatureSource {
  readonly taken: string[] = [];
  refreshes = 0;
  /** Whether take waits (up to waitMs, 2 s without) for one to become usable, looking every 50 ms, as the queue does. */
  waits = false;
  private readonly list: PresignatureChoice[];
  constructor(list: PresignatureChoice[]) {
    this.list = list;
  }
  async take(
    waitMs?: number,
    usable: (c: PresignatureChoice) => boolean = () => true,
    score: (c: PresignatureChoice) => number = () => 0,
  ): Promise<PresignatureChoice | undefined> {
    const deadline = performance.now() + (this.waits ? (waitMs ?? 2_000) : 0);
    for (;;) {
      const choice = this.takeNow(usable, score);
      if (choice || performance.now() >= deadline) return choice;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  private takeNow(
    usable: (c: PresignatureChoice) => boolean,
    score: (c: PresignatureChoice) => number,
  ): PresignatureChoice | undefined {
    const candidates = this.list.filter(usable);
    const best = candidates.reduce<PresignatureChoice | undefined>(
      (a, c) => (a && score(a) >= score(c) ? a : c),
      undefined,
    );
    if (best) {
      this.list.splice(this.list.indexOf(best), 1);
      this.taken.push(best.id);
    }
    return best;
  }
  giveBack(choices: readonly PresignatureChoice[]): void {
    this.list.unshift(...choices);
  }
  refresh(): void {
    this.refreshes++;
  }
}

/** A LitNetwork over FakeNodes and ListedPresignatures, telling `combined` of each signature. */
export function fakeNetwork(net: SigningNodes, held: PresignatureChoice[]) {
  const nodes = new FakeNodes(net);
  const presignatures = new ListedPresignatures(held);
  const combined: LastSignature[] = [];
  const network: LitNetwork = {
    transport: nodes,
    nodes: () => net.indices.map((index) => ({ index, url: `http://127.0.0.1:${7000 + index}` })),
    threshold: net.threshold,
    nodeCount: net.n,
    requestTimeoutMs: 1_000,
    presignatures,
    combined: (last) => combined.push(last),
  };
  return { nodes, presignatures, combined, network };
}
