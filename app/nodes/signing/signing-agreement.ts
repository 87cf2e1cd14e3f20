import { secp256k1Group } from '../../shared/threshold/groups.ts';
import { lagrangeCoefficients } from '../../shared/threshold/lagrange.ts';
import { NodeRequestError } from '../node-request-error.ts';
import { bindingTags, releaseShare, type NodeBinding, type SigningContext } from './sign-routes.ts';

/**
 * Signing when the client does not choose the presignature (Lit's SDK, issue 15 item 3). The
 * SDK sends each node of its signing set S its own request, at once, with no presignature: the
 * nodes of S agree on one among themselves.
 *
 * - The leader, the lowest index in S, proposes a fresh presignature made among all of S, once
 *   its own request from the SDK is verified.
 * - Every other member binds it durably, to its own verified request's (key, digest), only when
 *   both its own request and the proposal have arrived and they name the same key, digest and
 *   set; it answers the leader with its binding (one MAC per node). The leader binds it too.
 * - The leader sends every member all the bindings; each member releases its share only with T
 *   valid bindings of that presignature to that same (key, digest) (releaseShare, the rule the
 *   host client's bind/release keeps too), multiplied by its Lagrange coefficient over S, since
 *   Lit's combiner only adds shares. The share goes back to the SDK alone, sealed.
 *
 * Safety is the presignature store's: a node binds a presignature once, durably, before its
 * binding leaves it, and releases only with T bindings of the same pair; 2T > N, so no two
 * messages ever both gather T bindings, whatever the leader says and whoever crashes when. The
 * leader only decides which presignature is tried (a presignature one member already used elsewhere
 * is refused there, and the leader tries another).
 */

/** What a node verified of its own SDK request: the request key is the same at every member. */
export interface AgreementRequest {
  /** H(X-Request-Id, token, digest, set): equal for the SDK's requests of one call at every member. */
  key: string;
  tokenId: string;
  /** 0x04… uncompressed PKP public key. */
  publicKey: string;
  /** 0x + 64 lowercase hex digits. */
  digest: string;
  /** The signing set: node indices, ascending, at least T of them, this node among them. */
  set: readonly number[];
}

export interface Proposal {
  key: string;
  presignatureId: string;
  tokenId: string;
  digest: string;
  set: number[];
}

export interface Commit {
  key: string;
  presignatureId: string;
  bindings: NodeBinding[];
}

/** How the leader reaches the other members (signed peer messages in a node; direct calls in tests). */
export interface AgreementPeers {
  /** The member binds and answers its binding, or refuses (a NodeRequestError-like error with `code`). */
  propose(to: number, proposal: Proposal): Promise<NodeBinding>;
  commit(to: number, commit: Commit): Promise<void>;
  abort(to: number, key: string, reason: string): Promise<void>;
}

export interface AgreementOptions {
  /** How long a proposal waits at a member for the member's own request from the SDK. */
  requestWaitMs: number;
  /** How long a member's request waits for the set to agree (the SDK gives up at 20 s). */
  outcomeWaitMs: number;
  /** Presignatures the leader tries for one request before it gives up. */
  attempts: number;
}

export const DEFAULT_AGREEMENT_OPTIONS: AgreementOptions = { requestWaitMs: 5_000, outcomeWaitMs: 15_000, attempts: 3 };

/** This node's share for the SDK: s_j·λ_j over the set, and R'. */
export interface WeightedShare {
  s: bigint;
  bigR: Uint8Array;
}

/** Why a presignature proposal failed at a member in a way another presignature can fix. */
const PRESIGNATURE_SPOILT = new Set(['presignature_used', 'unknown_presignature', 'released']);

function noAgreement(message: string): NodeRequestError {
  return new NodeRequestError(503, 'no_agreement', message);
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // a rejection nobody awaits any more is not a crash
  return { promise, resolve, reject };
}

/** One request key as this node sees it: its own request (once verified) and the outcome. */
interface Pending {
  request: Deferred<AgreementRequest>;
  outcome: Deferred<WeightedShare>;
  /** Presignatures this node bound for this request (it releases only one of these). */
  bound: Set<string>;
  hasRequest: boolean;
  timer: NodeJS.Timeout;
}

export class SigningAgreement {
  private readonly ctx: SigningContext;
  private readonly peers: AgreementPeers;
  private readonly options: AgreementOptions;
  private readonly pending = new Map<string, Pending>();
  /** Presignatures this node proposed and whose attempt has not ended. */
  private readonly proposing = new Set<string>();

  constructor(ctx: SigningContext, peers: AgreementPeers, options: Partial<AgreementOptions> = {}) {
    this.ctx = ctx;
    this.peers = peers;
    this.options = { ...DEFAULT_AGREEMENT_OPTIONS, ...options };
  }

  /**
   * This node's verified request from the SDK. Resolves with its weighted share once the set
   * agreed on a presignature and T bindings of it to this request's digest are in; rejects with
   * a NodeRequestError otherwise (nothing released).
   */
  async sign(request: AgreementRequest): Promise<WeightedShare> {
    const entry = this.entry(request.key);
    if (entry.hasRequest)
      throw new NodeRequestError(400, 'bad_request', 'this node already has a request with this X-Request-Id');
    entry.hasRequest = true;
    entry.request.resolve(request);
    const leader = Math.min(...request.set);
    if (leader !== this.ctx.index) return entry.outcome.promise;
    try {
      entry.outcome.resolve(await this.lead(request, entry));
    } catch (err) {
      entry.outcome.reject(err);
      const reason = err instanceof Error ? err.message : String(err);
      for (const member of request.set)
        if (member !== this.ctx.index) void this.peers.abort(member, request.key, reason).catch(() => undefined);
    }
    return entry.outcome.promise;
  }

  /** Member: the leader's proposal. Binds once its own request is here and matches; answers its binding. */
  async onPropose(from: number, proposal: Proposal): Promise<NodeBinding> {
    const leader = Math.min(...proposal.set);
    if (from !== leader || from === this.ctx.index || !proposal.set.includes(this.ctx.index))
      throw new NodeRequestError(400, 'bad_message', `node ${from} does not lead this signing set`);
    const entry = this.entry(proposal.key);
    const own = await Promise.race([
      entry.request.promise,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), this.options.requestWaitMs).unref()),
    ]);
    if (!own)
      throw noAgreement(
        `node ${this.ctx.index} has no verified request from the SDK for this call (refused, or never sent)`,
      );
    if (
      own.digest !== proposal.digest.toLowerCase() ||
      own.tokenId !== proposal.tokenId ||
      own.set.join(',') !== proposal.set.join(',')
    )
      throw new NodeRequestError(
        409,
        'disagreement',
        `node ${this.ctx.index} was asked to sign another message, key or set than the leader proposes`,
      );
    await this.ctx.presigs.bind(proposal.presignatureId, own.tokenId, own.digest);
    entry.bound.add(proposal.presignatureId);
    return { node: this.ctx.index, tags: bindingTags(this.ctx, proposal.presignatureId, own.tokenId, own.digest) };
  }

  /** Member: the bindings the leader gathered. With T valid ones, its share goes to its own request. */
  onCommit(from: number, commit: Commit): void {
    const entry = this.pending.get(commit.key);
    if (!entry?.hasRequest) throw noAgreement(`node ${this.ctx.index} has no request waiting for this call`);
    void entry.request.promise.then((own) => {
      try {
        if (from !== Math.min(...own.set)) throw new NodeRequestError(400, 'bad_message', `node ${from} does not lead`);
        if (!entry.bound.has(commit.presignatureId))
          throw noAgreement(`node ${this.ctx.index} did not bind presignature ${commit.presignatureId} for this call`);
        entry.outcome.resolve(this.weightedShare(own, commit.presignatureId, commit.bindings));
      } catch (err) {
        entry.outcome.reject(err);
      }
    });
  }

  /** Member: the leader gave up; this node's request fails with its reason. */
  onAbort(from: number, key: string, reason: string): void {
    const entry = this.entry(key);
    void entry.request.promise.then((own) => {
      if (from === Math.min(...own.set))
        entry.outcome.reject(noAgreement(`the signing set's leader (node ${from}) gave up: ${reason}`));
    });
  }

  /** Leader: proposes presignatures until one is bound by every member, then commits. */
  private async lead(request: AgreementRequest, entry: Pending): Promise<WeightedShare> {
    const members = request.set.filter((i) => i !== this.ctx.index);
    const tried = new Set<string>();
    let lastProblem = 'no presignature is held fresh by every node of the signing set';
    for (let attempt = 0; attempt < this.options.attempts; attempt++) {
      const presignatureId = this.ctx.presigs.oldestFreshHeldBy(request.set, new Set([...tried, ...this.proposing]));
      if (!presignatureId) break;
      tried.add(presignatureId);
      this.proposing.add(presignatureId);
      try {
        const proposal: Proposal = {
          key: request.key,
          presignatureId,
          tokenId: request.tokenId,
          digest: request.digest,
          set: [...request.set],
        };
        // The leader's own binding is durable before its tags leave it (in the commit).
        const [own, ...answers] = await Promise.allSettled([
          this.ctx.presigs.bind(presignatureId, request.tokenId, request.digest),
          ...members.map((m) => this.peers.propose(m, proposal)),
        ]);
        const refusals = answers.flatMap((a, i) =>
          a.status === 'rejected' ? [{ node: members[i]!, err: a.reason as { code?: string; message?: string } }] : [],
        );
        const spoilt =
          own.status === 'rejected' || refusals.some((r) => r.err.code && PRESIGNATURE_SPOILT.has(r.err.code));
        if (own.status === 'fulfilled') entry.bound.add(presignatureId);
        if (refusals.length === 0 && own.status === 'fulfilled') {
          const bindings: NodeBinding[] = [
            { node: this.ctx.index, tags: bindingTags(this.ctx, presignatureId, request.tokenId, request.digest) },
            ...answers.map((a) => (a as PromiseFulfilledResult<NodeBinding>).value),
          ];
          const commit: Commit = { key: request.key, presignatureId, bindings };
          for (const m of members) void this.peers.commit(m, commit).catch(() => undefined);
          return this.weightedShare(request, presignatureId, bindings);
        }
        if (!spoilt) {
          const first = refusals[0]!;
          throw noAgreement(`node ${first.node} of the signing set refused: ${first.err.message ?? String(first.err)}`);
        }
        lastProblem = `presignature ${presignatureId} was already used at some node of the set`;
      } finally {
        this.proposing.delete(presignatureId);
      }
    }
    throw noAgreement(`the signing set found no presignature to use: ${lastProblem}`);
  }

  private weightedShare(
    request: AgreementRequest,
    presignatureId: string,
    bindings: readonly NodeBinding[],
  ): WeightedShare {
    const { s, bigR } = releaseShare(this.ctx, presignatureId, request.publicKey, request.digest, bindings);
    return { s: lagrangeWeight(request.set, this.ctx.index, s), bigR };
  }

  /** The state of one request key, made on first touch (the proposal may come before the request). */
  private entry(key: string): Pending {
    let entry = this.pending.get(key);
    if (!entry) {
      const made: Pending = {
        request: deferred(),
        outcome: deferred(),
        bound: new Set(),
        hasRequest: false,
        timer: setTimeout(() => {
          made.request.reject(noAgreement('timed out'));
          made.outcome.reject(noAgreement(`the signing set did not agree within ${this.options.outcomeWaitMs} ms`));
          this.pending.delete(key);
        }, this.options.outcomeWaitMs).unref(),
      };
      entry = made;
      this.pending.set(key, entry);
      void entry.outcome.promise.then(
        () => this.settle(key, made),
        () => this.settle(key, made),
      );
    }
    return entry;
  }

  private settle(key: string, entry: Pending): void {
    clearTimeout(entry.timer);
    if (this.pending.get(key) === entry) this.pending.delete(key);
  }
}

/** λ_j(S)·s_j: node j's share weighted for a client that only adds the shares of S. */
export function lagrangeWeight(set: readonly number[], index: number, share: bigint): bigint {
  const F = secp256k1Group.Fn;
  const position = set.indexOf(index);
  if (position < 0) throw new RangeError(`node ${index} is not in the signing set`);
  return F.mul(lagrangeCoefficients(F, set)[position]!, share);
}
