import {
  createHash,
  createHmac,
  generateKeyPairSync,
  randomBytes,
  sign as signWithKey,
  type KeyObject,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethers, hexlify, Wallet } from 'ethers';
import { SiweMessage } from 'siwe';
import { AUTH_METHOD_SCOPE, AUTH_METHOD_TYPE } from '../app/shared/contracts/index.ts';
import type { AuthMethodProof, AuthSig } from '../app/shared/node-api.ts';
import { LITBOX_SIWE_DOMAIN, LITBOX_SIWE_URI } from '../app/shared/siwe-domain.ts';
import {
  blockHashToChallenge,
  bytesToBase64url,
  COSE_ALG,
  COSE_CRV,
  COSE_KTY,
  cosePublicKeyToUserPubkey,
  encodeCosePublicKey,
  LITBOX_RP_ID,
  webAuthnAuthMethodId,
} from '../app/shared/webauthn/index.ts';
import { googleJwtAuthMethodId } from '../app/nodes/auth/google-jwt/auth-method-id.ts';
import { startHost, WALLET_CLIENT_ID, type RunningHost } from '../app/host/host.ts';
import { callNode, type NodeEndpoint } from '../app/host/lit-client/node-request.ts';
import { SIGNING_KEY_FILE, type IssuerSigningJwk } from '../app/host/oidc/signing-key.ts';
import { chainProvider, waitForPools } from '../testing/sandbox/network-probe.ts';
import { freshPresignatureIds } from '../testing/sandbox/fresh-presignatures.ts';
import { tempDataDir } from '../testing/sandbox/spawn-cli.ts';

// The attacks on the ways a requester proves who it is (issue 9, item 5), each sent to every
// node of a real network, which must refuse it on its own. Beside each attack, the genuine
// proof it imitates is accepted, so a refusal means the attack was seen, not that auth is off.

const N = 4;
let host: RunningHost;
let nodes: NodeEndpoint[];
let issuer: string;
let issuerKey: IssuerSigningJwk;
const SUB = 'attack-test-subject';

beforeAll(async () => {
  host = await startHost({
    dataDir: tempDataDir('litbox-auth-attacks-'),
    nodeCount: N,
    port: 0,
    pools: { keys: 6, presignatures: 40 },
  });
  await waitForPools(host, 6, 20);
  nodes = host.supervisor.status().nodes.map((n) => ({ index: n.index, url: n.url }));
  const network = JSON.parse(fs.readFileSync(host.paths.network, 'utf8')) as { oidcIssuerPort: number };
  issuer = `http://127.0.0.1:${network.oidcIssuerPort}`;
  issuerKey = JSON.parse(fs.readFileSync(path.join(host.paths.oidcDir, SIGNING_KEY_FILE), 'utf8')) as IssuerSigningJwk;
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

const digest = () => hexlify(randomBytes(32));

/** A presignature every node holds and none has bound: an attack that got through would bind it. */
async function freshPresignature(): Promise<string> {
  const lists = await Promise.all(nodes.map((n) => freshPresignatureIds(host, n.index, 200)));
  const id = lists[0]!.find((candidate) => lists.every((l) => l.includes(candidate)));
  if (!id) throw new Error('no presignature is held by every node');
  return id;
}

interface Proof {
  authSig?: AuthSig;
  authMethods?: AuthMethodProof[];
}

/** Asks every node to bind a fresh presignature for `proof`; returns each node's answer. */
async function bindAtEveryNode(publicKey: string, proof: Proof) {
  const presignatureId = await freshPresignature();
  const answers = await Promise.all(
    nodes.map((node) =>
      callNode(node, '/pkp/sign/bind', { presignatureId, publicKey, toSign: digest(), ...proof }, 10_000).then(
        () => ({ node: node.index, status: 200, code: 'bound', message: '' }),
        (err: { status: number; code: string; message: string }) => ({
          node: node.index,
          status: err.status,
          code: err.code,
          message: err.message,
        }),
      ),
    ),
  );
  return { presignatureId, answers };
}

/** Every node refuses (401/403, with the expected reason) and the presignature stays fresh everywhere. */
async function expectRefusedByEveryNode(publicKey: string, proof: Proof, reason: RegExp): Promise<void> {
  const { presignatureId, answers } = await bindAtEveryNode(publicKey, proof);
  for (const a of answers) {
    expect([401, 403], `node ${a.node}: ${a.status} ${a.code} ${a.message}`).toContain(a.status);
    expect(`${a.code}: ${a.message}`, `node ${a.node}`).toMatch(reason);
  }
  const after = await Promise.all(nodes.map((n) => freshPresignatureIds(host, n.index)));
  for (const list of after) expect(list).toContain(presignatureId);
}

async function expectAcceptedByEveryNode(publicKey: string, proof: Proof): Promise<void> {
  const { answers } = await bindAtEveryNode(publicKey, proof);
  for (const a of answers) expect(a, `node ${a.node}: ${a.code} ${a.message}`).toMatchObject({ status: 200 });
}

// ---- Google-style ID tokens (GoogleJwt, type 6) ----

describe('ID tokens (GoogleJwt)', () => {
  let pkp: { publicKey: string; ethAddress: string };
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: JWTPayload = {}): JWTPayload => ({
    iss: issuer,
    aud: WALLET_CLIENT_ID,
    sub: SUB,
    iat: now() - 5,
    exp: now() + 600,
    ...extra,
  });
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const jwtProof = (token: string): Proof => ({
    authMethods: [{ authMethodType: AUTH_METHOD_TYPE.GoogleJwt, accessToken: token }],
  });
  const signed = async (payload: JWTPayload, header: { kid?: string } = {}, key?: KeyObject) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: header.kid ?? issuerKey.kid })
      .sign(key ?? ((await importJWK(issuerKey, 'RS256')) as Parameters<SignJWT['sign']>[0]));

  beforeAll(async () => {
    pkp = await host.wallet.permissions.mintWithAuthMethods(
      [
        {
          authMethodType: AUTH_METHOD_TYPE.GoogleJwt,
          id: googleJwtAuthMethodId(SUB, WALLET_CLIENT_ID),
          userPubkey: '0x',
          scopes: [AUTH_METHOD_SCOPE.SignAnything],
        },
      ],
      { addPkpEthAddressAsPermittedAddress: false, sendPkpToItself: true },
    );
  });

  it('a genuine token from the issuer signs (the control)', async () => {
    const toSign = digest();
    const sig = await host.wallet.lit.pkpSign({
      publicKey: pkp.publicKey,
      toSign,
      ...jwtProof(await signed(claims())),
    });
    expect(ethers.recoverAddress(toSign, sig.signature)).toBe(pkp.ethAddress);
  });

  it('alg none is refused by every node', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
    await expectRefusedByEveryNode(pkp.publicKey, jwtProof(token), /alg_not_allowed/);
  });

  it('HS256 signed with the issuer’s public key as the secret is refused by every node', async () => {
    const head = `${b64({ alg: 'HS256', typ: 'JWT', kid: issuerKey.kid })}.${b64(claims())}`;
    const publicPem = (await import('node:crypto'))
      .createPublicKey({ key: { kty: 'RSA', n: issuerKey.n, e: issuerKey.e }, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' });
    for (const secret of [publicPem, JSON.stringify({ kty: 'RSA', n: issuerKey.n, e: issuerKey.e })]) {
      const token = `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
      await expectRefusedByEveryNode(pkp.publicKey, jwtProof(token), /alg_not_allowed/);
    }
  });

  it('an unknown kid, and a stranger’s key under the issuer’s kid, are refused by every node', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expectRefusedByEveryNode(
      pkp.publicKey,
      jwtProof(await signed(claims(), { kid: 'not-a-key-of-the-issuer' }, stranger)),
      /unknown_key/,
    );
    await expectRefusedByEveryNode(pkp.publicKey, jwtProof(await signed(claims(), {}, stranger)), /bad_signature/);
  });

  it('a wrong issuer or audience is refused by every node, even signed with the real key', async () => {
    await expectRefusedByEveryNode(
      pkp.publicKey,
      jwtProof(await signed(claims({ iss: 'https://accounts.evil.example' }))),
      /wrong_issuer/,
    );
    await expectRefusedByEveryNode(
      pkp.publicKey,
      jwtProof(await signed(claims({ aud: 'another-app' }))),
      /wrong_audience/,
    );
  });

  it('an expired token is refused by every node', async () => {
    await expectRefusedByEveryNode(
      pkp.publicKey,
      jwtProof(await signed(claims({ iat: now() - 7200, exp: now() - 3600 }))),
      /expired/,
    );
  });
});

// ---- Passkeys (WebAuthn, type 3) ----

describe('passkey assertions (WebAuthn)', () => {
  let pkp: { publicKey: string; ethAddress: string };
  let credential: { rawId: string; privateKey: KeyObject };
  let counter = 0;
  let origin: string;

  /** A software authenticator's assertion over `challenge` (a block hash), as a browser would send it. */
  function assertion(challenge: string, options: { origin?: string; counter?: number } = {}) {
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: 'webauthn.get',
        challenge: blockHashToChallenge(challenge),
        origin: options.origin ?? origin,
        crossOrigin: false,
      }),
    );
    const count = Buffer.alloc(4);
    count.writeUInt32BE(options.counter ?? ++counter);
    const authenticatorData = Buffer.concat([
      createHash('sha256').update(LITBOX_RP_ID).digest(),
      Buffer.from([0x05]), // user present and verified
      count,
    ]);
    const signature = signWithKey(
      'sha256',
      Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]),
      credential.privateKey,
    );
    const json = {
      id: credential.rawId,
      rawId: credential.rawId,
      type: 'public-key',
      response: {
        clientDataJSON: bytesToBase64url(clientDataJSON),
        authenticatorData: bytesToBase64url(authenticatorData),
        signature: bytesToBase64url(signature),
      },
      clientExtensionResults: {},
    };
    return { authMethods: [{ authMethodType: AUTH_METHOD_TYPE.WebAuthn, accessToken: JSON.stringify(json) }] };
  }

  beforeAll(async () => {
    origin = new URL(host.url).origin;
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = pair.publicKey.export({ format: 'jwk' });
    credential = { rawId: bytesToBase64url(randomBytes(16)), privateKey: pair.privateKey };
    const cose = encodeCosePublicKey({
      kty: COSE_KTY.EC2,
      alg: COSE_ALG.ES256,
      crv: COSE_CRV.P256,
      x: Buffer.from(jwk.x!, 'base64url'),
      y: Buffer.from(jwk.y!, 'base64url'),
    });
    pkp = await host.wallet.permissions.mintWithAuthMethods(
      [
        {
          authMethodType: AUTH_METHOD_TYPE.WebAuthn,
          id: webAuthnAuthMethodId(credential.rawId),
          userPubkey: cosePublicKeyToUserPubkey(cose),
          scopes: [AUTH_METHOD_SCOPE.SignAnything],
        },
      ],
      { addPkpEthAddressAsPermittedAddress: false, sendPkpToItself: true },
    );
  });

  it('a fresh assertion is accepted by every node, and the same assertion again by none', async () => {
    const fresh = assertion(await host.wallet.passkeys.loginChallenge());
    await expectAcceptedByEveryNode(pkp.publicKey, fresh);
    await expectRefusedByEveryNode(pkp.publicKey, fresh, /replayed_assertion/);
  });

  it('a stale challenge (a block hash long gone) is refused by every node', async () => {
    const provider = chainProvider(host);
    const old = (await provider.getBlock(1))!.hash!;
    // Push block 1 out of the recent window (32 blocks).
    await provider.send('anvil_mine', ['0x30']);
    await expectRefusedByEveryNode(pkp.publicKey, assertion(old), /stale_challenge/);
    await expectRefusedByEveryNode(pkp.publicKey, assertion(hexlify(randomBytes(32))), /stale_challenge/);
  });

  it('an assertion made for a foreign origin is refused by every node', async () => {
    const challenge = await host.wallet.passkeys.loginChallenge();
    for (const foreign of ['http://evil.example', 'http://localhost:1', 'https://localhost', 'null'])
      await expectRefusedByEveryNode(pkp.publicKey, assertion(challenge, { origin: foreign }), /wrong_origin/);
  });
});

// ---- SIWE auth sigs (EthWallet, type 1) ----

describe('SIWE auth sigs', () => {
  let pkp: { publicKey: string; ethAddress: string };
  const account = new Wallet(Wallet.createRandom().privateKey);

  async function authSig(
    overrides: Partial<{
      domain: string;
      nonce: string;
      issuedAt: string;
      expirationTime: string;
      statement: string;
      uri: string;
      chainId: number;
      resources: string[];
    }> = {},
  ) {
    const now = Date.now();
    const message = new SiweMessage({
      domain: LITBOX_SIWE_DOMAIN,
      address: account.address,
      statement: 'sign with my PKP',
      uri: LITBOX_SIWE_URI,
      version: '1',
      chainId: 31337,
      nonce: randomBytes(8).toString('hex'),
      issuedAt: new Date(now - 1_000).toISOString(),
      expirationTime: new Date(now + 600_000).toISOString(),
      ...overrides,
    }).prepareMessage();
    return {
      sig: await account.signMessage(message),
      derivedVia: 'web3.eth.personal.sign',
      signedMessage: message,
      address: account.address,
    };
  }

  beforeAll(async () => {
    pkp = await host.wallet.pkps.mint();
    await host.wallet.permissions.change(pkp.publicKey, {
      kind: 'addAddress',
      address: account.address,
      scopes: [AUTH_METHOD_SCOPE.SignAnything],
    });
  });

  it('an auth sig for another domain is refused by every node', async () => {
    await expectAcceptedByEveryNode(pkp.publicKey, { authSig: await authSig() });
    await expectRefusedByEveryNode(
      pkp.publicKey,
      { authSig: await authSig({ domain: 'evil.example' }) },
      /bad_auth_sig: .*evil\.example/,
    );
  });

  it('a SIWE made for another app on http://localhost is refused by every node, with the reason', async () => {
    // What a person may well have signed for some other local dapp: same domain, its own URI,
    // its own chain; then one that copies Litbox's statement but not its URI.
    await expectRefusedByEveryNode(
      pkp.publicKey,
      { authSig: await authSig({ uri: 'http://localhost:3000/login', chainId: 1, statement: 'Sign in to SomeDapp' }) },
      /bad_auth_sig: the auth sig is for URI http:\/\/localhost:3000\/login, not Litbox's lit:litbox:sandbox/,
    );
    await expectRefusedByEveryNode(
      pkp.publicKey,
      { authSig: await authSig({ uri: 'http://localhost:3000/login' }) },
      /not a Litbox session/,
    );
    await expectRefusedByEveryNode(
      pkp.publicKey,
      { authSig: await authSig({ chainId: 1 }) },
      /bad_auth_sig: the auth sig is for chain id 1, not this network's 31337/,
    );
    await expectRefusedByEveryNode(
      pkp.publicKey,
      {
        authSig: await authSig({
          uri: 'http://localhost:5173/',
          statement: 'Litbox: this wallet may sign with its PKPs.',
        }),
      },
      /not a Litbox session/,
    );
    // Litbox's own SIWE, and one that names Litbox as a resource, still sign.
    await expectAcceptedByEveryNode(pkp.publicKey, { authSig: await authSig() });
    await expectAcceptedByEveryNode(pkp.publicKey, {
      authSig: await authSig({ uri: 'http://localhost:5173/', resources: [LITBOX_SIWE_URI] }),
    });
    const toSign = digest();
    const sig = await host.wallet.lit.pkpSign({ publicKey: pkp.publicKey, toSign, authSig: await authSig() });
    expect(ethers.recoverAddress(toSign, sig.signature)).toBe(pkp.ethAddress);
  });

  it("the wallet's own auth sig is one the nodes take", async () => {
    const own = await host.wallet.account.authSig();
    expect(own.signedMessage).toContain(`URI: ${LITBOX_SIWE_URI}`);
    const toSign = digest();
    const minted = await host.wallet.pkps.mint();
    const sig = await host.wallet.lit.pkpSign({ publicKey: minted.publicKey, toSign, authSig: own });
    expect(ethers.recoverAddress(toSign, sig.signature)).toBe(minted.ethAddress);
  });

  it('an expired auth sig is refused by every node', async () => {
    const past = Date.now() - 3_600_000;
    await expectRefusedByEveryNode(
      pkp.publicKey,
      {
        authSig: await authSig({
          issuedAt: new Date(past - 60_000).toISOString(),
          expirationTime: new Date(past).toISOString(),
        }),
      },
      /expired_auth_sig/,
    );
  });

  it('a second message reusing the nonce of an accepted auth sig is refused by every node', async () => {
    const nonce = randomBytes(8).toString('hex');
    const first = await authSig({ nonce });
    await expectAcceptedByEveryNode(pkp.publicKey, { authSig: first });
    // The same auth sig again is a session and still works...
    await expectAcceptedByEveryNode(pkp.publicKey, { authSig: first });
    // ...another message with its nonce is a replay.
    await expectRefusedByEveryNode(
      pkp.publicKey,
      { authSig: await authSig({ nonce, statement: 'replayed nonce' }) },
      /reused_nonce/,
    );
  });
});

// ---- Scopes ----

describe('scope escalation', () => {
  it('an address permitted to PersonalSign cannot sign anything, at any node', async () => {
    const pkp = await host.wallet.pkps.mint();
    const personal = new Wallet(Wallet.createRandom().privateKey);
    await host.wallet.permissions.change(pkp.publicKey, {
      kind: 'addAddress',
      address: personal.address,
      scopes: [AUTH_METHOD_SCOPE.PersonalSign],
    });
    const now = Date.now();
    const message = new SiweMessage({
      domain: LITBOX_SIWE_DOMAIN,
      address: personal.address,
      statement: 'personal sign only',
      uri: LITBOX_SIWE_URI,
      version: '1',
      chainId: 31337,
      nonce: randomBytes(8).toString('hex'),
      issuedAt: new Date(now - 1_000).toISOString(),
      expirationTime: new Date(now + 600_000).toISOString(),
    }).prepareMessage();
    const authSig = {
      sig: await personal.signMessage(message),
      derivedVia: 'web3.eth.personal.sign',
      signedMessage: message,
      address: personal.address,
    };
    await expectRefusedByEveryNode(pkp.publicKey, { authSig }, /not_permitted: .*SignAnything/);
    // What the scope does allow still works: an EIP-191 message through an action.
    const result = await host.wallet.lit.executeJs({
      code: 'await Lit.Actions.ethPersonalSignMessageEcdsa({ message: "hello", publicKey, sigName: "p" });',
      jsParams: { publicKey: pkp.publicKey },
      authSig,
    });
    expect(ethers.verifyMessage('hello', result.signatures.p!.signature)).toBe(pkp.ethAddress);
  });
});
