import { combineSignature, type EcdsaSignature } from '../../shared/threshold/ecdsa.ts';
import { degreeFor } from '../../shared/network.ts';
import { secp256k1Group } from '../../shared/threshold/groups.ts';
import { findBadShares } from '../../shared/threshold/shamir.ts';
import { randomBytes } from 'node:crypto';
import {
  ATTESTATION_PREFIX,
  type AuthMethodProof,
  type AuthSig,
  type Binding,
  type ExecuteJsNodeResponse,
  type DecryptShareResponse,
  type ReleaseResponse,
} from '../../shared/node-api.ts';
import { blsShareFromLitJson, combineBlsShares, hashToG2, verifyBlsSignature } from '../../shared/threshold/bls.ts';
import { NodeChannel } from './node-channel.ts';
import { NodeCallError, type NodeEndpoint } from './node-request.ts';
import { PresignatureQueue, type PresignatureChoice } from './presignature-queue.ts';
import { settleUntil, settleWithQuorum } from './quorum.ts';
import {
  NotEnoughNodesForDecryptionError,
  thresholdDecrypt,
  type DecryptRequest,
  type DecryptResult,
} from './threshold-decryption.ts';

/** Lit allows at most this many signatures per action run. */
const MAX_ACTION_SIGNATURES = 10;
/**
 * Presignatures offered to a run before knowing how many it signs: most actions sign once or
 * not at all, and each one offered is out of the pool while the run lasts. A run that needs
 * more is run again with as many as it asked for.
 */
const OFFERED_PRESIGNATURES = 2;
/**
 * Errors of runs whose action reached outside the nodes (fetch, runOnce, broadcastAndCollect,
 * decryptAndCombine): executeJs never runs those again by itself, as their effects would repeat.
 */
const runsWithEffects = new WeakSet<Error>();
/** A node's action timeout is 30 s; allow for the exchanges around it. */
const ACTION_TIMEOUT_MS = 40_000;
/** Runs of one executeJs when nodes drop out mid-run. */
const EXECUTE_ATTEMPTS = 3;

export interface ExecuteJsInput {
  code: string;
  ipfsId?: string;
  jsParams?: Record<string, unknown>;
  authSig?: AuthSig;
  authMethods?: AuthMethodProof[];
}

export interface ExecuteJsResult {
  signatures: Record<string, PkpSignResult>;
  response: string | undefined;
  logs: string;
  ipfsId: string;
  /** What each node answered (no shares): for seeing the network at work. */
  nodes: {
    node: number;
    response?: string;
    logs: string;
    error?: { kind: string; message: string };
    signatures: string[];
  }[];
}

/** The action failed on most nodes (syntax, thrown error, timeout, memory, a limit). */
export class ActionFailedError extends Error {
  readonly kind: string;
  readonly logs: string;
  readonly nodes: ExecuteJsResult['nodes'];
  constructor(kind: string, message: string, logs: string, nodes: ExecuteJsResult['nodes']) {
    super(message);
    this.kind = kind;
    this.logs = logs;
    this.nodes = nodes;
  }
}

/** Fewer than T nodes could take part. */
export class NotEnoughNodesError extends Error {
  /** Found before anything ran (too few nodes reachable): trying again at once would not help. */
  readonly beforeRun: boolean;
  constructor(message: string, options: { beforeRun?: boolean } = {}) {
    super(message);
    this.beforeRun = options.beforeRun ?? false;
  }
}
/**
 * The presignatures tried had been bound to other messages (someone else is using the pool up):
 * the network is up, but cannot sign this moment. Reported as unavailable, like too few nodes.
 */
export class PresignaturesSpoiledError extends NotEnoughNodesError {}
/** The nodes refused the request itself (permission, unknown PKP, bad input). */
export class SigningRefusedError extends Error {}

export interface PkpSignRequest {
  /** 65-byte uncompressed public key, 0x04… */
  publicKey: string;
  /** 32-byte digest, 0x… */
  toSign: string;
  /** Who asks: an auth sig (the wallet account), auth methods (Google-style, passkey), or both. */
  authSig?: AuthSig;
  authMethods?: AuthMethodProof[];
}

export interface PkpSignResult extends EcdsaSignature {
  /** The nodes whose shares made the signature. */
  nodes: number[];
}

/** The last signature this client combined: which nodes' shares made it, and when. */
export interface LastSignature {
  kind: 'pkpSign' | 'executeJs' | 'decrypt';
  nodes: number[];
  at: number;
  publicKey: string | null;
}

export interface LitClientOptions {
  nodes: () => readonly NodeEndpoint[];
  nodeCount: number;
  threshold: number;
  /** Per node request. */
  requestTimeoutMs?: number;
}

/** Once T nodes gave decryption shares, how long to wait for spares (a bad share costs a retry otherwise). */
const DECRYPTION_GRACE_MS = 30;
/** Once T nodes bound, how long to wait for the others (spares for a bad share). */
const QUORUM_GRACE_MS = 5;

/** The value most of `values` have (compared as JSON). */
function mostCommon<T>(values: readonly T[]): T {
  return tally(values)[0]!.value;
}

/** The most common value, and whether at least `quorum` of `values` have it. */
function agreedBy<T>(values: readonly T[], quorum: number): { value: T | undefined; agreed: boolean } {
  const top = tally(values)[0];
  return { value: top?.value, agreed: (top?.count ?? 0) >= quorum };
}

function tally<T>(values: readonly T[]): { value: T; count: number }[] {
  const counts = new Map<string, { value: T; count: number }>();
  for (const value of values) {
    const key = JSON.stringify(value) ?? 'undefined';
    const entry = counts.get(key) ?? { value, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count);
}

/** A node's answers that mean the presignature is spent there (another binding, or none). */
const SPENT = new Set(['presignature_used', 'unknown_presignature', 'released']);
/** pkpSign attempts when nodes go down mid-request. */
const SIGN_ATTEMPTS = 4;
/** Presignatures found already spent that one pkpSign may skip before giving up. */
const MAX_SPOILED_PRESIGNATURES = 16;

/** Errors that mean "this request will not be signed", whichever presignature we try. */
const REFUSALS = new Set([
  'not_permitted',
  'unknown_pkp',
  'bad_request',
  'bad_auth_sig',
  'expired_auth_sig',
  'bad_auth_method',
  'unsupported_auth_method',
]);

/**
 * The client side of threshold signing: one presignature, bind at every node holding it, then
 * release at the nodes that bound; combine the first T shares, verify against the public
 * key, and only then return. More shares than T are used to find a bad one.
 */
export class LitClient {
  private readonly options: LitClientOptions;
  private readonly presignatures: PresignatureQueue;
  private readonly channels = new Map<string, NodeChannel>();
  /** Retries after nodes dropped out mid-request, bounded so that they cannot pile up. */
  /** For the network page: the nodes that contributed to the latest signature or decryption. */
  lastSignature: LastSignature | null = null;

  constructor(options: LitClientOptions) {
    this.options = options;
    this.presignatures = new PresignatureQueue(options.nodes, options.threshold);
  }

  private channel(node: NodeEndpoint): NodeChannel {
    const key = `${node.index}@${node.url}`;
    let channel = this.channels.get(key);
    if (!channel) {
      // A node that comes back may have lost nothing (its presignatures are durable) but the
      // others signed meanwhile: what it holds fresh is worth asking again.
      channel = new NodeChannel(node, () => this.presignatures.refresh());
      this.channels.set(key, channel);
    }
    return channel;
  }

  /**
   * The nodes whose channels are known to be down (see NodeChannel.knownDown), looked up at most
   * every 100 ms: a pick scores dozens of queued presignatures by their holders.
   */
  private downNodes(): () => ReadonlySet<number> {
    let down = new Set<number>();
    let at = -Infinity;
    return () => {
      if (performance.now() - at > 100) {
        down = new Set(this.options.nodes().flatMap((n) => (this.channel(n).knownDown ? [n.index] : [])));
        at = performance.now();
      }
      return down;
    };
  }

  /**
   * Opens the channel to every node and learns the presignatures they hold, so that the first
   * signature after start-up does not pay for either (call it once the network is up).
   */
  async warmUp(): Promise<void> {
    await this.reachableNodes();
    await this.presignatures.prefetch();
  }

  /** The nodes as this client reaches them (with the host client key each knows it by). */
  nodeEndpoints(): readonly NodeEndpoint[] {
    return this.options.nodes();
  }

  /** The presignatures this client would offer now, with their holders (for tests and audits). */
  freshPresignatures(): Promise<readonly PresignatureChoice[]> {
    return this.presignatures.peek();
  }

  close(): void {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }

  /**
   * A threshold BLS signature with the network key over ATTESTATION_PREFIX + message: T
   * nodes' shares, Lagrange-combined in G2 and verified against the network key.
   */
  async attest(message: string, networkPublicKey: string): Promise<{ signature: string; nodes: number[] }> {
    const { threshold, nodeCount } = this.options;
    const timeout = this.options.requestTimeoutMs ?? 5_000;
    const settled = await settleWithQuorum(
      this.options
        .nodes()
        .map((node) =>
          this.channel(node).request<{ node: number; share: string }>('/bls/attest', { message }, timeout),
        ),
      threshold,
      QUORUM_GRACE_MS,
    );
    const shares = settled.flatMap((r) => {
      if (r.status !== 'fulfilled') return [];
      try {
        return [blsShareFromLitJson(r.value.share)];
      } catch {
        return []; // a malformed share counts as no share
      }
    });
    if (shares.length < threshold)
      throw new NotEnoughNodesError(
        `not enough nodes: ${shares.length} of ${nodeCount} gave a share, ${threshold} are needed`,
      );
    const signed = new TextEncoder().encode(ATTESTATION_PREFIX + message);
    const key = Buffer.from(networkPublicKey.replace(/^0x/, ''), 'hex');
    const hashed = hashToG2(signed);
    // Try the first T shares, then sets with one share swapped out, until one verifies.
    const candidates = [
      shares.slice(0, threshold),
      ...shares
        .slice(threshold)
        .flatMap((spare) =>
          shares
            .slice(0, threshold)
            .map((_, drop) => [...shares.slice(0, threshold).filter((__, i) => i !== drop), spare]),
        ),
    ];
    for (const set of candidates) {
      const signature = combineBlsShares(set, threshold);
      if (verifyBlsSignature(signed, signature, key, hashed))
        return {
          signature: `0x${Buffer.from(signature.toBytes(true)).toString('hex')}`,
          nodes: set.map((s) => s.index).sort((a, b) => a - b),
        };
    }
    throw new NotEnoughNodesError('the network key shares did not combine into a valid signature');
  }

  async pkpSign(request: PkpSignRequest): Promise<PkpSignResult> {
    if (!/^0x[0-9a-fA-F]{64}$/.test(request.toSign))
      throw new SigningRefusedError('toSign must be a 32-byte digest (0x followed by 64 hex digits)');
    if (!request.authSig && !request.authMethods?.length)
      throw new SigningRefusedError('signing needs an auth sig or an auth method that the PKP permits');
    if (!/^(0x)?04[0-9a-fA-F]{128}$/.test(request.publicKey))
      throw new SigningRefusedError('publicKey must be a 65-byte uncompressed secp256k1 key (0x04…)');
    const publicKey = `0x${request.publicKey.replace(/^0x/, '').toLowerCase()}`;
    const problems: string[] = [];
    let spoiled = 0;
    // A presignature someone else bound meanwhile costs a retry, not the request: it is dropped
    // and the view refreshed. Such retries are cheap (one bind round that failed at once), so
    // they get a budget of their own beside the attempts that nodes going down may cost.
    const unreachable = new Set<number>();
    for (let attempt = 0; attempt < SIGN_ATTEMPTS + spoiled && spoiled <= MAX_SPOILED_PRESIGNATURES; attempt++) {
      // A presignature T of whose holders are up: none this request just found unreachable, none
      // whose channel is known down (the queue's view of who holds what refreshes in the
      // background and may still name them); of the next few, the one most such holders hold,
      // so that one more node dropping out still leaves T.
      const down = this.downNodes();
      const up = (c: PresignatureChoice) => c.holders.filter((h) => !unreachable.has(h) && !down().has(h)).length;
      const choice = await this.presignatures.take(undefined, (c) => up(c) >= this.options.threshold, up);
      if (!choice) {
        throw new NotEnoughNodesError(
          `not enough nodes: no presignature is held by ${this.options.threshold} reachable nodes; signing needs ${this.options.threshold} of ${this.options.nodeCount} nodes up (and a moment to make presignatures)`,
        );
      }
      const outcome = await this.tryOnce(choice.id, choice.holders, { ...request, publicKey });
      if ('signature' in outcome) {
        this.lastSignature = { kind: 'pkpSign', nodes: outcome.signature.nodes, at: Date.now(), publicKey };
        return outcome.signature;
      }
      for (const node of outcome.unreachable ?? []) unreachable.add(node);
      problems.push(outcome.retry);
      if (outcome.spoiled === true) spoiled++;
    }
    if (spoiled > MAX_SPOILED_PRESIGNATURES)
      throw new PresignaturesSpoiledError(
        `signing failed: ${spoiled} of the presignatures it tried had already been bound to other messages at some of their nodes (another requester is using up this network's presignatures; the nodes refill the pool, try again shortly): ${problems.at(-1)}`,
      );
    throw new NotEnoughNodesError(
      `not enough nodes: signing failed after ${problems.length} attempts: ${problems.join('; ')}`,
    );
  }

  private async tryOnce(
    presignatureId: string,
    holders: number[],
    request: PkpSignRequest,
  ): Promise<{ signature: PkpSignResult } | { retry: string; spoiled?: boolean; unreachable?: number[] }> {
    const { threshold, nodeCount } = this.options;
    const timeout = this.options.requestTimeoutMs ?? 5_000;
    const nodes = this.options.nodes().filter((n) => holders.includes(n.index));

    const bound = await settleWithQuorum(
      nodes.map((node) =>
        this.channel(node)
          .request<{ binding: Binding }>('/pkp/sign/bind', { presignatureId, ...request }, timeout)
          .then((r) => ({ node, binding: r.binding })),
      ),
      threshold,
      QUORUM_GRACE_MS,
    );
    const bindings = bound.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const errors = bound.flatMap((r) => (r.status === 'rejected' ? [r.reason as NodeCallError] : []));
    if (bindings.length < threshold) {
      // 401/403: the request itself was refused (auth or permission): no other presignature helps.
      const refusal = errors.find((e) => REFUSALS.has(e.code) || e.status === 401 || e.status === 403);
      if (refusal) throw new SigningRefusedError(`node ${refusal.node} refused: ${refusal.message}`);
      // A holder no longer had it fresh: bound to another message (by anyone with a PKP), or
      // not there. This one is spent; the others the client believes in may be too.
      const gone = errors.filter((e) => SPENT.has(e.code));
      if (gone.length > 0) {
        this.presignatures.refresh();
        return {
          spoiled: true,
          retry: `presignature ${presignatureId} was no longer fresh at node${gone.length > 1 ? 's' : ''} ${gone.map((e) => `${e.node} (${e.message})`).join(', ')}`,
        };
      }
      this.presignatures.refresh();
      const reachable = nodeCount - errors.filter((e) => e.status === 0).length;
      // Holders of this presignature went down since the queue last looked; with T nodes
      // still reachable, another presignature (held by nodes that are up) will do.
      if (reachable >= threshold)
        return {
          retry: `only ${bindings.length} of its holders bound the presignature`,
          // Down, or restarted and not back in the network yet (503).
          unreachable: errors.filter((e) => e.status === 0 || e.status === 503).map((e) => e.node),
        };
      throw new NotEnoughNodesError(
        `not enough nodes: ${bindings.length} of ${nodeCount} nodes took part (${reachable} reachable), signing needs ${threshold}`,
      );
    }

    return this.releaseAndCombine(presignatureId, request.publicKey, request.toSign, bindings);
  }

  /**
   * Asks the first T binders for their shares (each costs a node a curve multiplication);
   * only if those do not combine into a verified signature, asks the other binders too: with
   * more than T shares a bad one shows and is left out. With `patienceMs`, binders that could
   * not be reached are asked again until then: their bindings are durable, so a node that
   * restarts meanwhile still gives its share (for executeJs, whose signatures cannot simply be
   * tried again with another presignature).
   */
  private async releaseAndCombine(
    presignatureId: string,
    publicKey: string,
    toSign: string,
    bindings: readonly { node: NodeEndpoint; binding: Binding }[],
    patienceMs = 0,
  ): Promise<{ signature: PkpSignResult } | { retry: string }> {
    const { threshold, nodeCount } = this.options;
    const timeout = this.options.requestTimeoutMs ?? 5_000;
    const release = { presignatureId, publicKey, toSign, bindings: bindings.map((b) => b.binding) };
    const degree = 2 * degreeFor(nodeCount);
    const combine = (all: ReleaseResponse[]): PkpSignResult => {
      // R' as most nodes computed it: one node sending a wrong R' must not spoil the rest.
      const bigR = mostCommon(all.map((s) => s.bigR));
      const list = all.filter((s) => s.bigR === bigR);
      return {
        ...combineSignature({
          shares: list.map((s) => ({ index: s.node, value: BigInt(s.share) })),
          bigR: Buffer.from(bigR.slice(2), 'hex'),
          publicKey: Buffer.from(publicKey.replace(/^0x/, ''), 'hex'),
          digest: Buffer.from(toSign.slice(2), 'hex'),
          degree,
        }),
        nodes: list.map((s) => s.node).sort((a, b) => a - b),
      };
    };
    const unreachable = new Set<(typeof bindings)[number]>();
    const ask = (list: typeof bindings) =>
      Promise.allSettled(
        list.map((b) => this.channel(b.node).request<ReleaseResponse>('/pkp/sign/release', release, timeout)),
      ).then((results) =>
        results.flatMap((r, i) => {
          // Unreachable, or restarted and not yet back in the network (503): worth asking again.
          const status = r.status === 'rejected' ? (r.reason as NodeCallError).status : 200;
          if (status === 0 || status === 503) unreachable.add(list[i]!);
          else unreachable.delete(list[i]!);
          return r.status === 'fulfilled' && r.value.node === list[i]!.node.index ? [r.value] : [];
        }),
      );
    const shares = await ask(bindings.slice(0, threshold));
    try {
      if (shares.length >= threshold) return { signature: combine(shares) };
    } catch {
      // fall through to the other binders
    }
    shares.push(...(await ask(bindings.slice(threshold))));
    const deadline = Date.now() + patienceMs;
    while (shares.length < threshold && unreachable.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      shares.push(...(await ask([...unreachable])));
    }
    if (shares.length < threshold)
      return { retry: `only ${shares.length} usable shares from ${bindings.length} bound nodes` };
    try {
      return { signature: combine(withoutBadShares(shares, threshold, degree)) };
    } catch (err) {
      return { retry: (err as Error).message };
    }
  }

  /**
   * Runs a Lit Action on every reachable node. Each node runs it in its own sandbox and binds
   * an offered presignature for each signature the action asked for and may make; the client
   * takes the response and logs most nodes agree on, and for each named signature combines T
   * shares of nodes that bound the same digest and key.
   */
  async executeJs(request: ExecuteJsInput): Promise<ExecuteJsResult> {
    // Nodes that drop out mid-run (a restart, a crash) can leave a run short of T answers or
    // T shares. The run is then tried anew, like a person pressing Run again, as long as T
    // nodes are reachable (with fewer, the first check fails at once) and the action did
    // nothing outside the nodes: a run that fetched or used runOnce fails instead.
    let offer = OFFERED_PRESIGNATURES;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.executeJsOnce(request, offer);
      } catch (err) {
        // Run again only an action that did nothing outside the nodes (see runsWithEffects).
        if (runsWithEffects.has(err as Error) || attempt >= EXECUTE_ATTEMPTS) throw err;
        const wanted = err instanceof ActionFailedError && err.kind === 'limit' ? presignaturesWanted(err.message) : 0;
        if (wanted > offer && wanted <= MAX_ACTION_SIGNATURES) {
          offer = wanted;
          continue;
        }
        if (!(err instanceof NotEnoughNodesError) || err.beforeRun) throw err;
      }
    }
  }

  private async executeJsOnce(request: ExecuteJsInput, offer: number): Promise<ExecuteJsResult> {
    const { threshold, nodeCount } = this.options;
    const problems: string[] = [];
    const reachable = await this.reachableNodes(problems);
    if (reachable.length < threshold)
      throw new NotEnoughNodesError(
        `not enough nodes: ${reachable.length} of ${nodeCount} reachable, a Lit Action with signatures needs ${threshold} (${problems.join('; ')})`,
        { beforeRun: true },
      );
    const offered: PresignatureChoice[] = [];
    // Only presignatures that T of the reachable nodes hold can gather T bindings.
    const up = new Set(reachable.map((n) => n.index));
    const liveHolders = (c: PresignatureChoice) => c.holders.filter((h) => up.has(h)).length;
    for (let i = 0; i < offer; i++) {
      // The one most reachable nodes hold: a node dropping out mid-run then still leaves T.
      const choice = await this.presignatures.take(
        i === 0 ? 15_000 : 0,
        (c) => liveHolders(c) >= threshold,
        liveHolders,
      );
      if (!choice) break;
      offered.push(choice);
    }
    const body = {
      requestId: randomBytes(12).toString('base64url'),
      code: request.code,
      ipfsId: request.ipfsId,
      jsParams: request.jsParams,
      authSig: request.authSig,
      authMethods: request.authMethods,
      participants: reachable.map((n) => n.index),
      presignatureIds: offered.map((o) => o.id),
    };
    // Once T nodes gave the same successful outcome (response and what each signature binds),
    // the others get as long again as that took (at least 250 ms, at most 2 s), not the whole
    // action timeout: a node a little behind still shows in the result, one far behind does not
    // hold every run up. A failed run, or one without T alike, waits for every answer.
    const settled = await settleUntil(
      reachable.map((node) =>
        this.channel(node)
          .request<ExecuteJsNodeResponse>('/web/execute', body, ACTION_TIMEOUT_MS)
          .then((answer) => ({ node, answer })),
      ),
      (answers) =>
        agreedBy(
          answers.filter((a) => !a.answer.error).map((a) => runOutcome(a.answer)),
          threshold,
        ).agreed,
      (elapsed) => Math.min(2_000, Math.max(250, elapsed)),
    );
    const answers = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as NodeCallError] : []));
    // A run whose action reached outside the nodes (fetch, runOnce, …) is never run again by
    // the client: its effects would happen twice.
    const effectful = answers.some((a) => (a.answer.effects?.length ?? 0) > 0);
    try {
      const used = new Set(answers.flatMap((a) => Object.values(a.answer.signatures).map((s) => s.presignatureId)));
      // Unused ones go back even when a node did not answer: should it have bound one, it refuses
      // that presignature later (each node binds it once) and the others still make T.
      this.presignatures.giveBack(offered.filter((o) => !used.has(o.id)));
      if (answers.length === 0) {
        const first = failures[0];
        throw first && first.status >= 400 && first.status < 500
          ? new SigningRefusedError(`node ${first.node} refused: ${first.message}`)
          : new NotEnoughNodesError(`no node answered the Lit Action (${failures.map((f) => f.message).join('; ')})`);
      }

      if (answers.length < threshold)
        throw new NotEnoughNodesError(
          `not enough nodes: ${answers.length} of ${nodeCount} answered the Lit Action, ${threshold} are needed (${failures.map((f) => `node ${f.node} ${f.message}`).join('; ')})`,
        );
      const perNode = answers.map(({ answer }) => ({
        node: answer.node,
        response: answer.response,
        logs: answer.logs,
        error: answer.error,
        signatures: Object.keys(answer.signatures),
      }));
      // What the network says is what at least T nodes say; a plurality is not enough.
      const error = agreedBy(
        answers.map((a) => a.answer.error),
        threshold,
      );
      const logs = mostCommon(answers.map((a) => a.answer.logs));
      // The action signs more than we could offer because too few presignatures were at hand
      // (T nodes up but the pool not yet refilled): that is the network's state, not the action's.
      if (error.agreed && error.value?.kind === 'limit' && offered.length < offer)
        throw new NotEnoughNodesError(
          `not enough nodes: the action signs, and only ${offered.length} presignatures held by ${threshold} reachable nodes were at hand (the nodes make more while ${threshold} are up; try again shortly)`,
        );
      if (error.agreed && error.value)
        throw new ActionFailedError(error.value.kind, error.value.message, logs, perNode);
      const succeeded = answers.filter((a) => !a.answer.error);
      const response = agreedBy(
        succeeded.map((a) => a.answer.response),
        threshold,
      );
      if (!error.agreed || !response.agreed)
        throw new NotEnoughNodesError(
          `the nodes disagree about the action's outcome: no answer was given by ${threshold} nodes (${perNode.map((n) => `node ${n.node}: ${n.error ? n.error.message : (n.response ?? '(no response)')}`).join('; ')})`,
        );

      const signatures: Record<string, PkpSignResult> = {};
      // A signature the nodes could not bind (say, a presignature this client thought fresh was
      // used) must fail the run, not vanish from its result.
      const names = new Set(
        answers.flatMap((a) => [...Object.keys(a.answer.signatures), ...Object.keys(a.answer.signatureErrors ?? {})]),
      );
      for (const name of names) {
        const entries = answers.flatMap((a) => {
          const sig = a.answer.signatures[name];
          return sig ? [{ node: a.node, sig }] : [];
        });
        const target = entries.length
          ? mostCommon(
              entries.map((e) => ({ id: e.sig.presignatureId, toSign: e.sig.toSign, publicKey: e.sig.publicKey })),
            )
          : undefined;
        const agreeing = entries.filter(
          (e) =>
            e.sig.presignatureId === target?.id &&
            e.sig.toSign === target.toSign &&
            e.sig.publicKey === target.publicKey,
        );
        if (!target || agreeing.length < threshold) {
          const refusals = answers.flatMap((a) => {
            const reason = a.answer.signatureErrors?.[name];
            return reason ? [`node ${a.answer.node}: ${reason}`] : [];
          });
          if (refusals.length > 0) this.presignatures.refresh();
          throw new NotEnoughNodesError(
            `not enough nodes: signature "${name}": only ${agreeing.length} nodes agreed on what to sign, ${threshold} are needed${refusals.length ? ` (${refusals.join('; ')})` : ''}`,
          );
        }
        const outcome = await this.releaseAndCombine(
          target.id,
          target.publicKey,
          target.toSign,
          agreeing.map((e) => ({ node: e.node, binding: e.sig.binding })),
          this.options.requestTimeoutMs ?? 5_000,
        );
        if (!('signature' in outcome)) throw new NotEnoughNodesError(`signature "${name}": ${outcome.retry}`);
        signatures[name] = outcome.signature;
        this.lastSignature = {
          kind: 'executeJs',
          nodes: outcome.signature.nodes,
          at: Date.now(),
          publicKey: target.publicKey,
        };
      }
      return {
        signatures,
        response: response.value,
        logs,
        ipfsId: answers[0]!.answer.ipfsId,
        nodes: perNode,
      };
    } catch (err) {
      if (effectful && err instanceof Error) runsWithEffects.add(err);
      throw err;
    }
  }

  /**
   * Threshold decryption of an access-controlled record: each node checks the conditions and
   * gives its share; T shares make the key, here. See threshold-decryption.ts.
   */
  async decrypt(request: DecryptRequest): Promise<DecryptResult> {
    const timeout = this.options.requestTimeoutMs ?? 5_000;
    try {
      const result = await thresholdDecrypt(
        {
          threshold: this.options.threshold,
          nodeCount: this.options.nodeCount,
          reachable: () => this.reachableNodes(),
          askAll: (nodes, body, accept) =>
            settleWithQuorum(
              nodes.map((node) =>
                this.channel(node)
                  .request<DecryptShareResponse>('/decrypt/share', body, timeout)
                  .then((answer) => accept(answer, node)),
              ),
              this.options.threshold,
              DECRYPTION_GRACE_MS,
            ),
        },
        request,
      );
      this.lastSignature = { kind: 'decrypt', nodes: result.nodes, at: Date.now(), publicKey: null };
      return result;
    } catch (err) {
      if (err instanceof NotEnoughNodesForDecryptionError) throw new NotEnoughNodesError(err.message);
      throw err;
    }
  }

  /**
   * Nodes whose RPC channel opens now (a node that is down is left out at once); why each
   * other node was left out goes into `problems`.
   */
  private async reachableNodes(problems: string[] = []): Promise<NodeEndpoint[]> {
    const nodes = this.options.nodes();
    // A node that is down refuses the connection at once; a busy one may take a while to
    // accept: once T are open, the others get a moment more, not the whole timeout.
    const open = await settleWithQuorum(
      nodes.map((n) =>
        this.channel(n)
          .connect(this.options.requestTimeoutMs ?? 5_000)
          .then(() => n),
      ),
      this.options.threshold,
      200,
    );
    const reachable = open.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = new Map(
      open.flatMap((r) =>
        r.status === 'rejected' ? [[(r.reason as NodeCallError).node, (r.reason as Error).message]] : [],
      ),
    );
    for (const n of nodes)
      if (!reachable.includes(n)) problems.push(`node ${n.index} ${failed.get(n.index) ?? 'was still connecting'}`);
    return reachable.sort((a, b) => a.index - b.index);
  }
}

/** What a node's run came to, for telling whether T nodes agree (shares left out: they differ per node). */
function runOutcome(answer: ExecuteJsNodeResponse): unknown {
  return {
    error: answer.error,
    response: answer.response,
    signatures: Object.entries(answer.signatures)
      .map(([name, s]) => [name, s.presignatureId, s.toSign, s.publicKey])
      .sort(),
  };
}

/** From a node's "the action made N signatures; the request offered M presignatures": N. */
function presignaturesWanted(message: string): number {
  return Number(/the action made (\d+) signatures; the request offered \d+ presignatures/.exec(message)?.[1] ?? 0);
}

/**
 * All shares, minus any that combineSignature's consistency check names as off the
 * polynomial (possible only when more than T arrived).
 */
function withoutBadShares(shares: ReleaseResponse[], threshold: number, degree: number): ReleaseResponse[] {
  if (shares.length <= threshold) return shares;
  const bad = findBadShares(
    secp256k1Group.Fn,
    shares.map((s) => ({ index: s.node, value: BigInt(s.share) })),
    degree,
  );
  return bad ? shares.filter((s) => !bad.includes(s.node)) : shares;
}

export { NodeCallError };
