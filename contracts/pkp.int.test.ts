import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wallet, computeAddress, getBytes, hexlify, keccak256, toUtf8Bytes, type Log } from 'ethers';
import type { ContractCallError } from '../app/shared/contracts/index.ts';
import {
  AUTH_METHOD_SCOPE,
  AUTH_METHOD_TYPE,
  KEY_TYPE,
  authMethodId,
  contractAt,
  decodeEvents,
  explainContractError,
  findEvents,
} from '../app/shared/contracts/index.ts';
import {
  deployTestNetwork,
  testCommunicationKeys,
  fundedWallet,
  makeKey,
  mined,
  randomActionId,
  randomBytes32,
  routeKey,
  routedKey,
  startChain,
  type TestChain,
  type TestKey,
  type TestNetwork,
} from './test-support.ts';

/** Expects the call to fail, and the explained message to contain `text`. */
async function expectRevert(call: Promise<unknown>, text: string): Promise<ContractCallError> {
  try {
    await call;
  } catch (err) {
    const explained = explainContractError(err);
    expect(explained.message).toContain(text);
    return explained;
  }
  throw new Error(`expected a revert containing "${text}"`);
}

const ECDSA = KEY_TYPE.ECDSA;
const measured: Record<string, string> = {};

let chain: TestChain;
let net: TestNetwork;
let alice: Wallet;
let bob: Wallet;

beforeAll(async () => {
  chain = await startChain();
  net = await deployTestNetwork(chain, 7);
  measured['genesis (deploy 5 contracts + register 7 nodes)'] = `${net.genesisMs.toFixed(0)} ms`;
  alice = await fundedWallet(chain);
  bob = await fundedWallet(chain);
});

afterAll(async () => {
  await chain?.anvil.stop();
  if (Object.keys(measured).length > 0) {
    console.log(
      `Litbox contract measurements:\n${Object.entries(measured)
        .map(([k, v]) => `  ${k}: ${v}`)
        .join('\n')}`,
    );
  }
});

/** Routes a fresh key and mints it to `to` with mintNext. */
async function mintPkp(to: Wallet): Promise<TestKey> {
  const key = await routedKey(net);
  await mined(net.c.PKPNFT.connect(to).mintNext(ECDSA, { value: 1n }));
  expect(await net.c.PKPNFT.ownerOf(key.tokenId)).toBe(to.address);
  return key;
}

describe('Staking (node registry)', () => {
  it('lists the genesis nodes with their endpoints, N and threshold ceil(2N/3)', async () => {
    expect(await net.c.Staking.nodeCount()).toBe(7n);
    expect(await net.c.Staking.threshold()).toBe(5n);
    const nodes = await net.c.Staking.getNodes();
    expect(nodes.map((n) => n.nodeAddress)).toEqual(net.nodes.map((n) => n.address));
    expect(nodes[2]?.endpoint).toBe('http://127.0.0.1:7472');
    expect(nodes[2]?.signingKey).toMatch(/^0x[0-9a-f]{64}$/);
    expect(nodes[2]?.encryptionKey).not.toBe(nodes[2]?.signingKey);
    expect(await net.c.Staking.nodeIndex(net.nodes[2]!.address)).toBe(3n);
    expect(await net.c.Staking.isNode(alice.address)).toBe(false);
    await expectRevert(net.c.Staking.nodeIndex(alice.address), 'Staking: not a registered node');
  });

  it('lets a registered node change its own endpoint, and nobody else', async () => {
    const node = net.nodes[6]!;
    const receipt = await mined(net.c.Staking.connect(node).setEndpoint('http://127.0.0.1:9999'));
    expect(findEvents(receipt.logs, net.addresses, 'Staking', 'NodeEndpointSet')).toEqual([
      { nodeAddress: node.address, endpoint: 'http://127.0.0.1:9999' },
    ]);
    expect(await net.c.Staking.getEndpoint(node.address)).toBe('http://127.0.0.1:9999');
    await expectRevert(
      net.c.Staking.connect(alice).setEndpoint('http://evil'),
      'Staking: only a registered node can set its endpoint',
    );
    await expectRevert(net.c.Staking.connect(node).setEndpoint(''), 'must not be empty');
    await mined(net.c.Staking.connect(node).setEndpoint('http://127.0.0.1:7476'));
  });

  it('lets only the admin register nodes, each once', async () => {
    await expectRevert(
      net.c.Staking.connect(alice).registerNode(
        alice.address,
        'http://x',
        testCommunicationKeys().signingKey,
        testCommunicationKeys().encryptionKey,
      ),
      `${alice.address} is not the contract's admin`,
    );
    await expectRevert(
      net.c.Staking.registerNode(
        net.nodes[0]!.address,
        'http://x',
        testCommunicationKeys().signingKey,
        testCommunicationKeys().encryptionKey,
      ),
      'Staking: this node is already registered',
    );
  });
});

describe('PKPNFT: an empty pool', () => {
  it('refuses mintNext with a clear reason when no key is routed', async () => {
    expect(await net.c.PKPNFT.getUnmintedRoutedTokenIdCount(ECDSA)).toBe(0n);
    const err = await expectRevert(
      net.c.PKPNFT.connect(alice).mintNext(ECDSA, { value: 1n }),
      'There are no unminted routed token ids to mint',
    );
    expect(err.message).toMatch(/^mintNext failed: /);
    expect(err.reason).toBe('There are no unminted routed token ids to mint');
  });
});

describe('PubkeyRouter', () => {
  it('refuses a vote from an address that is not a registered node', async () => {
    const key = makeKey();
    await expectRevert(
      net.c.PubkeyRouter.connect(alice).voteForRoutingData(key.tokenId, key.pubkey, net.addresses.Staking, ECDSA),
      'PubkeyRouter: only registered nodes can vote for routing data',
    );
  });

  it('refuses malformed pubkeys and a tokenId that is not keccak256(pubkey)', async () => {
    const router = net.c.PubkeyRouter.connect(net.nodes[0]!);
    const key = makeKey();
    const bytes = getBytes(key.pubkey);
    const short = hexlify(bytes.slice(0, 64));
    await expectRevert(
      router.voteForRoutingData(BigInt(keccak256(short)), short, net.addresses.Staking, ECDSA),
      'the pubkey must be 65 bytes',
    );
    const prefixed = hexlify(Uint8Array.from([0x02, ...bytes.slice(1)]));
    await expectRevert(
      router.voteForRoutingData(BigInt(keccak256(prefixed)), prefixed, net.addresses.Staking, ECDSA),
      'the pubkey must start with 0x04',
    );
    const offCurve = hexlify(Uint8Array.from([...bytes.slice(0, 64), bytes[64]! ^ 1]));
    await expectRevert(
      router.voteForRoutingData(BigInt(keccak256(offCurve)), offCurve, net.addresses.Staking, ECDSA),
      'the pubkey is not a point on secp256k1',
    );
    await expectRevert(
      router.voteForRoutingData(key.tokenId + 1n, key.pubkey, net.addresses.Staking, ECDSA),
      'tokenId does not match keccak256(pubkey)',
    );
    await expectRevert(
      router.voteForRoutingData(key.tokenId, key.pubkey, alice.address, ECDSA),
      "stakingContract is not this network's Staking",
    );
    await expectRevert(
      router.voteForRoutingData(key.tokenId, key.pubkey, net.addresses.Staking, KEY_TYPE.BLS),
      'unsupported keyType',
    );
    expect(await net.c.PubkeyRouter.getVoteCount(key.tokenId)).toBe(0n);
  });

  it('refuses a second vote by the same node', async () => {
    const key = makeKey();
    const router = net.c.PubkeyRouter.connect(net.nodes[1]!);
    await mined(router.voteForRoutingData(key.tokenId, key.pubkey, net.addresses.Staking, ECDSA));
    await expectRevert(
      router.voteForRoutingData(key.tokenId, key.pubkey, net.addresses.Staking, ECDSA),
      'PubkeyRouter: this node has already voted for this key',
    );
    expect(await net.c.PubkeyRouter.getVoteCount(key.tokenId)).toBe(1n);
  });

  it('routes a key when the votes reach the threshold, into the unminted pool', async () => {
    const key = makeKey();
    const before = await net.c.PKPNFT.getUnmintedRoutedTokenIdCount(ECDSA);
    await routeKey(net, key, 4);
    expect(await net.c.PubkeyRouter.isRouted(key.tokenId)).toBe(false);
    expect(await net.c.PKPNFT.getUnmintedRoutedTokenIdCount(ECDSA)).toBe(before);

    const fifth = await mined(
      net.c.PubkeyRouter.connect(net.nodes[4]!).voteForRoutingData(
        key.tokenId,
        key.pubkey,
        net.addresses.Staking,
        ECDSA,
      ),
    );
    const events = decodeEvents(fifth.logs, net.addresses).map((e) => `${e.contract}.${e.name}`);
    expect(events).toEqual([
      'PubkeyRouter.PubkeyRoutingDataVote',
      'PKPNFT.PkpRouted',
      'PubkeyRouter.PubkeyRoutingDataSet',
    ]);
    expect(findEvents(fifth.logs, net.addresses, 'PubkeyRouter', 'PubkeyRoutingDataSet')).toEqual([
      { tokenId: key.tokenId, pubkey: key.pubkey, stakingContract: net.addresses.Staking, keyType: 2n },
    ]);
    expect(await net.c.PubkeyRouter.isRouted(key.tokenId)).toBe(true);
    expect(await net.c.PKPNFT.getUnmintedRoutedTokenIdCount(ECDSA)).toBe(before + 1n);
    const route = await net.c.PubkeyRouter.getRoutingData(key.tokenId);
    expect([route.pubkey, route.stakingContract, route.keyType]).toEqual([key.pubkey, net.addresses.Staking, 2n]);
    expect(await net.c.PubkeyRouter.ethAddressToPkpId(key.wallet.address)).toBe(key.tokenId);

    // A late vote is recorded but routes nothing twice.
    const late = await mined(
      net.c.PubkeyRouter.connect(net.nodes[5]!).voteForRoutingData(
        key.tokenId,
        key.pubkey,
        net.addresses.Staking,
        ECDSA,
      ),
    );
    expect(decodeEvents(late.logs, net.addresses).map((e) => e.name)).toEqual(['PubkeyRoutingDataVote']);
    expect(await net.c.PKPNFT.getUnmintedRoutedTokenIdCount(ECDSA)).toBe(before + 1n);
    measured['voteForRoutingData (routing vote, the threshold-th)'] = `${fifth.gasUsed} gas`;
  });
});

describe('PKPNFT', () => {
  it('refuses mintNext with the wrong value', async () => {
    await routedKey(net);
    await expectRevert(net.c.PKPNFT.connect(alice).mintNext(ECDSA, { value: 0n }), 'You must pay exactly mint cost');
    await expectRevert(net.c.PKPNFT.connect(alice).mintNext(ECDSA, { value: 2n }), 'You must pay exactly mint cost');
  });

  it('mintNext pops the newest routed key and emits PKPMinted(tokenId, pubkey)', async () => {
    const key = await routedKey(net);
    const before = await net.c.PKPNFT.getUnmintedRoutedTokenIdCount(ECDSA);
    const receipt = await mined(net.c.PKPNFT.connect(alice).mintNext(ECDSA, { value: 1n }));
    measured['mintNext'] = `${receipt.gasUsed} gas`;
    expect(findEvents(receipt.logs, net.addresses, 'PKPNFT', 'PKPMinted')).toEqual([
      { tokenId: key.tokenId, pubkey: key.pubkey },
    ]);
    expect(await net.c.PKPNFT.getUnmintedRoutedTokenIdCount(ECDSA)).toBe(before - 1n);
    expect(await net.c.PKPNFT.ownerOf(key.tokenId)).toBe(alice.address);
    expect(await net.c.PKPNFT.exists(key.tokenId)).toBe(true);
    expect(await net.c.PKPNFT.getPubkey(key.tokenId)).toBe(key.pubkey);
    expect(await net.c.PKPNFT.getEthAddress(key.tokenId)).toBe(computeAddress(key.pubkey));
    expect(await net.c.PKPNFT.getEthAddress(key.tokenId)).toBe(key.wallet.address);
    expect(await net.c.PKPNFT.name()).toBe('PKP');
    expect(await net.c.PKPNFT.symbol()).toBe('PKP');
    const balance = await net.c.PKPNFT.balanceOf(alice.address);
    expect(await net.c.PKPNFT.tokenOfOwnerByIndex(alice.address, balance - 1n)).toBe(key.tokenId);
  });

  it('explains unknown token ids', async () => {
    const unknown = makeKey().tokenId;
    expect(await net.c.PKPNFT.exists(unknown)).toBe(false);
    await expectRevert(net.c.PKPNFT.getPubkey(unknown), 'PKPNFT: unknown token id');
    await expectRevert(net.c.PKPNFT.getEthAddress(unknown), 'PKPNFT: unknown token id');
    await expectRevert(net.c.PKPNFT.ownerOf(unknown), `PKP ${unknown} does not exist`);
  });

  it('lets only the owner burn; a burned PKP cannot be changed', async () => {
    const key = await mintPkp(alice);
    await expectRevert(net.c.PKPNFT.connect(bob).burn(key.tokenId), 'PKPNFT: only the owner can burn a PKP');
    const receipt = await mined(net.c.PKPNFT.connect(alice).burn(key.tokenId));
    expect(findEvents(receipt.logs, net.addresses, 'PKPNFT', 'Transfer')).toEqual([
      { from: alice.address, to: '0x0000000000000000000000000000000000000000', tokenId: key.tokenId },
    ]);
    expect(await net.c.PKPNFT.exists(key.tokenId)).toBe(false);
    await expectRevert(net.c.PKPNFT.ownerOf(key.tokenId), 'does not exist');
    await expectRevert(net.c.PKPNFT.connect(alice).burn(key.tokenId), 'PKPNFT: no such PKP');
    await expectRevert(
      net.c.PKPPermissions.connect(alice).addPermittedAddress(key.tokenId, bob.address, [1]),
      'PKPPermissions: no such PKP (never minted, or burned)',
    );
    // The key itself stays known.
    expect(await net.c.PKPNFT.getPubkey(key.tokenId)).toBe(key.pubkey);
  });

  it('lets only the admin set the mint cost', async () => {
    await expectRevert(net.c.PKPNFT.connect(alice).setMintCost(5n), "is not the contract's admin");
    await mined(net.c.PKPNFT.setMintCost(5n));
    await routedKey(net);
    await expectRevert(net.c.PKPNFT.connect(alice).mintNext(ECDSA, { value: 1n }), 'You must pay exactly mint cost');
    await mined(net.c.PKPNFT.connect(alice).mintNext(ECDSA, { value: 5n }));
    await mined(net.c.PKPNFT.setMintCost(1n));
    expect(await net.c.PKPNFT.mintCost()).toBe(1n);
  });

  it('accepts routed keys from the router only', async () => {
    await expectRevert(
      net.c.PKPNFT.connect(alice).pkpRouted(1n, ECDSA),
      'PKPNFT: only the PubkeyRouter can add routed keys',
    );
    await expectRevert(net.c.PKPNFT.setContracts(alice.address, alice.address), 'PKPNFT: contracts are already set');
  });
});

describe('PKPPermissions', () => {
  const googleId = keccak256(toUtf8Bytes('user-123:litbox-test-client'));

  it('adds an auth method with scopes; only the owner may', async () => {
    const key = await mintPkp(alice);
    const perms = net.c.PKPPermissions;
    await expectRevert(
      perms
        .connect(bob)
        .addPermittedAuthMethod(
          key.tokenId,
          { authMethodType: AUTH_METHOD_TYPE.GoogleJwt, id: googleId, userPubkey: '0x' },
          [1],
        ),
      'PKPPermissions: only the PKP NFT owner can change its permissions',
    );
    const receipt = await mined(
      perms
        .connect(alice)
        .addPermittedAuthMethod(
          key.tokenId,
          { authMethodType: AUTH_METHOD_TYPE.GoogleJwt, id: googleId, userPubkey: '0x' },
          [AUTH_METHOD_SCOPE.SignAnything, AUTH_METHOD_SCOPE.PersonalSign],
        ),
    );
    expect(decodeEvents(receipt.logs, net.addresses).map((e) => e.name)).toEqual([
      'PermittedAuthMethodAdded',
      'PermittedAuthMethodScopeAdded',
      'PermittedAuthMethodScopeAdded',
    ]);
    expect(findEvents(receipt.logs, net.addresses, 'PKPPermissions', 'PermittedAuthMethodAdded')).toEqual([
      { tokenId: key.tokenId, authMethodType: 6n, id: googleId, userPubkey: '0x' },
    ]);
    expect(await perms.isPermittedAuthMethod(key.tokenId, 6, googleId)).toBe(true);
    expect(await perms.isPermittedAuthMethodScopePresent(key.tokenId, 6, googleId, 1)).toBe(true);
    expect(await perms.isPermittedAuthMethodScopePresent(key.tokenId, 6, googleId, 0)).toBe(false);
    expect(await perms.getPermittedAuthMethodScopes(key.tokenId, 6, googleId, 3)).toEqual([false, true, true]);
    const methods = await perms.getPermittedAuthMethods(key.tokenId);
    expect(methods.map((m) => [m.authMethodType, m.id, m.userPubkey])).toEqual([[6n, googleId, '0x']]);
    expect(await perms.getTokenIdsForAuthMethod(6, googleId)).toContain(key.tokenId);
    expect(await perms.getAuthMethodId(6, googleId)).toBe(authMethodId(6, googleId));

    // Remove one scope, then the method (which clears its remaining scopes).
    const removedScope = await mined(perms.connect(alice).removePermittedAuthMethodScope(key.tokenId, 6, googleId, 2));
    expect(findEvents(removedScope.logs, net.addresses, 'PKPPermissions', 'PermittedAuthMethodScopeRemoved')).toEqual([
      { tokenId: key.tokenId, authMethodType: 6n, id: googleId, scopeId: 2n },
    ]);
    expect(await perms.isPermittedAuthMethodScopePresent(key.tokenId, 6, googleId, 2)).toBe(false);
    const added = await mined(perms.connect(alice).addPermittedAuthMethodScope(key.tokenId, 6, googleId, 0));
    expect(findEvents(added.logs, net.addresses, 'PKPPermissions', 'PermittedAuthMethodScopeAdded')).toHaveLength(1);
    await expectRevert(
      perms.connect(bob).addPermittedAuthMethodScope(key.tokenId, 6, googleId, 2),
      'only the PKP NFT owner',
    );
    const removed = await mined(perms.connect(alice).removePermittedAuthMethod(key.tokenId, 6, googleId));
    expect(decodeEvents(removed.logs, net.addresses).map((e) => e.name)).toEqual([
      'PermittedAuthMethodScopeRemoved',
      'PermittedAuthMethodScopeRemoved',
      'PermittedAuthMethodRemoved',
    ]);
    expect(await perms.isPermittedAuthMethod(key.tokenId, 6, googleId)).toBe(false);
    expect(await perms.getPermittedAuthMethodScopes(key.tokenId, 6, googleId, 3)).toEqual([false, false, false]);
    expect(await perms.getTokenIdsForAuthMethod(6, googleId)).not.toContain(key.tokenId);
    await expectRevert(
      perms.connect(alice).removePermittedAuthMethod(key.tokenId, 6, googleId),
      'this auth method is not permitted for this PKP',
    );
    await expectRevert(
      perms.connect(alice).addPermittedAuthMethodScope(key.tokenId, 6, googleId, 1),
      'this auth method is not permitted for this PKP',
    );
  });

  it('checks scope ids, auth method types and ids', async () => {
    const key = await mintPkp(alice);
    const perms = net.c.PKPPermissions.connect(alice);
    await expectRevert(
      perms.addPermittedAuthMethod(key.tokenId, { authMethodType: 6, id: googleId, userPubkey: '0x' }, [256]),
      'scopeId must be below 256',
    );
    await expectRevert(
      perms.addPermittedAuthMethod(key.tokenId, { authMethodType: 0, id: googleId, userPubkey: '0x' }, []),
      'authMethodType 0 is not an auth method',
    );
    await expectRevert(
      perms.addPermittedAuthMethod(key.tokenId, { authMethodType: 6, id: '0x', userPubkey: '0x' }, []),
      'the auth method id must not be empty',
    );
    await expectRevert(
      perms.addPermittedAction(key.tokenId, toUtf8Bytes('QmNotBytes'), [1]),
      'a Lit Action id must be its CIDv0 multihash bytes',
    );
    await expectRevert(perms.addPermittedAddress(makeKey().tokenId, bob.address, []), 'PKPPermissions: no such PKP');
    expect(await net.c.PKPPermissions.isPermittedAuthMethodScopePresent(key.tokenId, 6, googleId, 999)).toBe(false);
  });

  it('permits actions (type 2, CIDv0 multihash bytes) and addresses (type 1); the owner is always permitted', async () => {
    const key = await mintPkp(alice);
    const perms = net.c.PKPPermissions;
    const action = randomActionId();
    const r1 = await mined(perms.connect(alice).addPermittedAction(key.tokenId, action, [1]));
    expect(findEvents(r1.logs, net.addresses, 'PKPPermissions', 'PermittedAuthMethodAdded')).toEqual([
      { tokenId: key.tokenId, authMethodType: 2n, id: action, userPubkey: '0x' },
    ]);
    expect(await perms.isPermittedAction(key.tokenId, action)).toBe(true);
    expect(await perms.isPermittedAuthMethod(key.tokenId, AUTH_METHOD_TYPE.LitAction, action)).toBe(true);
    expect(await perms.getPermittedActions(key.tokenId)).toEqual([action]);
    expect(await perms.isPermittedAuthMethodScopePresent(key.tokenId, 2, action, 1)).toBe(true);

    expect(await perms.isPermittedAddress(key.tokenId, alice.address)).toBe(true);
    expect(await perms.isPermittedAddress(key.tokenId, bob.address)).toBe(false);
    await mined(perms.connect(alice).addPermittedAddress(key.tokenId, bob.address, [2]));
    expect(await perms.isPermittedAddress(key.tokenId, bob.address)).toBe(true);
    expect(await perms.isPermittedAuthMethod(key.tokenId, 1, bob.address.toLowerCase())).toBe(true);
    expect(await perms.getPermittedAddresses(key.tokenId)).toEqual([alice.address, bob.address]);
    expect(await perms.getPermittedActions(key.tokenId)).toEqual([action]);

    await mined(perms.connect(alice).removePermittedAction(key.tokenId, action));
    await mined(perms.connect(alice).removePermittedAddress(key.tokenId, bob.address));
    expect(await perms.isPermittedAction(key.tokenId, action)).toBe(false);
    expect(await perms.getPermittedAddresses(key.tokenId)).toEqual([alice.address]);
    expect(await perms.getPermittedActions(key.tokenId)).toEqual([]);

    // Permissions follow the NFT: after a transfer bob is the owner and alice is not.
    await mined(net.c.PKPNFT.connect(alice).transferFrom(alice.address, bob.address, key.tokenId));
    expect(await perms.isPermittedAddress(key.tokenId, alice.address)).toBe(false);
    await expectRevert(
      perms.connect(alice).addPermittedAction(key.tokenId, action, [1]),
      'only the PKP NFT owner can change its permissions',
    );
    await mined(perms.connect(bob).addPermittedAction(key.tokenId, action, [1]));
  });

  it('keeps a WebAuthn userPubkey write-once', async () => {
    const first = await mintPkp(alice);
    const second = await mintPkp(bob);
    const credentialId = keccak256(toUtf8Bytes(`${randomBytes32()}:lit`));
    const cose = `0xa5010203262001${randomBytes32().slice(2)}`;
    const perms = net.c.PKPPermissions;
    await expectRevert(
      perms
        .connect(alice)
        .addPermittedAuthMethod(first.tokenId, { authMethodType: 3, id: credentialId, userPubkey: '0x' }, [1]),
      'a WebAuthn auth method needs its userPubkey',
    );
    await mined(
      perms
        .connect(alice)
        .addPermittedAuthMethod(first.tokenId, { authMethodType: 3, id: credentialId, userPubkey: cose }, [1]),
    );
    expect(await perms.getUserPubkeyForAuthMethod(3, credentialId)).toBe(cose);
    await expectRevert(
      perms
        .connect(bob)
        .addPermittedAuthMethod(
          second.tokenId,
          { authMethodType: 3, id: credentialId, userPubkey: `0xa5${randomBytes32().slice(2)}` },
          [1],
        ),
      'already has a different userPubkey, which cannot be replaced',
    );
    // The same key again is fine; so is leaving it out (the stored one stays).
    await mined(
      perms
        .connect(bob)
        .addPermittedAuthMethod(second.tokenId, { authMethodType: 3, id: credentialId, userPubkey: cose }, [1]),
    );
    await mined(perms.connect(alice).removePermittedAuthMethod(first.tokenId, 3, credentialId));
    await mined(
      perms
        .connect(alice)
        .addPermittedAuthMethod(first.tokenId, { authMethodType: 3, id: credentialId, userPubkey: '0x' }, [1]),
    );
    expect(await perms.getUserPubkeyForAuthMethod(3, credentialId)).toBe(cose);
    expect(await perms.getTokenIdsForAuthMethod(3, credentialId)).toEqual([second.tokenId, first.tokenId]);
    const methods = await perms.getPermittedAuthMethods(first.tokenId);
    expect(methods[0]?.userPubkey).toBe(cose);
  });
});

describe('PKPHelper', () => {
  it('mints with an auth method and sends the PKP to itself; the minter cannot change it afterwards', async () => {
    const key = await routedKey(net);
    const credentialId = keccak256(toUtf8Bytes(`${randomBytes32()}:lit`));
    const cose = `0xa5010203262001${randomBytes32().slice(2)}`;
    const receipt = await mined(
      net.c.PKPHelper.connect(alice).mintNextAndAddAuthMethods(
        ECDSA,
        [AUTH_METHOD_TYPE.WebAuthn],
        [credentialId],
        [cose],
        [[AUTH_METHOD_SCOPE.SignAnything]],
        true,
        true,
        { value: 1n },
      ),
    );
    measured['mintNextAndAddAuthMethods (1 auth method, sendPkpToItself)'] = `${receipt.gasUsed} gas`;
    const pkpAddress = key.wallet.address;
    expect(await net.c.PKPNFT.ownerOf(key.tokenId)).toBe(pkpAddress);
    const transfers = findEvents(receipt.logs, net.addresses, 'PKPNFT', 'Transfer');
    expect(transfers.map((t) => t.to)).toEqual([net.addresses.PKPHelper, pkpAddress]);
    const perms = net.c.PKPPermissions;
    expect(await perms.isPermittedAuthMethodScopePresent(key.tokenId, 3, credentialId, 1)).toBe(true);
    expect(await perms.getUserPubkeyForAuthMethod(3, credentialId)).toBe(cose);
    expect(await perms.getPermittedAddresses(key.tokenId)).toEqual([pkpAddress]);
    expect(await perms.isPermittedAuthMethod(key.tokenId, 1, pkpAddress.toLowerCase())).toBe(true);
    expect(await perms.getPermittedAuthMethodScopes(key.tokenId, 1, pkpAddress.toLowerCase(), 3)).toEqual([
      false,
      false,
      false,
    ]);

    // The minter has no say any more...
    await expectRevert(
      perms.connect(alice).addPermittedAddress(key.tokenId, alice.address, [1]),
      'only the PKP NFT owner can change its permissions',
    );
    await expectRevert(
      perms.connect(alice).removePermittedAuthMethod(key.tokenId, 3, credentialId),
      'only the PKP NFT owner can change its permissions',
    );
    await expectRevert(
      net.c.PKPNFT.connect(alice).transferFrom(pkpAddress, alice.address, key.tokenId),
      'may not transfer PKP',
    );
    // ...only a transaction signed by the PKP itself can change its permissions.
    const pkpSigner = await fundedWallet(chain, key.wallet);
    await mined(perms.connect(pkpSigner).addPermittedAddress(key.tokenId, bob.address, [1]));
    expect(await perms.isPermittedAddress(key.tokenId, bob.address)).toBe(true);
  });

  it('mints to the caller when sendPkpToItself is false', async () => {
    const key = await routedKey(net);
    const googleId = keccak256(toUtf8Bytes(`${randomBytes32()}:aud`));
    await mined(
      net.c.PKPHelper.connect(bob).mintNextAndAddAuthMethods(ECDSA, [6], [googleId], ['0x'], [[1, 2]], false, false, {
        value: 1n,
      }),
    );
    expect(await net.c.PKPNFT.ownerOf(key.tokenId)).toBe(bob.address);
    expect(await net.c.PKPPermissions.getPermittedAddresses(key.tokenId)).toEqual([bob.address]);
    expect(await net.c.PKPPermissions.getPermittedAuthMethodScopes(key.tokenId, 6, googleId, 3)).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('mintNextAndAddAuthMethodsWithTypes adds actions, addresses and auth methods', async () => {
    const key = await routedKey(net);
    const action = randomActionId();
    const googleId = keccak256(toUtf8Bytes(`${randomBytes32()}:aud`));
    const receipt = await mined(
      net.c.PKPHelper.connect(alice).mintNextAndAddAuthMethodsWithTypes(
        ECDSA,
        [action],
        [[1]],
        [bob.address],
        [[2]],
        [6],
        [googleId],
        ['0x'],
        [[1]],
        true,
        false,
        { value: 1n },
      ),
    );
    const perms = net.c.PKPPermissions;
    expect(await net.c.PKPNFT.ownerOf(key.tokenId)).toBe(alice.address);
    expect(await perms.getPermittedActions(key.tokenId)).toEqual([action]);
    expect(await perms.getPermittedAddresses(key.tokenId)).toEqual([alice.address, bob.address, key.wallet.address]);
    expect(await perms.isPermittedAuthMethodScopePresent(key.tokenId, 1, bob.address.toLowerCase(), 2)).toBe(true);
    expect(await perms.isPermittedAuthMethodScopePresent(key.tokenId, 6, googleId, 1)).toBe(true);
    expect(findEvents(receipt.logs, net.addresses, 'PKPPermissions', 'PermittedAuthMethodAdded')).toHaveLength(4);
  });

  it('refuses a wrong value, mismatched arrays, and PKPs it did not mint', async () => {
    await routedKey(net);
    await expectRevert(
      net.c.PKPHelper.connect(alice).mintNextAndAddAuthMethods(ECDSA, [], [], [], [], true, true, { value: 0n }),
      'You must pay exactly mint cost',
    );
    await expectRevert(
      net.c.PKPHelper.connect(alice).mintNextAndAddAuthMethods(ECDSA, [6], [], [], [], true, true, { value: 1n }),
      'auth method type, id, pubkey and scope array lengths must match',
    );
    const owned = await mintPkp(alice);
    await expectRevert(
      net.c.PKPNFT.connect(alice)['safeTransferFrom(address,address,uint256)'](
        alice.address,
        net.addresses.PKPHelper,
        owned.tokenId,
      ),
      'PKPHelper: only accepts the PKP NFTs it mints itself',
    );
  });
});

describe('Mint/Grant/Burn', () => {
  it('mints, permits the action with SignAnything and burns, in one transaction', async () => {
    const key = await routedKey(net);
    const action = randomActionId();
    const receipt = await mined(net.c.PKPNFT.connect(alice).mintGrantAndBurnNext(ECDSA, action, { value: 1n }));
    measured['mintGrantAndBurnNext'] = `${receipt.gasUsed} gas`;
    const zero = '0x0000000000000000000000000000000000000000';
    const events = decodeEvents(receipt.logs as Log[], net.addresses);
    expect(events.map((e) => `${e.contract}.${e.name}`)).toEqual([
      'PKPNFT.Transfer',
      'PKPNFT.PKPMinted',
      'PKPPermissions.PermittedAuthMethodAdded',
      'PKPPermissions.PermittedAuthMethodScopeAdded',
      'PKPNFT.Transfer',
    ]);
    expect(new Set(events.map((e) => e.transactionHash))).toEqual(new Set([receipt.hash]));
    expect(events.map((e) => e.args)).toEqual([
      { from: zero, to: net.addresses.PKPNFT, tokenId: key.tokenId },
      { tokenId: key.tokenId, pubkey: key.pubkey },
      { tokenId: key.tokenId, authMethodType: 2n, id: action, userPubkey: '0x' },
      { tokenId: key.tokenId, authMethodType: 2n, id: action, scopeId: 1n },
      { from: net.addresses.PKPNFT, to: zero, tokenId: key.tokenId },
    ]);
    expect(await net.c.PKPNFT.exists(key.tokenId)).toBe(false);
    expect(await net.c.PKPPermissions.isPermittedAction(key.tokenId, action)).toBe(true);
    expect(await net.c.PKPPermissions.isPermittedAuthMethodScopePresent(key.tokenId, 2, action, 1)).toBe(true);
    expect(await net.c.PKPPermissions.getPermittedActions(key.tokenId)).toEqual([action]);
    expect(await net.c.PKPPermissions.getPermittedAddresses(key.tokenId)).toEqual([]);
    expect(await net.c.PKPNFT.getPubkey(key.tokenId)).toBe(key.pubkey);
    // Nobody can change it any more: not the minter, not the contract's admin.
    for (const who of [alice, net.admin]) {
      await expectRevert(
        net.c.PKPPermissions.connect(who).addPermittedAction(key.tokenId, randomActionId(), [1]),
        'PKPPermissions: no such PKP (never minted, or burned)',
      );
    }
  });

  it('refuses a malformed action id without using up a key', async () => {
    const before = await net.c.PKPNFT.getUnmintedRoutedTokenIdCount(ECDSA);
    await expectRevert(
      net.c.PKPNFT.connect(alice).mintGrantAndBurnNext(ECDSA, toUtf8Bytes('QmNotTheMultihash'), { value: 1n }),
      'a Lit Action id must be its CIDv0 multihash bytes',
    );
    expect(await net.c.PKPNFT.getUnmintedRoutedTokenIdCount(ECDSA)).toBe(before);
  });
});

describe('the typed layer', () => {
  it('builds handles from the addresses and names the failing call', async () => {
    const nft = contractAt('PKPNFT', net.addresses.PKPNFT, chain.provider);
    expect(await nft.mintCost()).toBe(1n);
    const noContract = contractAt('PKPNFT', Wallet.createRandom().address, chain.provider);
    await expectRevert(noContract.mintCost(), 'no contract answered at this address');
  });
});
