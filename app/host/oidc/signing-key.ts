import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

export const SIGNING_KEY_FILE = 'oidc-issuer-signing-key.jwk.json';

/** An RSA private JWK with the fields the issuer needs. */
export interface IssuerSigningJwk extends JWK {
  kty: 'RSA';
  kid: string;
  alg: 'RS256';
  use: 'sig';
  n: string;
  e: string;
  d: string;
}

/** The public half, as the issuer's JWKS lists it. */
export function publicJwk(jwk: IssuerSigningJwk): JWK {
  return { kty: jwk.kty, kid: jwk.kid, alg: jwk.alg, use: jwk.use, n: jwk.n, e: jwk.e };
}

function isSigningJwk(value: unknown): value is IssuerSigningJwk {
  if (!value || typeof value !== 'object') return false;
  const jwk = value as Record<string, unknown>;
  return (
    jwk.kty === 'RSA' &&
    jwk.alg === 'RS256' &&
    jwk.use === 'sig' &&
    ['kid', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'].every((k) => typeof jwk[k] === 'string' && jwk[k] !== '')
  );
}

/**
 * The issuer's RS256 key: read from `dir`, or made once and written there (mode 0600), so
 * ID tokens stay verifiable across restarts. Only the local stand-in for Google uses it.
 */
export async function loadOrCreateSigningKey(dir: string): Promise<IssuerSigningJwk> {
  const file = path.join(dir, SIGNING_KEY_FILE);
  const existing = readSigningKey(file);
  if (existing) return existing;

  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const exported = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(exported, 'sha256');
  const jwk = { ...exported, kid, alg: 'RS256', use: 'sig' };
  if (!isSigningJwk(jwk)) throw new Error('the new issuer signing key is not a complete RSA JWK');

  // Written under another name, then linked into place: linking fails when the file exists,
  // so two starts racing keep one key.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(jwk, null, 2), { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const stored = readSigningKey(file);
  if (!stored) throw new Error(`${file} vanished while it was being written`);
  return stored;
}

function readSigningKey(file: string): IssuerSigningJwk | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isSigningJwk(parsed)) {
    throw new Error(
      `${file} is not an RS256 private JWK; delete it and the local issuer makes a new key (tokens it issued before stop verifying)`,
    );
  }
  return parsed;
}
