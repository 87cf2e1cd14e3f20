import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { CeramicStatus, NetworkStatus } from '../../shared/api/contract.ts';
import { thresholdFor } from '../../shared/network.ts';
import { JournaledChain } from '../chain/journaled-chain.ts';
import { chainIsolationSupport } from '../chain/anvil-process.ts';
import { isProcessAlive, type DataPaths } from '../data-dir.ts';
import type { NetworkConfig } from '../network-config.ts';
import { findFreePort, isPortFree } from '../ports.ts';
import { NAGA_LOCAL_RPC_PORT } from '../chain/naga-local.ts';
import { NodeProcess, nodeStatsFrom } from './node-process.ts';
import { userCompileCacheDir } from './compile-cache.ts';
import { ensureContracts, fundOnSandbox } from '../chain/network-genesis.ts';
import { contractInterface, KEY_TYPE, type ContractAddresses } from '../../shared/contracts/index.ts';
import type { NodeLaunchConfig } from '../../shared/node-ipc.ts';
import { callRoute } from '../lit-client/node-request.ts';
import path from 'node:path';
import { writeLitSdkContexts } from '../lit-sdk/network-context.ts';
import type { LitSdkContexts } from '../../shared/lit-sdk/contexts.ts';

/** The nodes' own pool targets when none are given (the nodes' DEFAULT_POOL_TARGETS). */
const DEFAULT_POOLS = { keys: 8, presignatures: 400 };
/** Pool counters are polled this often until every verb works, then once a second. */
const FILLING_POLL_MS = 100;
const FILLED_POLL_MS = 1_000;

export interface SupervisorOptions {
  dataDir: string;
  paths: DataPaths;
  network: NetworkConfig;
  /** The chain admin's private key (genesis); from the vault. */
  adminKey: string;
  /** Called when the network's record changed (contracts known, a node's port moved). */
  saveNetwork: () => void;
  /** URL prefixes Lit Actions may fetch. */
  fetchAllowList?: string[];
  /** Which auth methods the nodes accept, and against what (read when nodes launch). */
  auth?: () => NodeLaunchConfig['auth'];
  /** Background pools the nodes keep full (defaults: 8 keys, 400 presignatures). */
  pools?: { keys: number; presignatures: number };
  /** Each node's at-rest storage key (base64), handed over IPC at launch. */
  storageKeyOf: (index: number) => string;
  /** How often anvil saves its state file (seconds). */
  stateIntervalSeconds?: number;
  /** How often the block number is polled for live status (ms). */
  blockPollMs?: number;
  /** Which nodes made the wallet's last signature (from its Lit client), for the status. */
  lastSignature?: () => NetworkStatus['lastSignature'];
  /** The Ceramic node's status when the host runs one (`up --ceramic`). */
  ceramic?: () => CeramicStatus | null;
}

/**
 * Starts, watches and stops the embedded chain and the N nodes. Emits 'change' whenever
 * anything a status reader sees has changed.
 */
export class Supervisor extends EventEmitter<{ change: [] }> {
  readonly nodes: NodeProcess[] = [];
  chain: JournaledChain | undefined;
  private blockNumber: number | null = null;
  private ready = false;
  /** Latched: once the network key, a routed key and T nodes' presignatures were there. */
  private usable = false;
  /** Routed, unminted PKP keys on chain (the key pool); null until known. */
  private keyPool: number | null = null;
  private poller: NodeJS.Timeout | undefined;
  private healthPoller: NodeJS.Timeout | undefined;
  contracts: ContractAddresses | undefined;
  /** The context files Lit's own SDKs connect with (undefined for a network that predates them). */
  litSdk: LitSdkContexts | undefined;
  private stopping = false;
  private runnersReleased = false;
  private readonly options: SupervisorOptions;

  constructor(options: SupervisorOptions) {
    super();
    this.options = options;
  }

  get nodeCount(): number {
    return this.options.network.nodeCount;
  }

  /** Made with `up --lit-local`: Lit's nagaLocal finds this network with no context file. */
  get litLocal(): boolean {
    return this.options.network.litLocal === true;
  }

  get threshold(): number {
    return thresholdFor(this.nodeCount);
  }

  async start(onProgress: (step: string) => void = () => {}): Promise<void> {
    const { paths, network } = this.options;
    // Asked now, while the rest gets ready: anvil's start waits for the answer.
    void chainIsolationSupport();
    fs.mkdirSync(paths.logsDir, { recursive: true });
    await this.reapOrphanChain();

    const chain = new JournaledChain({
      gatewayPort: network.litLocal ? await nagaLocalRpcPort() : await findFreePort(),
      openDoor: network.litLocal === true,
      ipcDir: path.join(paths.chainDir, 'ipc'),
      cheatsAllowed: () => this.options.network.chainCheats === true,
      journalFile: paths.chainJournal,
      chainId: network.chainId,
      stateFile: paths.chainState,
      stateIntervalSeconds: this.options.stateIntervalSeconds ?? 1,
      logFile: path.join(paths.logsDir, 'anvil.log'),
      log: (message) =>
        fs.appendFileSync(path.join(paths.logsDir, 'chain.log'), `${new Date().toISOString()} ${message}\n`),
      onAnvilStart: (pid) => {
        fs.writeFileSync(paths.chainPid, String(pid));
        this.emit('change');
      },
    });
    this.chain = chain;
    const compileCacheDir = userCompileCacheDir();
    for (let i = 1; i <= network.nodeCount; i++) {
      const node = new NodeProcess({
        launch: {
          type: 'launch',
          index: i,
          nodeCount: network.nodeCount,
          port: network.nodePorts[i - 1]!,
          dir: paths.nodeDir(i),
          actionsDir: paths.actionsDir,
          // Writes through the gateway (journaled), with its secret; handed over IPC, never argv.
          chainRpcUrl: chain.rpcUrl,
          // Reads go to anvil's IPC socket: the host's event loop stays free for the Lit client.
          chainIpcPath: chain.ipcPath,
          chainId: network.chainId,
          storageKey: this.options.storageKeyOf(i),
          pools: this.options.pools,
          fetchAllowList: this.options.fetchAllowList,
          auth: this.options.auth?.(),
        },
        logFile: path.join(paths.logsDir, `node-${i}.log`),
        compileCacheDir,
      });
      node.on('change', () => {
        this.tellLeaderPeersChanged();
        this.emit('change');
      });
      node.on('port', (port) => {
        network.nodePorts[i - 1] = port;
        this.options.saveNetwork();
      });
      this.nodes.push(node);
    }

    // Loading the node program is most of a start (about 0.6–0.9 s of CPU per node, N of them
    // on a small machine), so every node process starts now, while anvil starts and the
    // recorded contracts are checked; each gets its launch config once those are done. On an
    // existing data directory the config names the contracts, so a node joins the network
    // within its own start instead of after all N reported in.
    const recorded = network.contracts;
    let launch!: { go: () => void; fail: (err: unknown) => void };
    const launchWhen = new Promise<void>((go, fail) => (launch = { go, fail }));
    onProgress(`starting the chain and ${network.nodeCount} nodes`);
    const nodesUp = Promise.all(this.nodes.map((node) => node.start(launchWhen)));
    nodesUp.catch(() => undefined); // awaited below; a failure before that must not go unhandled
    const provider = chain.provider(network.chainId);
    let keyPoolRead: Promise<void> | undefined;
    try {
      try {
        await chain.start();
        chain.onExit(() => {
          if (!this.stopping) this.emit('change');
        });
        await this.pollBlockNumber();
        // stop() during the start (the app quit): no timer may outlive it.
        if (this.stopping) throw new Error('the network was stopped during its start');
        this.poller = setInterval(() => void this.pollBlockNumber(), this.options.blockPollMs ?? 500);
        if (recorded) {
          onProgress('checking the contracts');
          // A lost chain state is reported here, clearly, before any node tries to join it.
          await ensureContracts({
            provider,
            adminKey: this.options.adminKey,
            recorded,
            stateFile: paths.chainState,
            nodes: [],
            litLocal: network.litLocal,
          });
          this.contracts = recorded;
          for (const node of this.nodes) node.setContracts(recorded);
        }
        launch.go();
        // Read while the nodes start: with their pools in their ready messages, the network is
        // known usable the moment the last one joins.
        keyPoolRead = this.pollKeyPool();
      } catch (err) {
        launch.fail(err);
        throw err;
      }
      await nodesUp;
      const nodes = this.nodes.map((node) => ({
        address: node.address!,
        endpoint: node.url,
        signingKey: `0x${node.communicationKeys!.signingKey}`,
        encryptionKey: `0x${node.communicationKeys!.encryptionKey}`,
      }));
      if (recorded) {
        // Gas money for the nodes' own transactions (key votes, endpoint moves), as at genesis.
        await fundOnSandbox(
          provider,
          nodes.map((n) => n.address),
        );
      } else {
        onProgress('genesis: deploying the contracts');
        const { addresses } = await ensureContracts({
          provider,
          adminKey: this.options.adminKey,
          stateFile: paths.chainState,
          nodes,
          litLocal: network.litLocal,
        });
        this.contracts = addresses;
        network.contracts = addresses;
        this.options.saveNetwork();
        for (const node of this.nodes) node.joinNetwork(addresses);
      }
    } finally {
      provider.destroy();
    }
    this.litSdk = writeLitSdkContexts(this.options.dataDir, this.contracts!);
    await keyPoolRead;
    this.ready = true;
    this.updateUsable();
    this.emit('change');
    const pollPools = async (): Promise<void> => {
      await Promise.all([this.pollNodeHealth(), this.pollKeyPool()]);
      this.updateUsable();
      if (!this.stopping)
        this.healthPoller = setTimeout(() => void pollPools(), this.usable ? FILLED_POLL_MS : FILLING_POLL_MS);
    };
    void pollPools();
  }

  /**
   * A node went down or came back: the leader (the lowest-indexed node up, as the nodes choose
   * it) hears of it at once, so that a batch among the nodes up now starts without waiting for
   * its next look at the pools. Only the leader: each told node looks at its peers' health.
   */
  private tellLeaderPeersChanged(): void {
    if (this.stopping) return;
    this.nodes.find((n) => n.up)?.peersChanged();
  }

  /** What the pools hold against what the nodes keep them at: the parts a verb may still wait for. */
  private poolParts(): NonNullable<NetworkStatus['filling']> {
    const want = this.options.pools ?? DEFAULT_POOLS;
    const up = this.nodes.filter((n) => n.up && n.stats);
    const presignatures = up.length ? Math.min(...up.map((n) => n.stats!.presignaturesFresh)) : 0;
    return [
      { part: 'network key', have: this.agreedNetworkKey() ? 1 : 0, want: 1 },
      { part: 'key pool', have: this.keyPool ?? 0, want: want.keys },
      // The nodes refill presignatures once the smallest pool is below half its size
      // (pool-keeper.ts): above that the pool is kept, not filling.
      { part: 'presignatures', have: presignatures, want: Math.ceil(want.presignatures / 2) },
    ];
  }

  /**
   * What keeps a verb from working: the network key not agreed (encrypt, decrypt), no routed key
   * on chain (mint), fewer than T nodes holding fresh presignatures (sign). The pools go on
   * filling after that; the status lists them under `filling`.
   */
  private blockingParts(): NonNullable<NetworkStatus['filling']> {
    const want = this.options.pools ?? DEFAULT_POOLS;
    const withPresignatures = this.nodes.filter((n) => n.up && (n.stats?.presignaturesFresh ?? 0) > 0).length;
    return this.poolParts().filter((p) =>
      p.part === 'network key'
        ? p.have === 0
        : p.part === 'key pool'
          ? want.keys > 0 && p.have === 0
          : want.presignatures > 0 && withPresignatures < this.threshold,
    );
  }

  private updateUsable(): void {
    if (this.usable || !this.ready || this.blockingParts().length > 0) return;
    this.usable = true;
    // Whichever of the two comes second starts them: this, or startRunnersOnceUsable.
    if (this.runnersReleased) this.startRunners();
    this.emit('change');
  }

  /**
   * The nodes held their Lit Action runners back while the network started (see awaitRunner).
   * The host releases them once its own start is done (its wallet services up): they start when
   * both that and the network's being usable are so, all at once. One at a time (a core left
   * to the first requests) made the first signature faster, but a script's executeJs burst right
   * after the start waited for runners: p50 1.5–2.1 s against 0.4–1.0 s (N = 7, 10 requests/s).
   */
  startRunnersOnceUsable(): void {
    this.runnersReleased = true;
    if (this.usable) this.startRunners();
  }

  private startRunners(): void {
    for (const node of this.nodes) node.startRunner();
  }

  /**
   * Resolves once every verb works (see updateUsable), telling `onProgress` what it still waits
   * for whenever that changes; rejects after `timeoutMs` (Infinity: never) saying what was missing.
   */
  untilUsable(onProgress: (waitingFor: string) => void = () => {}, timeoutMs = 120_000): Promise<void> {
    if (this.usable) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let said = '';
      const check = (): void => {
        if (this.usable) {
          done();
          resolve();
          return;
        }
        const missing = describeFilling(this.blockingParts(), true);
        if (missing && missing !== said) onProgress(`waiting for ${missing}`);
        said = missing;
      };
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            done();
            reject(new Error(`the network was not usable after ${timeoutMs / 1000} s: still waiting for ${said}`));
          }, timeoutMs)
        : undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.off('change', check);
      };
      this.on('change', check);
      check();
    });
  }

  /** Pool counters for the status (key pool filling, presignatures), from each node's /health. */
  private async pollNodeHealth(): Promise<void> {
    let changed = false;
    await Promise.all(
      this.nodes.map(async (node) => {
        let stats: NodeProcess['stats'] = null;
        if (node.up) {
          try {
            const health = await callRoute({ index: node.index, url: node.url }, 'health', undefined, 1_000);
            stats = nodeStatsFrom(health);
          } catch {
            stats = null;
          }
        }
        if (JSON.stringify(stats) !== JSON.stringify(node.stats)) {
          node.stats = stats;
          changed = true;
        }
      }),
    );
    if (changed) this.emit('change');
  }

  /**
   * A host that was SIGKILLed leaves its anvil running (nodes exit by themselves when
   * their IPC channel closes). Stop that anvil before starting a new one on the same state.
   */
  private async reapOrphanChain(): Promise<void> {
    const pidFile = this.options.paths.chainPid;
    if (!fs.existsSync(pidFile)) return;
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    fs.rmSync(pidFile, { force: true });
    if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return;
    const cmdline = readCmdline(pid);
    if (cmdline.includes('anvil') && cmdline.includes(this.options.paths.chainState)) {
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 5_000;
      while (isProcessAlive(pid) && Date.now() < deadline) await sleep(50);
    }
  }

  /** The key pool as the chain counts it (routed, unminted ECDSA keys). */
  private async pollKeyPool(): Promise<void> {
    const chain = this.chain;
    const contracts = this.contracts;
    if (!chain?.running || !contracts) return;
    let next: number | null = null;
    try {
      const pkpNft = contractInterface('PKPNFT');
      const data = pkpNft.encodeFunctionData('getUnmintedRoutedTokenIdCount', [KEY_TYPE.ECDSA]);
      const out = await chain.rpc<string>('eth_call', [{ to: contracts.PKPNFT, data }, 'latest']);
      next = Number(pkpNft.decodeFunctionResult('getUnmintedRoutedTokenIdCount', out)[0]);
    } catch {
      next = null;
    }
    if (next !== this.keyPool) {
      this.keyPool = next;
      this.emit('change');
    }
  }

  private async pollBlockNumber(): Promise<void> {
    const chain = this.chain;
    if (!chain) return;
    let next: number | null = null;
    if (chain.running) {
      try {
        next = Number(BigInt(await chain.rpc<string>('eth_blockNumber')));
      } catch {
        next = null;
      }
    }
    if (next !== this.blockNumber) {
      this.blockNumber = next;
      this.emit('change');
    }
  }

  status(): NetworkStatus {
    const chain = this.chain;
    const parts = this.poolParts();
    return {
      ready: this.ready,
      usable: this.usable,
      filling: parts.filter((p) => p.have < p.want),
      chain: {
        rpcUrl: chain?.rpcUrl ?? '',
        cheats: this.options.network.chainCheats === true,
        chainId: this.options.network.chainId,
        blockNumber: this.blockNumber,
        up: chain?.running ?? false,
      },
      nodes: this.nodes.map((node) => ({
        index: node.index,
        url: node.url,
        pid: node.pid,
        up: node.up,
        restarts: node.restarts,
        address: node.address,
        keysReady: node.stats?.keysReady ?? null,
        presignaturesFresh: node.stats?.presignaturesFresh ?? null,
        actionRunner: node.stats?.actionRunner ?? null,
      })),
      contracts: this.contracts ?? null,
      litSdk: this.litSdk ?? null,
      networkPublicKey: this.agreedNetworkKey(),
      nodeCount: this.nodeCount,
      threshold: this.threshold,
      dataDir: this.options.dataDir,
      lastSignature: this.options.lastSignature?.() ?? null,
      ceramic: this.options.ceramic?.() ?? null,
    };
  }

  /** The network's BLS key as at least T nodes report it (null before genesis made it). */
  private agreedNetworkKey(): string | null {
    const votes = new Map<string, number>();
    for (const node of this.nodes) {
      const key = node.stats?.networkPublicKey;
      if (key) votes.set(key, (votes.get(key) ?? 0) + 1);
    }
    for (const [key, count] of votes) if (count >= this.threshold) return key;
    return null;
  }

  /** Turns the chain's cheat methods on or off for outside callers (dapp tools); kept in network.json. */
  setChainCheats(enabled: boolean): void {
    this.options.network.chainCheats = enabled;
    this.options.saveNetwork();
    this.emit('change');
  }

  node(index: number): NodeProcess {
    const node = this.nodes[index - 1];
    if (!node) throw new RangeError(`there is no node ${index}; nodes are numbered 1 to ${this.nodes.length}`);
    return node;
  }

  /** Stops nodes first (they use the chain), then the chain, which writes its state. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.ready = false;
    clearInterval(this.poller);
    clearTimeout(this.healthPoller);
    await Promise.all(this.nodes.map((node) => node.stop()));
    await this.chain?.stop();
    fs.rmSync(this.options.paths.chainPid, { force: true });
  }
}

/** "the key pool (3 of 8)" etc.; with `why`, what makes each part. */
export function describeFilling(parts: NonNullable<NetworkStatus['filling']>, why = false): string {
  const reason: Record<string, string> = {
    'network key': 'made by DKG among all nodes at genesis, for encrypt and decrypt',
    'key pool': 'keys made by DKG among all nodes, so that a mint is one transaction',
    presignatures: 'made in batches among the nodes, one per signature',
  };
  return parts
    .map(
      (p) =>
        `${p.part === 'network key' ? 'the network key' : `the ${p.part} (${p.have} of ${p.want})`}${why ? `: ${reason[p.part]}` : ''}`,
    )
    .join('; ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readCmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** `up --lit-local`'s chain port, 8545, where Lit's nagaLocal looks: a clear error when something holds it. */
async function nagaLocalRpcPort(): Promise<number> {
  if (!(await isPortFree(NAGA_LOCAL_RPC_PORT)))
    throw new Error(
      `--lit-local needs 127.0.0.1:${NAGA_LOCAL_RPC_PORT} for the chain (Lit's nagaLocal reads it there), but another program holds it (another anvil, hardhat node or --lit-local sandbox?); stop it, or start without --lit-local and use the context file`,
    );
  return NAGA_LOCAL_RPC_PORT;
}
