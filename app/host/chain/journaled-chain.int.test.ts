import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonRpcProvider, parseEther, toQuantity, Wallet } from 'ethers';
import { findFreePort } from '../ports.ts';
import { ChainJournal } from './chain-journal.ts';
import { JournaledChain } from './journaled-chain.ts';

// A test account, funded on the host's private path when a chain is new (anvil has no dev accounts).
const DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

const dirs: string[] = [];
const chains: JournaledChain[] = [];

afterEach(async () => {
  await Promise.all(chains.splice(0).map((c) => c.stop().catch(() => undefined)));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function chainIn(dir: string, stateIntervalSeconds: number, pruneAfterMs?: number): Promise<JournaledChain> {
  const chain = new JournaledChain({
    ...(pruneAfterMs !== undefined ? { pruneAfterMs } : {}),
    ipcDir: path.join(dir, 'ipc'),
    gatewayPort: await findFreePort(),
    chainId: 31337,
    stateFile: path.join(dir, 'anvil-state.json'),
    stateIntervalSeconds,
    journalFile: path.join(dir, 'journal.sqlite'),
  });
  chains.push(chain);
  const fresh = !fs.existsSync(path.join(dir, 'anvil-state.json'));
  await chain.start();
  if (fresh) await chain.rpc('anvil_setBalance', [new Wallet(DEV_KEY).address, toQuantity(parseEther('1000'))]);
  return chain;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-journal-'));
  dirs.push(dir);
  return dir;
}

describe('the journaled chain', () => {
  it('replays mined transactions and balance changes that a SIGKILLed anvil never saved', async () => {
    const dir = tempDir();
    // A state interval far longer than the test: whatever happens here is never saved by anvil.
    const chain = await chainIn(dir, 3600);
    const provider = new JsonRpcProvider(chain.rpcUrl, 31337, { staticNetwork: true });
    const wallet = new Wallet(DEV_KEY, provider);
    const to = Wallet.createRandom().address;
    const hashes: string[] = [];
    for (let i = 0; i < 3; i++) {
      // Explicit nonces: ethers caches a nonce read for 250 ms, shorter than a mined transaction here.
      const tx = await wallet.sendTransaction({ to, value: parseEther('1'), nonce: i });
      expect((await tx.wait())?.status).toBe(1);
      hashes.push(tx.hash);
    }
    const topUp = Wallet.createRandom().address;
    // A cheat on the host's private path (the faucet's): journaled too.
    await chain.rpc('anvil_setBalance', [topUp, toQuantity(parseEther('42'))]);
    // A refused write is not journaled (it would fail again at every replay); a malformed one
    // (odd-length hex) is refused by anvil and does not disturb the gateway.
    await expect(provider.send('eth_sendRawTransaction', ['0x1234'])).rejects.toThrow();
    await expect(provider.send('eth_sendRawTransaction', ['0x123'])).rejects.toThrow();
    const journal = new ChainJournal(path.join(dir, 'journal.sqlite'));
    expect(journal.count()).toBe(5); // the funding, three transactions and the balance change
    journal.close();

    const anvilPid = chain.pid;
    chain.kill();
    await chain.recovered();
    expect(chain.pid).not.toBe(anvilPid);
    expect(chain.restarts).toBe(1);

    for (const hash of hashes) expect((await provider.getTransactionReceipt(hash))?.status).toBe(1);
    expect(await provider.getBalance(to)).toBe(parseEther('3'));
    expect(await provider.getBalance(topUp)).toBe(parseEther('42'));
    // The nonce continues: a new transaction from the same account is mined.
    const next = await wallet.sendTransaction({ to, value: 1n, nonce: 3 });
    expect((await next.wait())?.status).toBe(1);
    provider.destroy();
  });

  it('replays nothing the saved state already has, and keeps working across restarts', async () => {
    const dir = tempDir();
    const first = await chainIn(dir, 1);
    let provider = new JsonRpcProvider(first.rpcUrl, 31337, { staticNetwork: true });
    const to = Wallet.createRandom().address;
    const sent = await new Wallet(DEV_KEY, provider).sendTransaction({ to, value: 5n });
    await sent.wait();
    provider.destroy();
    await first.stop(); // clean stop: anvil writes its state

    const second = await chainIn(dir, 1);
    provider = new JsonRpcProvider(second.rpcUrl, 31337, { staticNetwork: true });
    expect(await provider.getBalance(to)).toBe(5n); // once, not replayed on top of the saved state
    expect((await provider.getTransactionReceipt(sent.hash))?.status).toBe(1);
    provider.destroy();
  });

  it('keeps a state file the size of the chain, not of the state at every block; old receipts survive a restart', async () => {
    const dir = tempDir();
    const first = await chainIn(dir, 1);
    let provider = new JsonRpcProvider(first.rpcUrl, 31337, { staticNetwork: true });
    const sent = await new Wallet(DEV_KEY, provider).sendTransaction({ to: Wallet.createRandom().address, value: 1n });
    await sent.wait();
    provider.destroy();
    const stateFile = path.join(dir, 'anvil-state.json');
    await expect
      .poll(() => fs.existsSync(stateFile) && fs.statSync(stateFile).size > 0, { timeout: 10_000 })
      .toBe(true);
    const before = fs.statSync(stateFile).size;
    await first.rpc('anvil_mine', [toQuantity(300)]);
    const height = Number(BigInt(await first.rpc<string>('eth_blockNumber')));
    await first.stop(); // clean stop: anvil writes its state
    // With every block's state kept in the file, these 300 empty blocks added about 7 MB.
    expect(fs.statSync(stateFile).size - before).toBeLessThan(1_000_000);

    const second = await chainIn(dir, 1);
    provider = new JsonRpcProvider(second.rpcUrl, 31337, { staticNetwork: true });
    expect(await provider.getBlockNumber()).toBe(height);
    expect((await provider.getTransactionReceipt(sent.hash))?.status).toBe(1);
    expect((await provider.getBlock(1))?.transactions).toContain(sent.hash);
    provider.destroy();
  });

  it('survives a state file anvil was killed while rewriting: the last good copy plus the journal', async () => {
    const dir = tempDir();
    // Prune (and keep a good copy of the state) every 300 ms instead of every 30 s.
    const first = await chainIn(dir, 1, 300);
    let provider = new JsonRpcProvider(first.rpcUrl, 31337, { staticNetwork: true });
    const wallet = new Wallet(DEV_KEY, provider);
    const to = Wallet.createRandom().address;
    const early = await wallet.sendTransaction({ to, value: 1n, nonce: 0 });
    await early.wait();
    const stateFile = path.join(dir, 'anvil-state.json');
    await expect.poll(() => fs.existsSync(`${stateFile}.backup`), { timeout: 10_000 }).toBe(true);
    const late = await wallet.sendTransaction({ to, value: 2n, nonce: 1 });
    await late.wait();
    provider.destroy();
    await first.stop();
    // What a SIGKILL in the middle of anvil's save leaves behind.
    fs.writeFileSync(stateFile, '');

    const second = await chainIn(dir, 1, 300);
    provider = new JsonRpcProvider(second.rpcUrl, 31337, { staticNetwork: true });
    expect((await provider.getTransactionReceipt(early.hash))?.status).toBe(1);
    expect((await provider.getTransactionReceipt(late.hash))?.status).toBe(1);
    expect(await provider.getBalance(to)).toBe(3n);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('anvil-state.json.damaged-'))).toBe(true);
    provider.destroy();
  });

  it('rebuilds from a journal that reaches genesis when the damaged state file has no good copy yet', async () => {
    const dir = tempDir();
    const first = await chainIn(dir, 1);
    let provider = new JsonRpcProvider(first.rpcUrl, 31337, { staticNetwork: true });
    const to = Wallet.createRandom().address;
    const sent = await new Wallet(DEV_KEY, provider).sendTransaction({ to, value: 7n, nonce: 0 });
    await sent.wait();
    provider.destroy();
    await first.stop();
    fs.writeFileSync(path.join(dir, 'anvil-state.json'), '{"block":'); // cut short mid-save

    const second = await chainIn(dir, 1);
    provider = new JsonRpcProvider(second.rpcUrl, 31337, { staticNetwork: true });
    expect((await provider.getTransactionReceipt(sent.hash))?.status).toBe(1);
    expect(await provider.getBalance(to)).toBe(7n);
    provider.destroy();
  });

  it.runIf(process.platform === 'linux')(
    'without a private network namespace (macOS, Windows): anvil on a random loopback port, no CORS, no accounts, text/plain refused',
    async () => {
      process.env.LITBOX_CHAIN_ISOLATION = 'loopback-port';
      let chain: JournaledChain;
      try {
        chain = await chainIn(tempDir(), 1);
      } finally {
        delete process.env.LITBOX_CHAIN_ISOLATION;
      }
      expect(chain.isolation).toBe('loopback-port');
      // Find anvil's port from its own sockets (Linux /proc), as a local attacker would by scanning.
      const inodes = fs
        .readdirSync(`/proc/${chain.pid}/fd`)
        .map((fd) => /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${chain.pid}/fd/${fd}`))?.[1])
        .filter(Boolean);
      const port = fs
        .readFileSync('/proc/self/net/tcp', 'utf8')
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((cols) => cols[3] === '0A' && inodes.includes(cols[9]))
        .map((cols) => parseInt(cols[1]!.split(':')[1]!, 16))[0];
      expect(port).toBeDefined();
      const ask = (contentType: string, method: string) =>
        fetch(`http://127.0.0.1:${port}`, {
          method: 'POST',
          headers: { 'content-type': contentType, origin: 'http://evil.example' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
        });
      const accounts = await ask('application/json', 'eth_accounts');
      expect(accounts.headers.get('access-control-allow-origin')).toBeNull();
      expect(await accounts.json()).toMatchObject({ result: [] });
      // What a web page can send without a preflight: refused by anvil.
      expect(await (await ask('text/plain', 'evm_mine')).json()).toMatchObject({ error: { code: -32600 } });
      // The gateway works the same in front of it.
      const provider = new JsonRpcProvider(chain.rpcUrl, 31337, { staticNetwork: true });
      expect(await provider.getBalance(new Wallet(DEV_KEY).address)).toBe(parseEther('1000'));
      provider.destroy();
    },
  );
});
