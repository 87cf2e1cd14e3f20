import type http from 'node:http';
import { DEFAULT_POOL_TARGETS, PoolKeeper } from './pools/pool-keeper.ts';
import { degreeFor, thresholdFor } from '../shared/network.ts';
import type { ContractAddresses } from '../shared/contracts/index.ts';
import type { NodeHealth, NodeLaunchConfig } from '../shared/node-ipc.ts';
import { toWireJson } from '../shared/wire-json.ts';
import { RequesterAuth } from './auth/requester-auth.ts';
import { SigningPermissions } from './auth/signing-permissions.ts';
import { authMethodVerifiers } from './auth/auth-method-verifiers.ts';
import { NodeChain } from './chain/node-chain.ts';
import { createNodeServer, parseJsonBody, parseRequest, type Route } from './http-server.ts';
import { RetireRequest } from '../shared/node-api.ts';
import { nodeRoute } from './node-routes.ts';
import { NodeRequestError } from './node-request-error.ts';
import { KeyShareStore } from './keys/key-share-store.ts';
import { NetworkKeyStore } from './keys/network-key-store.ts';
import type { NodeContext } from './node-context.ts';
import type { NodeIdentity } from './node-identity.ts';
import type { NodeStore } from './node-store.ts';
import { PeerCrypto } from './peers/peer-crypto.ts';
import { PeerDirectory } from './peers/peer-directory.ts';
import { SessionLedger } from './peers/session-ledger.ts';
import { PresignStore } from './presign/presign-store.ts';
import { machineBootId } from './presign/boot-record.ts';
import { handleDkgCommit, handleDkgDeal, handleDkgFinish } from './protocols/dkg-protocol.ts';
import { handlePresignDeal, handlePresignFinish, handlePresignRound2 } from './protocols/presign-protocol.ts';
import { handleBind, handleRelease } from './signing/sign-routes.ts';
import { BindLimiter } from './signing/bind-limiter.ts';
import { hostClientKey } from '../shared/host-client-key.ts';
import { handlePresignAvailable } from './protocols/presign-protocol.ts';
import { handleAttest } from './network-key/attest-route.ts';
import { handleDecryptShare } from './decryption/decryption-share.ts';
import { ActionRunner } from './actions/index.ts';
import { ExecuteService } from './execute/execute-service.ts';
import { litIdentityKeys, litRoute, litSealedRoute } from './lit-sdk/lit-routes.ts';
import { litSignSessionKey } from './lit-sdk/sign-session-key.ts';
import { litV1Route } from './lit-sdk/lit-v1-routes.ts';
import { litEncryptionSignV1 } from './lit-sdk/encryption-sign-v1.ts';
import { litPkpSignV1 } from './lit-sdk/pkp-sign-v1.ts';
import { litSignSessionKeyV1 } from './lit-sdk/sign-session-key-v1.ts';
import { litExecuteJsV1 } from './lit-sdk/execute-js-v1.ts';
import { litHandshake } from './lit-sdk/handshake.ts';
import { litEncryptionSign } from './lit-sdk/encryption-sign.ts';
import { litPkpSign } from './lit-sdk/pkp-sign.ts';
import { ActionCodeStore } from './lit-sdk/action-code-store.ts';
import { litExecuteJs } from './lit-sdk/execute-js.ts';
import { SigningAgreement } from './signing/signing-agreement.ts';
import { agreementPeers, agreementRoutes } from './signing/agreement-peers.ts';

/** At the network's own start, a node starts its runner this long after joining, if not before. */
const RUNNER_START_AT_THE_LATEST_MS = 30_000;

/**
 * One node, assembled: its stores, its HTTP routes, and, once it knows the contracts, its
 * chain access, its peers and (when it leads) the background pools.
 */
export class NodeRuntime {
  readonly server: http.Server;
  private readonly config: NodeLaunchConfig;
  private readonly identity: NodeIdentity;
  private readonly keys: KeyShareStore;
  private readonly networkKey: NetworkKeyStore;
  private readonly presigs: PresignStore;
  private readonly bindLimiter = new BindLimiter();
  private readonly startedAt = Date.now();
  private ctx: NodeContext | undefined;
  private keeper: PoolKeeper | undefined;
  private runner: ActionRunner | undefined;
  private runnerStarted: Promise<void> | undefined;
  /** Set by close(): runs that end after it are answered 503, not with their outcome. */
  private stopping = false;
  private execution: ExecuteService | undefined;
  /** Agreement on presignatures among the signing set Lit's SDK names (issue 15 item 3). */
  private agreement: SigningAgreement | undefined;

  constructor(config: NodeLaunchConfig, store: NodeStore) {
    this.config = config;
    this.identity = store.identity();
    this.keys = new KeyShareStore(store.db, store.box);
    this.networkKey = new NetworkKeyStore(store.db, store.box);
    this.presigs = new PresignStore(store.db, store.box);
    const retired = this.presigs.startServing(machineBootId());
    if (retired > 0)
      console.log(
        `node ${config.index}: the machine went down while this node ran; its ${retired} fresh presignatures were retired (a binding of any of them may have been lost)`,
      );
    this.server = createNodeServer(this.routes(), {
      hostClientKey: hostClientKey(config.storageKey),
      acceptsChannels: () => this.ctx !== undefined,
    });
  }

  get address(): string {
    return this.identity.chainAddress;
  }

  get publicKeys(): { signingKey: string; encryptionKey: string } {
    return {
      signingKey: this.identity.signingPublicKey.toString('hex'),
      encryptionKey: this.identity.encryptionPublicKey.toString('hex'),
    };
  }

  /** Joins the network: reads peers from Staking, fixes its own endpoint there, starts upkeep. */
  async joinNetwork(contracts: ContractAddresses, port: number): Promise<void> {
    if (this.ctx) return;
    const { config } = this;
    // A node that restarts into a serving network (after a kill) starts its Lit Action runner
    // now, beside the chain and peer reads, and joins only once it is ready, so that no request
    // in flight waits for a runner process to start. At the network's own start no request is
    // in flight: the node joins at once and starts its runner once the network is usable
    // (startRunner). Started at once, the N runners (about 0.25 s of CPU each) took CPU from
    // the nodes' own start. An executeJs before then starts it and waits for it (awaitRunner).
    const runner = (this.runner ??= new ActionRunner({ fetchAllowList: config.fetchAllowList ?? [] }));
    let runnerReady: Promise<void> | undefined;
    if (config.awaitRunner !== false) runnerReady = this.startRunner('restarted into a serving network');
    else
      setTimeout(
        () => void this.startRunner(`${RUNNER_START_AT_THE_LATEST_MS / 1000} s after joining`),
        RUNNER_START_AT_THE_LATEST_MS,
      ).unref();
    const chain = new NodeChain(
      config.chainRpcUrl,
      config.chainId,
      contracts,
      () => this.identity.chainKey,
      config.chainIpcPath,
    );
    await chain.startBlockWatch();
    const peers = new PeerDirectory(() => chain.loadPeers());
    await peers.refresh();
    const me = peers.peer(config.index);
    if (!me || me.address !== this.address)
      throw new Error(`Staking does not list this node (${this.address}) as node ${config.index}`);
    const endpoint = `http://127.0.0.1:${port}`;
    if (me.endpoint !== endpoint) {
      await chain.send(async (w) => (await w.Staking.setEndpoint(endpoint)).wait());
      await peers.refresh();
    }
    const ctx: NodeContext = {
      index: config.index,
      nodeCount: config.nodeCount,
      t: degreeFor(config.nodeCount),
      threshold: thresholdFor(config.nodeCount),
      crypto: new PeerCrypto(this.identity),
      peers,
      sessions: new SessionLedger(),
      keys: this.keys,
      networkKey: this.networkKey,
      presigs: this.presigs,
      chain,
      auth: new RequesterAuth({ chainId: config.chainId }),
      authMethodVerifiers: authMethodVerifiers(config.auth, chain),
      permissions: new SigningPermissions(chain),
      log: (message) => console.log(`node ${config.index}: ${message}`),
    };
    // Peers move (a node restarted on a new port): re-read Staking now and then.
    setInterval(() => void peers.refresh().catch(() => undefined), 5_000).unref();
    const pools = config.pools ?? DEFAULT_POOL_TARGETS;
    this.execution = new ExecuteService(ctx, runner, config.fetchAllowList ?? []);
    this.agreement = new SigningAgreement(ctx, agreementPeers(ctx));
    this.keeper = new PoolKeeper(ctx, {
      keys: pools.keys,
      keyBatch: DEFAULT_POOL_TARGETS.keyBatch,
      presignatures: pools.presignatures,
      presignBatch: Math.max(10, Math.min(DEFAULT_POOL_TARGETS.presignBatch, Math.ceil(pools.presignatures / 2))),
    });
    if (runnerReady) {
      // Beside the runner's start, not after it: see warmUp.
      await ctx.auth.warmUp().catch((err: Error) => ctx.log(`auth warm-up failed: ${err.message}`));
      await runnerReady;
    }
    // Last: routes that need the network answer 503 until everything above is in place.
    this.ctx = ctx;
    // Only now: the keeper counts as live only nodes that joined (itself included), and a batch
    // it led before this node joined would be refused by this node's own routes.
    this.keeper.start();
  }

  /** Another node went down or came back (the host says so): if this node leads, it looks at the pools now. */
  peersChanged(): void {
    this.keeper?.lookNow();
  }

  /** Starts the Lit Action runner's host lane, once; resolves when it is ready (or failed, logged). */
  startRunner(why: string): Promise<void> {
    // Not joined yet: the host says so only once the network is usable; should the word come
    // earlier, the fallback set in joinNetwork starts the runner.
    if (this.stopping || !this.runner) return Promise.resolve();
    if (!this.runnerStarted) console.log(`node ${this.config.index}: starting the Lit Action runner (${why})`);
    return (this.runnerStarted ??= this.runner
      .warmUp()
      .catch((err: Error) => console.error(`node ${this.config.index}: Lit Action runner: ${err.message}`)));
  }

  private context(): NodeContext {
    if (!this.ctx) throw new NodeRequestError(503, 'not_ready', 'this node has not joined the network yet');
    return this.ctx;
  }

  private routes(): Route[] {
    const peerRoute = (path: string, handle: (ctx: NodeContext, raw: unknown) => unknown): Route => ({
      method: 'POST',
      path,
      handler: (body) => handle(this.context(), parseJsonBody(body)),
      encode: toWireJson,
    });
    const litKeys = litIdentityKeys(this.identity.encryptionKey, this.identity.encryptionPublicKey);
    return [
      nodeRoute('health', () => this.health()),
      nodeRoute('presignCount', () => ({ fresh: this.presigs.countFresh() })),
      // Which presignatures are fresh is told only to the host's client (and to peers, below):
      // anyone who knew the ids could bind them to messages of their own and spoil them.
      nodeRoute('presignAvailable', (_body, url) => ({
        node: this.config.index,
        ids: this.presigs.freshIds(Math.min(1000, Math.max(1, Number(url.searchParams.get('limit')) || 100))),
      })),
      nodeRoute('presignRetire', (body) => ({
        node: this.config.index,
        retired: this.presigs.retire(parseRequest(RetireRequest, body).presignatureIds),
      })),
      nodeRoute('bind', (body, _url, caller) => handleBind(this.context(), body, caller, this.bindLimiter)),
      nodeRoute('release', (body) => handleRelease(this.context(), body)),
      nodeRoute('execute', async (body, _url, caller) => {
        this.context();
        const answer = await this.execution!.execute(body, caller);
        // Stopping: its runner processes were ended under the run. That is this node leaving,
        // not the action's outcome, so it answers like a node that is not there.
        if (this.stopping) throw new NodeRequestError(503, 'not_ready', 'this node is stopping');
        return answer;
      }),
      nodeRoute('rebind', (body) => {
        this.context();
        return this.execution!.rebind(body);
      }),
      peerRoute('/peer/action/value', (_ctx, raw) => this.execution!.receiveValue(raw)),
      nodeRoute('blsAttest', (body) => handleAttest(this.context(), body)),
      nodeRoute('decryptShare', (body) => handleDecryptShare(this.context(), body)),
      peerRoute('/peer/dkg/deal', handleDkgDeal),
      peerRoute('/peer/dkg/finish', handleDkgFinish),
      peerRoute('/peer/dkg/commit', handleDkgCommit),
      peerRoute('/peer/presign/deal', handlePresignDeal),
      peerRoute('/peer/presign/round2', handlePresignRound2),
      peerRoute('/peer/presign/finish', handlePresignFinish),
      peerRoute('/peer/presign/available', handlePresignAvailable),
      ...agreementRoutes(() => ({ ctx: this.context(), agreement: this.agreement! })).map(({ path, handle }) =>
        peerRoute(path, (_ctx, raw) => handle(raw)),
      ),
      // Lit's own node API, for Lit's JavaScript SDKs (docs/LIT-SDK.md).
      litRoute('handshake', (request) => litHandshake(this.context(), this.identity, request), {
        dataAlsoAtTopLevel: true,
      }),
      litSealedRoute('encryptionSign', litKeys, (request) => litEncryptionSign(this.context(), request)),
      litSealedRoute('signSessionKey', litKeys, (request) => litSignSessionKey(this.context(), request)),
      litV1Route('encryptionSign', (request) => litEncryptionSignV1(this.context(), request)),
      litV1Route('signSessionKey', (request) => litSignSessionKeyV1(this.context(), request)),
      litV1Route('pkpSign', (request, caller) =>
        litPkpSignV1(this.context(), this.agreement!, this.bindLimiter, request, caller.requestId),
      ),
      litV1Route('executeJs', async (request, caller) => {
        const answer = await litExecuteJsV1(
          this.context(),
          this.execution!,
          new ActionCodeStore(this.config.actionsDir),
          this.agreement!,
          this.bindLimiter,
          request,
          caller.requestId,
        );
        // Stopping: its runner processes were ended under the run (as for /web/execute).
        if (this.stopping) throw new NodeRequestError(503, 'not_ready', 'this node is stopping');
        return answer;
      }),
      litSealedRoute('pkpSign', litKeys, (request, caller) =>
        litPkpSign(this.context(), this.agreement!, this.bindLimiter, request, caller.requestId),
      ),
      litSealedRoute('executeJs', litKeys, async (request, caller) => {
        const ctx = this.context();
        const answer = await litExecuteJs(
          ctx,
          this.execution!,
          new ActionCodeStore(this.config.actionsDir),
          this.agreement!,
          this.bindLimiter,
          request,
          caller.requestId,
        );
        // Stopping: its runner processes were ended under the run (as for /web/execute).
        if (this.stopping) throw new NodeRequestError(503, 'not_ready', 'this node is stopping');
        return answer;
      }),
    ];
  }

  health(): NodeHealth {
    return {
      ok: true,
      index: this.config.index,
      address: this.address,
      uptimeMs: Date.now() - this.startedAt,
      networkReady: this.ctx !== undefined,
      keysReady: this.keys.countReady(),
      networkPublicKey: this.networkKey.ready()?.publicKey ?? null,
      presignaturesFresh: this.presigs.countFresh(),
      ...(this.runner ? { actionRunner: this.runner.health() } : {}),
    };
  }

  /**
   * Stops the node's work; resolves once its runner processes have exited (at most 2 s), so a
   * node that exits leaves none behind for a moment after it.
   */
  close(): Promise<void> {
    this.stopping = true;
    try {
      this.presigs.stopCleanly();
    } catch (err) {
      // Unrecorded, the next start in another boot retires the fresh presignatures: safe.
      console.error(`node ${this.config.index}: recording the clean stop failed: ${(err as Error).message}`);
    }
    this.keeper?.stop();
    const runners = this.runner?.dispose() ?? Promise.resolve();
    this.ctx?.chain.close();
    this.server.close();
    return Promise.race([runners, new Promise<void>((r) => setTimeout(r, 2_000).unref())]);
  }
}
