import { spawn } from 'node:child_process';
import { x25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { LitEnvelope, openLitEnvelope, sealLitEnvelope } from '../../shared/lit-sdk/e2ee.ts';
import { litEncryptionIdentity, readLitConditions } from '../../shared/lit-sdk/lit-conditions.ts';
import {
  EncryptionSignData,
  HandshakeData,
  LIT_NODE_ROUTES,
  LitErrorObject,
  litResult,
  type EncryptionSignRequest,
} from '../../shared/lit-sdk/node-routes.ts';
import { blsShareFromLitJson, combineBlsShares, verifyBlsSignature } from '../../shared/threshold/bls.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../../../testing/sandbox/spawn-cli.ts';
import { LIT_SDK_WORKSPACE, litSdkInstalled, NODE_24 } from '../../../testing/lit-sdk-workspace.ts';

// Lit's own v8 SDK, unchanged, encrypts and decrypts against a Litbox sandbox, offline: each node
// it asks opens the SDK's sealed request with its identity key, checks the session signature
// made for it and the access control condition on the sandbox chain, and seals its BLS share
// back; the SDK combines the shares and decrypts. Refusals come back in the shape the SDK shows.
// The SDK lives in its own workspace (compat/lit-sdk; see lit-sdk-connect.int.test.ts).
const workspace = LIT_SDK_WORKSPACE;
const installed = litSdkInstalled('the Lit SDK decrypt tests');
const NODE = NODE_24;

interface DecryptCheck {
  address: string;
  unified: { plaintext: string; ms: number };
  plain: { plaintext: string; ms: number };
  unmet: { decrypted: boolean; name?: string; message?: string };
  wrongNode: { sessionSigs: Record<string, unknown>; request: Omit<EncryptionSignRequest, 'authSig'> };
}

function runDecryptCheck(contextPath: string, rpcUrl: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['decrypt-check.mjs', contextPath, rpcUrl], { cwd: workspace });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`decrypt-check did not finish in 150 s\n${out}`));
    }, 150_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const HEADERS = { 'content-type': 'application/json', 'x-request-id': 'litbox-test' };

describe.skipIf(!installed)("Lit's v8 SDK decrypts from a Litbox sandbox", () => {
  let sandbox: RunningSandbox;
  let status: NetworkStatus;
  let check: DecryptCheck;
  const dataDir = tempDataDir('litbox-lit-sdk-decrypt-');

  /** The node's identity key, from its handshake (as the SDK learns it). */
  async function identityKey(url: string): Promise<Uint8Array> {
    const res = await fetch(`${url}${LIT_NODE_ROUTES.handshake.path}`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ clientPublicKey: 'test', challenge: 'ab'.repeat(32), epoch: 1 }),
    });
    const answer = litResult(HandshakeData).parse(await res.json());
    return hexToBytes(answer.data!.nodeIdentityKey);
  }

  /** Sends a decryption request sealed to `url`'s identity key, as the SDK does; opens the answer. */
  async function askForShare(url: string, authSig: unknown) {
    const client = x25519.utils.randomSecretKey();
    const request = { ...check.wrongNode.request, authSig };
    const envelope = sealLitEnvelope(client, await identityKey(url), new TextEncoder().encode(JSON.stringify(request)));
    const res = await fetch(`${url}${LIT_NODE_ROUTES.encryptionSign.path}`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ ...envelope, epoch: 1 }),
    });
    const opened = openLitEnvelope(client, LitEnvelope.parse(await res.json()));
    const answer = litResult(EncryptionSignData).parse(JSON.parse(new TextDecoder().decode(opened.plaintext)));
    return { status: res.status, answer };
  }

  beforeAll(async () => {
    sandbox = await startSandbox(['--nodes', '3', '--port', '0', '--data-dir', dataDir], 180_000);
    const printed = await runCliProcess(['status', '--json', '--data-dir', dataDir]);
    expect(printed.code).toBe(0);
    status = JSON.parse(printed.stdout) as NetworkStatus;
    const { code, out } = await runDecryptCheck(status.litSdk!.nagaNetworkContextPath, status.chain.rpcUrl);
    const line = /^litbox-result: (.*)$/m.exec(out)?.[1];
    expect(line, out.slice(-4000)).toBeDefined();
    expect(code).toBe(0);
    check = JSON.parse(line!) as DecryptCheck;
  }, 360_000);

  afterAll(async () => {
    expect(await sandbox?.stop()).toBe(0);
  });

  it('encrypt then decrypt returns the plaintext, for conditions the wallet meets', () => {
    console.log(`Lit SDK v8 decrypt: ${check.unified.ms} ms (unified conditions), ${check.plain.ms} ms (plain list)`);
    // Unified conditions: the wallet behind the session is the one named.
    expect(check.unified.plaintext).toBe('litbox keeps this for the wallet alone');
    // A plain list with an operator, read on the sandbox chain: named, or holds at least 0 wei.
    expect(check.plain.plaintext).toBe('any holder of 0 wei');
  });

  it('refuses a condition the wallet does not meet, with an error the SDK shows', () => {
    expect(check.unmet.decrypted).toBe(false);
    expect(check.unmet.name).toBe('NodeError');
    expect(check.unmet.message).toContain(`the access control conditions are not met for ${check.address}`);
    expect(check.unmet.message).toContain('litbox_conditions_not_met');
  });

  it('gives each node’s share only for the session signature made for that node', async () => {
    const urls = status.nodes.map((n) => n.url);
    expect(Object.keys(check.wrongNode.sessionSigs).sort()).toEqual([...urls].sort());

    // Each node, with its own signature: a share. Combined, they are the network's signature
    // on the identity the SDK encrypted to, whoever checks (no SDK here).
    const shares = [];
    for (const url of urls) {
      const { status: code, answer } = await askForShare(url, check.wrongNode.sessionSigs[url]);
      expect(code, JSON.stringify(answer)).toBe(200);
      shares.push(blsShareFromLitJson(JSON.stringify(answer.data!.signatureShare)));
    }
    const { hash } = readLitConditions(check.wrongNode.request);
    const identity = new TextEncoder().encode(litEncryptionIdentity(hash, check.wrongNode.request.dataToEncryptHash));
    const networkKey = hexToBytes(status.networkPublicKey!.replace(/^0x/, ''));
    expect(verifyBlsSignature(identity, combineBlsShares(shares, status.threshold), networkKey)).toBe(true);

    // Node 2, with the signature made for node 1: refused, sealed back with its status.
    const { status: code, answer } = await askForShare(urls[1]!, check.wrongNode.sessionSigs[urls[0]!]);
    expect(code).toBe(401);
    expect(answer.ok).toBe(false);
    expect(answer.data).toBeNull();
    expect(answer.error).toContain(`for the node at ${urls[0]}`);
    const detail = LitErrorObject.parse(JSON.parse(answer.errorObject as string));
    expect(detail).toMatchObject({ status: 401, details: ['session_for_other_node'] });
  });

  it('refuses requests that do not open, in the clear, and every page not on localhost', async () => {
    const url = status.nodes[0]!.url;
    const route = `${url}${LIT_NODE_ROUTES.encryptionSign.path}`;
    // Sealed to another key: this node cannot open it.
    const stray = sealLitEnvelope(
      x25519.utils.randomSecretKey(),
      x25519.getPublicKey(x25519.utils.randomSecretKey()),
      new TextEncoder().encode('{}'),
    );
    const unopened = await fetch(route, { method: 'POST', headers: HEADERS, body: JSON.stringify(stray) });
    expect(unopened.status).toBe(400);
    const refusal = litResult(EncryptionSignData).parse(await unopened.json());
    expect(refusal).toMatchObject({ ok: false, data: null, errorObject: { details: ['cannot_decrypt'] } });
    const malformed = await fetch(route, { method: 'POST', headers: HEADERS, body: '{"version":"1"}' });
    expect(malformed.status).toBe(400);

    // A page on localhost may ask (the SDK in a browser dapp); no other page reaches the route.
    const preflight = await fetch(route, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    const fromLocalPage = await fetch(route, {
      method: 'POST',
      headers: { ...HEADERS, origin: 'http://localhost:5173' },
      body: JSON.stringify(stray),
    });
    expect(fromLocalPage.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    for (const origin of ['https://evil.example', 'null']) {
      const client = x25519.utils.randomSecretKey();
      const request = { ...check.wrongNode.request, authSig: check.wrongNode.sessionSigs[url] };
      const envelope = sealLitEnvelope(
        client,
        await identityKey(url),
        new TextEncoder().encode(JSON.stringify(request)),
      );
      const refused = await fetch(route, {
        method: 'POST',
        headers: { ...HEADERS, origin },
        body: JSON.stringify(envelope),
      });
      expect(refused.status, origin).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(JSON.stringify(await refused.json())).not.toContain('signatureShare');
    }
  });

  it('keeps sealed answers unreadable to anyone but the client that asked', async () => {
    const url = status.nodes[0]!.url;
    const client = x25519.utils.randomSecretKey();
    const request = { ...check.wrongNode.request, authSig: check.wrongNode.sessionSigs[url] };
    const envelope = sealLitEnvelope(client, await identityKey(url), new TextEncoder().encode(JSON.stringify(request)));
    const res = await fetch(`${url}${LIT_NODE_ROUTES.encryptionSign.path}`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify(envelope),
    });
    expect(res.status).toBe(200);
    const answer = LitEnvelope.parse(await res.json());
    expect(JSON.stringify(answer)).not.toContain('ProofOfPossession');
    expect(answer.payload.verification_key).toBe(bytesToHex(await identityKey(url)));
    expect(() => openLitEnvelope(x25519.utils.randomSecretKey(), answer)).toThrow();
  });
});
