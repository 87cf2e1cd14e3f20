import { AuthSig, type AuthMethodProof } from '../../shared/node-api.ts';
import { AUTH_METHOD_TYPE } from '../../shared/contracts/index.ts';
import { NodeRequestError } from '../node-request-error.ts';
import type { RequesterAuth } from './requester-auth.ts';

/** An auth method this node verified itself: its type and the id bytes PKPPermissions keys it by. */
export interface VerifiedAuthMethod {
  authMethodType: number;
  /** 0x hex of the auth method id bytes. */
  id: string;
  /** Who it is, for Lit.Auth.authMethodContexts. */
  userId: string;
  appId: string;
}

/** Who asks: an address proved by an auth sig, and auth methods, each verified by this node. */
export interface VerifiedRequester {
  address: string | undefined;
  authMethods: VerifiedAuthMethod[];
}

/** Checks one kind of auth method's token; throws NodeRequestError(401) with the reason. */
export interface AuthMethodVerifier {
  verify(accessToken: string): Promise<VerifiedAuthMethod>;
}

/**
 * Verifies everything a request carries to prove who asks. Unknown auth method types are
 * refused, never ignored: a request that relies on one must not pass for lack of a check.
 */
export async function verifyRequester(
  auth: RequesterAuth,
  verifiers: ReadonlyMap<number, AuthMethodVerifier>,
  proof: { authSig?: AuthSig | undefined; authMethods?: readonly AuthMethodProof[] | undefined },
): Promise<VerifiedRequester> {
  const address = proof.authSig ? await auth.verifyAuthSig(proof.authSig) : undefined;
  const authMethods: VerifiedAuthMethod[] = [];
  for (const method of proof.authMethods ?? []) {
    if (method.authMethodType === AUTH_METHOD_TYPE.EthWallet) {
      // Lit sends a wallet auth method as its auth sig, JSON-encoded.
      let parsed;
      try {
        parsed = AuthSig.parse(JSON.parse(method.accessToken));
      } catch {
        throw new NodeRequestError(
          401,
          'bad_auth_method',
          'an EthWallet auth method needs an auth sig as its accessToken',
        );
      }
      const signer = await auth.verifyAuthSig(parsed);
      authMethods.push({ authMethodType: 1, id: signer.toLowerCase(), userId: signer, appId: 'lit' });
      continue;
    }
    const verifier = verifiers.get(method.authMethodType);
    if (!verifier)
      throw new NodeRequestError(
        401,
        'unsupported_auth_method',
        `auth method type ${method.authMethodType} is not supported here`,
      );
    authMethods.push(await verifier.verify(method.accessToken));
  }
  return { address, authMethods };
}
