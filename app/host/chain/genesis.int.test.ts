import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Wallet, keccak256, toUtf8Bytes } from 'ethers';
import { deployNetwork, verifyDeployment } from './genesis.ts';
import { ensureContracts } from './network-genesis.ts';
import { ANVIL_ACCOUNT_0, NAGA_LOCAL_ADDRESSES } from './naga-local.ts';
import {
  AUTH_METHOD_TYPE,
  KEY_TYPE,
  connectContracts,
  type ContractAddresses,
  type LitboxContracts,
} from '../../shared/contracts/index.ts';
import {
  deployTestNetwork,
  testCommunicationKeys,
  fundedWallet,
  mined,
  randomActionId,
  routedKey,
  startChain,
  type TestChain,
  type TestKey,
  type TestNetwork,
} from '../../../contracts/test-support.ts';

const chains: TestChain[] = [];
async function chainFor(stateFile?: string): Promise<TestChain> {
  const chain = await startChain(stateFile ? { stateFile } : {});
  chains.push(chain);
  return chain;
}

afterEach(async () => {
  for (const chain of chains.splice(0)) await chain.anvil.stop();
});

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-genesis-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('deployNetwork', () => {
  it('deploys, wires and registers 7 nodes; verifyDeployment accepts it', async () => {
    const chain = await chainFor();
    const net = await deployTestNetwork(chain, 7);
    console.log(`genesis (deploy + wire + register 7 nodes): ${net.genesisMs.toFixed(0)} ms`);
    await verifyDeployment(chain.provider, net.addresses);
    expect(await net.c.Staking.nodeCount()).toBe(7n);
    expect(await net.c.Staking.owner()).toBe(net.admin.address);
    expect(await net.c.PKPNFT.owner()).toBe(net.admin.address);
    expect(await net.c.PKPNFT.router()).toBe(net.addresses.PubkeyRouter);
    expect(await net.c.PKPNFT.getUnmintedRoutedTokenIdCount(KEY_TYPE.ECDSA)).toBe(0n);
  });

  it('sets a mint cost when asked, and refuses bad node lists before sending anything', async () => {
    const chain = await chainFor();
    const admin = await fundedWallet(chain);
    const node = Wallet.createRandom().address;
    await expect(deployNetwork({ signer: admin, nodes: [] })).rejects.toThrow('at least one node');
    await expect(
      deployNetwork({
        signer: admin,
        nodes: [
          { address: node, endpoint: 'http://a', ...testCommunicationKeys() },
          { address: node.toLowerCase(), endpoint: 'http://b', ...testCommunicationKeys() },
        ],
      }),
    ).rejects.toThrow('is listed twice');
    await expect(
      deployNetwork({
        signer: admin,
        nodes: [{ address: '0x1234', endpoint: 'http://a', ...testCommunicationKeys() }],
      }),
    ).rejects.toThrow('invalid address');
    await expect(
      deployNetwork({ signer: admin, nodes: [{ address: node, endpoint: '', ...testCommunicationKeys() }] }),
    ).rejects.toThrow('has no endpoint URL');
    expect(await chain.provider.getTransactionCount(admin.address)).toBe(0);
    const addresses = await deployNetwork({
      signer: admin,
      nodes: [{ address: node, endpoint: 'http://a', ...testCommunicationKeys() }],
      mintCost: 10n ** 15n,
    });
    expect(await connectContracts(addresses, chain.provider).PKPNFT.mintCost()).toBe(10n ** 15n);
  });

  it('--lit-local: deploys at nagaLocal’s addresses from account #0, then the admin owns everything', async () => {
    const chain = await chainFor();
    const admin = Wallet.createRandom();
    const nodes = [1, 2, 3].map((i) => ({
      address: Wallet.createRandom().address,
      endpoint: `http://127.0.0.1:${7470 + i}`,
      ...testCommunicationKeys(),
    }));
    const { addresses } = await ensureContracts({
      provider: chain.provider,
      adminKey: admin.privateKey,
      nodes,
      stateFile: path.join(dir, 'lit-local-state.json'),
      litLocal: true,
    });
    expect(addresses).toEqual(NAGA_LOCAL_ADDRESSES);
    await verifyDeployment(chain.provider, addresses);
    const c = connectContracts(addresses, chain.provider);
    expect(await c.Staking.owner()).toBe(admin.address);
    expect(await c.PKPNFT.owner()).toBe(admin.address);
    expect(await c.Staking.nodeCount()).toBe(3n);
    expect(await c.PKPNFT.router()).toBe(addresses.PubkeyRouter);
    // Account #0's key is public: it can no longer change anything.
    const zero = new Wallet(ANVIL_ACCOUNT_0.privateKey, chain.provider);
    const keys = testCommunicationKeys();
    await expect(
      connectContracts(addresses, zero).Staking.registerNode.staticCall(
        Wallet.createRandom().address,
        'http://127.0.0.1:1',
        keys.signingKey,
        keys.encryptionKey,
      ),
    ).rejects.toThrow(/OwnableUnauthorizedAccount|0x118cdaa7/);
    // A later start checks them at the same addresses.
    await ensureContracts({
      provider: chain.provider,
      adminKey: admin.privateKey,
      nodes: [],
      recorded: addresses,
      stateFile: path.join(dir, 'lit-local-state.json'),
      litLocal: true,
    });
  });

  it('explains a genesis that cannot pay for itself', async () => {
    const chain = await chainFor();
    const broke = new Wallet(Wallet.createRandom().privateKey, chain.provider);
    await expect(
      deployNetwork({
        signer: broke,
        nodes: [{ address: broke.address, endpoint: 'http://a', ...testCommunicationKeys() }],
      }),
    ).rejects.toThrow(/genesis: deploy Staking failed: .*too little ETH/);
  });
});

describe('verifyDeployment', () => {
  it('throws a clear error when the chain state lost the contracts', async () => {
    const first = await chainFor();
    const net = await deployTestNetwork(first, 3);
    const empty = await chainFor();
    await expect(
      verifyDeployment(empty.provider, net.addresses, { stateFile: '/data/chain/state.json' }),
    ).rejects.toThrow(
      /^the chain state in \/data\/chain\/state\.json lost the Litbox contracts \(no code at PKPNFT 0x/,
    );
    await expect(verifyDeployment(empty.provider, net.addresses)).rejects.toThrow(
      `the chain state in the chain at ipc:${empty.anvil.ipcPath} lost the Litbox contracts`,
    );
  });

  it('throws when the addresses do not form one network', async () => {
    const chain = await chainFor();
    const net = await deployTestNetwork(chain, 3);
    const other = await deployTestNetwork(chain, 3);
    const mixed: ContractAddresses = { ...net.addresses, PKPHelper: other.addresses.PKPHelper };
    await expect(verifyDeployment(chain.provider, mixed)).rejects.toThrow(
      /does not hold one Litbox network at the recorded addresses \(PKPHelper\.pkpNFT is 0x/,
    );
  });
});

describe('durability of the chain state', () => {
  /** Mints a PKP to `owner` and gives it an action, an address and a Google auth method. */
  async function mintWithPermissions(net: TestNetwork, owner: Wallet) {
    const key = await routedKey(net);
    await mined(net.c.PKPNFT.connect(owner).mintNext(KEY_TYPE.ECDSA, { value: 1n }));
    const action = randomActionId();
    const googleId = keccak256(toUtf8Bytes(`${key.tokenId}:aud`));
    const perms = net.c.PKPPermissions.connect(owner);
    await mined(perms.addPermittedAction(key.tokenId, action, [1]));
    await mined(
      perms.addPermittedAuthMethod(
        key.tokenId,
        { authMethodType: AUTH_METHOD_TYPE.GoogleJwt, id: googleId, userPubkey: '0x' },
        [2],
      ),
    );
    return { key, action, googleId };
  }

  async function expectPkp(
    c: LitboxContracts,
    owner: string,
    pkp: { key: TestKey; action: string; googleId: string },
  ): Promise<void> {
    expect(await c.PKPNFT.ownerOf(pkp.key.tokenId)).toBe(owner);
    expect(await c.PKPNFT.getPubkey(pkp.key.tokenId)).toBe(pkp.key.pubkey);
    expect(await c.PKPPermissions.isPermittedAction(pkp.key.tokenId, pkp.action)).toBe(true);
    expect(await c.PKPPermissions.isPermittedAuthMethodScopePresent(pkp.key.tokenId, 6, pkp.googleId, 2)).toBe(true);
    expect(await c.PKPPermissions.getPermittedAddresses(pkp.key.tokenId)).toEqual([owner]);
  }

  it('keeps contracts, tokens and permissions across a clean restart and a SIGKILL after the state interval', async () => {
    const stateFile = path.join(dir, 'chain', 'state.json');
    const chain1 = await chainFor(stateFile);
    const net = await deployTestNetwork(chain1, 7);
    const alice = await fundedWallet(chain1);
    const first = await mintWithPermissions(net, alice);
    const spare = await routedKey(net); // stays in the unminted pool
    await chain1.anvil.stop(); // clean stop: anvil writes its state

    const chain2 = await chainFor(stateFile);
    await verifyDeployment(chain2.provider, net.addresses, { stateFile });
    const c2 = connectContracts(net.addresses, chain2.provider);
    await expectPkp(c2, alice.address, first);
    expect(await c2.Staking.nodeCount()).toBe(7n);
    expect(await c2.PKPNFT.getUnmintedRoutedTokenIdCount(KEY_TYPE.ECDSA)).toBe(1n);
    expect(await c2.PubkeyRouter.isRouted(spare.tokenId)).toBe(true);

    // Keep working on the restarted chain, then crash it after the 1 s state interval.
    const net2: TestNetwork = {
      ...net,
      admin: net.admin.connect(chain2.provider),
      nodes: net.nodes.map((n) => n.connect(chain2.provider)),
      c: connectContracts(net.addresses, net.admin.connect(chain2.provider)),
    };
    const alice2 = alice.connect(chain2.provider);
    await mined(net2.c.PKPNFT.connect(alice2).mintNext(KEY_TYPE.ECDSA, { value: 1n })); // the spare key
    const second = await mintWithPermissions(net2, alice2);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    chain2.anvil.kill();
    await new Promise<void>((resolve) => chain2.anvil.onExit(() => resolve()));

    const chain3 = await chainFor(stateFile);
    await verifyDeployment(chain3.provider, net.addresses, { stateFile });
    const c3 = connectContracts(net.addresses, chain3.provider);
    await expectPkp(c3, alice.address, first);
    await expectPkp(c3, alice.address, second);
    expect(await c3.PKPNFT.ownerOf(spare.tokenId)).toBe(alice.address);
    expect(await c3.PKPNFT.getUnmintedRoutedTokenIdCount(KEY_TYPE.ECDSA)).toBe(0n);
    expect(await c3.PKPNFT.balanceOf(alice.address)).toBe(3n);
  });
});
