import type { RunningHost } from '../../app/host/host.ts';
import { callNode } from '../../app/host/lit-client/node-request.ts';

/**
 * Test support: the presignatures node `index` holds fresh, newest first, asked as the host's
 * own Lit client asks (nodes tell no one else).
 */
export async function freshPresignatureIds(host: RunningHost, index: number, limit = 1000): Promise<string[]> {
  const node = host.wallet.lit.nodeEndpoints().find((n) => n.index === index);
  if (!node) throw new Error(`no node ${index}`);
  return (await callNode<{ ids: string[] }>(node, `/presign/available?limit=${limit}`, undefined, 5_000)).ids;
}
