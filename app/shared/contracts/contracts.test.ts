import { describe, expect, it } from 'vitest';
import { AbiCoder, Interface, Wallet, keccak256, makeError, toUtf8Bytes } from 'ethers';
import {
  AUTH_METHOD_SCOPE,
  AUTH_METHOD_TYPE,
  ContractAddresses,
  actionIdFromCid,
  artifacts,
  authMethodId,
  cidFromActionId,
  decodeRevertData,
  ethAddressFromPubkey,
  explainContractError,
  tokenIdFromPubkey,
} from './index.ts';

const revertString = (reason: string) =>
  `0x08c379a0${AbiCoder.defaultAbiCoder().encode(['string'], [reason]).slice(2)}`;

describe('ids', () => {
  it('computes authMethodId as keccak256(abi.encode(type, id))', () => {
    const id = keccak256(toUtf8Bytes('sub:aud'));
    const expected = BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(['uint256', 'bytes'], [6, id])));
    expect(authMethodId(AUTH_METHOD_TYPE.GoogleJwt, id)).toBe(expected);
    expect(authMethodId(6n, id)).toBe(expected);
  });

  it('derives the token id and the Ethereum address of an uncompressed key', () => {
    const wallet = Wallet.createRandom();
    const pubkey = wallet.signingKey.publicKey;
    expect(tokenIdFromPubkey(pubkey)).toBe(BigInt(keccak256(pubkey)));
    expect(ethAddressFromPubkey(pubkey)).toBe(wallet.address);
  });

  it('refuses keys that are not 65 bytes with a 0x04 prefix', () => {
    const wallet = Wallet.createRandom();
    expect(() => tokenIdFromPubkey(wallet.signingKey.compressedPublicKey)).toThrow(
      'must be 65 bytes starting with 0x04 (uncompressed); got 33 bytes starting with 0x0',
    );
    expect(() => ethAddressFromPubkey('0x1234')).toThrow('got 2 bytes');
    expect(() => tokenIdFromPubkey('not hex')).toThrow('must be hex bytes');
  });

  it('converts a CIDv0 to its multihash bytes and back', () => {
    const cid = 'QmTp2hEo8eXRp6wg7jXv1BLCMh5a4F3B7buAUZNZUu772j';
    const id = actionIdFromCid(cid);
    expect(id).toMatch(/^0x1220[0-9a-f]{64}$/);
    expect(cidFromActionId(id)).toBe(cid);
    expect(() => actionIdFromCid('bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi')).toThrow(
      'is not an IPFS CIDv0',
    );
    expect(() => cidFromActionId('0x1234')).toThrow('34 bytes');
  });

  it('names the scopes as Lit does', () => {
    expect(AUTH_METHOD_SCOPE).toEqual({ NoPermissions: 0, SignAnything: 1, PersonalSign: 2 });
  });
});

describe('ContractAddresses', () => {
  it('accepts the five addresses and rejects anything else', () => {
    const a = Wallet.createRandom().address;
    const ok = { PKPNFT: a, PKPPermissions: a, PKPHelper: a, PubkeyRouter: a, Staking: a };
    expect(ContractAddresses.parse(ok)).toEqual(ok);
    expect(() => ContractAddresses.parse({ ...ok, Staking: '0x12' })).toThrow('20-byte hex address');
    expect(() => ContractAddresses.parse({ PKPNFT: a })).toThrow();
  });
});

describe('revert decoding', () => {
  it('decodes revert strings and adds what to do', () => {
    expect(decodeRevertData(revertString('PKPNFT: only the owner can burn a PKP'))).toMatchObject({
      reason: 'PKPNFT: only the owner can burn a PKP',
      text: 'PKPNFT: only the owner can burn a PKP',
    });
    expect(decodeRevertData(revertString('There are no unminted routed token ids to mint'))?.text).toContain(
      'wait a moment for them to refill the pool',
    );
  });

  it("decodes OpenZeppelin's custom errors from any of our contracts", () => {
    const iface = new Interface(artifacts.PKPNFT.abi);
    const data = iface.encodeErrorResult('ERC721NonexistentToken', [42n]);
    expect(decodeRevertData(data)).toEqual({
      reason: 'ERC721NonexistentToken',
      args: [42n],
      text: 'PKP 42 does not exist (it was never minted, or it was burned)',
    });
    const panic = `0x4e487b71${AbiCoder.defaultAbiCoder().encode(['uint256'], [0x11]).slice(2)}`;
    expect(decodeRevertData(panic)?.text).toContain('arithmetic overflow');
    expect(decodeRevertData('0xdeadbeef')?.text).toContain('unknown error (selector 0xdeadbeef)');
  });

  it('explains ethers errors: reverts found deep in the error, and the usual failures', () => {
    const nested = makeError('could not coalesce error', 'UNKNOWN_ERROR', {
      error: { code: 3, message: 'execution reverted', data: revertString('Staking: not a registered node') },
    });
    const e = explainContractError(nested, 'look up the node');
    expect(e.message).toBe('look up the node failed: Staking: not a registered node');
    expect(e.reason).toBe('Staking: not a registered node');
    expect(e.cause).toBe(nested);

    const pkpNft = new Interface(artifacts.PKPNFT.abi);
    const call = makeError('execution reverted', 'CALL_EXCEPTION', {
      action: 'estimateGas',
      data: null,
      reason: null,
      transaction: { to: null, from: undefined, data: pkpNft.encodeFunctionData('mintNext', [2]) },
      invocation: null,
      revert: null,
    } as never);
    expect(explainContractError(call).message).toBe('mintNext failed: the call reverted without a reason');

    const funds = makeError('insufficient funds', 'INSUFFICIENT_FUNDS', {
      transaction: {},
    });
    expect(explainContractError(funds, 'mint').message).toContain('too little ETH');
    const refused = new Error('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:8545') });
    expect(explainContractError(refused).message).toContain('is the embedded chain (anvil) running?');
  });
});
