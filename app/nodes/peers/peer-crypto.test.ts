import { describe, expect, it } from 'vitest';
import { identityFromSecrets, newIdentitySecrets } from '../node-identity.ts';
import { PeerCrypto, type PeerInfo } from './peer-crypto.ts';

function node(index: number) {
  const identity = identityFromSecrets(newIdentitySecrets());
  const info: PeerInfo = {
    index,
    address: identity.chainKey.address,
    endpoint: `http://127.0.0.1:${7000 + index}`,
    signingKey: identity.signingPublicKey,
    encryptionKey: identity.encryptionPublicKey,
  };
  return { crypto: new PeerCrypto(identity), info };
}

describe('binding tags between nodes', () => {
  const a = node(1);
  const b = node(2);
  const digest = Buffer.alloc(32, 9);

  it('lets a peer check the tag meant for it', () => {
    const tag = a.crypto.macFor(1, b.info, digest);
    expect(b.crypto.checkMac(2, a.info, digest, tag)).toBe(true);
    expect(b.crypto.checkMac(2, a.info, Buffer.alloc(32, 8), tag)).toBe(false);
  });

  it('never accepts a node its own tag reflected back as the peer’s', () => {
    // A tells B "I bound it"; a client must not be able to show A that tag as B's binding.
    const tagForB = a.crypto.macFor(1, b.info, digest);
    expect(a.crypto.checkMac(1, b.info, digest, tagForB)).toBe(false);
  });
});
