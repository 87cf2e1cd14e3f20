import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ethers } from 'ethers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { degreeFor, thresholdFor } from '../network.ts';
import { combineSignature, rerandomise, SignatureVerificationError, signShare } from './ecdsa.ts';
import { secp256k1Group, secp256k1UncompressedBytes } from './groups.ts';
import { interpolateAt } from './lagrange.ts';
import type { Presignature } from './presign.ts';
import { InconsistentSharesError, NotEnoughSharesError } from './shamir.ts';
import { simulateDkg, simulatePresign } from './simulation.ts';

const F = secp256k1Group.Fn;
const anyDigest = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** N nodes in one process: a DKG'd PKP key and a pool of presignatures, each used once. */
function network(n: number, poolSize: number) {
  const t = degreeFor(n);
  const T = thresholdFor(n);
  const nodes = Array.from({ length: n }, (_, i) => i + 1);
  const keys = simulateDkg(secp256k1Group, n, t);
  const publicKey = secp256k1UncompressedBytes((keys[0] as (typeof keys)[number]).publicKey);
  const pool = simulatePresign({ batchId: `pool-${n}`, participants: nodes, t, count: poolSize });
  let next = 0;
  return {
    n,
    t,
    T,
    nodes,
    publicKey,
    /** The next unused presignature, as every node holds it. */
    takePresignature(): Map<number, Presignature> {
      const b = next++;
      if (b >= poolSize) throw new Error('test pool exhausted');
      return new Map(nodes.map((j) => [j, (pool.get(j) ?? [])[b] as Presignature]));
    },
    /** Node j's share for one digest with one presignature. */
    share(j: number, presig: Map<number, Presignature>, digest: Uint8Array, key = publicKey, keyShares = keys) {
      const p = presig.get(j) as Presignature;
      const out = signShare({
        digest,
        R: p.R,
        w: p.w,
        z2: p.z2,
        keyShare: (keyShares[j - 1] as (typeof keys)[number]).secretShare,
        publicKey: key,
      });
      return { index: j, value: out.s, bigR: out.bigR };
    },
  };
}

describe.each([
  [7, 12],
  [10, 6],
])('threshold ECDSA end to end with N=%i', (n, runs) => {
  const net = network(n, runs + 4);

  it('T shares from any nodes combine into a low-s signature that ethers and noble accept', () => {
    const address = ethers.computeAddress(ethers.hexlify(net.publicKey));
    fc.assert(
      fc.property(
        anyDigest,
        fc.shuffledSubarray(net.nodes, { minLength: net.T, maxLength: net.T }),
        (digest, signers) => {
          const presig = net.takePresignature();
          const shares = signers.map((j) => net.share(j, presig, digest));
          const sig = combineSignature({
            shares,
            bigR: (shares[0] as (typeof shares)[number]).bigR,
            publicKey: net.publicKey,
            digest,
            degree: 2 * net.t,
          });

          expect(ethers.recoverAddress(digest, sig.signature)).toBe(address);
          const compact = ethers.getBytes('0x' + sig.r + sig.s);
          expect(secp256k1.verify(compact, digest, net.publicKey, { prehash: false, lowS: true })).toBe(true);
          expect(BigInt('0x' + sig.s) <= F.ORDER / 2n).toBe(true);
          expect(sig.signature).toMatch(/^0x[0-9a-f]{128}(1b|1c)$/);
          expect(sig.recid).toBe(Number.parseInt(sig.signature.slice(-2), 16) - 27);
          expect(sig.publicKey).toBe(bytesToHex(net.publicKey));
          expect(sig.dataSigned).toBe(bytesToHex(digest));
          // The recovery id is right on its own: noble recovers the key from (r, s, recid).
          const recovered = secp256k1.Signature.fromBytes(compact).addRecoveryBit(sig.recid).recoverPublicKey(digest);
          expect(recovered.toBytes(false)).toEqual(net.publicKey);
        },
      ),
      { numRuns: runs },
    );
  });

  it('T-1 shares do not make a valid signature, and combine refuses them', () => {
    const digest = ethers.getBytes(ethers.id('not enough'));
    const presig = net.takePresignature();
    const shares = net.nodes.slice(0, net.T - 1).map((j) => net.share(j, presig, digest));
    expect(() =>
      combineSignature({
        shares,
        bigR: (shares[0] as (typeof shares)[number]).bigR,
        publicKey: net.publicKey,
        digest,
        degree: 2 * net.t,
      }),
    ).toThrow(NotEnoughSharesError);
    // Interpolating the T-1 shares anyway (as a lower-degree curve) gives an s that fails.
    const { r } = rerandomise(presig.get(1)?.R as Uint8Array, net.publicKey, digest);
    for (const s of [interpolateAt(F, shares), F.neg(interpolateAt(F, shares))]) {
      const compact = new Uint8Array([...F.toBytes(r), ...F.toBytes(s)]);
      expect(secp256k1.verify(compact, digest, net.publicKey, { prehash: false, lowS: false })).toBe(false);
    }
  });
});

describe('threshold ECDSA combine with faulty shares (N=7, T=5)', () => {
  const net = network(7, 12);
  const digest = ethers.getBytes(ethers.keccak256(ethers.toUtf8Bytes('transfer 1 ETH')));

  function combineAll(shares: { index: number; value: bigint; bigR: Uint8Array }[]) {
    return combineSignature({
      shares,
      bigR: (shares[0] as (typeof shares)[number]).bigR,
      publicKey: net.publicKey,
      digest,
      degree: 2 * net.t,
    });
  }
  function caught(f: () => unknown): unknown {
    try {
      f();
    } catch (e) {
      return e;
    }
    return undefined;
  }

  it('names a tampered share when all 7 arrive, whichever node sent it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.bigInt({ min: 1n, max: F.ORDER - 1n }), (bad, offset) => {
        const presig = net.takePresignature();
        const shares = net.nodes
          .map((j) => net.share(j, presig, digest))
          .map((s) => (s.index === bad ? { ...s, value: F.add(s.value, offset) } : s));
        const err = caught(() => combineAll(shares));
        expect(err).toBeInstanceOf(InconsistentSharesError);
        expect((err as InconsistentSharesError).badIndices).toEqual([bad]);
        // Leaving the named node out gives a good signature.
        const good = combineAll(shares.filter((s) => s.index !== bad));
        expect(ethers.recoverAddress(digest, good.signature)).toBe(
          ethers.computeAddress(ethers.hexlify(net.publicKey)),
        );
      }),
      { numRuns: 5 },
    );
  });

  it('detects a tampered share with one extra (6 shares) even though it cannot say whose', () => {
    const presig = net.takePresignature();
    const shares = net.nodes.slice(0, 6).map((j) => net.share(j, presig, digest));
    shares[2] = {
      ...(shares[2] as (typeof shares)[number]),
      value: F.add((shares[2] as (typeof shares)[number]).value, 1n),
    };
    const err = caught(() => combineAll(shares));
    expect(err).toBeInstanceOf(InconsistentSharesError);
    expect((err as InconsistentSharesError).badIndices).toBeUndefined();
  });

  it('with exactly T shares, a tampered one yields a signature that fails verification, which is refused', () => {
    const presig = net.takePresignature();
    const shares = net.nodes.slice(0, 5).map((j) => net.share(j, presig, digest));
    shares[4] = {
      ...(shares[4] as (typeof shares)[number]),
      value: F.add((shares[4] as (typeof shares)[number]).value, 1n),
    };
    expect(() => combineAll(shares)).toThrow(SignatureVerificationError);
  });

  it('refuses a presignature whose R a dealer lied about (R is not k·G)', () => {
    const presig = net.takePresignature();
    const liedR = secp256k1.Point.fromBytes(presig.get(1)?.R as Uint8Array)
      .add(secp256k1.Point.BASE)
      .toBytes(false);
    const lied = new Map([...presig].map(([j, p]) => [j, { ...p, R: liedR }]));
    expect(() => combineAll(net.nodes.map((j) => net.share(j, lied, digest)))).toThrow(SignatureVerificationError);
  });

  it('refuses a message that is not a 32-byte digest', () => {
    const presig = net.takePresignature();
    expect(() => net.share(1, presig, new Uint8Array(31))).toThrow(/32-byte digest/);
  });
});

describe('re-randomisation δ = H(R, public key, m)', () => {
  const net = network(7, 4);

  it('gives different R′ for two messages with the same presignature, and the same R′ for the same inputs', () => {
    const R = net.takePresignature().get(1)?.R as Uint8Array;
    fc.assert(
      fc.property(anyDigest, anyDigest, (m1, m2) => {
        fc.pre(bytesToHex(m1) !== bytesToHex(m2));
        const a = rerandomise(R, net.publicKey, m1);
        const b = rerandomise(R, net.publicKey, m2);
        expect(a.bigR.equals(b.bigR)).toBe(false);
        expect(a.r).not.toBe(b.r);
        expect(rerandomise(R, net.publicKey, m1).bigR.equals(a.bigR)).toBe(true);
        expect(secp256k1.Point.fromBytes(R).multiply(a.delta).equals(a.bigR)).toBe(true);
      }),
      { numRuns: 10 },
    );
  });

  it('binds the public key too: another key gives another R′', () => {
    const R = net.takePresignature().get(1)?.R as Uint8Array;
    const digest = new Uint8Array(32).fill(7);
    const otherKey = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), false);
    expect(rerandomise(R, net.publicKey, digest).bigR.equals(rerandomise(R, otherKey, digest).bigR)).toBe(false);
  });

  it('presignatures are key-independent: one pool signs for two different PKP keys', () => {
    const second = simulateDkg(secp256k1Group, 7, 2);
    const secondKey = secp256k1UncompressedBytes((second[0] as (typeof second)[number]).publicKey);
    const digest = ethers.getBytes(ethers.id('second key'));
    const presig = net.takePresignature();
    const shares = [1, 3, 4, 6, 7].map((j) => net.share(j, presig, digest, secondKey, second));
    const sig = combineSignature({
      shares,
      bigR: (shares[0] as (typeof shares)[number]).bigR,
      publicKey: secondKey,
      digest,
      degree: 4,
    });
    expect(ethers.recoverAddress(digest, sig.signature)).toBe(ethers.computeAddress(ethers.hexlify(secondKey)));
  });

  it('every node computes the same R′ as the client would', () => {
    const presig = net.takePresignature();
    const digest = new Uint8Array(32).fill(1);
    const expected = rerandomise(presig.get(1)?.R as Uint8Array, net.publicKey, digest).bigR.toBytes(false);
    for (const j of net.nodes) expect(net.share(j, presig, digest).bigR).toEqual(expected);
  });
});
