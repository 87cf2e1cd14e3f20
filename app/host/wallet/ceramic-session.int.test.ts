import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { Cacao, CacaoBlock, SiweMessage } from '@didtools/cacao';
import { getEIP191Verifier } from '@didtools/pkh-ethereum';
import { DIDSession } from 'did-session';
import { ethers } from 'ethers';
import { base58btc } from 'multiformats/bases/base58';
import { ApiCallError, createApiClient, type ApiClient } from '../../shared/api/client.ts';
import type { CeramicSession } from '../../shared/api/contract.ts';
import { startHost, type RunningHost } from '../host.ts';
import { waitForPools } from '../../../testing/sandbox/network-probe.ts';
import { runCliProcess, tempDataDir } from '../../../testing/sandbox/spawn-cli.ts';

let host: RunningHost;
let api: ApiClient;
let pkp: { publicKey: string; ethAddress: string };

beforeAll(async () => {
  host = await startHost({
    dataDir: tempDataDir('litbox-ceramic-'),
    nodeCount: 4,
    port: 0,
    pools: { keys: 4, presignatures: 40 },
  });
  api = createApiClient({ baseUrl: host.url, token: host.token });
  await waitForPools(host, 4, 20);
  pkp = await api.call('pkpMint', {});
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

const verifiers = getEIP191Verifier();
const fromBase64url = (text: string) => Buffer.from(text, 'base64url');

/** The Ed25519 public key inside a did:key (multibase base58btc, multicodec 0xed 0x01). */
function ed25519KeyOf(didKey: string): Uint8Array {
  const bytes = base58btc.decode(didKey.replace(/^did:key:/, ''));
  expect([...bytes.subarray(0, 2)]).toEqual([0xed, 0x01]);
  return bytes.subarray(2);
}

describe('Ceramic sign-in with a PKP (did:pkh session)', () => {
  let made: CeramicSession;
  const payload = { hello: 'ceramic', n: 7 };

  beforeAll(async () => {
    made = await api.call('ceramicSession', {
      publicKey: pkp.publicKey,
      expiresInSecs: 3_600,
      payload,
      exportSession: true,
    });
  }, 60_000);

  it('makes a SIWE CACAO signed by the PKP that @didtools/cacao verifies, delegating to a did:key session key', async () => {
    const { cacao } = made;
    expect(made.did).toBe(`did:pkh:eip155:31337:${pkp.ethAddress.toLowerCase()}`);
    expect(cacao.p.iss).toBe(made.did);
    expect(cacao.p.aud).toBe(made.sessionDid);
    expect(made.sessionDid).toMatch(/^did:key:z6Mk/);
    expect(cacao.p.resources).toEqual(['ceramic://*']);
    const exp = Date.parse(cacao.p.exp!);
    expect(exp - Date.parse(cacao.p.iat)).toBeGreaterThan(3_590_000);
    expect(exp - Date.parse(cacao.p.iat)).toBeLessThan(3_610_000);

    await expect(Cacao.verify(cacao as Cacao, { verifiers })).resolves.toBeUndefined();
    // An independent check of who signed: ethers recovers the PKP's address from the SIWE text.
    const siwe = SiweMessage.fromCacao(cacao as Cacao).toMessageEip55();
    expect(ethers.verifyMessage(siwe, cacao.s!.s)).toBe(pkp.ethAddress);
    // A CACAO widened after signing no longer verifies.
    const widened = { ...cacao, p: { ...cacao.p, resources: ['ceramic://*', 'ceramic://other'] } } as Cacao;
    await expect(Cacao.verify(widened, { verifiers })).rejects.toThrow(/Signature does not belong to issuer/);
    expect(made.cacaoCid).toBe((await CacaoBlock.fromCacao(cacao as Cacao)).cid.toString());
  });

  it("signs a payload with the session key: a JWS naming the CACAO in its cap header, verified with the did:key's Ed25519 key", () => {
    const jws = made.jws!;
    expect(JSON.parse(fromBase64url(jws.payload).toString())).toEqual(payload);
    const [sig] = jws.signatures;
    const header = JSON.parse(fromBase64url(sig!.protected).toString()) as { alg: string; cap: string; kid: string };
    expect(header.alg).toBe('EdDSA');
    expect(header.cap).toBe(`ipfs://${made.cacaoCid}`);
    expect(header.kid.split('#')[0]).toBe(made.sessionDid);
    const signingInput = new TextEncoder().encode(`${sig!.protected}.${jws.payload}`);
    const key = ed25519KeyOf(made.sessionDid);
    expect(ed25519.verify(fromBase64url(sig!.signature), signingInput, key)).toBe(true);
    expect(ed25519.verify(fromBase64url(sig!.signature), new TextEncoder().encode('other'), key)).toBe(false);
  });

  it('exports a session that did-session restores, whose DID signs as the PKP account', async () => {
    const restored = await DIDSession.fromSession(made.session!);
    expect(restored.id).toBe(made.did);
    expect(restored.did.id).toBe(made.sessionDid);
    const jws = await restored.did.createJWS({ again: true });
    const verified = await restored.did.verifyJWS(jws, {
      capability: made.cacao as Cacao,
      issuer: made.did,
      verifiers,
    } as Parameters<typeof restored.did.verifyJWS>[1]);
    expect(verified.kid.split('#')[0]).toBe(made.sessionDid);
  });

  it('records the session in the activity log without the session key', async () => {
    const entries = (await api.call('activity', { query: made.cacaoCid })).entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'message', result: 'ok', pkp: pkp.ethAddress });
    expect(entries[0]!.detail).toContain(made.sessionDid);
    const seed = (JSON.parse(fromBase64url(made.session!).toString()) as { sessionKeySeed: string }).sessionKeySeed;
    const everything = JSON.stringify((await api.call('activity', {})).entries);
    expect(everything).not.toContain(seed);
    expect(everything).not.toContain(made.session!);
  });

  it('leaves the session key out unless asked, and takes resources, expiry and domain', async () => {
    const resource = 'ceramic://kjzl6hvfrbw6c5ajfmes842lu09vjxu5956e3xq0xk12gp2jcf9s90cagt2god9';
    const other = await api.call('ceramicSession', {
      publicKey: pkp.publicKey,
      resources: [resource],
      expiresInSecs: 600,
      domain: 'app.example.com',
    });
    expect(other.session).toBeUndefined();
    expect(other.jws).toBeUndefined();
    expect(other.cacao.p.resources).toEqual([resource]);
    expect(other.cacao.p.domain).toBe('app.example.com');
    expect(other.sessionDid).not.toBe(made.sessionDid);
    await expect(Cacao.verify(other.cacao as Cacao, { verifiers })).resolves.toBeUndefined();
  });

  it('refuses a PKP the wallet is not permitted on, with a clear error and nothing signed', async () => {
    const ipfsId = (await api.call('actionSave', { code: 'Lit.Actions.setResponse({ response: "x" });' })).ipfsId;
    const bound = await api.call('pkpMintGrantBurn', { ipfsId });
    const refused = await api.call('ceramicSession', { publicKey: bound.publicKey }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiCallError);
    expect((refused as ApiCallError).code).toBe('forbidden');
    expect((refused as ApiCallError).message).toMatch(/refused/);
    const entries = (await api.call('activity', { query: bound.ethAddress })).entries;
    expect(entries.map((e) => `${e.kind}:${e.result}`)).toEqual(['message:failed', 'mint:ok']);
  });

  it('refuses bad input before signing: a resource that is not a URI, a too short or too long lifetime, a bad domain', async () => {
    const before = (await api.call('activity', { query: pkp.ethAddress })).entries.length;
    const attempts: Array<[Record<string, unknown>, RegExp]> = [
      [{ resources: ['not a uri'] }, /resources: "not a uri" is not a URI/],
      [{ resources: ['ceramic://café'] }, /resources: "ceramic:\/\/café" is not a URI/],
      [{ expiresInSecs: 10 }, /expiresInSecs/],
      [{ expiresInSecs: 365 * 86_400 }, /expiresInSecs: a session lasts from 60 seconds to 90 days/],
      [{ domain: 'bad domain\nURI: evil' }, /domain: [\s\S]* is not a host name/],
    ];
    for (const [input, message] of attempts) {
      const err = await api
        .call('ceramicSession', { publicKey: pkp.publicKey, ...input } as never)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiCallError);
      expect((err as ApiCallError).code).toBe('bad_request');
      expect((err as ApiCallError).message).toMatch(message);
    }
    const after = (await api.call('activity', { query: pkp.ethAddress })).entries;
    expect(after.slice(0, after.length - before).every((e) => e.result === 'failed')).toBe(true);
  });
});

describe('litbox ceramic session (CLI)', () => {
  it('prints the CACAO as JSON ({h, p, s}) that @didtools/cacao verifies, with the resources and expiry asked for', async () => {
    const result = await runCliProcess([
      'ceramic',
      'session',
      '--pubkey',
      pkp.publicKey,
      '--resources',
      'ceramic://a',
      '--resources',
      'ceramic://b',
      '--expires-in',
      '2h',
      '--json',
      '--data-dir',
      host.dataDir,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const cacao = JSON.parse(result.stdout) as Cacao;
    expect(Object.keys(cacao).sort()).toEqual(['h', 'p', 's']);
    expect(cacao.p.iss).toBe(`did:pkh:eip155:31337:${pkp.ethAddress.toLowerCase()}`);
    expect(cacao.p.resources).toEqual(['ceramic://a', 'ceramic://b']);
    expect(Date.parse(cacao.p.exp!) - Date.parse(cacao.p.iat)).toBeGreaterThan(2 * 3_600_000 - 10_000);
    await expect(Cacao.verify(cacao, { verifiers })).resolves.toBeUndefined();
  });

  it('exports a did-session string only when asked, and says it holds the session key', async () => {
    const result = await runCliProcess([
      'ceramic',
      'session',
      '--pubkey',
      pkp.publicKey,
      '--export-session',
      '--data-dir',
      host.dataDir,
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/holds the session key: keep it secret/);
    const restored = await DIDSession.fromSession(result.stdout.trim());
    expect(restored.id).toBe(`did:pkh:eip155:31337:${pkp.ethAddress.toLowerCase()}`);
    await expect(Cacao.verify(restored.cacao, { verifiers })).resolves.toBeUndefined();
  });

  it('refuses a bad --expires-in with exit code 2, and a missing --pubkey', async () => {
    const bad = await runCliProcess(['ceramic', 'session', '--pubkey', pkp.publicKey, '--expires-in', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'litbox: --expires-in takes seconds or a number with s, m, h or d, like 7d (got soon)',
    );
    const missing = await runCliProcess(['ceramic', 'session', '--data-dir', host.dataDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/ceramic session needs --pubkey HEX/);
  });
});
