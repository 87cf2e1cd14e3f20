import { createECDH } from 'node:crypto';

/**
 * The uncompressed public key (65 bytes, 0x04 first) of a secp256k1 private key (0x hex), by
 * OpenSSL: about 1 ms, where ethers' first secp256k1 multiplication in a process builds noble's
 * curve tables (70–90 ms of CPU). The host and each node want an address at every start.
 */
export function secp256k1PublicKey(privateKey: string): Buffer {
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(Buffer.from(privateKey.replace(/^0x/, ''), 'hex'));
  return ecdh.getPublicKey(null, 'uncompressed');
}
