import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { LIT_NODE_ROUTES } from '../../shared/lit-sdk/node-routes.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../../../testing/sandbox/spawn-cli.ts';
import { LIT_SDK_WORKSPACE, litSdkInstalled, NODE_24 } from '../../../testing/lit-sdk-workspace.ts';

// Lit's own v8 SDK, unchanged, connects to a Litbox sandbox: it reads Staking and PriceFeed
// through the chain door, handshakes with every node and encrypts to the network key they
// agree on. The SDK lives in its own workspace (compat/lit-sdk, about 1 GB: never in the app's
// dependencies); .ci/run installs it, a developer runs `npm run compat:lit-sdk:install`.
const workspace = LIT_SDK_WORKSPACE;
const installed = litSdkInstalled('the Lit SDK tests');
const NODE = NODE_24;

interface ConnectResult {
  connectMs: number;
  networkName: string;
  bootstrapUrls: string[];
  minNodeCount: number;
  epoch: number;
  priceFeedNodes: string[];
  connectedNodes: string[];
  threshold: number;
  subnetPubKey: string;
  serverKeys: Record<string, { nodeIdentityKey: string; epoch: number }>;
  latestBlockhash: string;
  ciphertextBytes: number;
  dataToEncryptHash: string;
}

function runConnectCheck(contextPath: string, rpcUrl: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['connect-check.mjs', contextPath, rpcUrl], { cwd: workspace });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`connect-check did not finish in 90 s\n${out}`));
    }, 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe.skipIf(!installed)("Lit's v8 SDK against a Litbox sandbox", () => {
  let sandbox: RunningSandbox;
  let status: NetworkStatus;
  const dataDir = tempDataDir('litbox-lit-sdk-');

  beforeAll(async () => {
    sandbox = await startSandbox(['--nodes', '3', '--port', '0', '--data-dir', dataDir], 180_000);
    const printed = await runCliProcess(['status', '--json', '--data-dir', dataDir]);
    expect(printed.code).toBe(0);
    status = JSON.parse(printed.stdout) as NetworkStatus;
  }, 240_000);

  afterAll(async () => {
    expect(await sandbox?.stop()).toBe(0);
  });

  it('names its context files in status and up, with every contract the SDK insists on', () => {
    const litSdk = status.litSdk!;
    expect(litSdk).toMatchObject({ nagaNetworkName: 'naga-local' });
    expect(path.dirname(litSdk.nagaNetworkContextPath)).toBe(path.join(dataDir, 'lit-sdk'));
    expect(sandbox.stdout()).toContain(litSdk.nagaNetworkContextPath);
    const naga = JSON.parse(fs.readFileSync(litSdk.nagaNetworkContextPath, 'utf8')) as Record<
      string,
      { address: string; abi: { type: string; name?: string; inputs?: unknown[] }[] }
    >;
    expect(Object.keys(naga).sort()).toEqual(
      [
        'Ledger',
        'PKPHelper',
        'PKPNFT',
        'PKPPermissions',
        'PaymentDelegation',
        'PriceFeed',
        'PubkeyRouter',
        'Staking',
      ].sort(),
    );
    expect(naga.Staking!.address).toBe(status.contracts!.Staking);
    const views = (abi: (typeof naga)['Staking']['abi']) =>
      abi.filter((i) => i.name === 'getActiveUnkickedValidatorStructsAndCounts').map((i) => i.inputs?.length);
    // One overload per file: the SDKs' readers trip over a name they find twice.
    expect(views(naga.Staking!.abi)).toEqual([1]);
    const datil = JSON.parse(fs.readFileSync(litSdk.datilContractContextPath, 'utf8')) as {
      Staking: { address: string; abi: (typeof naga)['Staking']['abi'] };
    };
    expect(datil.Staking.address).toBe(status.contracts!.Staking);
    expect(views(datil.Staking.abi)).toEqual([0]);
  });

  it('connects with createLitClient(nagaLocal.withLocalContext(...)) through the chain door, and encrypts', async () => {
    const { code, out } = await runConnectCheck(status.litSdk!.nagaNetworkContextPath, status.chain.rpcUrl);
    const line = /^litbox-result: (.*)$/m.exec(out)?.[1];
    expect(line, out.slice(-4000)).toBeDefined();
    expect(code).toBe(0);
    const result = JSON.parse(line!) as ConnectResult;
    console.log(
      `Lit SDK v8: createLitClient connected to ${result.connectedNodes.length} nodes in ${result.connectMs} ms`,
    );
    const nodeUrls = status.nodes.map((n) => n.url).sort();
    // Staking's view gave every node's ip and port; PriceFeed the same nodes at price 0.
    expect([...result.bootstrapUrls].sort()).toEqual(nodeUrls);
    expect([...result.priceFeedNodes].sort()).toEqual(nodeUrls);
    expect([...result.connectedNodes].sort()).toEqual(nodeUrls);
    expect(result.minNodeCount).toBe(status.threshold);
    expect(result.epoch).toBe(1);
    expect(result.threshold).toBe(3);
    expect(result.networkName).toBe('custom'); // what nagaLocal calls itself
    // The network key the nodes made by DKG is the one the SDK encrypts to.
    expect(result.subnetPubKey).toBe(status.networkPublicKey!.replace(/^0x/, ''));
    for (const url of nodeUrls) expect(result.serverKeys[url]).toMatchObject({ epoch: 1 });
    const identityKeys = new Set(Object.values(result.serverKeys).map((k) => k.nodeIdentityKey));
    expect(identityKeys.size).toBe(3);
    // The offline helper answered the SDK's nonce request from the sandbox chain.
    expect(result.latestBlockhash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(result.ciphertextBytes).toBeGreaterThan(0);
    expect(result.dataToEncryptHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves the handshake to pages on localhost only (CORS), in Lit’s envelope', async () => {
    const node = status.nodes[0]!.url;
    const handshake = `${node}${LIT_NODE_ROUTES.handshake.path}`;
    const body = JSON.stringify({ clientPublicKey: 'test', challenge: 'ab'.repeat(32), epoch: 1 });
    const headers = { 'content-type': 'application/json', 'x-request-id': 'litbox-test' };

    const preflight = await fetch(handshake, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-lit-sdk-version,x-lit-sdk-type,x-request-id',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-request-id');

    const fromLocalPage = await fetch(handshake, {
      method: 'POST',
      headers: { ...headers, origin: 'http://127.0.0.1:3000' },
      body,
    });
    expect(fromLocalPage.status).toBe(200);
    expect(fromLocalPage.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3000');
    const answer = (await fromLocalPage.json()) as { ok: boolean; data: { subnetPublicKey: string } };
    expect(answer.ok).toBe(true);
    expect(answer.data.subnetPublicKey).toBe(status.networkPublicKey!.replace(/^0x/, ''));

    for (const origin of ['https://evil.example', 'http://localhost.evil.example', 'null']) {
      const refused = await fetch(handshake, { method: 'POST', headers: { ...headers, origin }, body });
      expect(refused.status, origin).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    }
    // Litbox's own routes stay closed to every page, localhost too.
    const own = await fetch(`${node}/health`, { headers: { origin: 'http://localhost:5173' } });
    expect(own.status).toBe(403);

    const bad = await fetch(handshake, { method: 'POST', headers, body: JSON.stringify({ challenge: 'not hex' }) });
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as {
      ok: boolean;
      error: string;
      errorObject: { details: string[]; status: number };
    };
    expect(error.ok).toBe(false);
    expect(error.error).toMatch(/challenge/);
    expect(error.errorObject).toMatchObject({ status: 400, details: ['bad_request'] });
  });
});
