import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { HandshakeData, LIT_NODE_ROUTES, litResult } from '../../shared/lit-sdk/node-routes.ts';
import { HandshakeV1Data } from '../../shared/lit-sdk/node-routes-v1.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../../../testing/sandbox/spawn-cli.ts';
import { litSdkV7Installed, runV7Script } from '../../../testing/lit-sdk-v7-workspace.ts';

// Lit's own v7 ("Datil") SDK, unchanged, connects to a Litbox sandbox: `litNetwork: 'custom'`
// with the contract context Litbox writes, reads Staking's Datil-shaped validator view through
// the chain door, handshakes with every node and encrypts to the network key they agree on. The
// SDK lives in its own workspace (compat/lit-sdk-v7, about 160 MB: never in the app's
// dependencies); .ci/run installs it, a developer runs `npm run compat:lit-sdk-v7:install`.
const installed = litSdkV7Installed('the Lit SDK v7 connect test');

interface ConnectResult {
  connectMs: number;
  ready: boolean;
  bootstrapUrls: string[];
  minNodeCount: number;
  epoch: number;
  connectedNodes: string[];
  subnetPubKey: string;
  networkPubKey: string;
  latestBlockhash: string;
  ciphertextBytes: number;
  dataToEncryptHash: string;
}

describe.skipIf(!installed)("Lit's v7 SDK connects to a Litbox sandbox", () => {
  let sandbox: RunningSandbox;
  let status: NetworkStatus;
  const dataDir = tempDataDir('litbox-lit-sdk-v7-');

  beforeAll(async () => {
    sandbox = await startSandbox(['--nodes', '3', '--port', '0', '--data-dir', dataDir], 180_000);
    const printed = await runCliProcess(['status', '--json', '--data-dir', dataDir]);
    expect(printed.code).toBe(0);
    status = JSON.parse(printed.stdout) as NetworkStatus;
  }, 240_000);

  afterAll(async () => {
    expect(await sandbox?.stop()).toBe(0);
  });

  it("connects with new LitNodeClient({litNetwork: 'custom', contractContext}) and encrypts", async () => {
    const contextPath = status.litSdk!.datilContractContextPath;
    expect(sandbox.stdout()).toContain(contextPath);
    const { code, out } = await runV7Script(['connect-check.mjs', contextPath, status.chain.rpcUrl], 90_000);
    const line = /^litbox-result: (.*)$/m.exec(out)?.[1];
    expect(line, out.slice(-4000)).toBeDefined();
    expect(code).toBe(0);
    const result = JSON.parse(line!) as ConnectResult;
    console.log(
      `Lit SDK v7: connect() reached ${result.connectedNodes.length} nodes in ${result.connectMs} ms; ` +
        `uptime: ${execFileSync('uptime').toString().trim()}`,
    );
    expect(result.ready).toBe(true);
    const nodeUrls = status.nodes.map((n) => n.url).sort();
    // Staking's Datil view gave every node's ip and port; the SDK handshook with each.
    expect([...result.bootstrapUrls].sort()).toEqual(nodeUrls);
    expect([...result.connectedNodes].sort()).toEqual(nodeUrls);
    expect(result.minNodeCount).toBe(status.threshold);
    expect(result.epoch).toBe(1);
    // The network key the nodes made by DKG is the one the SDK encrypts to.
    const networkKey = status.networkPublicKey!.replace(/^0x/, '');
    expect(result.subnetPubKey).toBe(networkKey);
    expect(result.networkPubKey).toBe(networkKey);
    expect(result.latestBlockhash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(result.ciphertextBytes).toBeGreaterThan(0);
    expect(result.dataToEncryptHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers one handshake that both SDK versions read: v7 its fields at the top, v8 inside data', async () => {
    const res = await fetch(`${status.nodes[0]!.url}${LIT_NODE_ROUTES.handshake.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'lit_test' },
      // What v7 sends: no epoch of its own beyond the client's current one.
      body: JSON.stringify({ clientPublicKey: 'test', challenge: 'cd'.repeat(32), epoch: 0 }),
    });
    expect(res.status).toBe(200);
    const body: unknown = await res.json();
    const v7 = HandshakeV1Data.parse(body);
    const v8 = litResult(HandshakeData).parse(body);
    expect(v8.ok).toBe(true);
    expect(v7.subnetPublicKey).toBe(v8.data!.subnetPublicKey);
    expect(v7.latestBlockhash).toBe(v8.data!.latestBlockhash);
    expect(v7.subnetPublicKey).toBe(status.networkPublicKey!.replace(/^0x/, ''));
  });

  it('writes a contract context with the Datil view alone and the StateChanged event', () => {
    const context = JSON.parse(fs.readFileSync(status.litSdk!.datilContractContextPath, 'utf8')) as {
      Staking: { address: string; abi: { type: string; name?: string; inputs?: unknown[] }[] };
    };
    expect(Object.keys(context)).toEqual(['Staking']);
    expect(context.Staking.address).toBe(status.contracts!.Staking);
    const views = context.Staking.abi.filter((i) => i.name === 'getActiveUnkickedValidatorStructsAndCounts');
    // ethers v5 hides a name it finds twice: the Naga overload must not be there.
    expect(views.map((v) => v.inputs?.length)).toEqual([0]);
    expect(context.Staking.abi.some((i) => i.type === 'event' && i.name === 'StateChanged')).toBe(true);
  });
});
