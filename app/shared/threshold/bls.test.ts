import { bls12_381 } from '@noble/curves/bls12-381.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { degreeFor, thresholdFor } from '../network.ts';
import {
  BLS_SIGNATURE_DST,
  combineBlsSharesScaled,
  integerLagrangeWeights,
  blsShareFromLitJson,
  blsShareToLitJson,
  blsSignShare,
  combineBlsShares,
  hashToG2,
  verifyBlsShare,
  verifyBlsSignature,
  type BlsSignatureShare,
} from './bls.ts';
import { bls12381G1CompressedBytes, bls12381G1Group } from './groups.ts';
import { NotEnoughSharesError } from './shamir.ts';
import { lagrangeCoefficients } from './lagrange.ts';
import { simulateDkg } from './simulation.ts';

// N = 7: t = 2, T = 5, so the network key is a degree T-1 = 4 sharing.
const n = 7;
const T = thresholdFor(n);
const degree = T - 1;
const network = simulateDkg(bls12381G1Group, n, degree);
const groupKey = (network[0] as (typeof network)[number]).publicKey;
const verificationShares = (network[0] as (typeof network)[number]).verificationShares;
const identity = utf8ToBytes('lit-accesscontrolcondition://' + 'ab'.repeat(32) + '/' + 'cd'.repeat(32));
const hashed = hashToG2(identity);
const shares: BlsSignatureShare[] = network.map((node, i) => ({
  index: i + 1,
  signature: blsSignShare(identity, node.secretShare, hashed),
}));

describe('threshold BLS (N=7, T=5)', () => {
  it('uses the POP domain and degree 2t = T-1', () => {
    expect(BLS_SIGNATURE_DST).toBe('BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_');
    expect(degree).toBe(2 * degreeFor(n));
    expect(bls12381G1CompressedBytes(groupKey)).toHaveLength(48);
  });

  it('any T of the N shares combine into a signature that verifies against the 48-byte group key', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(shares, { minLength: T, maxLength: T }), (chosen) => {
        const signature = combineBlsShares(chosen, T);
        expect(signature.toBytes(true)).toHaveLength(96);
        expect(verifyBlsSignature(identity, signature, bls12381G1CompressedBytes(groupKey), hashed)).toBe(true);
        // Independent check with noble's own BLS verifier (long signatures: key in G1).
        expect(bls12_381.longSignatures.verify(signature, hashed, groupKey)).toBe(true);
      }),
      { numRuns: 3 },
    );
  });

  it('T-1 shares do not: combining them as if they were enough gives a signature that fails', () => {
    expect(() => combineBlsShares(shares.slice(0, T - 1), T)).toThrow(NotEnoughSharesError);
    const forced = combineBlsShares(shares.slice(1, T), T - 1);
    expect(verifyBlsSignature(identity, forced, groupKey, hashed)).toBe(false);
  });

  it('checks each share against its node verification share, and catches a tampered one', () => {
    shares.forEach((s, i) =>
      expect(
        verifyBlsShare(identity, s.signature, verificationShares[i] as (typeof verificationShares)[number], hashed),
      ).toBe(true),
    );
    const tampered = (shares[3] as BlsSignatureShare).signature.add(bls12_381.G2.Point.BASE);
    expect(
      verifyBlsShare(identity, tampered, verificationShares[3] as (typeof verificationShares)[number], hashed),
    ).toBe(false);
    // A real share presented as another node's fails too.
    expect(
      verifyBlsShare(
        identity,
        (shares[2] as BlsSignatureShare).signature,
        verificationShares[3] as (typeof verificationShares)[number],
        hashed,
      ),
    ).toBe(false);
    // And a combine that includes the tampered share does not verify.
    const withBad = [...shares.slice(0, 3), { index: 4, signature: tampered }, shares[4] as BlsSignatureShare];
    expect(verifyBlsSignature(identity, combineBlsShares(withBad, T), groupKey, hashed)).toBe(false);
  });

  it('a signature for one identity does not verify for another', () => {
    const signature = combineBlsShares(shares, T);
    expect(verifyBlsSignature(utf8ToBytes('another identity'), signature, groupKey)).toBe(false);
  });

  it('serialises a share the way Lit reads it, and parses it back', () => {
    const json = blsShareToLitJson(shares[4] as BlsSignatureShare);
    const parsed = JSON.parse(json) as { ProofOfPossession: { identifier: string; value: string } };
    expect(Object.keys(parsed)).toEqual(['ProofOfPossession']);
    // Little-endian, as blsful serialises identifiers: index 5 is 05 00 … 00.
    expect(parsed.ProofOfPossession.identifier).toBe('05' + '00'.repeat(31));
    expect(parsed.ProofOfPossession.value).toMatch(/^[0-9a-f]{192}$/);
    const back = blsShareFromLitJson(json);
    expect(back.index).toBe(5);
    expect(back.signature.equals((shares[4] as BlsSignatureShare).signature)).toBe(true);
    expect(() => blsShareFromLitJson('{"ProofOfPossession":{"identifier":"00","value":"zz"}}')).toThrow();
    expect(() => blsShareFromLitJson('{"SomethingElse":{}}')).toThrow(/ProofOfPossession/);
    // A big-endian identifier is another (huge) x-coordinate, not node 5.
    const bigEndian = json.replace('05' + '00'.repeat(31), '00'.repeat(31) + '05');
    expect(() => blsShareFromLitJson(bigEndian)).toThrow(/node index/);
  });

  it('combines with small integer weights: λ_j = w_j / D exactly, and D·σ pairs like σ', () => {
    const Fr = bls12381G1Group.Fn;
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 12 }), (indices) => {
        const { weights, denominator } = integerLagrangeWeights(indices);
        expect(denominator > 0n).toBe(true);
        const expected = lagrangeCoefficients(Fr, indices);
        weights.forEach((w, i) => expect(Fr.div(Fr.create(w), Fr.create(denominator))).toBe(expected[i]));
      }),
      { numRuns: 200 },
    );
    const { scaled, denominator } = combineBlsSharesScaled(shares.slice(1, 1 + T), T);
    expect(scaled.equals(combineBlsShares(shares.slice(1, 1 + T), T).multiply(denominator))).toBe(true);
  });
});
