import { ethers } from 'ethers';
import { describe, expect, it } from 'vitest';
import { combineShares, withoutBadShares } from './ecdsa-shares.ts';
import { signingNodes } from '../../../testing/lit-client/signing-nodes.ts';

// N = 5: t = 1, T = 4, shares on a degree-2 polynomial; a fifth share can name a bad one.
const net = signingNodes(5, 4);
const digest = ethers.hexlify(ethers.randomBytes(32));
const address = ethers.computeAddress(net.publicKey);
const released = (id: string) => net.indices.map((j) => net.release(j, id, digest));
const tampered = <S extends { share: string }>(s: S): S => ({
  ...s,
  share: `0x${(BigInt(s.share) ^ 1n).toString(16).padStart(64, '0')}`,
});

describe('combining released ECDSA shares', () => {
  it('T shares make a signature that verifies for the PKP, naming the nodes that made it', () => {
    const sig = combineShares(released('ps:0').slice(1), net.publicKey, digest, net.degree);
    expect(ethers.recoverAddress(digest, sig.signature)).toBe(address);
    expect(sig.nodes).toEqual([2, 3, 4, 5]);
  });

  it("takes R' as most nodes sent it: one node's wrong R' leaves that node out", () => {
    const shares = released('ps:1');
    const otherR = released('ps:2')[0]!.bigR;
    shares[2] = { ...shares[2]!, bigR: otherR };
    const sig = combineShares(shares, net.publicKey, digest, net.degree);
    expect(sig.nodes).toEqual([1, 2, 4, 5]);
    expect(ethers.recoverAddress(digest, sig.signature)).toBe(address);
  });

  it('refuses to return a signature from a bad share', () => {
    const shares = released('ps:3').slice(0, 4);
    shares[1] = tampered(shares[1]!);
    expect(() => combineShares(shares, net.publicKey, digest, net.degree)).toThrow();
  });
});

describe('which shares are bad', () => {
  it('with a spare share, names the one off the polynomial, and the rest combine', () => {
    const shares = released('ps:0');
    shares[3] = tampered(shares[3]!);
    const good = withoutBadShares(shares, net.threshold, net.degree);
    expect(good.map((s) => s.node)).toEqual([1, 2, 3, 5]);
    expect(combineShares(good, net.publicKey, digest, net.degree).nodes).toEqual([1, 2, 3, 5]);
  });

  it('keeps all shares when they agree, and does not judge T shares (no spare, nothing to compare)', () => {
    const shares = released('ps:1');
    expect(withoutBadShares(shares, net.threshold, net.degree)).toEqual(shares);
    const four = shares.slice(0, 4);
    four[0] = tampered(four[0]!);
    expect(withoutBadShares(four, net.threshold, net.degree)).toBe(four);
  });
});
