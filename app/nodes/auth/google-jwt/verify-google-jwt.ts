import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AUTH_METHOD_TYPE_GOOGLE_JWT, googleJwtAuthMethodId } from './auth-method-id.ts';
import { checkKeySourceUrl, KeySets, KeySetUnavailableError, type TrustedIssuer } from './key-sets.ts';

export type GoogleJwtFailure =
  | 'malformed'
  | 'alg_not_allowed'
  | 'wrong_issuer'
  | 'unknown_key'
  | 'bad_signature'
  | 'wrong_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'jwks_unavailable';

/** Why a node refuses an ID token; `reason` is stable, the message is for people. */
export class GoogleJwtError extends Error {
  readonly reason: GoogleJwtFailure;
  constructor(reason: GoogleJwtFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GoogleJwtError';
    this.reason = reason;
  }
}

export interface GoogleJwtConfig {
  trustedIssuers: readonly TrustedIssuer[];
  /** OAuth client ids whose tokens count (the token's `aud` must be one). */
  audiences: readonly string[];
  /** Seconds of clock skew forgiven on exp, iat and nbf; 30 by default. */
  clockToleranceSec?: number;
  /** Tokens issued longer ago than this are refused even before exp; a day by default. */
  maxTokenAgeSec?: number;
}

export interface VerifiedGoogleJwt {
  authMethodType: typeof AUTH_METHOD_TYPE_GOOGLE_JWT;
  /** keccak256(utf8("<sub>:<aud>")), 0x hex: the id the PKP's permissions hold. */
  authMethodId: string;
  /** As Lit's authMethodContexts name them: userId = sub, appId = aud. */
  userId: string;
  appId: string;
  sub: string;
  aud: string;
  iss: string;
  email?: string;
  emailVerified?: boolean;
  exp: number;
  iat: number;
}

const MAX_TOKEN_LENGTH = 16 * 1024;
const DEFAULT_CLOCK_TOLERANCE_SEC = 30;
const DEFAULT_MAX_TOKEN_AGE_SEC = 24 * 3600;

/**
 * Checks OpenID Connect ID tokens as a node must before it lets one stand for a person:
 * RS256 only, from a trusted issuer, signed by a key in that issuer's JWKS, for one of the
 * configured audiences, within exp/iat. Keeps the issuers' key sets between calls.
 */
export class GoogleJwtVerifier {
  private readonly config: GoogleJwtConfig;
  private readonly keySets: KeySets;
  private readonly byIssuer: Map<string, TrustedIssuer>;

  constructor(config: GoogleJwtConfig, keySets: KeySets = new KeySets()) {
    if (config.trustedIssuers.length === 0) throw new Error('no trusted issuers: every Google-style token would fail');
    if (config.audiences.length === 0) throw new Error('no audiences: every Google-style token would fail');
    for (const trusted of config.trustedIssuers) {
      if (trusted.jwksUri) checkKeySourceUrl(trusted.jwksUri, `jwksUri of ${trusted.issuer}`);
      else if (!trusted.jwks) checkKeySourceUrl(trusted.issuer, 'issuer (its keys come from its discovery document)');
    }
    this.config = config;
    this.keySets = keySets;
    this.byIssuer = new Map(config.trustedIssuers.map((t) => [t.issuer, t]));
  }

  async verify(token: string, options: { now?: Date } = {}): Promise<VerifiedGoogleJwt> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3)
      throw new GoogleJwtError('malformed', 'the ID token is not a compact JWT');

    // Header and issuer are read before any key is fetched: an unsigned, HMAC or otherwise
    // foreign token never reaches the key set, and the issuer picks which key set to use.
    let alg: unknown;
    let unverified: JWTPayload;
    try {
      alg = decodeProtectedHeader(token).alg;
      unverified = decodeJwt(token);
    } catch (cause) {
      throw new GoogleJwtError('malformed', 'the ID token is not a readable JWT', { cause });
    }
    if (alg !== 'RS256')
      throw new GoogleJwtError('alg_not_allowed', `the ID token is signed with ${String(alg)}; only RS256 is accepted`);
    const trusted = typeof unverified.iss === 'string' ? this.byIssuer.get(unverified.iss) : undefined;
    if (!trusted)
      throw new GoogleJwtError(
        'wrong_issuer',
        `the ID token comes from ${JSON.stringify(unverified.iss)}, which is not a trusted issuer (${[...this.byIssuer.keys()].join(', ')})`,
      );

    let keySet: JWTVerifyGetKey;
    try {
      keySet = await this.keySets.forIssuer(trusted);
    } catch (cause) {
      throw new GoogleJwtError(
        'jwks_unavailable',
        `the keys of ${trusted.issuer} are unavailable: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    const getKey: JWTVerifyGetKey = async (header, input) => {
      try {
        return await keySet(header, input);
      } catch (err) {
        throw keyError(err, trusted.issuer, header.kid);
      }
    };

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: ['RS256'],
        issuer: trusted.issuer,
        audience: [...this.config.audiences],
        clockTolerance: this.config.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
        maxTokenAge: this.config.maxTokenAgeSec ?? DEFAULT_MAX_TOKEN_AGE_SEC,
        requiredClaims: ['sub', 'exp', 'iat'],
        ...(options.now ? { currentDate: options.now } : {}),
      }));
    } catch (err) {
      throw verifyError(err, this.config.audiences);
    }

    const { sub, exp, iat } = payload;
    if (typeof sub !== 'string' || sub === '' || typeof exp !== 'number' || typeof iat !== 'number')
      throw new GoogleJwtError('malformed', 'the ID token has no usable sub, exp or iat');
    const aud = matchedAudience(payload.aud, this.config.audiences);
    const verified: VerifiedGoogleJwt = {
      authMethodType: AUTH_METHOD_TYPE_GOOGLE_JWT,
      authMethodId: googleJwtAuthMethodId(sub, aud),
      userId: sub,
      appId: aud,
      sub,
      aud,
      iss: trusted.issuer,
      exp,
      iat,
    };
    if (typeof payload.email === 'string') verified.email = payload.email;
    if (typeof payload.email_verified === 'boolean') verified.emailVerified = payload.email_verified;
    return verified;
  }
}

/** The audience the id hashes: `aud` itself, or the configured one an `aud` list holds. */
function matchedAudience(aud: unknown, audiences: readonly string[]): string {
  if (typeof aud === 'string') return aud;
  const listed = Array.isArray(aud) ? audiences.filter((a) => aud.includes(a)) : [];
  if (listed.length !== 1 || !listed[0])
    throw new GoogleJwtError('wrong_audience', 'the ID token must name exactly one of the configured audiences');
  return listed[0];
}

function keyError(err: unknown, issuer: string, kid: string | undefined): GoogleJwtError {
  if (err instanceof GoogleJwtError) return err;
  if (err instanceof errors.JWKSNoMatchingKey)
    return new GoogleJwtError('unknown_key', `${issuer} has no RS256 key with kid ${JSON.stringify(kid)}`, {
      cause: err,
    });
  if (err instanceof errors.JWKSMultipleMatchingKeys)
    return new GoogleJwtError('unknown_key', `several keys of ${issuer} match; the ID token must name its kid`, {
      cause: err,
    });
  if (err instanceof errors.JOSENotSupported)
    return new GoogleJwtError('alg_not_allowed', `the ID token's algorithm is not supported`, { cause: err });
  const detail = err instanceof KeySetUnavailableError || err instanceof Error ? err.message : String(err);
  return new GoogleJwtError('jwks_unavailable', `the keys of ${issuer} are unavailable: ${detail}`, { cause: err });
}

function verifyError(err: unknown, audiences: readonly string[]): GoogleJwtError {
  if (err instanceof GoogleJwtError) return err;
  if (err instanceof errors.JWTExpired) {
    const message =
      err.claim === 'iat' ? 'the ID token was issued too long ago' : 'the ID token has expired; sign in again';
    return new GoogleJwtError('expired', message, { cause: err });
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud')
      return new GoogleJwtError(
        'wrong_audience',
        `the ID token is for ${JSON.stringify(err.payload.aud)}, not one of ${audiences.join(', ')}`,
        { cause: err },
      );
    if (err.claim === 'iss')
      return new GoogleJwtError('wrong_issuer', `the ID token's issuer is ${JSON.stringify(err.payload.iss)}`, {
        cause: err,
      });
    if ((err.claim === 'iat' || err.claim === 'nbf') && err.reason === 'check_failed')
      return new GoogleJwtError('not_yet_valid', `the ID token's ${err.claim} lies in the future`, { cause: err });
    return new GoogleJwtError('malformed', `the ID token's ${err.claim} claim is ${err.reason}`, { cause: err });
  }
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return new GoogleJwtError('bad_signature', "the ID token's signature does not match the issuer's key", {
      cause: err,
    });
  if (err instanceof errors.JOSEAlgNotAllowed)
    return new GoogleJwtError('alg_not_allowed', 'only RS256 ID tokens are accepted', { cause: err });
  return new GoogleJwtError('malformed', `the ID token is not valid: ${(err as Error).message}`, { cause: err });
}

const sharedKeySets = new KeySets();

/**
 * One-call form of GoogleJwtVerifier. Key sets are kept per jwksUri for the whole process,
 * so calling this per request does not refetch them.
 */
export function verifyGoogleJwt(token: string, options: GoogleJwtConfig & { now?: Date }): Promise<VerifiedGoogleJwt> {
  const { now, ...config } = options;
  return new GoogleJwtVerifier(config, sharedKeySets).verify(token, now ? { now } : {});
}
