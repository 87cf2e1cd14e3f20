import {
  ContractFactory,
  getAddress,
  getCreateAddress,
  type Provider,
  type Signer,
  type TransactionReceipt,
  type TransactionResponse,
} from 'ethers';
import {
  artifacts,
  contractAt,
  ContractAddresses,
  explainContractError,
  type ContractName,
} from '../../shared/contracts/index.ts';

/** A threshold node as genesis registers it in Staking. */
export interface GenesisNode {
  /** The node's identity address: it signs its votes and node-to-node messages. */
  address: string;
  /** Where clients and the other nodes reach it, e.g. http://127.0.0.1:7471 */
  endpoint: string;
  /** Ed25519 public key (32 bytes, 0x hex) that signs its node-to-node messages. */
  signingKey: string;
  /** X25519 public key (32 bytes, 0x hex) for the pairwise keys that encrypt shares in transit. */
  encryptionKey: string;
}

export interface DeployNetworkOptions {
  /** The admin account; a signer connected to the chain's provider. */
  signer: Signer;
  /** Registered in this order: node i gets index i + 1. */
  nodes: readonly GenesisNode[];
  /** PKPNFT.mintCost in wei; the contract's default is 1 wei. */
  mintCost?: bigint;
  /**
   * `up --lit-local`: deploy at the addresses Lit's `nagaLocal` knows by default (see
   * nagaLocalDeployment); `signer` then only receives the ownership at the end.
   */
  nagaLocal?: NagaLocalDeployment;
}

/** How genesis reaches nagaLocal's addresses: anvil's account #0 at given nonces. */
export interface NagaLocalDeployment {
  /** Anvil's account #0 (its key is public), connected to the chain's provider. */
  deployer: Signer;
  /** The contract addresses wanted, each a CREATE address of the deployer at `nonces[name]`. */
  nonces: Readonly<Record<ContractName, number>>;
  /** anvil_setNonce on the private path: the deployer's next transaction takes this nonce. */
  setNonce: (address: string, nonce: number) => Promise<void>;
}

/**
 * Genesis: deploys Staking, PKPNFT, PubkeyRouter, PKPPermissions and PKPHelper (and the
 * PriceFeed, Ledger and PaymentDelegation that Lit's v8 SDK reads), wires them
 * together, registers the nodes in Staking, and returns the addresses for the host to keep.
 * Pure chain work: nothing is written to disk here.
 */
export async function deployNetwork(options: DeployNetworkOptions): Promise<ContractAddresses> {
  const { signer, nodes } = options;
  checkNodes(nodes);
  const provider = signer.provider;
  if (!provider) throw new Error('genesis: the signer must be connected to the chain provider');
  const deployer = options.nagaLocal?.deployer ?? signer;
  const from = await deployer.getAddress();
  let nonce = await provider.getTransactionCount(from, 'pending');

  // Contract addresses follow from (deployer, nonce), so every constructor can take the
  // addresses of the contracts deployed before it (or after it), and the deploy transactions
  // can be sent back to back. For nagaLocal each goes at its own nonce instead, in rising order.
  const order = (
    [
      'Staking',
      'PKPNFT',
      'PubkeyRouter',
      'PKPPermissions',
      'PKPHelper',
      'PriceFeed',
      'Ledger',
      'PaymentDelegation',
    ] as const
  )
    .map((name, i) => ({ name, nonce: options.nagaLocal?.nonces[name] ?? nonce + i }))
    .sort((a, b) => a.nonce - b.nonce);
  const at = Object.fromEntries(
    order.map(({ name, nonce: n }) => [name, getCreateAddress({ from, nonce: n })]),
  ) as Record<(typeof order)[number]['name'], string>;
  const constructorArgs: Record<ContractName, unknown[]> = {
    Staking: [],
    PKPNFT: [],
    PubkeyRouter: [at.PKPNFT, at.Staking],
    PKPPermissions: [at.PKPNFT],
    PKPHelper: [at.PKPNFT, at.PKPPermissions],
    PriceFeed: [at.Staking],
    Ledger: [],
    PaymentDelegation: [],
  };

  // Each transaction is sent once the previous one was accepted (so nonces stay in order;
  // anvil mines each as it arrives); receipts are awaited per batch.
  const sent: Sent[] = [];
  const send = async (what: string, tx: () => Promise<TransactionResponse>) => {
    try {
      sent.push({ what, response: await tx() });
    } catch (err) {
      throw explainContractError(err, `genesis: ${what}`);
    }
  };
  for (const { name, nonce: wanted } of order) {
    const { abi, bytecode } = artifacts[name];
    const deploy = await new ContractFactory(abi, bytecode, deployer).getDeployTransaction(...constructorArgs[name]);
    if (options.nagaLocal && wanted !== nonce) {
      await settle(sent.splice(0)); // the deployer's earlier transactions are mined before its nonce moves
      await options.nagaLocal.setNonce(from, wanted);
      nonce = wanted;
    }
    await send(`deploy ${name}`, () => deployer.sendTransaction({ ...deploy, nonce: nonce++ }));
  }
  // The wiring transactions' gas estimates need the contracts' code on chain.
  await settle(sent.splice(0));
  const pkpNft = contractAt('PKPNFT', at.PKPNFT, deployer);
  const staking = contractAt('Staking', at.Staking, deployer);
  await send('wire PKPNFT to PubkeyRouter and PKPPermissions', () =>
    pkpNft.setContracts(at.PubkeyRouter, at.PKPPermissions, { nonce: nonce++ }),
  );
  await send(`register ${nodes.length} nodes in Staking`, () =>
    staking.registerNodes(
      nodes.map((n) => n.address),
      nodes.map((n) => n.endpoint),
      nodes.map((n) => n.signingKey),
      nodes.map((n) => n.encryptionKey),
      { nonce: nonce++ },
    ),
  );
  if (options.mintCost !== undefined && options.mintCost !== 1n) {
    const mintCost = options.mintCost;
    await send('set the mint cost', () => pkpNft.setMintCost(mintCost, { nonce: nonce++ }));
  }
  if (options.nagaLocal) {
    // Account #0's key is public: the admin takes over what it owns, as on any other network.
    const admin = await signer.getAddress();
    await send('hand Staking to the admin', () => staking.transferOwnership(admin, { nonce: nonce++ }));
    await send('hand PKPNFT to the admin', () => pkpNft.transferOwnership(admin, { nonce: nonce++ }));
  }
  await settle(sent);

  const addresses: ContractAddresses = {
    PKPNFT: at.PKPNFT,
    PKPPermissions: at.PKPPermissions,
    PKPHelper: at.PKPHelper,
    PubkeyRouter: at.PubkeyRouter,
    Staking: at.Staking,
    PriceFeed: at.PriceFeed,
    Ledger: at.Ledger,
    PaymentDelegation: at.PaymentDelegation,
  };
  await verifyDeployment(provider, addresses);
  const registered = await staking.nodeCount();
  if (registered !== BigInt(nodes.length)) {
    throw new Error(`genesis: Staking lists ${registered} nodes, expected ${nodes.length}`);
  }
  return addresses;
}

export interface VerifyOptions {
  /** Named in the error, e.g. the data directory's chain state file. */
  stateFile?: string;
}

/**
 * Checks that the Litbox contracts are still on the chain at the recorded addresses, and
 * wired to each other; throws a clear error if the chain state lost them (a deleted or
 * replaced state file, or a chain started without it).
 */
export async function verifyDeployment(
  provider: Provider,
  addresses: ContractAddresses,
  options: VerifyOptions = {},
): Promise<void> {
  const checked = ContractAddresses.parse(addresses);
  const where = options.stateFile ?? `the chain at ${describeProvider(provider)}`;
  const names = (Object.keys(checked) as ContractName[]).filter((name) => checked[name] !== undefined);
  let codes: string[];
  try {
    codes = await Promise.all(names.map((name) => provider.getCode(checked[name]!)));
  } catch (err) {
    throw explainContractError(err, 'checking the Litbox contracts');
  }
  const missing = names.filter((_, i) => codes[i] === '0x' || codes[i] === undefined);
  if (missing.length > 0) {
    throw new Error(
      `the chain state in ${where} lost the Litbox contracts (no code at ` +
        `${missing.map((n) => `${n} ${checked[n]}`).join(', ')}). ` +
        'The state file was deleted, replaced, or saved before genesis finished. Restore it from ' +
        'a backup, or move the data directory aside to start a new network (genesis deploys ' +
        'again; the PKPs of the old network cannot be recovered).',
    );
  }
  const pkpNft = contractAt('PKPNFT', checked.PKPNFT, provider);
  const wiring: [string, Promise<string>, string][] = [
    ['PKPNFT.router', pkpNft.router(), checked.PubkeyRouter],
    ['PKPNFT.pkpPermissions', pkpNft.pkpPermissions(), checked.PKPPermissions],
    ['PubkeyRouter.pkpNFT', contractAt('PubkeyRouter', checked.PubkeyRouter, provider).pkpNFT(), checked.PKPNFT],
    ['PubkeyRouter.staking', contractAt('PubkeyRouter', checked.PubkeyRouter, provider).staking(), checked.Staking],
    ['PKPPermissions.pkpNFT', contractAt('PKPPermissions', checked.PKPPermissions, provider).pkpNFT(), checked.PKPNFT],
    ['PKPHelper.pkpNFT', contractAt('PKPHelper', checked.PKPHelper, provider).pkpNFT(), checked.PKPNFT],
    [
      'PKPHelper.pkpPermissions',
      contractAt('PKPHelper', checked.PKPHelper, provider).pkpPermissions(),
      checked.PKPPermissions,
    ],
  ];
  if (checked.PriceFeed)
    wiring.push(['PriceFeed.staking', contractAt('PriceFeed', checked.PriceFeed, provider).staking(), checked.Staking]);
  const wrong: string[] = [];
  for (const [what, actual, expected] of wiring) {
    let value: string;
    try {
      value = await actual;
    } catch {
      wrong.push(`${what} does not answer`);
      continue;
    }
    if (getAddress(value) !== getAddress(expected)) wrong.push(`${what} is ${value}, not ${expected}`);
  }
  if (wrong.length > 0) {
    throw new Error(
      `the chain state in ${where} does not hold one Litbox network at the recorded addresses ` +
        `(${wrong.join('; ')}). The recorded addresses and the chain state belong to different ` +
        'networks; restore the matching pair, or start a new network in a fresh data directory.',
    );
  }
}

function checkNodes(nodes: readonly GenesisNode[]): void {
  if (nodes.length === 0) throw new Error('genesis: at least one node is needed');
  const seen = new Set<string>();
  nodes.forEach((node, i) => {
    let address: string;
    try {
      address = getAddress(node.address);
    } catch {
      throw new Error(`genesis: node ${i + 1} has an invalid address "${node.address}"`);
    }
    if (seen.has(address)) throw new Error(`genesis: node address ${address} is listed twice`);
    seen.add(address);
    if (!node.endpoint) throw new Error(`genesis: node ${i + 1} (${address}) has no endpoint URL`);
    for (const key of [node.signingKey, node.encryptionKey])
      if (!/^0x[0-9a-fA-F]{64}$/.test(key ?? '') || /^0x0{64}$/.test(key))
        throw new Error(`genesis: node ${i + 1} (${address}) needs 32-byte communication keys`);
  });
}

interface Sent {
  what: string;
  response: TransactionResponse;
}

/** Waits for every receipt and checks that each transaction succeeded. */
async function settle(sent: Sent[]): Promise<void> {
  for (const { what, response } of sent) {
    let receipt: TransactionReceipt | null;
    try {
      receipt = await response.wait();
    } catch (err) {
      throw explainContractError(err, `genesis: ${what}`);
    }
    if (!receipt || receipt.status !== 1) throw new Error(`genesis: ${what} failed on chain`);
  }
}

function describeProvider(provider: Provider): string {
  const url = (provider as { _getConnection?: () => { url: string } })._getConnection?.().url;
  return url ?? 'the provider';
}
