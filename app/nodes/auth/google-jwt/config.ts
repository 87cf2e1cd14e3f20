import { z } from 'zod';
import type { GoogleJwtConfig } from './verify-google-jwt.ts';

/** A public RSA key as a JWKS lists it; anything else (a private `d`, say) is dropped. */
const RsaPublicJwk = z.object({
  kty: z.literal('RSA'),
  n: z.string().min(1),
  e: z.string().min(1),
  kid: z.string().optional(),
  alg: z.literal('RS256').optional(),
  use: z.literal('sig').optional(),
});

export const TrustedIssuerConfig = z.object({
  issuer: z.string().min(1),
  jwksUri: z.url().optional(),
  jwks: z.object({ keys: z.array(RsaPublicJwk).min(1) }).optional(),
});

/**
 * What a node is told about Google-style sign-in (in its launch config): the issuers it
 * trusts, where their keys are, and the client ids (audiences) that count.
 */
export const GoogleJwtConfigSchema = z.object({
  trustedIssuers: z.array(TrustedIssuerConfig).min(1),
  audiences: z.array(z.string().min(1)).min(1),
  clockToleranceSec: z.number().int().min(0).max(600).optional(),
  maxTokenAgeSec: z.number().int().positive().optional(),
});

export function parseGoogleJwtConfig(input: unknown): GoogleJwtConfig {
  const parsed = GoogleJwtConfigSchema.safeParse(input);
  if (!parsed.success) throw new Error(`the Google-style sign-in config is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
