import { degreeFor } from '../../shared/network.ts';
import type { Binding, ReleaseResponse } from '../../shared/node-api.ts';
import type { PkpSignResult } from './client-types.ts';
import { combineShares, withoutBadShares } from './ecdsa-shares.ts';
import type { NodeCallError, NodeEndpoint } from './node-request.ts';
import type { LitNetwork } from './node-transport.ts';
import { worthAskingAgain } from './refusal-or-retry.ts';

/** How often binders that could not be reached are asked again while `patienceMs` lasts. */
const ASK_AGAIN_EVERY_MS = 250;

/**
 * The second half of a threshold signature, for pkpSign and executeJs alike: asks the first T
 * binders for their shares (each costs a node a curve multiplication); only if those do not
 * combine into a verified signature, asks the other binders too: with more than T shares a
 * bad one shows and is left out. With `patienceMs`, binders that could not be reached are
 * asked again until then: their bindings are durable, so a node that restarts meanwhile still
 * gives its share (for executeJs, whose signatures cannot simply be tried again with another
 * presignature). `stopWaiting`: looked at before each wait; true ends the patience early.
 */
export async function releaseAndCombine(
  network: LitNetwork,
  presignatureId: string,
  publicKey: string,
  toSign: string,
  bindings: readonly { node: NodeEndpoint; binding: Binding }[],
  patienceMs = 0,
  stopWaiting?: () => boolean,
): Promise<{ signature: PkpSignResult } | { retry: string }> {
  const { threshold, nodeCount, transport } = network;
  const timeout = network.requestTimeoutMs;
  const release = { presignatureId, publicKey, toSign, bindings: bindings.map((b) => b.binding) };
  const degree = 2 * degreeFor(nodeCount);
  const unreachable = new Set<(typeof bindings)[number]>();
  const ask = (list: typeof bindings) =>
    Promise.allSettled(list.map((b) => transport.call(b.node, 'release', release, timeout))).then((results) =>
      results.flatMap((r, i): ReleaseResponse[] => {
        // Unreachable, or restarted and not yet back in the network (503): worth asking again.
        const status = r.status === 'rejected' ? (r.reason as NodeCallError).status : 200;
        if (worthAskingAgain(status)) unreachable.add(list[i]!);
        else unreachable.delete(list[i]!);
        return r.status === 'fulfilled' && r.value.node === list[i]!.node.index ? [r.value] : [];
      }),
    );
  const shares = await ask(bindings.slice(0, threshold));
  try {
    if (shares.length >= threshold) return { signature: combineShares(shares, publicKey, toSign, degree) };
  } catch {
    // fall through to the other binders
  }
  shares.push(...(await ask(bindings.slice(threshold))));
  const deadline = Date.now() + patienceMs;
  while (shares.length < threshold && unreachable.size > 0 && Date.now() < deadline && !stopWaiting?.()) {
    await new Promise((r) => setTimeout(r, ASK_AGAIN_EVERY_MS));
    shares.push(...(await ask([...unreachable])));
  }
  if (shares.length < threshold)
    return { retry: `only ${shares.length} usable shares from ${bindings.length} bound nodes` };
  try {
    return { signature: combineShares(withoutBadShares(shares, threshold, degree), publicKey, toSign, degree) };
  } catch (err) {
    return { retry: (err as Error).message };
  }
}
