import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { decodeBase64, encodeBase64 } from 'ethers';
import { describe, expect, it } from 'vitest';
import { parseConditions } from '../conditions/access-control-conditions.ts';
import { thresholdFor } from '../network.ts';
import { blsSignShare, combineBlsShares, hashToG2 } from '../threshold/bls.ts';
import { bls12381G1CompressedBytes, bls12381G1Group } from '../threshold/groups.ts';
import { simulateDkg } from '../threshold/simulation.ts';
import {
  conditionsHash,
  DecryptionFailedError,
  describeEncrypted,
  decryptWithKey,
  encryptionIdentity,
  encryptWithConditions,
  type EncryptedData,
} from './access-control-encryption.ts';
import { NotEnoughSharesToDecryptError, openWithShares } from './open-with-shares.ts';

const n = 7;
const T = thresholdFor(n);
const network = simulateDkg(bls12381G1Group, n, T - 1);
const networkPublicKey = bytesToHex(bls12381G1CompressedBytes(network[0]!.publicKey));
const other = simulateDkg(bls12381G1Group, n, T - 1);
const otherPublicKey = bytesToHex(bls12381G1CompressedBytes(other[0]!.publicKey));

const balanceCondition = {
  contractAddress: '',
  standardContractType: '',
  chain: 'litbox',
  method: 'eth_getBalance',
  parameters: [':userAddress', 'latest'],
  returnValueTest: { comparator: '>=', value: '1000000000000000000' },
};

/** What T (or fewer) honest nodes would release for the record: their shares on its identity, combined. */
function keyFrom(nodes: typeof network, identity: string, count: number) {
  const hashed = hashToG2(utf8ToBytes(identity));
  const shares = nodes.slice(0, count).map((node, i) => ({
    index: i + 1,
    signature: blsSignShare(utf8ToBytes(identity), node.secretShare, hashed),
  }));
  return combineBlsShares(shares, count);
}

async function sealed(text = 'the launch code is 0000'): Promise<EncryptedData> {
  return encryptWithConditions({ networkPublicKey, conditions: [balanceCondition], data: utf8ToBytes(text) });
}

describe('access-controlled encryption (IBE to the network key, AES-GCM)', () => {
  it("builds Lit's identity from the conditions and the data hash", async () => {
    const record = await sealed();
    const { identity } = describeEncrypted(record);
    expect(record.dataToEncryptHash).toBe(bytesToHex(sha256(utf8ToBytes('the launch code is 0000'))));
    expect(identity).toBe(
      `lit-accesscontrolcondition://${conditionsHash(parseConditions([balanceCondition]))}/${record.dataToEncryptHash}`,
    );
    // Key order in the JSON does not change the identity.
    const reordered = { ...balanceCondition, returnValueTest: { value: '1000000000000000000', comparator: '>=' } };
    expect(encryptionIdentity(parseConditions([reordered]), record.dataToEncryptHash)).toBe(identity);
  });

  it('round trip: T shares combine into the key that opens it', async () => {
    const record = await sealed();
    const { identity } = describeEncrypted(record);
    const plain = await decryptWithKey(record, identity, keyFrom(network, identity, T));
    expect(new TextDecoder().decode(plain)).toBe('the launch code is 0000');
  });

  it('T-1 shares do not give the key', async () => {
    const record = await sealed();
    const { identity } = describeEncrypted(record);
    await expect(decryptWithKey(record, identity, keyFrom(network, identity, T - 1))).rejects.toThrow(
      DecryptionFailedError,
    );
  });

  it('a tampered ciphertext fails authentication, wherever the flipped bit is', async () => {
    const record = await sealed();
    const { identity } = describeEncrypted(record);
    const key = keyFrom(network, identity, T);
    const bytes = decodeBase64(record.ciphertext);
    for (const at of [0, 47, 48, 59, 60, bytes.length - 17, bytes.length - 1]) {
      const flipped = new Uint8Array(bytes);
      flipped[at]! ^= 0x01;
      await expect(decryptWithKey({ ...record, ciphertext: encodeBase64(flipped) }, identity, key)).rejects.toThrow(
        /authentication|damaged/,
      );
    }
  });

  it('changed conditions make another identity, whose key opens nothing', async () => {
    const record = await sealed();
    const easier = { ...balanceCondition, returnValueTest: { comparator: '>=', value: '0' } };
    const changed = describeEncrypted({ ...record, accessControlConditions: [easier] });
    // The network would sign the new identity for anyone; the signature is useless here.
    await expect(decryptWithKey(changed.data, changed.identity, keyFrom(network, changed.identity, T))).rejects.toThrow(
      /authentication/,
    );
  });

  it('a key from another network does not open it', async () => {
    const record = await sealed();
    const { identity } = describeEncrypted(record);
    await expect(decryptWithKey(record, identity, keyFrom(other, identity, T))).rejects.toThrow(DecryptionFailedError);
    expect(otherPublicKey).not.toBe(networkPublicKey);
  });

  it('refuses malformed records and conditions with a clear message', async () => {
    const record = await sealed();
    expect(() => describeEncrypted({ ...record, format: 'x' })).toThrow(/not a Litbox encrypted record: format/);
    expect(() => describeEncrypted({ ...record, dataToEncryptHash: 'zz' })).toThrow(/dataToEncryptHash/);
    expect(() => describeEncrypted({ ...record, accessControlConditions: [{ operator: 'and' }] })).toThrow(
      /conditions/,
    );
    await expect(
      encryptWithConditions({
        networkPublicKey,
        conditions: [{ ...balanceCondition, chain: 'ethereum' }],
        data: new Uint8Array(1),
      }),
    ).rejects.toThrow(/unsupported chain "ethereum"/);
    await expect(
      encryptWithConditions({
        networkPublicKey: 'ab'.repeat(48),
        conditions: [balanceCondition],
        data: new Uint8Array(1),
      }),
    ).rejects.toThrow(/network public key/);
    // A tuple's components are not in the identity's hash, so tuples are refused outright.
    const tupleCall = {
      contractAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      functionName: 'f',
      functionParams: ['1'],
      functionAbi: {
        name: 'f',
        stateMutability: 'view',
        inputs: [{ name: 'x', type: 'tuple', components: [{ name: 'a', type: 'uint256' }] }],
        outputs: [{ name: '', type: 'bool' }],
      },
      chain: 'litbox',
      returnValueTest: { key: '', comparator: '=', value: 'true' },
    };
    expect(() => parseConditions([tupleCall])).toThrow(/only elementary ABI types/);
  });
});

describe('openWithShares', () => {
  it('leaves out a bad share when a spare is there, and says so when it is not', async () => {
    const record = await sealed('spare me');
    const { identity } = describeEncrypted(record);
    const hashed = hashToG2(utf8ToBytes(identity));
    const shares = network.map((node, i) => ({
      index: i + 1,
      signature: blsSignShare(utf8ToBytes(identity), node.secretShare, hashed),
    }));
    const bad = { index: 2, signature: shares[1]!.signature.double() };
    const withBad = [shares[0]!, bad, ...shares.slice(2)];
    const opened = await openWithShares(record, identity, withBad, T);
    expect(new TextDecoder().decode(opened.plaintext)).toBe('spare me');
    expect(opened.nodes).not.toContain(2);
    await expect(openWithShares(record, identity, withBad.slice(0, T), T)).rejects.toThrow(
      NotEnoughSharesToDecryptError,
    );
    await expect(openWithShares(record, identity, shares.slice(0, T - 1), T)).rejects.toThrow(/5 are needed/);
  });
});
