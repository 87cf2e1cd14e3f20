import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Wallet, ZeroAddress } from 'ethers';
import { AnvilProcess } from '../../host/chain/anvil-process.ts';
import { NodeChain } from './node-chain.ts';

// The node's view of the block number (it ends the permission cache's "yes" answers) against
// a real anvil: pushed over the IPC socket, polled once the push is gone.

const anvils: AnvilProcess[] = [];
const chains: NodeChain[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const chain of chains.splice(0)) chain.close();
  await Promise.all(anvils.splice(0).map((a) => a.stop()));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** An anvil on `ipcPath` (a new one in a fresh folder by default). */
async function startAnvil(ipcPath?: string): Promise<AnvilProcess> {
  if (!ipcPath) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-node-chain-'));
    dirs.push(dir);
    ipcPath = path.join(dir, 'anvil.ipc');
  }
  const anvil = new AnvilProcess({ chainId: 31337, ipcPath });
  anvils.push(anvil);
  await anvil.start();
  return anvil;
}

/** A node's chain that reads over `anvil`'s IPC socket; it sends no transaction here. */
function chainOver(anvil: AnvilProcess): NodeChain {
  const addresses = {
    PKPNFT: ZeroAddress,
    PKPPermissions: ZeroAddress,
    PKPHelper: ZeroAddress,
    PubkeyRouter: ZeroAddress,
    Staking: ZeroAddress,
  };
  const chain = new NodeChain(
    'http://127.0.0.1:9',
    31337,
    addresses,
    () => new Wallet(Wallet.createRandom().privateKey),
    anvil.ipcPath,
  );
  chains.push(chain);
  return chain;
}

async function until(what: string, probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the node chain block watch', () => {
  it('sees each block as anvil mines it, pushed over IPC: no poll is needed', async () => {
    const anvil = await startAnvil();
    const chain = chainOver(anvil);
    await chain.startBlockWatch(600_000); // a poll would come only after ten minutes
    expect(chain.latestBlock).toBe(0);
    await anvil.rpc('evm_mine');
    await until('block 1', () => chain.latestBlock === 1);
    await anvil.rpc('evm_mine');
    await until('block 2', () => chain.latestBlock === 2);
  });

  it('polls once the push is lost (anvil restarted), and reads the new chain', async () => {
    const anvil = await startAnvil();
    const chain = chainOver(anvil);
    await chain.startBlockWatch(50);
    await anvil.rpc('evm_mine');
    await anvil.rpc('evm_mine');
    await until('block 2', () => chain.latestBlock === 2);
    // Another anvil on the same socket; without a state file it starts again at block 0.
    await anvil.stop();
    const again = await startAnvil(anvil.ipcPath);
    await until('block 0 of the new chain', () => chain.latestBlock === 0);
    await again.rpc('evm_mine');
    await until('block 1 of the new chain', () => chain.latestBlock === 1);
  });
});
