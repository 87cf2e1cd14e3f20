import type { ReleaseResponse } from '../../shared/node-api.ts';
import { combineSignature } from '../../shared/threshold/ecdsa.ts';
import { secp256k1Group } from '../../shared/threshold/groups.ts';
import { findBadShares } from '../../shared/threshold/shamir.ts';
import type { PkpSignResult } from './client-types.ts';
import { mostCommon } from './consensus.ts';

/**
 * The client's side of the ECDSA shares the nodes released: which are bad, and the signature
 * the others make. Pure (no network), so each rule is tested on shares made in-process.
 */

/**
 * Combines released shares into a signature verified against `publicKey` (throws otherwise,
 * see combineSignature). R' is taken as most nodes computed it: one node sending a wrong R'
 * must not spoil the rest. `degree` is 2t.
 */
export function combineShares(
  all: readonly ReleaseResponse[],
  publicKey: string,
  toSign: string,
  degree: number,
): PkpSignResult {
  const bigR = mostCommon(all.map((s) => s.bigR));
  const list = all.filter((s) => s.bigR === bigR);
  return {
    ...combineSignature({
      shares: list.map((s) => ({ index: s.node, value: BigInt(s.share) })),
      bigR: Buffer.from(bigR.slice(2), 'hex'),
      publicKey: Buffer.from(publicKey.replace(/^0x/, ''), 'hex'),
      digest: Buffer.from(toSign.slice(2), 'hex'),
      degree,
    }),
    nodes: list.map((s) => s.node).sort((a, b) => a - b),
  };
}

/**
 * All shares, minus any that combineSignature's consistency check names as off the
 * polynomial of `degree` (possible only when more than T arrived).
 */
export function withoutBadShares(shares: ReleaseResponse[], threshold: number, degree: number): ReleaseResponse[] {
  if (shares.length <= threshold) return shares;
  const bad = findBadShares(
    secp256k1Group.Fn,
    shares.map((s) => ({ index: s.node, value: BigInt(s.share) })),
    degree,
  );
  return bad ? shares.filter((s) => !bad.includes(s.node)) : shares;
}
