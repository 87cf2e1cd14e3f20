import { tokenIdFromPubkey } from '../../shared/contracts/index.ts';
import { multihashBytesToCid } from '../../shared/cid/index.ts';
import { actionIdFromCid, AUTH_METHOD_SCOPE } from '../../shared/contracts/index.ts';
import type { ActionBindings, ActionFetchRequest, ActionFetchResponse } from '../actions/index.ts';
import type { NodeContext } from '../node-context.ts';
import { callPeer } from '../peers/peer-client.ts';
import { sealEnvelope } from '../peers/signed-envelope.ts';
import type { ActionMailbox } from './action-mailbox.ts';
import type { VerifiedRequester } from '../auth/requester.ts';
import { parseConditions } from '../../shared/conditions/access-control-conditions.ts';
import { AuthSig } from '../../shared/node-api.ts';
import { evaluateConditions } from '../conditions/evm-conditions.ts';
import {
  describeEncrypted,
  ENCRYPTED_FORMAT,
  EncryptedData,
} from '../../shared/encryption/access-control-encryption.ts';
import { openWithShares } from '../../shared/encryption/open-with-shares.ts';
import { blsShareFromLitJson } from '../../shared/threshold/bls.ts';
import { decryptionShare } from '../decryption/decryption-share.ts';

/** The sandbox chain's name in Lit's `chain` arguments. */
export const SANDBOX_CHAIN = 'litbox';
const EXCHANGE_TIMEOUT_MS = 10_000;

export interface RequestContext {
  requestId: string;
  ipfsId: string;
  /** Who asked, as this node verified it (address, auth methods). */
  requester: VerifiedRequester;
  participants: readonly number[];
}

/**
 * What one action execution may do outside its sandbox, at this node: chain reads, the
 * signing permission check, the exchanges with the other nodes running the same request,
 * and allow-listed fetches. Every error message here reaches the action's author: no
 * secrets in them.
 */
export function nodeActionBindings(
  ctx: NodeContext,
  mailbox: ActionMailbox,
  request: RequestContext,
  fetchAllowed: (r: ActionFetchRequest) => Promise<ActionFetchResponse>,
  /** Filled with the effectful calls the run made (see ExecuteJsNodeResponse.effects). */
  effects: Set<string> = new Set(),
): ActionBindings {
  const { PKPPermissions } = ctx.chain.contracts;
  const leader = Math.min(...request.participants);
  let decryptions = 0;

  const exchange = async (name: string, value: string): Promise<void> => {
    mailbox.put(request.requestId, name, ctx.index, value);
    const envelope = sealEnvelope(ctx.crypto, ctx.index, 'action/value', request.requestId, { name, value });
    await Promise.allSettled(
      request.participants
        .filter((i) => i !== ctx.index)
        .map((i) => {
          const peer = ctx.peers.peer(i);
          return peer ? callPeer(peer, '/peer/action/value', envelope, EXCHANGE_TIMEOUT_MS) : undefined;
        }),
    );
  };

  return {
    async signEcdsa(sign) {
      const tokenId = tokenIdFromPubkey(sign.publicKey).toString();
      const share = ctx.keys.get(tokenId);
      if (!share || share.status !== 'ready') throw new Error('this network holds no PKP with that public key');
      const scope = sign.method === 'signEcdsa' ? AUTH_METHOD_SCOPE.SignAnything : AUTH_METHOD_SCOPE.PersonalSign;
      if (await ctx.permissions.actionMaySign(tokenId, request.ipfsId, scope)) return;
      if (await ctx.permissions.requesterMaySign(tokenId, request.requester, scope)) return;
      throw new Error(
        `the action ${request.ipfsId} is not permitted to sign with this PKP (${sign.method === 'signEcdsa' ? 'SignAnything' : 'PersonalSign'} scope needed)`,
      );
    },
    async getLatestNonce({ address, chain }) {
      if (chain !== SANDBOX_CHAIN) throw new Error(`unknown chain "${chain}"; the sandbox chain is "${SANDBOX_CHAIN}"`);
      const count = await ctx.chain.provider.getTransactionCount(address, 'pending');
      return `0x${count.toString(16)}`;
    },
    isPermittedAction: ({ tokenId, ipfsId }) => PKPPermissions.isPermittedAction(tokenId, actionIdFromCid(ipfsId)),
    isPermittedAddress: ({ tokenId, address }) => PKPPermissions.isPermittedAddress(tokenId, address),
    isPermittedAuthMethod: ({ tokenId, authMethodType, userId }) =>
      PKPPermissions.isPermittedAuthMethod(tokenId, authMethodType, userId),
    async getPermittedActions({ tokenId }) {
      return (await PKPPermissions.getPermittedActions(tokenId)).map((id) => multihashBytesToCid(id));
    },
    async getPermittedAddresses({ tokenId }) {
      return [...(await PKPPermissions.getPermittedAddresses(tokenId))];
    },
    async getPermittedAuthMethods({ tokenId }) {
      return (await PKPPermissions.getPermittedAuthMethods(tokenId)).map((m) => ({
        auth_method_type: Number(m.authMethodType),
        id: m.id,
        user_pubkey: m.userPubkey,
      }));
    },
    async checkConditions({ conditions, authSig, chain }) {
      if (chain !== undefined && chain !== SANDBOX_CHAIN)
        throw new Error(`unknown chain "${chain}"; the sandbox chain is "${SANDBOX_CHAIN}"`);
      const list = parseConditions(conditions);
      let user = request.requester.address;
      if (authSig !== undefined && authSig !== null) {
        const parsed = AuthSig.safeParse(authSig);
        if (!parsed.success)
          throw new Error('checkConditions: authSig is not an auth sig {sig, derivedVia, signedMessage, address}');
        user = await ctx.auth.verifyAuthSig(parsed.data).catch((err: Error) => {
          throw new Error(`checkConditions: ${err.message}`);
        });
      }
      return evaluateConditions(list, user, ctx.chain.provider);
    },
    async runOnceIsLeader() {
      return ctx.index === leader;
    },
    runOnceBroadcast: ({ name, value }) => {
      effects.add('runOnce');
      return exchange(`runOnce:${name}`, value);
    },
    async runOnceCollect({ name }) {
      effects.add('runOnce');
      const values = await mailbox.collect(
        request.requestId,
        `runOnce:${name}`,
        [leader],
        Date.now() + EXCHANGE_TIMEOUT_MS,
      );
      return values.get(leader)!;
    },
    async broadcastAndCollect({ name, value }) {
      effects.add('broadcastAndCollect');
      await exchange(`collect:${name}`, value);
      const values = await mailbox.collect(
        request.requestId,
        `collect:${name}`,
        request.participants,
        Date.now() + EXCHANGE_TIMEOUT_MS,
      );
      return [...request.participants].sort((a, b) => a - b).map((i) => values.get(i)!);
    },
    async decryptAndCombine({ accessControlConditions, ciphertext, dataToEncryptHash, authSig, chain }) {
      effects.add('decryptAndCombine');
      if (chain !== SANDBOX_CHAIN) throw new Error(`unknown chain "${chain}"; the sandbox chain is "${SANDBOX_CHAIN}"`);
      const key = ctx.networkKey.ready();
      if (!key) throw new Error('decryptAndCombine: the network key is not made yet');
      const record = EncryptedData.safeParse({
        format: ENCRYPTED_FORMAT,
        networkPublicKey: key.publicKey.replace(/^0x/, '').toLowerCase(),
        accessControlConditions,
        dataToEncryptHash: dataToEncryptHash.replace(/^0x/, ''),
        ciphertext,
      });
      if (!record.success)
        throw new Error(
          `decryptAndCombine: ${record.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      // The requester is who the request proved, or the auth sig the action passes.
      let requester = request.requester;
      if (authSig !== undefined && authSig !== null) {
        const parsed = AuthSig.safeParse(authSig);
        if (!parsed.success)
          throw new Error('decryptAndCombine: authSig is not an auth sig {sig, derivedVia, signedMessage, address}');
        const address = await ctx.auth.verifyAuthSig(parsed.data).catch((err: Error) => {
          throw new Error(`decryptAndCombine: ${err.message}`);
        });
        requester = { address, authMethods: [] };
      }
      // Each node releases its own share only if the conditions hold for it, then the nodes
      // running this request swap shares, each sealed for its one recipient (pairwise
      // AES-GCM keys from the registered X25519 keys: no share travels in the clear), and
      // each node combines T of them.
      const name = `decrypt:${decryptions++}`;
      const label = (from: number, to: number) => `decrypt-share:${request.requestId}:${name}:${from}->${to}`;
      let mine: string | undefined;
      let message: string;
      try {
        mine = (await decryptionShare(ctx, record.data, requester, undefined)).share;
        const sealed: Record<string, string> = {};
        for (const to of request.participants) {
          const peer = ctx.peers.peer(to);
          if (to === ctx.index || !peer) continue;
          sealed[to] = ctx.crypto
            .encryptFor(ctx.index, peer, Buffer.from(mine), label(ctx.index, to))
            .toString('base64');
        }
        message = JSON.stringify({ sealed });
      } catch (err) {
        message = JSON.stringify({ refused: (err as Error).message });
      }
      await exchange(name, message);
      const countShares = (values: ReadonlyMap<number, string>) =>
        [...values.values()].filter((v) => v.startsWith('{"sealed"')).length;
      const values = await mailbox.collectUntil(
        request.requestId,
        name,
        request.participants,
        Date.now() + EXCHANGE_TIMEOUT_MS,
        (v) => countShares(v) > ctx.threshold, // T plus one spare, in case one share is bad
      );
      const shares = [];
      const refusals: string[] = [];
      // In node order, so that every node words a refusal the same (their responses must agree).
      for (const [node, value] of [...values].sort(([a], [b]) => a - b)) {
        try {
          const parsed = JSON.parse(value) as { sealed?: Record<string, string>; refused?: string };
          if (parsed.sealed) {
            const peer = ctx.peers.peer(node);
            const entry = parsed.sealed[ctx.index];
            const json =
              node === ctx.index
                ? mine!
                : ctx.crypto
                    .decryptFrom(ctx.index, peer!, Buffer.from(entry!, 'base64'), label(node, ctx.index))
                    .toString();
            const share = blsShareFromLitJson(json);
            if (share.index === node) shares.push(share);
          } else if (parsed.refused) refusals.push(`node ${node}: ${parsed.refused}`);
        } catch {
          refusals.push(`node ${node}: sent a malformed share`);
        }
      }
      if (shares.length < ctx.threshold)
        throw new Error(
          `decryptAndCombine: ${shares.length} of ${request.participants.length} nodes gave a decryption share, ${ctx.threshold} are needed (${refusals.join('; ')})`,
        );
      const { identity } = describeEncrypted(record.data);
      const { plaintext } = await openWithShares(record.data, identity, shares, ctx.threshold).catch((err: Error) => {
        throw new Error(`decryptAndCombine: ${err.message}`);
      });
      return new TextDecoder().decode(plaintext);
    },
    fetch: (r) => {
      effects.add('fetch');
      return fetchAllowed(r);
    },
  };
}
