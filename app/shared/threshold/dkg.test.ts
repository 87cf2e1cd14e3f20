import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ethers } from 'ethers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dealDkg, DkgComplaintError, finishDkg, verifyDealing, type ReceivedDkgDealing } from './dkg.ts';
import {
  bls12381G1CompressedBytes,
  bls12381G1Group,
  mulBase,
  secp256k1Group,
  secp256k1UncompressedBytes,
  type Group,
} from './groups.ts';
import type { Share } from './scalar.ts';
import { reconstructSecret } from './shamir.ts';
import { simulateDkg } from './simulation.ts';

/** What node `me` receives from every dealing. */
function inbox(dealings: ReturnType<typeof dealDkg>[], me: number): ReceivedDkgDealing[] {
  return dealings.map((d) => ({
    dealer: d.dealer,
    share: (d.shares[me - 1] as Share).value,
    commitments: d.commitments,
  }));
}

describe.each([
  ['secp256k1, N=7, degree t=2', secp256k1Group, 7, 2],
  ['secp256k1, N=10, degree t=3', secp256k1Group, 10, 3],
  ['BLS12-381 G1, N=7, degree T-1=4', bls12381G1Group, 7, 4],
] as const)('DKG over %s', (_name, group: Group, n, degree) => {
  const results = simulateDkg(group, n, degree);
  const F = group.Fn;

  it('gives every node the same group key and transcript, and no node the whole key', () => {
    for (const r of results) {
      expect(r.publicKey.equals((results[0] as (typeof results)[number]).publicKey)).toBe(true);
      expect(r.transcriptHash).toEqual(results[0]?.transcriptHash);
      expect(mulBase(group, r.secretShare).equals(r.publicKey)).toBe(false);
    }
  });

  it('any degree+1 key shares reconstruct the key behind the group public key; degree shares do not', () => {
    const shares: Share[] = results.map((r, i) => ({ index: i + 1, value: r.secretShare }));
    fc.assert(
      fc.property(fc.shuffledSubarray(shares, { minLength: degree + 1, maxLength: degree + 1 }), (chosen) => {
        const x = reconstructSecret(F, chosen, degree);
        expect(mulBase(group, x).equals((results[0] as (typeof results)[number]).publicKey)).toBe(true);
        expect(() => reconstructSecret(F, chosen.slice(1), degree)).toThrow();
      }),
      { numRuns: 5 },
    );
  });

  it('publishes verification shares X_j = x_j·G for every node', () => {
    const verification = (results[0] as (typeof results)[number]).verificationShares;
    expect(verification).toHaveLength(n);
    results.forEach((r, j) => expect(verification[j]?.equals(mulBase(group, r.secretShare))).toBe(true));
  });
});

describe('DKG complaints', () => {
  const group = secp256k1Group;
  const n = 7;
  const degree = 2;

  it('accepts honest dealings one by one', () => {
    const d = dealDkg({ group, dealer: 3, n, degree });
    for (let j = 1; j <= n; j++)
      expect(verifyDealing(group, (d.shares[j - 1] as Share).value, d.commitments, j)).toBe(true);
  });

  it('names the dealer whose share does not match its commitments, and refuses to finish', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: n }), (cheater, me) => {
        const dealings = Array.from({ length: n }, (_, i) => dealDkg({ group, dealer: i + 1, n, degree }));
        const received = inbox(dealings, me).map((d) =>
          d.dealer === cheater ? { ...d, share: group.Fn.add(d.share, 1n) } : d,
        );
        expect(
          verifyDealing(group, received[cheater - 1]?.share as bigint, received[cheater - 1]?.commitments ?? [], me),
        ).toBe(false);
        let caught: unknown;
        try {
          finishDkg({ group, n, degree, me, dealings: received });
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(DkgComplaintError);
        expect((caught as DkgComplaintError).dealers).toEqual([cheater]);
      }),
      { numRuns: 6 },
    );
  });

  it('refuses too few dealers and commitments of the wrong degree', () => {
    const dealings = Array.from({ length: n }, (_, i) => dealDkg({ group, dealer: i + 1, n, degree }));
    expect(() => finishDkg({ group, n, degree, me: 1, dealings: inbox(dealings, 1).slice(0, degree) })).toThrow(
      /at least 3/,
    );
    const wrong = dealDkg({ group, dealer: 2, n, degree: degree + 1 });
    const mixed = inbox([...dealings.filter((d) => d.dealer !== 2), wrong], 1);
    expect(() => finishDkg({ group, n, degree, me: 1, dealings: mixed })).toThrow(DkgComplaintError);
    expect(() =>
      finishDkg({ group, n, degree, me: 1, dealings: [...inbox(dealings, 1), ...inbox(dealings, 1).slice(0, 1)] }),
    ).toThrow(/twice/);
  });
});

describe('key encodings', () => {
  it('secp256k1 group key as 65-byte uncompressed SEC1 gives the same address in ethers and noble', () => {
    const [first] = simulateDkg(secp256k1Group, 4, 1);
    const bytes = secp256k1UncompressedBytes((first as NonNullable<typeof first>).publicKey);
    expect(bytes).toHaveLength(65);
    expect(bytes[0]).toBe(4);
    const compressed = secp256k1.Point.fromBytes(bytes).toBytes(true);
    expect(ethers.computeAddress(ethers.hexlify(bytes))).toBe(ethers.computeAddress(ethers.hexlify(compressed)));
  });

  it('BLS network key is 48 bytes compressed G1', () => {
    const [first] = simulateDkg(bls12381G1Group, 4, 2);
    expect(bls12381G1CompressedBytes((first as NonNullable<typeof first>).publicKey)).toHaveLength(48);
  });
});
