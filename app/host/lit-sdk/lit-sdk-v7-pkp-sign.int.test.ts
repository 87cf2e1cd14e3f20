import { execFileSync } from 'node:child_process';
import { ethers } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../shared/api/client.ts';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { LIT_V1_NODE_ROUTES, LitV1Error, PkpSignV1Data } from '../../shared/lit-sdk/node-routes-v1.ts';
import { auditPresignatureBindings } from '../../../testing/sandbox/presignature-audit.ts';
import { waitFor } from '../../../testing/sandbox/network-probe.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../../../testing/sandbox/spawn-cli.ts';
import { litSdkV7Installed, runV7Script, scriptResult } from '../../../testing/lit-sdk-v7-workspace.ts';

// Lit's own v7 SDK, unchanged, signs with a PKP on a Litbox sandbox: it sends every node its own
// request (v1, in the clear) with no presignature and waits for all of them; the nodes agree among
// themselves on one presignature, each binds it durably, and each answers its share weighted by
// its Lagrange coefficient over all N nodes. The SDK adds the shares; ethers recovers the
// signature to the PKP's address. Refusals come back as the SDK's NodeError, nothing bound.
const installed = litSdkV7Installed('the Lit SDK v7 pkpSign test');
const N = 3;
const CALLS = 10;

interface PkpSignCheck {
  address: string;
  signatures: { digest: string; ms: number; signature: string; publicKey: string }[];
  refusals: Record<'notPermitted' | 'notAPkp', { failed: boolean; name?: string; message?: string }>;
  sessionSigs: Record<string, unknown>;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe.skipIf(!installed)("Lit's v7 SDK signs with a PKP on a Litbox sandbox", () => {
  let sandbox: RunningSandbox;
  let status: NetworkStatus;
  let api: ApiClient;
  let check: PkpSignCheck;
  let pkp: { publicKey: string; ethAddress: string };
  let sdkAudit: Awaited<ReturnType<typeof auditPresignatureBindings>>;
  const dataDir = tempDataDir('litbox-lit-sdk-v7-pkp-sign-');

  beforeAll(async () => {
    sandbox = await startSandbox(['--nodes', String(N), '--port', '0', '--data-dir', dataDir], 180_000);
    const printed = await runCliProcess(['status', '--json', '--data-dir', dataDir]);
    expect(printed.code).toBe(0);
    status = JSON.parse(printed.stdout) as NetworkStatus;
    api = createApiClient({ baseUrl: sandbox.baseUrl, token: sandbox.token });

    // The wallet the SDK signs with: permitted (SignAnything) on one PKP, no right on another.
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
    const before = (await auditPresignatureBindings(dataDir, N)).bindings;
    expect(before).toBe(0);

    // The key goes by environment, never argv.
    const { code, out } = await runV7Script(
      [
        'pkp-sign-check.mjs',
        status.litSdk!.datilContractContextPath,
        status.chain.rpcUrl,
        pkp.publicKey,
        other.publicKey,
        String(CALLS),
      ],
      240_000,
      { LITBOX_EOA_KEY: eoa.privateKey },
    );
    const result = scriptResult<PkpSignCheck>(out);
    expect(result, out.slice(-4000)).toBeDefined();
    expect(code).toBe(0);
    check = result!;
    expect(check.address).toBe(eoa.address);
    sdkAudit = await auditPresignatureBindings(dataDir, N);
  }, 600_000);

  afterAll(async () => {
    expect(await sandbox?.stop()).toBe(0);
  });

  it('gives signatures that ethers recovers to the PKP address', () => {
    expect(check.signatures).toHaveLength(CALLS);
    for (const s of check.signatures) {
      expect(ethers.recoverAddress(s.digest, s.signature)).toBe(pkp.ethAddress);
      expect(`0x${s.publicKey.replace(/^0x/, '')}`.toLowerCase()).toBe(pkp.publicKey.toLowerCase());
    }
    const ms = check.signatures.map((s) => s.ms);
    console.log(
      `pkpSign at N = ${N}: Lit SDK v7 p50 ${percentile(ms, 50)} ms, p95 ${percentile(ms, 95)} ms (${ms.length} calls); ` +
        `uptime: ${execFileSync('uptime').toString().trim()}`,
    );
  });

  it('refuses a PKP the wallet may not use and a key that is no PKP, with the SDK’s own error', () => {
    expect(check.refusals.notPermitted).toMatchObject({ failed: true, name: 'NodeError' });
    expect(check.refusals.notPermitted.message).toContain(`${check.address} may not sign with this PKP`);
    expect(check.refusals.notPermitted.message).toContain('litbox_not_permitted');
    expect(check.refusals.notAPkp).toMatchObject({ failed: true, name: 'NodeError' });
    expect(check.refusals.notAPkp.message).toContain('is not a PKP of this network');
    expect(check.refusals.notAPkp.message).toContain('litbox_unknown_pkp');
  });

  it('binds one presignature per SDK call at every node, none for a refusal, and never one for two messages', () => {
    expect(sdkAudit.bindings).toBe(N * CALLS);
    expect(sdkAudit.doubleBound).toEqual([]);
    expect(sdkAudit.releasedForTwo).toEqual([]);
    expect(sdkAudit.quorumForTwo).toEqual([]);
  });

  it('answers, node by node, shares that only need adding; refuses a session made for another node', async () => {
    const urls = status.nodes.map((n) => n.url);
    const digest = ethers.randomBytes(32);
    const ask = (url: string, authSig: unknown, requestId: string) =>
      fetch(`${url}${LIT_V1_NODE_ROUTES.pkpSign.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ toSign: [...digest], pubkey: pkp.publicKey, authSig, epoch: 1 }),
      });
    // One X-Request-Id for the call, as v7 sends: the nodes agree on a presignature per id. Read
    // per node, the clock could cross a 100 ms step between two of them (the id keeps 11 of its
    // 13 digits), and the set then waited 5 s for a request that never came.
    const requestId = `lit_test_${Date.now()}`.slice(0, 20);
    const answers = await Promise.all(
      urls.map(async (url) => {
        const res = await ask(url, check.sessionSigs[url], requestId);
        expect(res.status).toBe(200);
        return PkpSignV1Data.parse(await res.json()).signatureShare;
      }),
    );
    // v7's combine, by hand: one R' from all, s = the plain sum, low-s, then ethers.
    expect(new Set(answers.map((a) => a.big_r)).size).toBe(1);
    expect(answers.map((a) => a.share_index).sort()).toEqual([1, 2, 3]);
    const n = ethers.N;
    let sum = answers.reduce((acc, a) => (acc + BigInt(`0x${a.signature_share}`)) % n, 0n);
    if (sum > n / 2n) sum = n - sum;
    const bigR = ethers.SigningKey.computePublicKey(`0x${answers[0]!.big_r}`, false);
    const r = `0x${bigR.slice(4, 68)}`;
    const recovered = [27, 28].map((v) => ethers.recoverAddress(digest, { r, s: ethers.toBeHex(sum, 32), v }));
    expect(recovered).toContain(pkp.ethAddress);

    // Node 2, sent the signature the SDK made for node 1: refused, nothing bound.
    const before = (await auditPresignatureBindings(dataDir, N)).bindings;
    const wrong = await ask(urls[1]!, check.sessionSigs[urls[0]!], 'lit_test_wrong_node');
    expect(wrong.status).toBe(401);
    expect(LitV1Error.parse(await wrong.json())).toMatchObject({ details: ['session_for_other_node'] });
    expect((await auditPresignatureBindings(dataDir, N)).bindings).toBe(before);
  });
});
