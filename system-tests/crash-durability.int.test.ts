import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ethers, hexlify, randomBytes } from 'ethers';
import { createApiClient, type ApiClient } from '../app/shared/api/client.ts';
import { connectContracts, localChainProvider } from '../app/shared/contracts/index.ts';
import { NetworkStatus } from '../app/shared/api/contract.ts';
import { startHost, type RunningHost } from '../app/host/host.ts';
import { machineBootId } from '../app/nodes/presign/boot-record.ts';
import { auditPresignatureBindings } from '../testing/sandbox/presignature-audit.ts';
import { waitFor, waitForPools } from '../testing/sandbox/network-probe.ts';
import { startSandbox, tempDataDir, type RunningSandbox } from '../testing/sandbox/spawn-cli.ts';
import { processesUnder } from '../testing/process-tree.ts';

// Crashes at the worst moments, then the promises checked: whatever the wallet reported done
// is on the chain after recovery, every reported PKP signs, and no presignature was ever bound
// to two messages on any node.
const N = 4;
const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function signs(api: ApiClient, pkp: { publicKey: string; ethAddress: string }): Promise<boolean> {
  const toSign = hexlify(randomBytes(32));
  const sig = await api.call('pkpSign', { publicKey: pkp.publicKey, toSign });
  return ethers.recoverAddress(toSign, sig.signature) === pkp.ethAddress;
}

/** Every activity entry that reported a transaction done has that transaction on the chain. */
async function activityMatchesChain(api: ApiClient, rpcUrl: string): Promise<number> {
  const provider = localChainProvider(rpcUrl, 31337);
  try {
    const { entries } = await api.call('activity', {});
    const done = entries.filter((e) => e.result === 'ok' && e.transactionHash);
    for (const entry of done)
      expect((await provider.getTransactionReceipt(entry.transactionHash!))?.status, entry.detail).toBe(1);
    return done.length;
  } finally {
    provider.destroy();
  }
}

/** Whether a process still runs (a zombie waiting to be reaped has ended). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('crash durability', () => {
  let host: RunningHost;
  let dataDir: string;

  it('anvil SIGKILLed right after mint, permission change, send and faucet: all of it is still on chain, and signs', async () => {
    dataDir = tempDataDir('litbox-crash-');
    host = await startHost({ dataDir, nodeCount: N, port: 0, pools: { keys: 4, presignatures: 40 } });
    cleanups.push(() => host.stop());
    await waitForPools(host, 3, 20, 150_000);
    const api = createApiClient({ baseUrl: host.url, token: host.token });

    const pkp = await api.call('pkpMint', {});
    const friend = ethers.Wallet.createRandom().address;
    await api.call('pkpPermissionChange', {
      publicKey: pkp.publicKey,
      change: { kind: 'addAddress', address: friend, scopes: [1] },
    });
    await api.call('faucet', { address: pkp.ethAddress, amountEth: '3' });
    const to = ethers.Wallet.createRandom().address;
    const sent = await api.call('pkpSend', { publicKey: pkp.publicKey, to, valueEth: '1' });
    // Within anvil's one-second state interval: without the journal this would be lost.
    host.supervisor.chain!.kill();
    await host.supervisor.chain!.recovered();

    const provider = localChainProvider(host.supervisor.chain!.rpcUrl, 31337);
    cleanups.push(async () => provider.destroy());
    const { PKPNFT, PKPPermissions } = connectContracts(host.supervisor.contracts!, provider);
    expect(await PKPNFT.ownerOf(pkp.tokenId)).toBe(host.wallet.account.address);
    expect(await PKPPermissions.isPermittedAddress(pkp.tokenId, friend)).toBe(true);
    expect((await provider.getTransactionReceipt(sent.transactionHash))?.status).toBe(1);
    expect(await provider.getBalance(to)).toBe(ethers.parseEther('1'));
    await waitFor('signing after the chain restart', () => signs(api, pkp).catch(() => undefined), 30_000);
    expect(await activityMatchesChain(api, host.supervisor.chain!.rpcUrl)).toBeGreaterThanOrEqual(3);
  });

  it('a node SIGKILLed while pools fill and while signing: pools refill, every signature verifies, no double binding', async () => {
    const api = createApiClient({ baseUrl: host.url, token: host.token });
    const pkp = await api.call('pkpMint', {});
    // Minting took a key from the pool: the nodes are running a DKG to refill it now.
    process.kill(host.supervisor.node(2).pid!, 'SIGKILL');
    // N - T = 1 node down: signing goes on.
    const whileOneDown = [];
    for (let i = 0; i < 6; i++) whileOneDown.push(await signs(api, pkp).catch(() => undefined));
    expect(whileOneDown.filter((ok) => ok === true).length).toBeGreaterThanOrEqual(5);
    // Another node dies in the middle of concurrent signing.
    const midway = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        if (i === 4) process.kill(host.supervisor.node(4).pid!, 'SIGKILL');
        return signs(api, pkp).catch(() => undefined);
      }),
    );
    expect([...whileOneDown, ...midway].filter((ok) => ok === false)).toEqual([]); // what comes back is right
    await waitFor('nodes back', () => host.supervisor.status().nodes.every((n) => n.up), 30_000);
    await waitForPools(host, 3, 10, 120_000);
    expect(await signs(api, pkp)).toBe(true);
    const audit = await auditPresignatureBindings(dataDir, N);
    expect(audit.doubleBound).toEqual([]);
    expect(audit.bindings).toBeGreaterThan(10);
    await host.stop();
    // Each node, the two killed ones too, recorded the boot it ran in and, at the host's stop, a
    // clean stop: a start after the machine reboots keeps its presignatures (BootRecord).
    for (let i = 1; i <= N; i++) {
      const file = new Database(path.join(dataDir, 'nodes', `node-${i}`, 'node.sqlite'), { readonly: true });
      try {
        expect(file.prepare('SELECT boot_id, stopped_cleanly FROM machine_boot').all(), `node ${i}`).toEqual([
          { boot_id: machineBootId(), stopped_cleanly: 1 },
        ]);
      } finally {
        file.close();
      }
    }
  });

  it('the host and anvil SIGKILLed together mid-mint: every PKP reported minted exists and signs after restart', async () => {
    let sandbox: RunningSandbox = await startSandbox(['--nodes', String(N), '--port', '0', '--data-dir', dataDir]);
    cleanups.push(() => sandbox.stop());
    let api = createApiClient({ baseUrl: sandbox.baseUrl, token: sandbox.token });
    const reported: { publicKey: string; ethAddress: string; tokenId: string }[] = [];
    const inFlight = (async () => {
      for (;;) reported.push(await api.call('pkpMint', {}));
    })().catch(() => undefined); // ends when the host dies
    await waitFor('two mints', () => reported.length >= 2, 60_000);
    const anvilPid = Number(fs.readFileSync(path.join(dataDir, 'chain', 'anvil.pid'), 'utf8'));
    // Power-loss style: the host and its chain die at once; nothing gets to save anything.
    sandbox.child.kill('SIGKILL');
    process.kill(anvilPid, 'SIGKILL');
    await inFlight;

    sandbox = await startSandbox(['--port', '0', '--data-dir', dataDir]);
    api = createApiClient({ baseUrl: sandbox.baseUrl, token: sandbox.token });
    const status = NetworkStatus.parse(await api.call('status', {}));
    const { PKPNFT } = connectContracts(status.contracts!, localChainProvider(status.chain.rpcUrl, 31337));
    for (const pkp of reported) {
      expect(await PKPNFT.ownerOf(pkp.tokenId)).toBe((await api.call('wallet', {})).address);
      await waitFor(`PKP ${pkp.ethAddress} signs`, () => signs(api, pkp).catch(() => undefined), 60_000);
    }
    // The wallet's own index and log agree with the chain.
    const listed = (await api.call('pkpList', {})).pkps.map((p) => p.tokenId);
    for (const pkp of reported) expect(listed).toContain(pkp.tokenId);
    expect(await activityMatchesChain(api, status.chain.rpcUrl)).toBeGreaterThanOrEqual(reported.length);
    expect(await sandbox.stop()).toBe(0);
  });

  it('the host SIGKILLed alone leaves no anvil, node or runner process behind', async () => {
    const dir = tempDataDir();
    const sandbox = await startSandbox(['--nodes', '3', '--port', '0', '--data-dir', dir]);
    cleanups.push(() => sandbox.stop());
    const anvilPid = Number(fs.readFileSync(path.join(dir, 'chain', 'anvil.pid'), 'utf8'));
    const under = processesUnder(sandbox.child.pid!);
    expect(under.map((p) => p.pid)).toContain(anvilPid);
    expect(under.filter((p) => p.command.includes('nodes/main')).length).toBe(3);
    // A crash of the host itself: nobody gets to stop anything.
    sandbox.child.kill('SIGKILL');
    await waitFor('every process the host started to end', () => under.every((p) => !running(p.pid)), 20_000).catch(
      () => {
        throw new Error(
          `still running: ${under
            .filter((p) => running(p.pid))
            .map((p) => p.command)
            .join('; ')}`,
        );
      },
    );
  });
});
