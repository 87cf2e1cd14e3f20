import { AUTH_METHOD_TYPE } from '../../shared/contracts/index.ts';
import type { NodeLaunchConfig } from '../../shared/node-ipc.ts';
import { webAuthnAuthMethodId } from '../../shared/webauthn/index.ts';
import type { NodeChain } from '../chain/node-chain.ts';
import { NodeRequestError } from '../http-server.ts';
import { GoogleJwtError, GoogleJwtVerifier } from './google-jwt/verify-google-jwt.ts';
import type { AuthMethodVerifier, VerifiedAuthMethod } from './requester.ts';
import { isPasskeyError, PasskeyReplayGuard, verifyPasskeyAssertion } from './webauthn/index.ts';
import { recentBlockHashes } from './webauthn/recent-blocks.ts';

type AuthConfig = NonNullable<NodeLaunchConfig['auth']>;

/** The auth method id of the credential an assertion names, or '' when it names none. */
function idOf(accessToken: string): string {
  try {
    const rawId = (JSON.parse(accessToken) as { rawId?: unknown }).rawId;
    return typeof rawId === 'string' ? webAuthnAuthMethodId(rawId) : '';
  } catch {
    return '';
  }
}

/**
 * The auth method verifiers of this node, from the network's auth settings: GoogleJwt (type 6)
 * against the trusted issuers and audiences, WebAuthn (type 3) against the key stored on chain
 * with a recent block hash as the challenge and the allowed origins.
 */
export function authMethodVerifiers(config: AuthConfig | undefined, chain: NodeChain): Map<number, AuthMethodVerifier> {
  const verifiers = new Map<number, AuthMethodVerifier>();
  if (config?.oidc && config.oidc.issuers.length > 0 && config.oidc.audiences.length > 0) {
    const google = new GoogleJwtVerifier({ trustedIssuers: config.oidc.issuers, audiences: config.oidc.audiences });
    verifiers.set(AUTH_METHOD_TYPE.GoogleJwt, {
      async verify(token): Promise<VerifiedAuthMethod> {
        try {
          const jwt = await google.verify(token);
          return {
            authMethodType: AUTH_METHOD_TYPE.GoogleJwt,
            id: jwt.authMethodId,
            userId: jwt.userId,
            appId: jwt.appId,
          };
        } catch (err) {
          if (err instanceof GoogleJwtError)
            throw new NodeRequestError(
              401,
              'bad_auth_method',
              `the Google-style token was refused (${err.reason}): ${err.message}`,
            );
          throw err;
        }
      },
    });
  }
  if (config?.webauthn) {
    const { origins, rpId } = config.webauthn;
    const replayGuard = new PasskeyReplayGuard();
    const counters = new Map<string, number>();
    verifiers.set(AUTH_METHOD_TYPE.WebAuthn, {
      async verify(accessToken): Promise<VerifiedAuthMethod> {
        try {
          const verified = await verifyPasskeyAssertion({
            assertion: accessToken,
            expectedChallenges: await recentBlockHashes(chain.provider),
            allowedOrigins: origins,
            rpId,
            // The key registered on chain for this credential (write-once in PKPPermissions).
            storedCosePublicKey: (id: string) =>
              chain.contracts.PKPPermissions.getUserPubkeyForAuthMethod(AUTH_METHOD_TYPE.WebAuthn, id),
            previousCounter: counters.get(idOf(accessToken)) ?? 0,
            replayGuard,
          });
          counters.set(verified.authMethodId, verified.newCounter);
          return {
            authMethodType: AUTH_METHOD_TYPE.WebAuthn,
            id: verified.authMethodId,
            userId: verified.credentialId,
            appId: 'lit',
          };
        } catch (err) {
          if (isPasskeyError(err))
            throw new NodeRequestError(err.status, err.code, `the passkey assertion was refused: ${err.message}`);
          throw err;
        }
      },
    });
  }
  return verifiers;
}
