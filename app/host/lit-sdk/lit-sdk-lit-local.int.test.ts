import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ethers } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../shared/api/client.ts';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { NAGA_LOCAL_ADDRESSES, NAGA_LOCAL_RPC_PORT } from '../chain/naga-local.ts';
import { isPortFree } from '../ports.ts';
import { waitFor } from '../../../testing/sandbox/network-probe.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../../../testing/sandbox/spawn-cli.ts';
import { LIT_SDK_WORKSPACE, litSdkInstalled, runWorkspaceScript } from '../../../testing/lit-sdk-workspace.ts';

// `litbox up --lit-local`: the chain at 127.0.0.1:8545 and the contracts at the addresses Lit's
// nagaLocal knows by default. Lit's own v8 SDK, unchanged, connects with its own built-in
// naga-local addresses and ABIs and no RPC URL, signs with a PKP (ethers recovers the PKP's
// address) and decrypts what it encrypted; and the same with Litbox's context file and no RPC
// URL. Plain `createLitClient({ network: nagaLocal })` throws inside the SDK 8.4.1 before any
// request (its built-in signatures lack one method its contracts manager reads): the test
// records that, and notices when a fixed SDK connects. nagaLocal looks for the chain at
// the fixed 127.0.0.1:8545, so this test takes that port: when another program holds it the
// test is skipped and says so (nothing else in the suite uses 8545; run it alone if it skips).
const installed = litSdkInstalled('the Lit SDK --lit-local tests');
const portFree = await isPortFree(NAGA_LOCAL_RPC_PORT);
if (installed && !portFree)
  console.warn(`skipping the --lit-local tests: 127.0.0.1:${NAGA_LOCAL_RPC_PORT} is held by another program`);

interface SdkRun {
  connectMs: number;
  address: string;
  bootstrapUrls: string[];
  message: string;
  signature: string;
  recoveryId: number;
  signedData: string;
  decrypted: string;
}
interface LitLocalCheck {
  plain: { connected: boolean; name?: string; message?: string };
  builtIn: SdkRun;
  contextFile: SdkRun;
}

function runCheck(args: string[], eoaKey: string): Promise<{ code: number | null; out: string }> {
  return runWorkspaceScript(LIT_SDK_WORKSPACE, ['lit-local-check.mjs', ...args], 180_000, { LITBOX_EOA_KEY: eoaKey });
}

describe.skipIf(!installed || !portFree)(
  'Lit SDK v8 with nagaLocal and no context file (litbox up --lit-local)',
  () => {
    let sandbox: RunningSandbox | undefined;
    let status: NetworkStatus;
    let check: LitLocalCheck;
    let pkp: { publicKey: string; ethAddress: string };
    let portTaken: { code: number | null; stderr: string };
    const dataDir = tempDataDir('litbox-lit-sdk-lit-local-');
    const blockedDir = tempDataDir('litbox-lit-sdk-lit-local-blocked-');

    beforeAll(async () => {
      // Another program on 8545 first: a clear refusal, not a chain on some other port.
      const holder = net.createServer();
      await new Promise<void>((resolve) => holder.listen(NAGA_LOCAL_RPC_PORT, '127.0.0.1', resolve));
      try {
        portTaken = await runCliProcess(['up', '--lit-local', '--port', '0', '--data-dir', blockedDir], 120_000);
      } finally {
        await new Promise<void>((resolve) => holder.close(() => resolve()));
      }

      sandbox = await startSandbox(['--lit-local', '--nodes', '3', '--port', '0', '--data-dir', dataDir], 180_000);
      const printed = await runCliProcess(['status', '--json', '--data-dir', dataDir]);
      expect(printed.code).toBe(0);
      status = JSON.parse(printed.stdout) as NetworkStatus;
      const api = createApiClient({ baseUrl: sandbox.baseUrl, token: sandbox.token });
      const eoa = ethers.Wallet.createRandom();
      pkp = await api.call('pkpMint', {});
      await api.call('pkpPermissionChange', {
        publicKey: pkp.publicKey,
        change: { kind: 'addAddress', address: eoa.address, scopes: [1] },
      });
      await waitFor(
        'presignatures on every node',
        async () => (await api.call('status', {})).nodes.every((n) => (n.presignaturesFresh ?? 0) >= 2),
        120_000,
      );
      const { code, out } = await runCheck([pkp.publicKey, status.litSdk!.nagaNetworkContextPath], eoa.privateKey);
      const line = /^litbox-result: (.*)$/m.exec(out)?.[1];
      expect(line, out.slice(-4000)).toBeDefined();
      expect(code).toBe(0);
      check = JSON.parse(line!) as LitLocalCheck;
      expect(check.builtIn.address).toBe(eoa.address);
    }, 600_000);

    afterAll(async () => {
      expect(await sandbox?.stop()).toBe(0);
      fs.rmSync(blockedDir, { recursive: true, force: true });
    });

    it('refuses to start when 127.0.0.1:8545 is taken, saying so', () => {
      expect(portTaken.code).not.toBe(0);
      expect(portTaken.stderr).toContain('--lit-local needs 127.0.0.1:8545');
    });

    it('runs the chain at 127.0.0.1:8545 and the contracts at nagaLocal’s addresses, three nodes as asked', () => {
      expect(status.chain.rpcUrl).toBe('http://127.0.0.1:8545');
      expect(status.chain.chainId).toBe(31337);
      expect(status.nodes).toHaveLength(3);
      const network = JSON.parse(fs.readFileSync(path.join(dataDir, 'network.json'), 'utf8')) as {
        litLocal?: boolean;
        contracts: Record<string, string>;
      };
      expect(network.litLocal).toBe(true);
      for (const [name, address] of Object.entries(NAGA_LOCAL_ADDRESSES))
        expect(network.contracts[name]?.toLowerCase(), name).toBe(address.toLowerCase());
      // The SDK found every node through Staking at nagaLocal's built-in address.
      expect(check.builtIn.bootstrapUrls.sort()).toEqual(status.nodes.map((n) => n.url).sort());
    });

    for (const way of ['builtIn', 'contextFile'] as const) {
      it(`signs with the PKP and decrypts (${way === 'builtIn' ? 'the SDK’s built-in naga-local addresses and ABIs' : 'Litbox’s context file'}, no RPC URL)`, () => {
        const run = check[way];
        const digest = ethers.keccak256(`0x${run.message}`);
        expect(run.signedData.replace(/^0x/, '')).toBe(digest.slice(2));
        const sig = run.signature.replace(/^0x/, '');
        const recovered = ethers.recoverAddress(digest, {
          r: `0x${sig.slice(0, 64)}`,
          s: `0x${sig.slice(64, 128)}`,
          v: 27 + run.recoveryId,
        });
        expect(recovered).toBe(pkp.ethAddress);
        expect(run.decrypted).toBe(`zero config ${way === 'builtIn' ? 'built-in' : 'context-file'}`);
      });
    }

    it('records that plain nagaLocal fails inside SDK 8.4.1 itself (update docs/LIT-SDK.md when this changes)', () => {
      // If a newer SDK connects here, Lit fixed its built-in signatures: plain nagaLocal then
      // works against --lit-local, and this test and the docs should say so.
      expect(check.plain.connected).toBe(false);
      expect(check.plain.message).toContain("Cannot read properties of undefined (reading 'type')");
    });
  },
);
