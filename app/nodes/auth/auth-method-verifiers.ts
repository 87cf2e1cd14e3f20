import { AUTH_METHOD_TYPE } from '../../shared/contracts/index.ts';
import type { NodeLaunchConfig } from '../../shared/node-ipc.ts';
import { webAuthnAuthMethodId } from '../../shared/webauthn/index.ts';
import type { NodeChain } from '../chain/node-chain.ts';
import { NodeRequestError } from '../node-request-error.ts';
import type { AuthMethodVerifier, VerifiedAuthMethod } from './requester.ts';
import { recentBlockHashes } from './webauthn/recent-blocks.ts';
import type * as GoogleJwt from './google-jwt/verify-google-jwt.ts';
import type * as WebAuthn from './webauthn/index.ts';

// The JWT (jose) and WebAuthn (@simplewebauthn/server, its ASN.1 parsers) libraries are a
// quarter of a node's modules: loaded at the first request that needs them, not at start-up,
// where N nodes load at once on a small machine.
type GoogleJwtModule = typeof GoogleJwt;
type WebAuthnModule = typeof WebAuthn;
const loadGoogleJwt = (): Promise<GoogleJwtModule> => import('./google-jwt/verify-google-jwt.ts');
const loadWebAuthn = (): Promise<WebAuthnModule> => import('./webauthn/index.ts');

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
    const { issuers, audiences } = config.oidc;
    // One verifier (it caches the issuers' key sets), made at the first token.
    let google:
      Promise<{ module: GoogleJwtModule; verifier: InstanceType<GoogleJwtModule['GoogleJwtVerifier']> }> | undefined;
    verifiers.set(AUTH_METHOD_TYPE.GoogleJwt, {
      async verify(token): Promise<VerifiedAuthMethod> {
        google ??= loadGoogleJwt().then((module) => ({
          module,
          verifier: new module.GoogleJwtVerifier({ trustedIssuers: issuers, audiences }),
        }));
        const { module, verifier } = await google;
        try {
          const jwt = await verifier.verify(token);
          return {
            authMethodType: AUTH_METHOD_TYPE.GoogleJwt,
            id: jwt.authMethodId,
            userId: jwt.userId,
            appId: jwt.appId,
          };
        } catch (err) {
          if (err instanceof module.GoogleJwtError)
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
    let replayGuard: InstanceType<WebAuthnModule['PasskeyReplayGuard']> | undefined;
    const counters = new Map<string, number>();
    verifiers.set(AUTH_METHOD_TYPE.WebAuthn, {
      async verify(accessToken): Promise<VerifiedAuthMethod> {
        const { isPasskeyError, PasskeyReplayGuard, verifyPasskeyAssertion } = await loadWebAuthn();
        replayGuard ??= new PasskeyReplayGuard();
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
