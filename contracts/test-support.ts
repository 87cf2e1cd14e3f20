/**
 * Test support for the contract tests: a real anvil, funded random accounts, keys made in the
 * test and routed through the votes of registered test nodes. Never used by the app.
 */
import { Wallet, hexlify, randomBytes, sha256, type JsonRpcProvider, type TransactionResponse } from 'ethers';
import { AnvilProcess } from '../app/host/chain/anvil-process.ts';
import { deployNetwork } from '../app/host/chain/genesis.ts';
import { ipcChainProvider } from '../app/shared/contracts/ipc-provider.ts';
import {
  connectContracts,
  tokenIdFromPubkey,
  KEY_TYPE,
  type ContractAddresses,
  type LitboxContracts,
} from '../app/shared/contracts/index.ts';

export const CHAIN_ID = 31337;

export interface TestChain {
  anvil: AnvilProcess;
  provider: JsonRpcProvider;
}

export async function startChain(options: { stateFile?: string; logFile?: string } = {}): Promise<TestChain> {
  const anvil = new AnvilProcess({
    chainId: CHAIN_ID,
    stateIntervalSeconds: 1,
    ...(options.stateFile ? { stateFile: options.stateFile } : {}),
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });
  await anvil.start();
  // Straight to anvil's IPC socket, as Litbox's own host does: these tests set balances.
  return { anvil, provider: ipcChainProvider(anvil.ipcPath, CHAIN_ID, 20) };
}

/** A random account with 1000 ETH (anvil_setBalance), connected to the provider. */
export async function fundedWallet(
  chain: TestChain,
  wallet: { address: string; privateKey: string } = Wallet.createRandom(),
): Promise<Wallet> {
  await chain.anvil.rpc('anvil_setBalance', [wallet.address, '0x3635c9adc5dea00000']);
  return new Wallet(wallet.privateKey, chain.provider);
}

export interface TestNetwork {
  admin: Wallet;
  nodes: Wallet[];
  addresses: ContractAddresses;
  /** Handles connected to the admin. */
  c: LitboxContracts;
  genesisMs: number;
}

export async function deployTestNetwork(chain: TestChain, nodeCount = 7): Promise<TestNetwork> {
  const admin = await fundedWallet(chain);
  const nodes: Wallet[] = [];
  for (let i = 0; i < nodeCount; i++) nodes.push(await fundedWallet(chain));
  const started = performance.now();
  const addresses = await deployNetwork({
    signer: admin,
    nodes: nodes.map((n, i) => ({
      address: n.address,
      endpoint: `http://127.0.0.1:${7470 + i}`,
      ...testCommunicationKeys(),
    })),
  });
  const genesisMs = performance.now() - started;
  return { admin, nodes, addresses, c: connectContracts(addresses, admin), genesisMs };
}

/** A secp256k1 key made in the test; we keep its private key to sign as the PKP. */
export interface TestKey {
  wallet: Wallet;
  pubkey: string;
  tokenId: bigint;
}

export function makeKey(): TestKey {
  const wallet = Wallet.createRandom();
  const pubkey = wallet.signingKey.publicKey;
  return { wallet: new Wallet(wallet.privateKey), pubkey, tokenId: tokenIdFromPubkey(pubkey) };
}

/** Sends a transaction and waits for it; returns the receipt (status checked). */
export async function mined(tx: Promise<TransactionResponse>) {
  const response = await tx;
  const receipt = await response.wait();
  if (!receipt || receipt.status !== 1) throw new Error(`transaction ${response.hash} failed`);
  return receipt;
}

/** Routes a key through the votes of the first `votes` nodes (default: the threshold). */
export async function routeKey(net: TestNetwork, key: TestKey, votes?: number): Promise<void> {
  const needed = votes ?? Number(await net.c.Staking.threshold());
  for (const node of net.nodes.slice(0, needed)) {
    await mined(
      net.c.PubkeyRouter.connect(node).voteForRoutingData(
        key.tokenId,
        key.pubkey,
        net.addresses.Staking,
        KEY_TYPE.ECDSA,
      ),
    );
  }
}

/** Routes a fresh key and returns it; it is now on top of the unminted pool. */
export async function routedKey(net: TestNetwork): Promise<TestKey> {
  const key = makeKey();
  await routeKey(net, key);
  return key;
}

/** The CIDv0 multihash bytes (0x1220 ‖ sha256) of some random content: a Lit Action id. */
export function randomActionId(): string {
  return `0x1220${sha256(randomBytes(32)).slice(2)}`;
}

export function randomBytes32(): string {
  return hexlify(randomBytes(32));
}

/** Random stand-ins for a node's Ed25519/X25519 public keys (contract tests send no peer messages). */
export function testCommunicationKeys(): { signingKey: string; encryptionKey: string } {
  return { signingKey: hexlify(randomBytes(32)), encryptionKey: hexlify(randomBytes(32)) };
}
