import { describe, expect, it } from 'vitest';
import { LIT_ERROR_STATUS } from '../../shared/lit-sdk/node-routes.ts';
import { degreeFor, thresholdFor } from '../../shared/network.ts';
import { NodeRequestError } from '../node-request-error.ts';
import type { PeerInfo } from '../peers/peer-crypto.ts';
import { PeerDirectory } from '../peers/peer-directory.ts';
import { signingSetOf } from './pkp-sign.ts';

// The signing set Lit's v8 SDK names, read by a node: its nodes by address, itself among them,
// and at least the network's threshold T strong, or a refusal that says which N work.

async function network(n: number, me = 1) {
  const peers = new PeerDirectory(async () =>
    Array.from(
      { length: n },
      (_, i) => ({ index: i + 1, endpoint: `http://127.0.0.1:${7200 + i}` }) as unknown as PeerInfo,
    ),
  );
  await peers.refresh();
  return { index: me, nodeCount: n, threshold: thresholdFor(n), peers };
}

/** The SDK's set for N connected nodes: max(3, floor(2N/3)) of them, as socket addresses. */
function sdkSet(n: number, from = 0) {
  const size = Math.max(3, Math.floor((2 * n) / 3));
  return Array.from({ length: size }, (_, i) => ({ socketAddress: `127.0.0.1:${7200 + from + i}`, value: 1 }));
}

function refusal(run: () => unknown): NodeRequestError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(NodeRequestError);
    return err as NodeRequestError;
  }
  throw new Error('not refused');
}

describe('the SDK’s signing set, at a node', () => {
  it('is read as node indices, ascending, for the network sizes whose threshold the SDK’s set reaches', async () => {
    for (const n of [3, 4, 6, 9, 12]) {
      const ctx = await network(n);
      expect(signingSetOf(ctx, [...sdkSet(n)].reverse()), `N = ${n}`).toEqual(
        Array.from({ length: Math.max(3, Math.floor((2 * n) / 3)) }, (_, i) => i + 1),
      );
      expect(2 * degreeFor(n) + 1).toBeLessThanOrEqual(thresholdFor(n)); // T shares carry the degree-2t sum
    }
    // localhost and 127.0.0.1 name the same node.
    const ctx = await network(3);
    expect(signingSetOf(ctx, [{ socketAddress: 'localhost:7201', value: 1 }, ...sdkSet(3)])).toEqual([1, 2, 3]);
  });

  it('is refused, saying which N work, when it is smaller than T (N = 7, Litbox’s default)', async () => {
    for (const n of [5, 7, 8, 10]) {
      const ctx = await network(n);
      const refused = refusal(() => signingSetOf(ctx, sdkSet(n)));
      expect(refused.code).toBe('signing_set_too_small');
      expect(refused.status).toBe(LIT_ERROR_STATUS.signing_set_too_small);
      expect(refused.message).toContain(`needs ${thresholdFor(n)} of its ${n}`);
      expect(refused.message).toContain('3, 4, 6, 9, 12, 15 or 18 nodes');
    }
  });

  it('is refused when it names a stranger or leaves this node out', async () => {
    const ctx = await network(4, 4);
    expect(
      refusal(() => signingSetOf(ctx, [...sdkSet(4), { socketAddress: '127.0.0.1:9', value: 1 }])).message,
    ).toMatch(/not a node of this network/);
    expect(refusal(() => signingSetOf(ctx, sdkSet(4))).message).toMatch(/does not name this node/);
  });
});
