import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ethers } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../shared/api/client.ts';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { cidV0 } from '../../shared/cid/index.ts';
import { waitFor } from '../../../testing/sandbox/network-probe.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../../../testing/sandbox/spawn-cli.ts';
import { LIT_SDK_WORKSPACE, litSdkInstalled, runWorkspaceScript } from '../../../testing/lit-sdk-workspace.ts';

// Lit's own v8 SDK, unchanged, runs a Lit Action by its ipfsId alone on a Litbox sandbox,
// offline: `litbox action add FILE` puts the code in the data directory's action store and
// prints its CID; each node reads the code from there and checks the bytes hash to the CID.
// The action's Lit.Actions.signEcdsa signature must recover to the PKP's address (ethers
// judges); a CID no node knows and a stored file whose bytes are not the CID's are refused with
// the SDK's own error.
const installed = litSdkInstalled('the Lit SDK executeJs-by-ipfsId tests');
const N = 3;
const CALLS = 10;

const ACTION = [
  'const digest = new Uint8Array(jsParams.toSign);',
  "await Lit.Actions.signEcdsa({ toSign: digest, publicKey: jsParams.publicKey, sigName: 'sig' });",
  "Lit.Actions.setResponse({ response: 'signed ' + jsParams.label });",
  '',
].join('\n');

interface Execution {
  toSign: string;
  ms: number;
  response: string;
  signature: string;
  recoveryId: number;
}
interface ExecuteIpfsCheck {
  ipfsId: string;
  byIpfsId: Execution[];
  inline: Execution[];
  refusals: Record<'unknown' | 'damaged', { ran: boolean; name?: string; message?: string }>;
}

function runCheck(args: string[], eoaKey: string): Promise<{ code: number | null; out: string }> {
  return runWorkspaceScript(LIT_SDK_WORKSPACE, ['execute-ipfs-check.mjs', ...args], 240_000, {
    LITBOX_EOA_KEY: eoaKey,
  });
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function recovers(e: Execution, address: string): boolean {
  const sig = e.signature.replace(/^0x/, '');
  const recovered = ethers.recoverAddress(`0x${e.toSign}`, {
    r: `0x${sig.slice(0, 64)}`,
    s: `0x${sig.slice(64, 128)}`,
    v: 27 + e.recoveryId,
  });
  return recovered === address;
}

describe.skipIf(!installed)('Lit SDK v8 executeJs by ipfsId alone against a Litbox sandbox', () => {
  let sandbox: RunningSandbox | undefined;
  let api: ApiClient;
  let check: ExecuteIpfsCheck;
  let pkp: { publicKey: string; ethAddress: string };
  let addedCid: string;
  const dataDir = tempDataDir('litbox-lit-sdk-execute-ipfs-');
  const actionFile = path.join(dataDir, '..', `${path.basename(dataDir)}-action.js`);
  // A file stored under the CID of other code: a store someone tampered with.
  const damagedCid = cidV0('Lit.Actions.setResponse({ response: "the code this CID names" });\n');
  const unknownCid = cidV0(`// never added ${Date.now()}\n`);

  beforeAll(async () => {
    sandbox = await startSandbox(['--nodes', String(N), '--port', '0', '--data-dir', dataDir], 180_000);
    const printed = await runCliProcess(['status', '--json', '--data-dir', dataDir]);
    expect(printed.code).toBe(0);
    const status = JSON.parse(printed.stdout) as NetworkStatus;
    api = createApiClient({ baseUrl: sandbox.baseUrl, token: sandbox.token });

    fs.writeFileSync(actionFile, ACTION);
    const added = await runCliProcess(['action', 'add', actionFile, '--json', '--data-dir', dataDir]);
    expect(added.code, added.stderr).toBe(0);
    addedCid = (JSON.parse(added.stdout) as { ipfsId: string }).ipfsId;
    fs.writeFileSync(path.join(dataDir, 'actions', `${damagedCid}.js`), ACTION);

    const eoa = ethers.Wallet.createRandom();
    pkp = await api.call('pkpMint', {});
    await api.call('pkpPermissionChange', {
      publicKey: pkp.publicKey,
      change: { kind: 'addAddress', address: eoa.address, scopes: [1] },
    });
    await waitFor(
      'presignatures on every node',
      async () => {
        const s = await api.call('status', {});
        return s.nodes.every((n) => (n.presignaturesFresh ?? 0) >= 2 * CALLS + 4);
      },
      120_000,
    );
    const { code, out } = await runCheck(
      [
        status.litSdk!.nagaNetworkContextPath,
        status.chain.rpcUrl,
        actionFile,
        addedCid,
        pkp.publicKey,
        unknownCid,
        damagedCid,
        String(CALLS),
      ],
      eoa.privateKey,
    );
    const line = /^litbox-result: (.*)$/m.exec(out)?.[1];
    expect(line, out.slice(-4000)).toBeDefined();
    expect(code).toBe(0);
    check = JSON.parse(line!) as ExecuteIpfsCheck;
  }, 600_000);

  afterAll(async () => {
    expect(await sandbox?.stop()).toBe(0);
    fs.rmSync(actionFile, { force: true });
  });

  it('`litbox action add` prints the CID `ipfs add` gives and stores the code under it', () => {
    expect(addedCid).toBe(cidV0(ACTION));
    expect(fs.readFileSync(path.join(dataDir, 'actions', `${addedCid}.js`), 'utf8')).toBe(ACTION);
  });

  it('runs the action by CID alone; its signEcdsa signature recovers to the PKP address', () => {
    expect(check.byIpfsId).toHaveLength(CALLS);
    for (const [i, e] of check.byIpfsId.entries()) {
      expect(e.response).toBe(`signed ipfs #${i}`);
      expect(recovers(e, pkp.ethAddress)).toBe(true);
    }
    for (const [i, e] of check.inline.entries()) {
      expect(e.response).toBe(`signed inline #${i}`);
      expect(recovers(e, pkp.ethAddress)).toBe(true);
    }
    const fmt = (v: Execution[]) => {
      const ms = v.map((e) => e.ms);
      return `p50 ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms (${ms.length} calls)`;
    };
    console.log(
      `executeJs + signEcdsa at N = ${N}, Lit SDK v8: by ipfsId ${fmt(check.byIpfsId)}; inline code ${fmt(check.inline)}; uptime: ${execFileSync('uptime').toString().trim()}`,
    );
  });

  it('refuses a CID no node knows, saying how to add it', () => {
    expect(check.refusals.unknown).toMatchObject({ ran: false, name: 'NodeError' });
    expect(check.refusals.unknown.message).toContain(`action ${unknownCid} is not known to this node`);
    expect(check.refusals.unknown.message).toContain('litbox action add');
    expect(check.refusals.unknown.message).toContain('litbox_unknown_action');
  });

  it('refuses a stored file whose bytes do not hash to its CID', () => {
    expect(check.refusals.damaged).toMatchObject({ ran: false, name: 'NodeError' });
    expect(check.refusals.damaged.message).toContain(`the stored action ${damagedCid} is damaged`);
    expect(check.refusals.damaged.message).toContain('litbox_damaged_action');
  });
});
