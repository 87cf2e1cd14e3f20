/** A person the local issuer can sign in. `sub` never changes: PKP auth method ids hash it. */
export interface TestIdentity {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
  givenName?: string;
  familyName?: string;
}

/**
 * The local issuer's people. Subjects look like Google's (21 decimal digits) so code that
 * handles both never meets a surprise; carol's address is unverified on purpose.
 */
export const DEFAULT_IDENTITIES: readonly TestIdentity[] = [
  {
    sub: '100000000000000000001',
    email: 'alice@example.com',
    emailVerified: true,
    name: 'Alice Example',
    givenName: 'Alice',
    familyName: 'Example',
  },
  {
    sub: '100000000000000000002',
    email: 'bob@example.com',
    emailVerified: true,
    name: 'Bob Example',
    givenName: 'Bob',
    familyName: 'Example',
  },
  {
    sub: '100000000000000000003',
    email: 'carol@example.com',
    emailVerified: false,
    name: 'Carol Example',
    givenName: 'Carol',
    familyName: 'Example',
  },
];

/** The claims an identity carries, by OpenID Connect name. */
export function identityClaims(identity: TestIdentity): Record<string, unknown> {
  return {
    sub: identity.sub,
    email: identity.email,
    email_verified: identity.emailVerified,
    name: identity.name,
    ...(identity.givenName ? { given_name: identity.givenName } : {}),
    ...(identity.familyName ? { family_name: identity.familyName } : {}),
  };
}
