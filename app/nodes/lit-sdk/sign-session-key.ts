import { getAddress, verifyMessage } from 'ethers';
import { SiweMessage } from 'siwe';
import { z } from 'zod';
import { AUTH_METHOD_SCOPE, AUTH_METHOD_TYPE, ethAddressFromPubkey } from '../../shared/contracts/index.ts';
import { LitBlsShare } from '../../shared/lit-sdk/node-routes.ts';
import {
  RESOLVED_AUTH_CONTEXT_ABILITY,
  RESOLVED_AUTH_CONTEXT_TARGET,
  type ResolvedAuthContext,
  type SignSessionKeyData,
  type SignSessionKeyRequest,
} from '../../shared/lit-sdk/sign-session-key.ts';
import { blsShareToLitJson, blsSignShare, hashToG2, type G2Point } from '../../shared/threshold/bls.ts';
import type { VerifiedAuthMethod } from '../auth/requester.ts';
import type { NodeContext } from '../node-context.ts';
import { NodeRequestError } from '../node-request-error.ts';
import { readyShare, tokenIdOf } from '../signing/sign-routes.ts';
import { LitRequestError } from './lit-routes.ts';
import { signingSetOf } from './pkp-sign.ts';
import { isLocalhostDomain, pkpSessionSignedBytes, recapAttenuations, rememberSessionHash } from './session-sig.ts';

/**
 * Lit's PKP sessions (POST /web/sign_session_key/v2, what `authManager.createPkpAuthContext`
 * asks each node of its set for). The checks and the signature are signedPkpSession's; v2 adds
 * that the SDK's set is one the network can sign with, and answers the share in v8's form.
 */
export async function litSignSessionKey(ctx: NodeContext, request: SignSessionKeyRequest): Promise<SignSessionKeyData> {
  const session = await signedPkpSession(ctx, request, () => signingSetOf(ctx, request.nodeSet));
  return {
    result: 'success',
    signatureShare: LitBlsShare.parse(
      JSON.parse(blsShareToLitJson({ index: ctx.index, signature: session.signature })),
    ),
    shareId: String(ctx.index),
    curveType: 'BLS',
    siweMessage: session.siweMessage,
    dataSigned: session.dataSigned,
    blsRootPubkey: session.blsRootPubkey,
  };
}

/** What every version of the route asks: v2's request without its signing set. */
export type PkpSessionRequest = Omit<SignSessionKeyRequest, 'nodeSet' | 'curveType'>;

/** A PKP session this node checked and signed: its share over `siweMessage`, and what it signed. */
export interface SignedPkpSession {
  /** x_j·H(m). */
  signature: G2Point;
  /** The SIWE signed: the client's, with the verified auth methods in its ReCap. */
  siweMessage: string;
  /** m, hex (pkpSessionSignedBytes of the SIWE). */
  dataSigned: string;
  /** The network's BLS key, hex without 0x. */
  blsRootPubkey: string;
}

/**
 * The checks behind a PKP session, whichever SDK asks (v2 for v8, v1 for v7). This node checks,
 * alone and in this order: the SIWE delegates to the request's session key, names the PKP's
 * address, was made for a page on localhost, is current and does not claim an auth context of
 * its own; the key is one of this network's PKPs; `checkSet` (v2: the SDK's set is one the
 * network can sign with); every auth method verifies (an EthWallet auth sig by its EIP-191
 * signature, other types by this node's verifiers: Google-style JWTs against the trusted
 * issuers, passkeys against the key on chain); and on chain, now, one of them owns the PKP or is
 * permitted on it with a signing scope (PersonalSign or SignAnything, as Lit asks). Only then
 * does it write the verified auth methods into the SIWE's ReCap (the same text at every node: it
 * depends only on the request) and sign it with its share of the network's BLS key, which the
 * SDK combines into the PKP session's capability (session-sig.ts checks it on every later request).
 */
export async function signedPkpSession(
  ctx: NodeContext,
  request: PkpSessionRequest,
  checkSet: () => void = () => {},
): Promise<SignedPkpSession> {
  const started = performance.now();
  const networkKey = ctx.networkKey.ready();
  if (!networkKey)
    throw new LitRequestError(
      'signSessionKey',
      'not_ready',
      'this node has no network key yet (genesis is still running)',
    );
  if (request.authSig !== undefined)
    throw new LitRequestError(
      'signSessionKey',
      'bad_request',
      'an auth sig is not taken here: send the wallet as an auth method (authMethodType 1) instead',
    );
  if (request.code !== undefined || request.litActionIpfsId !== undefined)
    throw new LitRequestError(
      'signSessionKey',
      'bad_request',
      'custom auth (a Lit Action deciding who gets a PKP session) is not supported by Litbox yet',
    );
  const publicKey = request.pkpPublicKey.toLowerCase();
  let pkpAddress: string;
  try {
    pkpAddress = ethAddressFromPubkey(publicKey);
  } catch {
    throw new LitRequestError('signSessionKey', 'bad_request', 'pkpPublicKey is not a secp256k1 public key');
  }
  const sessionKey = request.sessionKey.slice('lit:session:'.length);
  const siwe = requestedSiwe(request.siweMessage, request.sessionKey, pkpAddress);

  let tokenId: string;
  try {
    tokenId = tokenIdOf(publicKey);
    readyShare(ctx, publicKey);
  } catch {
    throw new LitRequestError(
      'signSessionKey',
      'unknown_pkp',
      `${request.pkpPublicKey.slice(0, 12)}… is not a PKP of this network`,
    );
  }
  checkSet();
  if (request.authMethods.length === 0)
    throw new LitRequestError('signSessionKey', 'bad_request', 'a PKP session needs at least one auth method');

  const authMethods: VerifiedAuthMethod[] = [];
  for (const method of request.authMethods) authMethods.push(await verifyAuthMethod(ctx, method));
  const permitted = await ctx.permissions.requesterMaySign(
    tokenId,
    { address: undefined, authMethods },
    AUTH_METHOD_SCOPE.PersonalSign,
  );
  if (!permitted)
    throw new LitRequestError(
      'signSessionKey',
      'not_permitted',
      `no auth method given (${authMethods.map(describe).join(', ')}) may use the PKP ${pkpAddress}: ` +
        'none owns it or is permitted on it with the SignAnything or PersonalSign scope',
    );

  const signed = withResolvedAuthContext(siwe, { authMethodContexts: authMethods.map(toContext) });
  const bytes = pkpSessionSignedBytes(signed);
  const hashed = hashToG2(bytes);
  rememberSessionHash(bytes, hashed);
  const signature = blsSignShare(bytes, networkKey.share, hashed);
  ctx.log(
    `signed a PKP session for ${pkpAddress} (session key ${sessionKey.slice(0, 8)}…) in ${Math.round(performance.now() - started)} ms`,
  );
  return {
    signature,
    siweMessage: signed,
    dataSigned: Buffer.from(bytes).toString('hex'),
    blsRootPubkey: networkKey.publicKey.replace(/^0x/, '').toLowerCase(),
  };
}

/** The client's SIWE, checked: for this session key and this PKP, from localhost, current, no auth context of its own. */
export function requestedSiwe(text: string, sessionKeyUri: string, pkpAddress: string, now = Date.now()): SiweMessage {
  const refuse = (message: string): never => {
    throw new LitRequestError('signSessionKey', 'bad_request', `siweMessage: ${message}`);
  };
  let siwe: SiweMessage;
  try {
    siwe = new SiweMessage(text);
  } catch {
    return refuse('not a SIWE (EIP-4361) message');
  }
  if (siwe.uri !== sessionKeyUri) refuse(`its URI is ${siwe.uri}, not the session key ${sessionKeyUri}`);
  if (getAddress(siwe.address) !== getAddress(pkpAddress))
    refuse(`its address is ${siwe.address}, not the PKP's ${getAddress(pkpAddress)}`);
  if (!isLocalhostDomain(siwe.domain)) refuse(`it is for ${siwe.domain}, not a page on localhost`);
  if (!siwe.expirationTime || !(Date.parse(siwe.expirationTime) > now)) refuse('it has expired or never expires');
  if (siwe.notBefore && Date.parse(siwe.notBefore) > now) refuse('it is not valid yet');
  const resources = siwe.resources ?? [];
  if (
    resources.some((r) => r.startsWith('lit-resolvedauthcontext')) ||
    siwe.statement?.includes('lit-resolvedauthcontext')
  )
    refuse('a client may not name an auth context: the nodes write it');
  for (const att of recapAttenuations(resources))
    if (Object.keys(att).some((target) => target.startsWith('lit-resolvedauthcontext')))
      refuse('a client may not name an auth context: the nodes write it');
  return siwe;
}

/**
 * The SIWE the network signs: the client's, with the verified auth methods under
 * lit-resolvedauthcontext://* in its ReCap (added to the client's ReCap, or as one of its own).
 */
export function withResolvedAuthContext(siwe: SiweMessage, context: ResolvedAuthContext): string {
  const entry = { [RESOLVED_AUTH_CONTEXT_TARGET]: { [RESOLVED_AUTH_CONTEXT_ABILITY]: [context] } };
  const resources = [...(siwe.resources ?? [])];
  const last = resources.length - 1;
  // ReCap: the last resource is the capability object.
  if (last >= 0 && resources[last]!.startsWith('urn:recap:')) {
    const recap = JSON.parse(
      Buffer.from(resources[last]!.slice('urn:recap:'.length), 'base64url').toString('utf8'),
    ) as {
      att?: Record<string, unknown>;
      prf?: unknown[];
    };
    resources[last] = encodeRecap({ att: { ...(recap.att ?? {}), ...entry }, prf: recap.prf ?? [] });
  } else resources.push(encodeRecap({ att: entry, prf: [] }));
  const signed = new SiweMessage({ ...siwe, resources });
  return signed.prepareMessage();
}

/**
 * A ReCap URI with every object's keys in order, as ReCap (EIP-5573) encodes it: v7's decoder
 * (siwe-recap) refuses any other order.
 */
function encodeRecap(recap: { att: Record<string, unknown>; prf: unknown[] }): string {
  return `urn:recap:${Buffer.from(JSON.stringify(withSortedKeys(recap))).toString('base64url')}`;
}

function withSortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, withSortedKeys((value as Record<string, unknown>)[key])]),
  );
}

function toContext(method: VerifiedAuthMethod): ResolvedAuthContext['authMethodContexts'][number] {
  return { authMethodType: method.authMethodType, id: method.id, userId: method.userId, appId: method.appId };
}

function describe(method: VerifiedAuthMethod): string {
  return method.authMethodType === AUTH_METHOD_TYPE.EthWallet
    ? `the wallet ${method.userId}`
    : `auth method type ${method.authMethodType} ${method.id.slice(0, 12)}…`;
}

const WalletAuthSig = z.object({
  sig: z.string().max(1000),
  derivedVia: z.string().max(100).optional(),
  signedMessage: z.string().max(16 * 1024),
  address: z.string().max(100),
});

/** One auth method, verified by this node; a refusal is invalid_auth_method with the reason. */
async function verifyAuthMethod(
  ctx: Pick<NodeContext, 'authMethodVerifiers'>,
  method: SignSessionKeyRequest['authMethods'][number],
): Promise<VerifiedAuthMethod> {
  if (method.authMethodType === AUTH_METHOD_TYPE.EthWallet) return verifyWalletAuthMethod(method.accessToken);
  const verifier = ctx.authMethodVerifiers.get(method.authMethodType);
  if (!verifier)
    throw new LitRequestError(
      'signSessionKey',
      'invalid_auth_method',
      `auth method type ${method.authMethodType} is not one this network checks (EthWallet; GoogleJwt and WebAuthn when configured)`,
    );
  try {
    return await verifier.verify(method.accessToken);
  } catch (err) {
    if (err instanceof NodeRequestError)
      throw new LitRequestError('signSessionKey', 'invalid_auth_method', err.message);
    throw err;
  }
}

/**
 * An EthWallet auth method as Lit's SDK sends it: the JSON of a wallet's auth sig, a SIWE it
 * signed (EIP-191) for a page on localhost, not expired. A SIWE that delegates to a session key
 * (URI lit:session:…) is a session's capability, not a sign-in: refused here, so that a session
 * signature seen by a node cannot be turned into a PKP session.
 */
export function verifyWalletAuthMethod(accessToken: string, now = Date.now()): VerifiedAuthMethod {
  const refuse = (message: string): never => {
    throw new LitRequestError('signSessionKey', 'invalid_auth_method', `the EthWallet auth method ${message}`);
  };
  let authSig: z.infer<typeof WalletAuthSig>;
  try {
    authSig = WalletAuthSig.parse(JSON.parse(accessToken));
  } catch {
    return refuse('is not the JSON of an auth sig ({sig, signedMessage, address})');
  }
  let siwe: SiweMessage;
  try {
    siwe = new SiweMessage(authSig.signedMessage);
  } catch {
    return refuse('is not a SIWE (EIP-4361) message');
  }
  if (siwe.uri.startsWith('lit:session:')) refuse('is a session’s capability, not a sign-in');
  if (!isLocalhostDomain(siwe.domain)) refuse(`was signed for ${siwe.domain}, not a page on localhost`);
  if (!siwe.expirationTime || !(Date.parse(siwe.expirationTime) > now)) refuse('has expired or never expires');
  if (siwe.notBefore && Date.parse(siwe.notBefore) > now) refuse('is not valid yet');
  let signer = '';
  try {
    signer = verifyMessage(authSig.signedMessage, authSig.sig);
  } catch {
    refuse('has a malformed signature');
  }
  let named = '';
  try {
    named = getAddress(authSig.address);
  } catch {
    refuse('names no address');
  }
  if (signer !== getAddress(siwe.address) || signer !== named) refuse('is not signed by the address it names');
  return { authMethodType: AUTH_METHOD_TYPE.EthWallet, id: signer.toLowerCase(), userId: signer, appId: 'lit' };
}
