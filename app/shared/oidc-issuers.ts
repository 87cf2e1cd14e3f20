/** Google's OpenID Connect issuer (its tokens carry either spelling of `iss`) and its keys. */
export const GOOGLE_JWKS_URI = 'https://www.googleapis.com/oauth2/v3/certs';
export const GOOGLE_ISSUERS: readonly { issuer: string; jwksUri: string }[] = [
  { issuer: 'https://accounts.google.com', jwksUri: GOOGLE_JWKS_URI },
  { issuer: 'accounts.google.com', jwksUri: GOOGLE_JWKS_URI },
];
