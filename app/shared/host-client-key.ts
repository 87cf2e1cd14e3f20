import { hkdfSync } from 'node:crypto';

/**
 * The credential by which a node knows the host's own Lit client, the one caller that may learn
 * which presignatures the node holds (anyone who knew them could bind them to a message of
 * their own and so spoil them for the wallet). It is derived from the node's at-rest storage
 * key, which the host hands to the node over IPC at launch: each node gets its own, nothing
 * new travels, and nothing else on the machine has it.
 */
export function hostClientKey(storageKeyBase64: string): string {
  return Buffer.from(
    hkdfSync('sha256', Buffer.from(storageKeyBase64, 'base64'), 'litbox', 'host-client-key/v1', 32),
  ).toString('hex');
}

/** How the host's client presents it: an Authorization header on HTTP and on the /rpc upgrade. */
export const hostClientAuthorization = (key: string): string => `Bearer ${key}`;
