import { computeAddress } from 'ethers';
import { AUTH_METHOD_SCOPE, tokenIdFromPubkey } from '../../shared/contracts/index.ts';
import { describeEncrypted, type EncryptedData } from '../../shared/encryption/access-control-encryption.ts';
import { DecryptShareRequest, type DecryptShareResponse } from '../../shared/node-api.ts';
import { blsShareToLitJson, blsSignShare } from '../../shared/threshold/bls.ts';
import { evaluateConditions } from '../conditions/evm-conditions.ts';
import { parseRequest } from '../http-server.ts';
import { NodeRequestError } from '../node-request-error.ts';
import type { NodeContext } from '../node-context.ts';
import { verifyRequester, type VerifiedRequester } from '../auth/requester.ts';

const U_AND_NONCE_AND_TAG = 48 + 12 + 16;

/**
 * This node's decryption share for an encrypted record, or a NodeRequestError saying why not.
 * Every check is this node's own: the record is for this network's key and well formed, the
 * requester is who they claim, and the access control conditions hold on the chain now.
 * Only then is x_j·H(identity) computed; the identity is rebuilt here from the conditions
 * and the data hash, never taken from the request.
 */
export async function decryptionShare(
  ctx: NodeContext,
  encrypted: EncryptedData,
  requester: VerifiedRequester,
  pkpPublicKey: string | undefined,
): Promise<{ share: string; userAddress: string | null }> {
  const key = ctx.networkKey.ready();
  if (!key)
    throw new NodeRequestError(503, 'no_network_key', 'the network key is not made yet (genesis is still running)');
  if (encrypted.networkPublicKey !== key.publicKey.replace(/^0x/, '').toLowerCase())
    throw new NodeRequestError(
      400,
      'wrong_network_key',
      "this was encrypted to another network's key: this network cannot decrypt it",
    );
  let described;
  try {
    described = describeEncrypted(encrypted);
  } catch (err) {
    throw new NodeRequestError(400, 'bad_conditions', (err as Error).message);
  }
  if (Buffer.from(encrypted.ciphertext, 'base64').length < U_AND_NONCE_AND_TAG)
    throw new NodeRequestError(400, 'bad_ciphertext', 'the ciphertext is too short to be one of ours');

  let user = requester.address;
  if (pkpPublicKey !== undefined) {
    const tokenId = tokenIdFromPubkey(pkpPublicKey).toString();
    // Whoever could make the PKP sign a message may speak for its address.
    if (!(await ctx.permissions.requesterMaySign(tokenId, requester, AUTH_METHOD_SCOPE.PersonalSign)))
      throw new NodeRequestError(
        403,
        'not_permitted',
        'the auth methods given are not permitted on that PKP, so they cannot speak for its address',
      );
    user = computeAddress(pkpPublicKey.startsWith('0x') ? pkpPublicKey : `0x${pkpPublicKey}`);
  }

  let met: boolean;
  try {
    met = await evaluateConditions(described.conditions, user, ctx.chain.provider);
  } catch (err) {
    throw new NodeRequestError(
      400,
      'conditions_error',
      `the conditions could not be checked: ${(err as Error).message}`,
    );
  }
  if (!met)
    throw new NodeRequestError(
      403,
      'conditions_not_met',
      `the access control conditions are not met${user ? ` for ${user}` : ''} (node ${ctx.index}, block ${ctx.chain.latestBlock})`,
    );
  const signature = blsSignShare(new TextEncoder().encode(described.identity), key.share);
  return { share: blsShareToLitJson({ index: ctx.index, signature }), userAddress: user ?? null };
}

/** POST /decrypt/share. */
export async function handleDecryptShare(ctx: NodeContext, body: string): Promise<DecryptShareResponse> {
  const started = performance.now();
  const req = parseRequest(DecryptShareRequest, body);
  if (!req.authSig && !req.authMethods?.length)
    throw new NodeRequestError(401, 'bad_auth_sig', 'decryption needs an auth sig or an auth method');
  const requester = await verifyRequester(ctx.auth, ctx.authMethodVerifiers, req);
  const { share, userAddress } = await decryptionShare(ctx, req.encrypted, requester, req.pkpPublicKey);
  return { node: ctx.index, share, userAddress, elapsedMs: performance.now() - started };
}
