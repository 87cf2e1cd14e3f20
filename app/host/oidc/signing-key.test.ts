import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey, publicJwk, SIGNING_KEY_FILE } from './signing-key.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-oidc-key-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('issuer signing key', () => {
  it('is made once, readable only by its owner, and the same on the next start', async () => {
    const dir = path.join(tempDir(), 'nested');
    const first = await loadOrCreateSigningKey(dir);
    expect(first).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(fs.statSync(path.join(dir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual([SIGNING_KEY_FILE]);
    const second = await loadOrCreateSigningKey(dir);
    expect(second).toEqual(first);
  });

  it('keeps one key when two starts race', async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all([loadOrCreateSigningKey(dir), loadOrCreateSigningKey(dir)]);
    expect(a.kid).toBe(b.kid);
  });

  it('publishes only the public half', async () => {
    const jwk = publicJwk(await loadOrCreateSigningKey(tempDir()));
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('refuses a damaged key file with a way out', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, SIGNING_KEY_FILE), '{"kty":"RSA"}');
    await expect(loadOrCreateSigningKey(dir)).rejects.toThrow(/not an RS256 private JWK; delete it/);
  });
});
