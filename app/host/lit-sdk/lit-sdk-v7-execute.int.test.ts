import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ethers } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../shared/api/client.ts';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { ExecuteJsV1Data, LIT_V1_NODE_ROUTES, LitV1Error } from '../../shared/lit-sdk/node-routes-v1.ts';
import { auditPresignatureBindings } from '../../../testing/sandbox/presignature-audit.ts';
import { waitFor } from '../../../testing/sandbox/network-probe.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../../../testing/sandbox/spawn-cli.ts';
import { litSdkV7Installed, runV7Script, scriptResult } from '../../../testing/lit-sdk-v7-workspace.ts';

// Lit's own v7 SDK, unchanged, runs a Lit Action on a Litbox sandbox: it sends every node its own
// request (v1, in the clear) and waits for all of them. Every node runs the action, the user's
// jsParams as globals; for its Lit.Actions.signEcdsa the nodes agree on one presignature among
// themselves and each answers its share weighted over all N, which the SDK adds. ethers recovers
// the signature to the PKP's address; the action's Lit.Actions.setResponse comes back. A PKP the
// wallet may not use is refused with the SDK's NodeError, nothing bound.
const installed = litSdkV7Installed('the Lit SDK v7 executeJs test');
const N = 3;
const CALLS = 10;

// v7 style: the jsParams are globals.
const ACTION = [
  "await Lit.Actions.signEcdsa({ toSign: new Uint8Array(toSign), publicKey, sigName: 'sig' });",
  "Lit.Actions.setResponse({ response: 'signed ' + label });",
  '',
].join('\n');

interface Execution {
  toSign: string;
  ms: number;
  response: string;
  signature: string;
  publicKey: string;
}

interface ExecuteCheck {
  address: string;
  executions: Execution[];
  byIpfsId: Execution;
  refusals: Record<'notPermitted', { failed: boolean; name?: string; message?: string }>;
  sessionSigs: Record<string, unknown>;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe.skipIf(!installed)("Lit's v7 SDK runs a Lit Action with signEcdsa on a Litbox sandbox", () => {
  let sandbox: RunningSandbox;
  let status: NetworkStatus;
  let check: ExecuteCheck;
  let pkp: { publicKey: string; ethAddress: string };
  let addedCid: string;
  let bindingsBefore: number;
  let sdkAudit: Awaited<ReturnType<typeof auditPresignatureBindings>>;
  const dataDir = tempDataDir('litbox-lit-sdk-v7-execute-');
  const actionFile = path.join(dataDir, '..', `${path.basename(dataDir)}-action.js`);

  beforeAll(async () => {
    sandbox = await startSandbox(['--nodes', String(N), '--port', '0', '--data-dir', dataDir], 180_000);
    const printed = await runCliProcess(['status', '--json', '--data-dir', dataDir]);
    expect(printed.code).toBe(0);
    status = JSON.parse(printed.stdout) as NetworkStatus;
    const api: ApiClient = createApiClient({ baseUrl: sandbox.baseUrl, token: sandbox.token });

    fs.writeFileSync(actionFile, ACTION);
    const added = await runCliProcess(['action', 'add', actionFile, '--json', '--data-dir', dataDir]);
    expect(added.code, added.stderr).toBe(0);
    addedCid = (JSON.parse(added.stdout) as { ipfsId: string }).ipfsId;

    // The wallet: permitted (SignAnything) on one PKP, no right on another; the action itself
    // is permitted on neither.
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
        return s.nodes.every((n) => (n.presignaturesFresh ?? 0) >= 2 * CALLS + 2);
      },
      120_000,
    );
    bindingsBefore = (await auditPresignatureBindings(dataDir, N)).bindings;
    expect(bindingsBefore).toBe(0);

    // The key goes by environment, never argv.
    const { code, out } = await runV7Script(
      [
        'execute-check.mjs',
        status.litSdk!.datilContractContextPath,
        status.chain.rpcUrl,
        actionFile,
        addedCid,
        pkp.publicKey,
        other.publicKey,
        String(CALLS),
      ],
      240_000,
      { LITBOX_EOA_KEY: eoa.privateKey },
    );
    const result = scriptResult<ExecuteCheck>(out);
    expect(result, out.slice(-4000)).toBeDefined();
    expect(code).toBe(0);
    check = result!;
    expect(check.address).toBe(eoa.address);
    sdkAudit = await auditPresignatureBindings(dataDir, N);
  }, 600_000);

  afterAll(async () => {
    expect(await sandbox?.stop()).toBe(0);
    fs.rmSync(actionFile, { force: true });
  });

  it('signs with signEcdsa (ethers recovers the PKP address) and gives back the action’s response', () => {
    expect(check.executions).toHaveLength(CALLS);
    for (const [i, e] of [...check.executions.entries(), [CALLS, check.byIpfsId] as const]) {
      expect(e.response).toBe(i === CALLS ? 'signed by ipfsId' : `signed inline #${i}`);
      expect(ethers.recoverAddress(e.toSign, e.signature)).toBe(pkp.ethAddress);
      expect(`0x${e.publicKey.replace(/^0x/, '')}`.toLowerCase()).toBe(pkp.publicKey.toLowerCase());
    }
    const ms = check.executions.map((e) => e.ms);
    console.log(
      `executeJs + signEcdsa at N = ${N}: Lit SDK v7 p50 ${percentile(ms, 50)} ms, p95 ${percentile(ms, 95)} ms ` +
        `(${ms.length} calls, inline: ${ms.join(', ')}; by ipfsId ${check.byIpfsId.ms} ms); uptime: ${execFileSync('uptime').toString().trim()}`,
    );
  });

  it('refuses a PKP the wallet may not use, with the SDK’s own error', () => {
    expect(check.refusals.notPermitted).toMatchObject({ failed: true, name: 'NodeError' });
    expect(check.refusals.notPermitted.message).toContain(
      `the action ${addedCid} is not permitted to sign with this PKP`,
    );
    expect(check.refusals.notPermitted.message).toContain('litbox_action_failed');
  });

  it('binds one presignature per signature at every node, none for the refusal, never one for two messages', () => {
    expect(sdkAudit.bindings).toBe(N * (CALLS + 1));
    expect(sdkAudit.doubleBound).toEqual([]);
    expect(sdkAudit.releasedForTwo).toEqual([]);
    expect(sdkAudit.quorumForTwo).toEqual([]);
  });

  it('answers, node by node, the same response and shares that only need adding; refuses a session made for another node', async () => {
    const urls = status.nodes.map((n) => n.url);
    const toSign = [...ethers.randomBytes(32)];
    const body = {
      code: Buffer.from(ACTION).toString('base64'),
      jsParams: { toSign, publicKey: pkp.publicKey, label: 'raw' },
    };
    const ask = (url: string, authSig: unknown, requestId: string) =>
      fetch(`${url}${LIT_V1_NODE_ROUTES.executeJs.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ ...body, authSig, epoch: 1 }),
      });
    const requestId = `lit_test_${Date.now()}`.slice(0, 20);
    const answers = await Promise.all(
      urls.map(async (url) => {
        const res = await ask(url, check.sessionSigs[url], requestId);
        expect(res.status).toBe(200);
        return ExecuteJsV1Data.parse(await res.json());
      }),
    );
    expect(answers.map((a) => a.response)).toEqual(['signed raw', 'signed raw', 'signed raw']);
    const shares = answers.map((a) => a.signedData.sig!);
    expect(new Set(shares.map((s) => s.bigR)).size).toBe(1);
    expect(shares.map((s) => s.shareIndex).sort()).toEqual([1, 2, 3]);
    // v7's combine, by hand: one R' from all, s = the plain sum, low-s, then ethers.
    const n = ethers.N;
    let sum = shares.reduce((acc, s) => (acc + BigInt(`0x${s.signatureShare}`)) % n, 0n);
    if (sum > n / 2n) sum = n - sum;
    const r = `0x${ethers.SigningKey.computePublicKey(`0x${shares[0]!.bigR}`, false).slice(4, 68)}`;
    const recovered = [27, 28].map((v) =>
      ethers.recoverAddress(Uint8Array.from(toSign), { r, s: ethers.toBeHex(sum, 32), v }),
    );
    expect(recovered).toContain(pkp.ethAddress);

    // Node 2, sent the signature the SDK made for node 1: refused before the action runs, nothing bound.
    const before = (await auditPresignatureBindings(dataDir, N)).bindings;
    const wrong = await ask(urls[1]!, check.sessionSigs[urls[0]!], 'lit_test_wrong_node');
    expect(wrong.status).toBe(401);
    expect(LitV1Error.parse(await wrong.json())).toMatchObject({ details: ['session_for_other_node'] });
    expect((await auditPresignatureBindings(dataDir, N)).bindings).toBe(before);
  });
});
