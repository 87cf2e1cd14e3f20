import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethers, Transaction } from 'ethers';
import { createApiClient, type ApiClient } from '../app/shared/api/client.ts';
import { startHost, type RunningHost } from '../app/host/host.ts';
import { waitForPools } from '../testing/sandbox/network-probe.ts';
import { runCliProcess, tempDataDir } from '../testing/sandbox/spawn-cli.ts';

let host: RunningHost;
let api: ApiClient;

beforeAll(async () => {
  host = await startHost({
    dataDir: tempDataDir('litbox-pkp-wallet-'),
    nodeCount: 4,
    port: 0,
    pools: { keys: 8, presignatures: 60 },
  });
  api = createApiClient({ baseUrl: host.url, token: host.token });
  await waitForPools(host, 8, 30);
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

describe('a PKP as an Ethereum account', () => {
  it('sends ETH (EIP-1559) that anvil mines, after the faucet funds it; refuses bad input before signing', async () => {
    const pkp = await api.call('pkpMint', {});
    await expect(
      api.call('pkpSend', { publicKey: pkp.publicKey, to: ethers.Wallet.createRandom().address, valueEth: '1' }),
    ).rejects.toThrow(/holds 0.0 ETH.*faucet/);
    await api.call('faucet', { address: pkp.ethAddress, amountEth: '2' });
    const to = ethers.Wallet.createRandom().address;
    const sent = await api.call('pkpSend', { publicKey: pkp.publicKey, to, valueEth: '0.5' });
    const tx = await host.wallet.provider.getTransaction(sent.transactionHash);
    expect(tx?.from).toBe(pkp.ethAddress);
    expect(tx?.type).toBe(2);
    expect(await host.wallet.provider.getBalance(to)).toBe(ethers.parseEther('0.5'));
    await expect(api.call('pkpSend', { publicKey: pkp.publicKey, to: '0x1234', valueEth: '1' })).rejects.toThrow(
      /to: must be an Ethereum address/,
    );
    await expect(api.call('pkpSend', { publicKey: pkp.publicKey, to, valueEth: '100' })).rejects.toThrow(
      /cannot send 100 ETH/,
    );
  });

  it('signs EIP-191 messages and EIP-712 typed data that ethers verifies', async () => {
    const pkp = await api.call('pkpMint', {});
    const message = await api.call('pkpSignMessage', { publicKey: pkp.publicKey, message: 'hello from a PKP' });
    expect(ethers.verifyMessage('hello from a PKP', message.signature)).toBe(pkp.ethAddress);

    const typedData = {
      domain: {
        name: 'Litbox',
        version: '1',
        chainId: 31337,
        verifyingContract: '0x0000000000000000000000000000000000000001',
      },
      types: {
        Mail: [
          { name: 'to', type: 'address' },
          { name: 'contents', type: 'string' },
        ],
      },
      message: { to: '0x0000000000000000000000000000000000000002', contents: 'hi' },
    };
    const typed = await api.call('pkpSignTypedData', { publicKey: pkp.publicKey, typedData });
    expect(ethers.verifyTypedData(typedData.domain, typedData.types, typedData.message, typed.signature)).toBe(
      pkp.ethAddress,
    );
  });

  it('signs a raw transaction for another chain without sending it', async () => {
    const pkp = await api.call('pkpMint', {});
    const raw = await host.wallet.pkpWallet.signTransactionForChain(
      pkp.publicKey,
      { chainId: 1, to: ethers.Wallet.createRandom().address, valueEth: '0.01', nonce: 0 },
      { authSig: await host.wallet.account.authSig() },
    );
    const parsed = Transaction.from(raw.rawTransaction);
    expect(parsed.chainId).toBe(1n);
    expect(parsed.from).toBe(pkp.ethAddress);
    expect(await host.wallet.provider.getTransaction(raw.hash)).toBeNull();
  });

  it('works from the CLI: faucet, pkp send, pkp sign-message', async () => {
    const pkp = await api.call('pkpMint', {});
    const dataDir = host.dataDir;
    const funded = await runCliProcess([
      'faucet',
      '--address',
      pkp.ethAddress,
      '--amount',
      '1',
      '--json',
      '--data-dir',
      dataDir,
    ]);
    expect(BigInt((JSON.parse(funded.stdout) as { balanceWei: string }).balanceWei)).toBe(ethers.parseEther('1'));
    const to = ethers.Wallet.createRandom().address;
    const sent = await runCliProcess([
      'pkp',
      'send',
      '--pubkey',
      pkp.publicKey,
      '--to',
      to,
      '--value',
      '0.1',
      '--data-dir',
      dataDir,
    ]);
    expect(sent.stdout.trim()).toMatch(/^0x[0-9a-f]{64}$/);
    expect((await host.wallet.provider.getTransactionReceipt(sent.stdout.trim()))?.status).toBe(1);
    const signed = await runCliProcess([
      'pkp',
      'sign-message',
      '--pubkey',
      pkp.publicKey,
      '--message',
      'cli',
      '--data-dir',
      dataDir,
    ]);
    expect(ethers.verifyMessage('cli', signed.stdout.trim())).toBe(pkp.ethAddress);
  });

  it('records every operation, failures too, searchable and kept across a restart', async () => {
    const pkp = await api.call('pkpMint', {});
    await api.call('pkpSignMessage', { publicKey: pkp.publicKey, message: 'logged' });
    await expect(
      api.call('pkpSend', { publicKey: pkp.publicKey, to: ethers.Wallet.createRandom().address, valueEth: '500' }),
    ).rejects.toThrow();
    const entries = (await api.call('activity', { query: pkp.ethAddress })).entries;
    expect(entries.map((e) => `${e.kind}:${e.result}`)).toEqual(['transaction:failed', 'message:ok', 'mint:ok']);
    expect(entries.at(-1)?.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);

    const dataDir = host.dataDir;
    await host.stop();
    host = await startHost({ dataDir, port: 0, pools: { keys: 8, presignatures: 60 } });
    api = createApiClient({ baseUrl: host.url, token: host.token });
    const again = (await api.call('activity', { query: pkp.ethAddress })).entries;
    expect(again.map((e) => e.id)).toEqual(entries.map((e) => e.id));
    expect((await api.call('pkpList', {})).pkps.map((p) => p.tokenId)).toContain(pkp.tokenId);
  });
});
