import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEFAULT_NODES } from '../shared/network.ts';
import { authFor, createApiHandlers } from './api/api-handlers.ts';
import { startWalletProvider, type RunningProvider } from './provider/start-provider.ts';
import { ApiServer, type ApiLimits } from './api/api-server.ts';
import { startWalletServices, walletAccountFrom, type WalletServices } from './wallet-services.ts';
import {
  DataDirLock,
  dataPaths,
  ensureWritableDir,
  removeRuntimeInfo,
  writeRuntimeInfo,
  type DataPaths,
} from './data-dir.ts';
import { loadOrCreateNetworkConfig, reclaimNodePorts, writeNetworkConfig } from './network-config.ts';
import { Supervisor } from './supervisor/supervisor.ts';
import { loadOrCreateAdminKey, loadOrCreateMasterKey, nodeStorageKey } from './vault/network-keys.ts';
import { openVault } from './vault/open-vault.ts';
import { hostClientKey } from '../shared/host-client-key.ts';
import { startLocalIssuer, type LocalIssuer } from './oidc/local-issuer.ts';
import { SignInService } from './auth/sign-in-service.ts';
import { GOOGLE_ISSUERS } from '../shared/oidc-issuers.ts';
import { LITBOX_RP_ID } from '../shared/webauthn/index.ts';
import fs from 'node:fs';
import path from 'node:path';
import { CeramicNode } from './ceramic/ceramic-process.ts';
import { SocialService } from './ceramic/social-service.ts';

/** The wallet's OAuth client id at the local issuer (and the audience the nodes accept). */
export const WALLET_CLIENT_ID = 'litbox-wallet';
import { askPassphraseFromTerminal } from './vault/terminal-passphrase.ts';

export interface HostOptions {
  dataDir: string;
  /** Only for a new data directory; an existing one keeps its node count. */
  nodeCount?: number;
  /** 0 picks a free port. */
  port: number;
  rendererDir?: string;
  onProgress?: (step: string) => void;
  /** URL prefixes Lit Actions may fetch (default: none). */
  fetchAllowList?: string[];
  /** Sign in with real Google too: this install's OAuth client id (kept in network.json). */
  googleClientId?: string;
  /** Pool sizes the nodes keep (tests use small ones). */
  pools?: { keys: number; presignatures: number };
  /** The API's limits on calls (see DEFAULT_API_LIMITS); tests make them small to reach them. */
  apiLimits?: Partial<ApiLimits>;
  /** Asked for the vault passphrase when no OS keychain answers. */
  askPassphrase?: (creating: boolean) => Promise<string | undefined>;
  /** A new data directory tries the OS keychain first (default true). */
  preferKeychain?: boolean;
  /** Aborts a start under way (the desktop app quit while the network started): stops what started, then throws. */
  signal?: AbortSignal;
  /** Called as soon as the API listens, before the network is up. */
  onListening?: (url: string, token: string) => void;
  /** The wallet provider's port (kept in network.json once chosen); default: the last one, or 31338. */
  providerPort?: number;
  /** `up --approve-all-from NAME`: that named local client signs without a click (for dapp CI). */
  approveAllFrom?: string;
  /** How long a provider request waits for the person (default 5 minutes). */
  approvalTimeoutMs?: number;
  /** `up --ceramic`: also run a local Ceramic node (needs `npm run compat:ceramic:install`). */
  ceramic?: boolean;
  /**
   * `up --lit-local`, for a new data directory (an existing one keeps what it was made with):
   * the chain and contracts where Lit's v8 SDK's `nagaLocal` looks for them.
   */
  litLocal?: boolean;
}

export interface RunningHost {
  url: string;
  token: string;
  dataDir: string;
  paths: DataPaths;
  supervisor: Supervisor;
  /** The wallet account, PKPs and Lit client, once the network is up. */
  wallet: WalletServices;
  /** The wallet provider endpoint for dapps and tools (docs/PROVIDER.md). */
  provider: RunningProvider;
  /** The local Ceramic node, when started with `ceramic: true`. */
  ceramic: CeramicNode | undefined;
  /** The social example over that node (docs/CERAMIC.md). */
  social: SocialService | undefined;
  stop(): Promise<void>;
}

export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

/**
 * Starts a whole Litbox: takes the data directory's lock, starts the chain and the nodes,
 * and serves the API and UI. Whatever fails half-way is stopped again before the error
 * is thrown, so no process is left behind.
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const dataDir = ensureWritableDir(options.dataDir);
  const paths = dataPaths(dataDir);
  const lock = new DataDirLock(paths.lock);
  lock.acquire();

  let supervisor: Supervisor | undefined;
  let api: ApiServer | undefined;
  let stopWallet = (): void => {};
  let stopProvider = async (): Promise<void> => {};
  let stopIssuer = async (): Promise<void> => {};
  let signIn: SignInService | undefined;
  let apiPort = 0;
  let ceramic: CeramicNode | undefined;
  const cleanUp = async () => {
    // Every step runs even when one before it failed: a step left out kept a server listening
    // (the process never exited) and the data directory locked. The first failure is reported.
    let failure: unknown;
    const step = async (run: () => unknown): Promise<void> => {
      try {
        await run();
      } catch (err) {
        failure ??= err;
      }
    };
    // First: a sign-in left open in a browser must not keep its loopback listener (or the process) alive.
    await step(() => signIn?.close());
    await step(stopProvider);
    await step(stopWallet);
    await step(() => removeRuntimeInfo(paths.runtime));
    await step(() => api?.close());
    await Promise.all([step(() => supervisor?.stop()), step(() => ceramic?.stop())]);
    await step(stopIssuer);
    await step(() => lock.release());
    if (failure !== undefined) throw failure;
  };

  try {
    const { config: network, created } = await loadOrCreateNetworkConfig(
      paths.network,
      options.nodeCount,
      DEFAULT_NODES,
      options.litLocal,
    );
    const vault = await openVault({
      dataDir,
      file: paths.vault,
      recorded: network.vault,
      preferKeychain: options.preferKeychain,
      askPassphrase: options.askPassphrase ?? askPassphraseFromTerminal,
    });
    const masterKey = await loadOrCreateMasterKey(vault);
    const adminKey = await loadOrCreateAdminKey(vault);
    const vaultChanged = network.vault !== vault.kind;
    network.vault = vault.kind;
    if ((await reclaimNodePorts(network)) || created || vaultChanged) writeNetworkConfig(paths.network, network);

    // The local stand-in for Google: same port across restarts when it is free.
    fs.mkdirSync(paths.oidcDir, { recursive: true, mode: 0o700 });
    let issuer: LocalIssuer;
    try {
      issuer = await startLocalIssuer({
        port: network.oidcIssuerPort ?? 0,
        keyDir: paths.oidcDir,
        clients: [{ clientId: WALLET_CLIENT_ID, redirectUris: ['http://127.0.0.1/callback'], name: 'Litbox wallet' }],
      });
    } catch {
      issuer = await startLocalIssuer({
        port: 0,
        keyDir: paths.oidcDir,
        clients: [{ clientId: WALLET_CLIENT_ID, redirectUris: ['http://127.0.0.1/callback'], name: 'Litbox wallet' }],
      });
    }
    stopIssuer = () => issuer.close();
    if (network.oidcIssuerPort !== issuer.port) {
      network.oidcIssuerPort = issuer.port;
      writeNetworkConfig(paths.network, network);
    }

    if (options.googleClientId && network.google?.clientId !== options.googleClientId) {
      network.google = { clientId: options.googleClientId };
      writeNetworkConfig(paths.network, network);
    }
    const google = network.google;

    // The Ceramic node's port is fixed before the nodes launch: their fetch allow-list names it,
    // and nothing else on loopback, so actions can read streams and nothing more.
    let fetchAllowList = options.fetchAllowList;
    if (options.ceramic) {
      fs.mkdirSync(paths.logsDir, { recursive: true });
      ceramic = new CeramicNode({
        dir: path.join(dataDir, 'ceramic'),
        logFile: path.join(paths.logsDir, 'ceramic.log'),
      });
      await ceramic.prepare();
      fetchAllowList = [...(fetchAllowList ?? []), `${ceramic.url}/api/v0/`];
    }
    const ceramicNode = ceramic;

    const token = randomBytes(32).toString('base64url');
    // The wallet services start once the network is up; until then calls that need them get 503.
    const started: { wallet?: WalletServices; provider?: RunningProvider; social?: SocialService } = {};
    supervisor = new Supervisor({
      dataDir,
      paths,
      network,
      storageKeyOf: (index) => nodeStorageKey(masterKey, index).toString('base64'),
      adminKey,
      pools: options.pools,
      fetchAllowList,
      ceramic: () => ceramicNode?.status() ?? null,
      auth: () => ({
        oidc: {
          issuers: [{ issuer: issuer.issuer, jwksUri: issuer.jwksUri }, ...(google ? GOOGLE_ISSUERS : [])],
          audiences: [WALLET_CLIENT_ID, ...(google ? [google.clientId] : [])],
        },
        webauthn: { origins: [`http://localhost:${apiPort}`], rpId: LITBOX_RP_ID },
      }),
      saveNetwork: () => writeNetworkConfig(paths.network, network),
      lastSignature: () => started.wallet?.lit.lastSignature ?? null,
    });
    const sup = supervisor;
    // Stopping the supervisor makes its start fail at its next step; the catch below cleans up.
    const abortStart = (): void => void sup.stop().catch(() => undefined);
    options.signal?.throwIfAborted();
    options.signal?.addEventListener('abort', abortStart, { once: true });
    const handlers = createApiHandlers(
      sup,
      () => started.wallet,
      () => started.provider?.provider,
      () => started.social,
      () => ceramicNode?.url,
    );
    api = new ApiServer({
      token,
      handlers,
      rendererDir: options.rendererDir ?? DEFAULT_RENDERER_DIR,
      limits: options.apiLimits,
      onLiveConnect: (send) => {
        send({ type: 'status', status: handlers.statusNow() });
        if (started.provider) send({ type: 'provider', state: started.provider.provider.state() });
      },
    });
    const server = api;
    const port = await server.listen(options.port);
    apiPort = port;
    let pending: NodeJS.Timeout | undefined;
    // Coalesce bursts of changes (seven nodes starting) into one push.
    sup.on('change', () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        server.broadcast({ type: 'status', status: handlers.statusNow() });
      }, 25);
    });

    const localIssuer = issuer;
    signIn = new SignInService({
      local: {
        issuer: issuer.issuer,
        clientId: WALLET_CLIENT_ID,
        // The local issuer honours only the sign-ins this host starts. Its OpenID provider
        // loads now, while the browser opens, rather than in the app's start.
        announce: (request) => {
          void localIssuer.warmUp().catch(() => undefined);
          return localIssuer.expectAuthorization(request);
        },
      },
      ...(google
        ? {
            google: {
              issuer: GOOGLE_ISSUERS[0]!.issuer,
              clientId: google.clientId,
              // Google's desktop clients carry a "secret" that is not one; it comes from the environment, never argv.
              clientSecret: process.env.LITBOX_GOOGLE_CLIENT_SECRET,
            },
          }
        : {}),
    });

    // Written before the network is up, so that `status` can report start-up progress.
    writeRuntimeInfo(paths.runtime, { pid: process.pid, port, url: server.url, token });
    options.onListening?.(server.url, token);
    // Ceramic starts beside the network (about 5 s, mostly loading its modules).
    const ceramicStarted = ceramicNode?.start();
    ceramicStarted?.catch(() => undefined); // awaited below
    ceramicNode?.on('change', () => sup.emit('change'));
    const account = walletAccountFrom(vault);
    account.catch(() => undefined); // awaited by startWalletServices; a start that fails first must not leave it unhandled
    await sup.start(options.onProgress);
    if (ceramicStarted) {
      options.onProgress?.('starting the Ceramic node');
      await ceramicStarted;
    }
    const wallet = await startWalletServices({
      provider: sup.chain!.provider(network.chainId),
      chainId: network.chainId,
      contracts: sup.contracts!,
      account,
      nodeCount: network.nodeCount,
      nodeClientKey: (index) => hostClientKey(nodeStorageKey(masterKey, index).toString('base64')),
      actionsDir: paths.actionsDir,
      activityFile: paths.hostDb,
      signIn,
      uiOrigins: () => [`http://localhost:${apiPort}`],
    });
    started.wallet = wallet;
    stopWallet = () => wallet.close();
    if (ceramicNode)
      started.social = new SocialService({
        dir: path.join(dataDir, 'ceramic'),
        ceramicUrl: () => ceramicNode.url,
        wallet: {
          chainId: network.chainId,
          mint: () => wallet.pkps.mint(),
          grantAction: (publicKey, ipfsId) => wallet.pkps.grantAction(publicKey, ipfsId, 1),
          burn: (publicKey) => wallet.pkps.burn(publicKey),
          saveAction: (code) => wallet.actions.save(code),
          executeJs: (input) => wallet.lit.executeJs(input),
          authSig: () => wallet.account.authSig(),
        },
      });

    const provider = await startWalletProvider(wallet, {
      port: options.providerPort ?? network.providerPort,
      approveAllFrom: options.approveAllFrom ?? null,
      approvalTimeoutMs: options.approvalTimeoutMs,
      chainId: network.chainId,
      dbFile: paths.hostDb,
      authFor: (as) => authFor(wallet, as),
      onSigned: () => sup.emit('change'),
      onWarning: (message) => options.onProgress?.(message),
    });
    started.provider = provider;
    stopProvider = () => provider.close();
    // The approval prompt appears from this push: no debounce, the person is waiting for it.
    provider.provider.on('change', () => server.broadcast({ type: 'provider', state: provider.provider.state() }));
    server.broadcast({ type: 'provider', state: provider.provider.state() });
    if (
      network.providerPort === undefined ||
      (options.providerPort !== undefined && provider.port === options.providerPort)
    ) {
      network.providerPort = provider.port;
      writeNetworkConfig(paths.network, network);
    }
    sup.emit('change');
    sup.startRunnersOnceUsable();
    setImmediate(() => wallet.account.warmUp());
    options.signal?.removeEventListener('abort', abortStart);
    options.signal?.throwIfAborted();

    let stopped: Promise<void> | undefined;
    return {
      url: server.url,
      token,
      dataDir,
      paths,
      supervisor: sup,
      wallet,
      provider,
      ceramic: ceramicNode,
      social: started.social,
      stop: () => {
        stopped ??= (async () => {
          clearTimeout(pending);
          await cleanUp();
        })();
        return stopped;
      },
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}
