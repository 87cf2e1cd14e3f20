import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { dataSlice, getAddress, keccak256, Wallet } from 'ethers';
import { secp256k1PublicKey } from '../shared/secp256k1-public-key.ts';

/**
 * A node's three keys, made once and kept sealed in its database:
 * - chain key (secp256k1): its registered address; sends its votes and endpoint updates;
 * - signing key (Ed25519): signs every peer message and binding; native Ed25519 verifies in
 *   ~0.1 ms where secp256k1 in JS takes ~1.3 ms, which matters at a hundred signatures a second;
 * - encryption key (X25519): pairwise keys that encrypt shares sent to one peer.
 * Both communication public keys are registered on chain beside the node's address.
 */
export interface NodeIdentity {
  /** The chain key's address, worked out natively (ethers' Wallet costs ~0.1 s of JS curve set-up). */
  chainAddress: string;
  /** The chain key as a signer: made at first use (a node that does not write to the chain at start never pays for it). */
  readonly chainKey: Wallet;
  signingKey: KeyObject;
  signingPublicKey: Buffer;
  encryptionKey: KeyObject;
  encryptionPublicKey: Buffer;
}

export interface IdentitySecrets {
  chainKey: string;
  signingKey: Buffer;
  encryptionKey: Buffer;
}

export function newIdentitySecrets(): IdentitySecrets {
  const signing = generateKeyPairSync('ed25519');
  const encryption = generateKeyPairSync('x25519');
  return {
    chainKey: Wallet.createRandom().privateKey,
    signingKey: signing.privateKey.export({ format: 'der', type: 'pkcs8' }),
    encryptionKey: encryption.privateKey.export({ format: 'der', type: 'pkcs8' }),
  };
}

export function identityFromSecrets(secrets: IdentitySecrets): NodeIdentity {
  const signingKey = createPrivateKey({ key: secrets.signingKey, format: 'der', type: 'pkcs8' });
  const encryptionKey = createPrivateKey({ key: secrets.encryptionKey, format: 'der', type: 'pkcs8' });
  let wallet: Wallet | undefined;
  return {
    chainAddress: secp256k1Address(secrets.chainKey),
    get chainKey() {
      return (wallet ??= new Wallet(secrets.chainKey));
    },
    signingKey,
    signingPublicKey: rawPublicKey(signingKey),
    encryptionKey,
    encryptionPublicKey: rawPublicKey(encryptionKey),
  };
}

/** The Ethereum address of a secp256k1 private key (0x hex): keccak of its public key, by node:crypto. */
function secp256k1Address(privateKey: string): string {
  return getAddress(dataSlice(keccak256(secp256k1PublicKey(privateKey).subarray(1)), 12));
}

/** The 32 raw public key bytes of an Ed25519 or X25519 key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url');
}
