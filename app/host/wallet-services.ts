import { hexlify, parseEther, SigningKey, toQuantity, Wallet, type JsonRpcProvider } from 'ethers';
import type { SignInService } from './auth/sign-in-service.ts';
import { PasskeyService } from './auth/passkey-service.ts';
import { connectContracts, type ContractAddresses } from '../shared/contracts/index.ts';
import { secp256k1PublicKey } from '../shared/secp256k1-public-key.ts';
import { thresholdFor } from '../shared/network.ts';
import { fundOnSandbox } from './chain/network-genesis.ts';
import { LitClient } from './lit-client/lit-client.ts';
import { ActionStore } from './actions/action-store.ts';
import { verifyMintGrantBurn, type MintGrantBurnVerdict } from './actions/mint-grant-burn-verifier.ts';
import type { NodeEndpoint } from './lit-client/node-request.ts';
import type { SecretVault } from './vault/secret-vault.ts';
import { loadOrCreateWalletKey } from './vault/network-keys.ts';
import { PkpService } from './wallet/pkp-service.ts';
import { SandboxTransactor } from './wallet/sandbox-transactor.ts';
import { PkpPermissionsService } from './wallet/pkp-permissions-service.ts';
import { PkpSigner, type PkpAuth } from './wallet/pkp-signer.ts';
import { PkpWalletService } from './wallet/pkp-wallet-service.ts';
import { PkpDetailsService } from './wallet/pkp-details-service.ts';
import { ActivityLog } from './activity/activity-log.ts';
import { WalletAccount } from './wallet/wallet-account.ts';
import { PkpNames } from './wallet/pkp-names.ts';
import { AddressHistory } from './wallet/address-history.ts';

export interface WalletServices {
  account: WalletAccount;
  pkps: PkpService;
  permissions: PkpPermissionsService;
  pkpWallet: PkpWalletService;
  /** A PKP as an ethers Signer under the given auth: every PKP signature goes through one. */
  pkpSigner(publicKey: string, auth: PkpAuth): PkpSigner;
  /** One PKP as the chain knows it: owner, balance, permissions, history. */
  pkpDetails: PkpDetailsService;
  /** The wallet's record of what it did, and of every PKP it made. */
  activity: ActivityLog;
  /** The names people gave their PKPs. */
  names: PkpNames;
  /** Transactions by address, read from the chain (for per-account history). */
  history: AddressHistory;
  signIn: SignInService;
  passkeys: PasskeyService;
  provider: JsonRpcProvider;
  /** The sandbox faucet: adds `amountWei` to an address's balance; resolves to the new balance. */
  faucet(address: string, amountWei: bigint): Promise<bigint>;
  lit: LitClient;
  actions: ActionStore;
  verifyMintGrantBurn(input: {
    publicKey: string;
    code: string;
    signature: string;
    digest: string;
  }): Promise<MintGrantBurnVerdict>;
  balanceOf(address: string): Promise<bigint>;
  close(): void;
}

/**
 * A signing key whose public key OpenSSL computes: ethers' own would build noble's curve tables
 * at every start, while the nodes load, for an address. The first signature builds them instead
 * (see WalletAccount.warmUp).
 */
class OpenSslPublicKeySigningKey extends SigningKey {
  readonly #publicKey: string;

  constructor(privateKey: string) {
    super(privateKey);
    this.#publicKey = hexlify(secp256k1PublicKey(privateKey));
  }

  override get publicKey(): string {
    return this.#publicKey;
  }
}

/** The wallet's own account from its key in the vault (made while the nodes start). */
export async function walletAccountFrom(vault: SecretVault): Promise<Wallet> {
  return new Wallet(new OpenSslPublicKeySigningKey(await loadOrCreateWalletKey(vault)));
}

/**
 * The wallet side of the host: the wallet's own account (key from the vault, funded on the
 * sandbox chain), PKP minting, and the Lit client, which finds the nodes in Staking.
 */
export async function startWalletServices(options: {
  /** The host's private path to the chain (the faucet's setBalance, a passkey challenge's evm_mine). */
  provider: JsonRpcProvider;
  chainId: number;
  contracts: ContractAddresses;
  /** The wallet account, from walletAccountFrom (made while the network starts). */
  account: Promise<Wallet>;
  nodeCount: number;
  /** Each node's host client key: the Lit client shows it to learn which presignatures are fresh. */
  nodeClientKey?: (index: number) => string;
  actionsDir: string;
  /** The host's SQLite file for the activity log. */
  activityFile: string;
  signIn: SignInService;
  /** Where the wallet UI is served (passkeys are bound to these origins). */
  uiOrigins: () => string[];
}): Promise<WalletServices> {
  const provider = options.provider;
  const contracts = connectContracts(options.contracts, provider);
  const wallet = (await options.account).connect(provider);
  await fundOnSandbox(provider, [wallet.address]);

  let nodes: NodeEndpoint[] = [];
  const loadNodes = async () => {
    const registered = await contracts.Staking.getNodes();
    nodes = registered.map((n, i) => ({ index: i + 1, url: n.endpoint, clientKey: options.nodeClientKey?.(i + 1) }));
  };
  await loadNodes();
  const refresh = setInterval(() => void loadNodes().catch(() => undefined), 5_000);
  refresh.unref();

  const lit = new LitClient({
    nodes: () => nodes,
    nodeCount: options.nodeCount,
    threshold: thresholdFor(options.nodeCount),
  });
  // In the background: a failure here only means the first request does this work itself.
  void lit.warmUp().catch(() => undefined);
  const walletTransactor = new SandboxTransactor(wallet, provider, options.chainId);
  const activity = new ActivityLog(options.activityFile);
  const names = new PkpNames(options.activityFile);
  const pkpNetwork = { lit, chainId: options.chainId, provider };
  const pkpSigner = (publicKey: string, auth: PkpAuth) => new PkpSigner(pkpNetwork, publicKey, auth);
  /** The sandbox faucet: adds `amountWei` to an address's balance; returns the new balance. */
  const faucet = async (address: string, amountWei: bigint) => {
    const balance = (await provider.getBalance(address)) + amountWei;
    await provider.send('anvil_setBalance', [address, toQuantity(balance)]);
    return balance;
  };
  return {
    account: new WalletAccount(wallet, options.chainId),
    pkps: new PkpService(contracts, options.contracts, walletTransactor),
    permissions: new PkpPermissionsService({
      contracts,
      addresses: options.contracts,
      wallet: walletTransactor,
      pkpSigner,
      // A PKP about to send its own transaction gets gas money when it holds under 1 ETH.
      fund: async (address) => {
        if ((await provider.getBalance(address)) < parseEther('1')) await faucet(address, parseEther('10'));
      },
    }),
    faucet,
    pkpWallet: new PkpWalletService(provider, {
      chainId: options.chainId,
      contracts: options.contracts,
      signer: pkpSigner,
    }),
    pkpSigner,
    pkpDetails: new PkpDetailsService(contracts, options.contracts, provider),
    activity,
    names,
    history: new AddressHistory(provider),
    signIn: options.signIn,
    passkeys: new PasskeyService(provider, options.uiOrigins),
    provider,
    lit,
    actions: new ActionStore(options.actionsDir),
    verifyMintGrantBurn: (input) => verifyMintGrantBurn(input, contracts, options.contracts, provider),
    balanceOf: (address) => provider.getBalance(address),
    close: () => {
      clearInterval(refresh);
      lit.close();
      activity.close();
      names.close();
      provider.destroy();
    },
  };
}
