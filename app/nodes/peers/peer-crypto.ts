import {
  createHash,
  createHmac,
  timingSafeEqual,
  createPublicKey,
  createSecretKey,
  diffieHellman,
  hkdfSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { NodeIdentity } from '../node-identity.ts';
import { SealedBox } from '../sealed-box.ts';

/** A peer as the Staking contract registers it. */
export interface PeerInfo {
  index: number;
  address: string;
  endpoint: string;
  /** Ed25519 public key, 32 bytes. */
  signingKey: Buffer;
  /** X25519 public key, 32 bytes. */
  encryptionKey: Buffer;
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export function ed25519PublicKey(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function x25519PublicKey(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** Domain-separated digest of a statement a node signs. */
export function statementDigest(domain: string, parts: readonly (string | Uint8Array)[]): Buffer {
  const h = createHash('sha256').update(domain);
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part) : part;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    h.update(len).update(bytes);
  }
  return h.digest();
}

/**
 * Signing and pairwise encryption with the node's registered communication keys. Public
 * key objects and pairwise keys are made once per peer and cached.
 */
export class PeerCrypto {
  private readonly identity: NodeIdentity;
  private readonly verifyKeys = new Map<string, KeyObject>();
  private readonly pairKeys = new Map<string, Buffer>();
  private readonly macKeys = new Map<string, Buffer>();
  /** MAC keys as key objects: node:crypto prepares raw key bytes anew on every HMAC (~100 µs). */
  private readonly macKeyObjects = new Map<string, KeyObject>();
  private readonly pairBoxes = new Map<string, SealedBox>();

  constructor(identity: NodeIdentity) {
    this.identity = identity;
  }

  sign(digest: Buffer): Buffer {
    return sign(null, digest, this.identity.signingKey);
  }

  verify(peer: PeerInfo, digest: Buffer, signature: Uint8Array): boolean {
    const id = peer.signingKey.toString('hex');
    let key = this.verifyKeys.get(id);
    if (!key) {
      key = ed25519PublicKey(peer.signingKey);
      this.verifyKeys.set(id, key);
    }
    try {
      return verify(null, digest, key, signature);
    } catch {
      return false;
    }
  }

  /** A key shared with one peer: X25519, then HKDF bound to both node indices and a purpose. */
  private derived(cache: Map<string, Buffer>, purpose: string, me: number, peer: PeerInfo): Buffer {
    const id = `${peer.index}:${peer.encryptionKey.toString('hex')}`;
    let key = cache.get(id);
    if (!key) {
      const shared = diffieHellman({
        privateKey: this.identity.encryptionKey,
        publicKey: x25519PublicKey(peer.encryptionKey),
      });
      const [lo, hi] = me < peer.index ? [me, peer.index] : [peer.index, me];
      key = Buffer.from(hkdfSync('sha256', shared, 'litbox-peer', `${purpose}/${lo}/${hi}`, 32));
      cache.set(id, key);
    }
    return key;
  }

  private macKey(me: number, peer: PeerInfo): KeyObject {
    const id = `${peer.index}:${peer.encryptionKey.toString('hex')}`;
    let key = this.macKeyObjects.get(id);
    if (!key) {
      key = createSecretKey(this.derived(this.macKeys, 'mac', me, peer));
      this.macKeyObjects.set(id, key);
    }
    return key;
  }

  /** The sealed box for values exchanged with one peer. */
  private pairBox(me: number, peer: PeerInfo): SealedBox {
    const id = `${peer.index}:${peer.encryptionKey.toString('hex')}`;
    let box = this.pairBoxes.get(id);
    if (!box) {
      box = new SealedBox(this.derived(this.pairKeys, 'pair', me, peer));
      this.pairBoxes.set(id, box);
    }
    return box;
  }

  /**
   * A 128-bit tag on `digest` from `from` to `to` (one of them is this node, the other
   * `peer`): HMAC under the pair's key over the direction and the digest. The direction is in
   * the MAC so that a tag this node made for a peer can never pass as that peer's tag to this
   * node. Binding statements carry one per node, so checking T bindings costs T HMACs
   * (microseconds) rather than T signature verifications (~0.1 ms each).
   */
  private mac(me: number, peer: PeerInfo, from: number, to: number, digest: Buffer): Buffer {
    const direction = Buffer.alloc(8);
    direction.writeUInt32BE(from, 0);
    direction.writeUInt32BE(to, 4);
    return createHmac('sha256', this.macKey(me, peer)).update(direction).update(digest).digest().subarray(0, 16);
  }

  /** The tag this node (`me`) gives `peer` on `digest`. */
  macFor(me: number, peer: PeerInfo, digest: Buffer): Buffer {
    return this.mac(me, peer, me, peer.index, digest);
  }

  /** True when `tag` is `peer`'s tag for this node (`me`) on `digest`. */
  checkMac(me: number, peer: PeerInfo, digest: Buffer, tag: Uint8Array): boolean {
    const expected = this.mac(me, peer, peer.index, me, digest);
    return tag.length === expected.length && timingSafeEqual(expected, tag);
  }

  /** Encrypts for one peer (AES-256-GCM under the pair's key); `label` (session, sender, recipient) is authenticated too. */
  encryptFor(me: number, peer: PeerInfo, plain: Buffer, label: string): Buffer {
    return this.pairBox(me, peer).seal(plain, label);
  }

  decryptFrom(me: number, peer: PeerInfo, sealed: Uint8Array, label: string): Buffer {
    return this.pairBox(me, peer).open(sealed, label);
  }
}
