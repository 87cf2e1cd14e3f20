import { execFileSync } from 'node:child_process';
import { hexToBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { litEncryptionIdentity, readLitConditions } from '../../shared/lit-sdk/lit-conditions.ts';
import {
  EncryptionSignV1Data,
  LIT_V1_NODE_ROUTES,
  LitV1Error,
  type EncryptionSignV1Request,
} from '../../shared/lit-sdk/node-routes-v1.ts';
import { blsShareFromLitJson, combineBlsShares, verifyBlsSignature } from '../../shared/threshold/bls.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../../../testing/sandbox/spawn-cli.ts';
import { litSdkV7Installed, runV7Script, scriptResult } from '../../../testing/lit-sdk-v7-workspace.ts';

// Lit's own v7 SDK, unchanged, encrypts (encryptString) and decrypts (decryptToString) against a
// Litbox sandbox with a wallet's session signatures: every node checks the session signature
// made for it and the condition on the sandbox chain, and answers its BLS share in v7's 97-byte
// form, in the clear (v1 has no sealing); the SDK combines them and decrypts. A condition the
// wallet does not meet comes back as the SDK's NodeError naming Litbox's code.
const installed = litSdkV7Installed('the Lit SDK v7 decrypt test');

interface DecryptCheck {
  address: string;
  connectMs: number;
  plaintext: string;
  decryptMs: number[];
  unifiedPlaintext: string;
  unmet: { failed: boolean; name?: string; message?: string };
  expired: { failed: boolean; name?: string; message?: string };
  sessionSigs: Record<string, unknown>;
  request: Omit<EncryptionSignV1Request, 'authSig'>;
}

const HEADERS = { 'content-type': 'application/json', 'x-request-id': 'lit_test' };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe.skipIf(!installed)("Lit's v7 SDK decrypts from a Litbox sandbox", () => {
  let sandbox: RunningSandbox;
  let status: NetworkStatus;
  let check: DecryptCheck;
  const dataDir = tempDataDir('litbox-lit-sdk-v7-decrypt-');

  async function askForShare(url: string, authSig: unknown, extra: Record<string, unknown> = {}) {
    const res = await fetch(`${url}${LIT_V1_NODE_ROUTES.encryptionSign.path}`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ ...check.request, authSig, epoch: 1, ...extra }),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  beforeAll(async () => {
    sandbox = await startSandbox(['--nodes', '3', '--port', '0', '--data-dir', dataDir], 180_000);
    const printed = await runCliProcess(['status', '--json', '--data-dir', dataDir]);
    expect(printed.code).toBe(0);
    status = JSON.parse(printed.stdout) as NetworkStatus;
    const { code, out } = await runV7Script(
      ['decrypt-check.mjs', status.litSdk!.datilContractContextPath, status.chain.rpcUrl, '10'],
      150_000,
    );
    const result = scriptResult<DecryptCheck>(out);
    expect(result, out.slice(-4000)).toBeDefined();
    expect(code).toBe(0);
    check = result!;
  }, 360_000);

  afterAll(async () => {
    expect(await sandbox?.stop()).toBe(0);
  });

  it('encryptString then decryptToString returns the plaintext, for conditions the wallet meets', () => {
    console.log(
      `Lit SDK v7: connect ${check.connectMs} ms; decryptToString p50 ${median(check.decryptMs)} ms ` +
        `(${check.decryptMs.length} calls: ${check.decryptMs.join(', ')} ms); uptime: ${execFileSync('uptime').toString().trim()}`,
    );
    expect(check.plaintext).toBe('litbox keeps this for the wallet alone');
    expect(check.unifiedPlaintext).toBe('any holder of 0 wei');
  });

  it('refuses a condition the wallet does not meet, with an error the SDK shows', () => {
    expect(check.unmet.failed).toBe(true);
    expect(check.unmet.name).toBe('NodeError');
    expect(check.unmet.message).toContain(`the access control conditions are not met for ${check.address}`);
    expect(check.unmet.message).toContain('litbox_conditions_not_met');
  });

  it('refuses a session that has expired, at every node', () => {
    expect(check.expired).toMatchObject({ failed: true, name: 'NodeError' });
    expect(check.expired.message).toContain('the session has expired');
    expect(check.expired.message).toContain('litbox_expired_session');
  });

  it('gives each node’s share only for the session signature made for that node', async () => {
    const urls = status.nodes.map((n) => n.url);
    expect(Object.keys(check.sessionSigs).sort()).toEqual([...urls].sort());

    // Each node, with its own signature, a 97-byte share; combined, the network's signature on
    // the identity the SDK encrypted to, whoever checks.
    const shares = [];
    for (const url of urls) {
      const { status: code, body } = await askForShare(url, check.sessionSigs[url]);
      expect(code, JSON.stringify(body)).toBe(200);
      const data = EncryptionSignV1Data.parse(body);
      const bytes = data.signatureShare.ProofOfPossession;
      const index = parseInt(bytes.slice(0, 2), 16);
      expect(index).toBe(data.shareIndex);
      const identifier = index.toString(16).padStart(2, '0') + '00'.repeat(31); // little-endian scalar
      shares.push(blsShareFromLitJson(JSON.stringify({ ProofOfPossession: { identifier, value: bytes.slice(2) } })));
    }
    const { hash } = readLitConditions(check.request);
    const identity = new TextEncoder().encode(litEncryptionIdentity(hash, check.request.dataToEncryptHash));
    const networkKey = hexToBytes(status.networkPublicKey!.replace(/^0x/, ''));
    expect(verifyBlsSignature(identity, combineBlsShares(shares, status.threshold), networkKey)).toBe(true);

    // Node 2, with the signature made for node 1: refused with Lit's error object, no share.
    const wrong = await askForShare(urls[1]!, check.sessionSigs[urls[0]!]);
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('ProofOfPossession');
    expect(LitV1Error.parse(wrong.body)).toMatchObject({
      status: 401,
      errorCode: 'litbox_session_for_other_node',
      details: ['session_for_other_node'],
    });
    // A malformed request: Lit's error object, 400.
    const malformed = await askForShare(urls[0]!, check.sessionSigs[urls[0]!], { dataToEncryptHash: 'zz' });
    expect(malformed.status).toBe(400);
    expect(LitV1Error.parse(malformed.body)).toMatchObject({ details: ['bad_request'] });
  });

  it('answers pages on localhost only (CORS)', async () => {
    const url = status.nodes[0]!.url;
    const route = `${url}${LIT_V1_NODE_ROUTES.encryptionSign.path}`;
    const body = JSON.stringify({ ...check.request, authSig: check.sessionSigs[url], epoch: 1 });
    const preflight = await fetch(route, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    const fromLocalPage = await fetch(route, {
      method: 'POST',
      headers: { ...HEADERS, origin: 'http://localhost:5173' },
      body,
    });
    expect(fromLocalPage.status).toBe(200);
    expect(fromLocalPage.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    for (const origin of ['https://evil.example', 'null']) {
      const refused = await fetch(route, { method: 'POST', headers: { ...HEADERS, origin }, body });
      expect(refused.status, origin).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(JSON.stringify(await refused.json())).not.toContain('ProofOfPossession');
    }
  });
});
