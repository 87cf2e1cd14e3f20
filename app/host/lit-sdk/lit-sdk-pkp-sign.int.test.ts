import { execFileSync } from 'node:child_process';
import { x25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { ethers } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../shared/api/client.ts';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { DEFAULT_NODES } from '../../shared/network.ts';
import { LitEnvelope, openLitEnvelope, sealLitEnvelope } from '../../shared/lit-sdk/e2ee.ts';
import {
  HandshakeData,
  LIT_NODE_ROUTES,
  LitErrorObject,
  PkpSignData,
  litResult,
  type PkpSignRequest,
} from '../../shared/lit-sdk/node-routes.ts';
import { auditPresignatureBindings } from '../../../testing/sandbox/presignature-audit.ts';
import { waitFor } from '../../../testing/sandbox/network-probe.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../../../testing/sandbox/spawn-cli.ts';
import { LIT_SDK_WORKSPACE, litSdkInstalled, runWorkspaceScript } from '../../../testing/lit-sdk-workspace.ts';

// Lit's own v8 SDK, unchanged, signs with a PKP on a Litbox sandbox, offline: it sends each node
// of its signing set its own sealed request with no presignature; the nodes agree among
// themselves on one presignature, each binds it durably, and each answers its share weighted
// for a client that only adds shares. The SDK's signature must recover to the PKP's address
// (ethers judges). Refusals come back as the SDK's own errors, with nothing bound.
const installed = litSdkInstalled('the Lit SDK pkpSign tests');
// The default network (no --nodes): the size Litbox picks must be one the SDK can sign on.
const N = DEFAULT_NODES;
/** The SDK's signing set: max(3, floor(2N/3)) of the nodes it connected to. */
const SDK_SET = Math.max(3, Math.floor((2 * N) / 3));
const CALLS = 20;

interface SdkSignature {
  message: string;
  ms: number;
  signature: string;
  recoveryId: number;
  signedData: string;
}
interface PkpSignCheck {
  address: string;
  signatures: SdkSignature[];
  executions: { toSign: string; ms: number; response: string; signature: string; recoveryId: number }[];
  refusals: Record<'notPermitted' | 'notAPkp', { signed: boolean; name?: string; message?: string }>;
  wrongNode: { sessionSigs: Record<string, unknown>; request: Omit<PkpSignRequest, 'authSig'> };
}

function runPkpSignCheck(args: string[], eoaKey: string): Promise<{ code: number | null; out: string }> {
  return runWorkspaceScript(LIT_SDK_WORKSPACE, ['pkp-sign-check.mjs', ...args], 240_000, { LITBOX_EOA_KEY: eoaKey });
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const HEADERS = { 'content-type': 'application/json', 'x-request-id': 'litbox-test-pkp-sign' };

/** The node's identity key, from its handshake (as the SDK learns it). */
async function identityKey(url: string): Promise<Uint8Array> {
  const res = await fetch(`${url}${LIT_NODE_ROUTES.handshake.path}`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ clientPublicKey: 'test', challenge: 'ab'.repeat(32), epoch: 1 }),
  });
  return hexToBytes(litResult(HandshakeData).parse(await res.json()).data!.nodeIdentityKey);
}

describe.skipIf(!installed)("Lit's v8 SDK signs with a PKP on a Litbox sandbox", () => {
  let sandbox: RunningSandbox;
  let status: NetworkStatus;
  let api: ApiClient;
  let check: PkpSignCheck;
  let pkp: { publicKey: string; ethAddress: string };
  let litboxMs: number[];
  let sdkAudit: Awaited<ReturnType<typeof auditPresignatureBindings>>;
  const dataDir = tempDataDir('litbox-lit-sdk-pkp-sign-');

  beforeAll(async () => {
    sandbox = await startSandbox(['--port', '0', '--data-dir', dataDir], 180_000);
    const printed = await runCliProcess(['status', '--json', '--data-dir', dataDir]);
    expect(printed.code).toBe(0);
    status = JSON.parse(printed.stdout) as NetworkStatus;
    expect(status.nodes).toHaveLength(N);
    api = createApiClient({ baseUrl: sandbox.baseUrl, token: sandbox.token });

    // The wallet the SDK signs with: permitted (SignAnything) on one PKP of the sandbox wallet,
    // with no right on another.
    const eoa = ethers.Wallet.createRandom();
    pkp = await api.call('pkpMint', {});
    const other = await api.call('pkpMint', {});
    await api.call('pkpPermissionChange', {
      publicKey: pkp.publicKey,
      change: { kind: 'addAddress', address: eoa.address, scopes: [1] },
    });
    await waitFor(
      'presignatures on every node',
      async () => {
        const s = await api.call('status', {});
        return s.nodes.every((n) => (n.presignaturesFresh ?? 0) >= 2 * CALLS);
      },
      120_000,
    );

    const { code, out } = await runPkpSignCheck(
      [status.litSdk!.nagaNetworkContextPath, status.chain.rpcUrl, pkp.publicKey, other.publicKey, String(CALLS)],
      eoa.privateKey,
    );
    const line = /^litbox-result: (.*)$/m.exec(out)?.[1];
    expect(line, out.slice(-4000)).toBeDefined();
    expect(code).toBe(0);
    check = JSON.parse(line!) as PkpSignCheck;
    expect(check.address).toBe(eoa.address);
    sdkAudit = await auditPresignatureBindings(dataDir, N);

    // Litbox's own pkpSign, in the same run, through the host API, for comparison.
    litboxMs = [];
    for (let i = 0; i < CALLS; i++) {
      const toSign = ethers.hexlify(ethers.randomBytes(32));
      const started = performance.now();
      const sig = await api.call('pkpSign', { publicKey: pkp.publicKey, toSign });
      litboxMs.push(performance.now() - started);
      expect(ethers.recoverAddress(toSign, sig.signature)).toBe(pkp.ethAddress);
    }
  }, 600_000);

  afterAll(async () => {
    expect(await sandbox?.stop()).toBe(0);
  });

  it('gives signatures that ethers recovers to the PKP address', () => {
    expect(check.signatures).toHaveLength(CALLS);
    for (const s of check.signatures) {
      const digest = ethers.keccak256(`0x${s.message}`);
      expect(s.signedData.replace(/^0x/, '')).toBe(digest.slice(2));
      const sig = s.signature.replace(/^0x/, '');
      const recovered = ethers.recoverAddress(digest, {
        r: `0x${sig.slice(0, 64)}`,
        s: `0x${sig.slice(64, 128)}`,
        v: 27 + s.recoveryId,
      });
      expect(recovered).toBe(pkp.ethAddress);
    }
    const sdk = check.signatures.map((s) => s.ms);
    const fmt = (v: number[]) =>
      `p50 ${percentile(v, 50).toFixed(1)} ms, p95 ${percentile(v, 95).toFixed(1)} ms (${v.length} calls)`;
    console.log(
      `pkpSign at N = ${N}: Lit SDK v8 ${fmt(sdk)}; Litbox host API ${fmt(litboxMs)}; uptime: ${execFileSync('uptime').toString().trim()}`,
    );
  });

  it('runs an action whose Lit.Actions.signEcdsa signature ethers recovers to the PKP address', () => {
    expect(check.executions).toHaveLength(CALLS / 2);
    for (const [i, e] of check.executions.entries()) {
      expect(e.response).toBe(`signed #${i}`);
      const sig = e.signature.replace(/^0x/, '');
      const recovered = ethers.recoverAddress(`0x${e.toSign}`, {
        r: `0x${sig.slice(0, 64)}`,
        s: `0x${sig.slice(64, 128)}`,
        v: 27 + e.recoveryId,
      });
      expect(recovered).toBe(pkp.ethAddress);
    }
    const ms = check.executions.map((e) => e.ms);
    console.log(
      `executeJs + signEcdsa at N = ${N}: Lit SDK v8 p50 ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms (${ms.length} calls); uptime: ${execFileSync('uptime').toString().trim()}`,
    );
  });

  it('refuses a PKP the wallet may not use and a key that is no PKP, with the SDK’s own error', () => {
    expect(check.refusals.notPermitted).toMatchObject({ signed: false, name: 'NodeError' });
    expect(check.refusals.notPermitted.message).toContain(`${check.address} may not sign with this PKP`);
    expect(check.refusals.notPermitted.message).toContain('litbox_not_permitted');
    expect(check.refusals.notAPkp).toMatchObject({ signed: false, name: 'NodeError' });
    expect(check.refusals.notAPkp.message).toContain('is not a PKP of this network');
    expect(check.refusals.notAPkp.message).toContain('litbox_unknown_pkp');
  });

  it('binds one presignature per SDK call at every node, none for a refusal, and never one for two messages', async () => {
    // Right after the SDK's calls (a warm-up and CALLS pkpSigns, CALLS / 2 actions signing once,
    // then the refused ones): one presignature each, bound at every node of the SDK's set; the refused
    // calls bound nothing anywhere.
    expect(sdkAudit.bindings).toBe(SDK_SET * (1 + CALLS + CALLS / 2));
    expect(sdkAudit.doubleBound).toEqual([]);
    // With Litbox's own signing after them: still no presignature bound or released for two messages.
    const audit = await auditPresignatureBindings(dataDir, N);
    expect(audit.releasedForTwo).toEqual([]);
    expect(audit.quorumForTwo).toEqual([]);
    expect(audit.doubleBound).toEqual([]);
  });

  it('answers, node by node, shares that only need adding (the nodes’ part of a call, timed)', async () => {
    const urls = status.nodes.map((n) => n.url);
    const keys = await Promise.all(urls.map((url) => identityKey(url)));
    const rounds: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      // One presignature a call, and this requester may take two a second (bind-limiter.ts).
      if (i > 0) await new Promise((r) => setTimeout(r, Math.max(0, 520 - rounds.at(-1)!)));
      const digest = ethers.randomBytes(32);
      const requestId = `litbox-test-${i}-${Date.now()}`;
      const started = performance.now();
      const answers = await Promise.all(
        urls.map(async (url, k) => {
          const client = x25519.utils.randomSecretKey();
          const request = {
            ...check.wrongNode.request,
            toSign: [...digest],
            authSig: check.wrongNode.sessionSigs[url],
          };
          const envelope = sealLitEnvelope(client, keys[k]!, new TextEncoder().encode(JSON.stringify(request)));
          const res = await fetch(`${url}${LIT_NODE_ROUTES.pkpSign.path}`, {
            method: 'POST',
            headers: { ...HEADERS, 'x-request-id': requestId },
            body: JSON.stringify({ ...envelope, epoch: 1 }),
          });
          const opened = openLitEnvelope(client, LitEnvelope.parse(await res.json()));
          return litResult(PkpSignData).parse(JSON.parse(new TextDecoder().decode(opened.plaintext)));
        }),
      );
      rounds.push(performance.now() - started);
      // The SDK's combine, by hand: one R' from all, s = the plain sum, low-s, then ethers.
      const shares = answers.map((a) => a.data!.signatureShare.EcdsaSignedMessageShare);
      expect(new Set(shares.map((s) => s.big_r)).size).toBe(1);
      const n = ethers.N;
      let sum = shares.reduce((acc, s) => (acc + BigInt(`0x${JSON.parse(s.signature_share) as string}`)) % n, 0n);
      if (sum > n / 2n) sum = n - sum;
      const bigR = ethers.SigningKey.computePublicKey(`0x${JSON.parse(shares[0]!.big_r) as string}`, false);
      const r = `0x${bigR.slice(4, 68)}`;
      const s = ethers.toBeHex(sum, 32);
      const recovered = [27, 28].map((v) => ethers.recoverAddress(digest, { r, s, v }));
      expect(recovered).toContain(pkp.ethAddress);
    }
    console.log(
      `pkpSign at N = ${N}, the nodes' part (${N} sealed requests at once, no SDK): p50 ${percentile(rounds, 50).toFixed(1)} ms, ` +
        `p95 ${percentile(rounds, 95).toFixed(1)} ms (${rounds.length} calls); uptime: ${execFileSync('uptime').toString().trim()}`,
    );
  });

  it('refuses a session signature made for another node, sealed, binding nothing', async () => {
    const urls = status.nodes.map((n) => n.url);
    const before = (await auditPresignatureBindings(dataDir, N)).bindings;
    // Node 2, sent the signature the SDK made for node 1.
    const target = urls[1]!;
    const nodeKey = await identityKey(target);
    const client = x25519.utils.randomSecretKey();
    const request = { ...check.wrongNode.request, authSig: check.wrongNode.sessionSigs[urls[0]!] };
    const envelope = sealLitEnvelope(client, nodeKey, new TextEncoder().encode(JSON.stringify(request)));
    const refused = await fetch(`${target}${LIT_NODE_ROUTES.pkpSign.path}`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ ...envelope, epoch: 1 }),
    });
    expect(refused.status).toBe(401);
    const opened = openLitEnvelope(client, LitEnvelope.parse(await refused.json()));
    const answer = litResult(PkpSignData).parse(JSON.parse(new TextDecoder().decode(opened.plaintext)));
    expect(answer).toMatchObject({ ok: false, data: null });
    expect(answer.error).toContain(`for the node at ${urls[0]}`);
    expect(LitErrorObject.parse(JSON.parse(answer.errorObject as string))).toMatchObject({
      status: 401,
      details: ['session_for_other_node'],
    });
    expect((await auditPresignatureBindings(dataDir, N)).bindings).toBe(before);
  });
});
