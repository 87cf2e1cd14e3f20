import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethers, Transaction } from 'ethers';
import { createApiClient, type ApiClient } from '../../shared/api/client.ts';
import { connectContracts, findEvents, KEY_TYPE } from '../../shared/contracts/index.ts';
import { startHost, type RunningHost } from '../host.ts';
import { waitForPools } from '../../../testing/sandbox/network-probe.ts';
import { tempDataDir } from '../../../testing/sandbox/spawn-cli.ts';

let host: RunningHost;
let api: ApiClient;

beforeAll(async () => {
  host = await startHost({
    dataDir: tempDataDir('litbox-tx-preview-'),
    nodeCount: 4,
    port: 0,
    pools: { keys: 4, presignatures: 20 },
  });
  api = createApiClient({ baseUrl: host.url, token: host.token });
  await waitForPools(host, 2, 10);
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

const row = (rows: { label: string; value: string }[], label: string) => rows.find((r) => r.label === label)?.value;

describe('transaction previews, then exactly that transaction', () => {
  it('decodes a call to PKPNFT, then signs and mines exactly the previewed transaction', async () => {
    const pkp = await api.call('pkpMint', {});
    await api.call('faucet', { address: pkp.ethAddress, amountEth: '1' });
    const addresses = host.supervisor.contracts!;
    const nft = connectContracts(addresses, host.wallet.provider).PKPNFT;
    const data = nft.interface.encodeFunctionData('mintNext', [KEY_TYPE.ECDSA]);
    const mintCost = ethers.formatEther(await nft.mintCost());

    const preview = await api.call('pkpTransactionPreview', {
      publicKey: pkp.publicKey,
      to: addresses.PKPNFT,
      valueEth: mintCost,
      data,
    });
    expect(preview.broadcast).toBe(true);
    expect(preview.decoded).toEqual({
      contract: 'PKPNFT',
      functionName: 'mintNext',
      signature: 'mintNext(uint256)',
      args: [{ name: 'keyType', type: 'uint256', value: '2' }],
    });
    expect(row(preview.rows, 'To')).toBe(`${addresses.PKPNFT} (PKPNFT)`);
    expect(row(preview.rows, 'Data')).toBe('PKPNFT.mintNext(keyType)');
    expect(row(preview.rows, 'From')).toBe(pkp.ethAddress);
    expect(preview.transaction).toMatchObject({
      chainId: 31337,
      nonce: await host.wallet.provider.getTransactionCount(pkp.ethAddress),
    });

    const sent = await api.call('pkpSend', {
      publicKey: pkp.publicKey,
      to: addresses.PKPNFT,
      valueEth: mintCost,
      data,
      prepared: preview.transaction,
    });
    const tx = (await host.wallet.provider.getTransaction(sent.transactionHash))!;
    expect({
      nonce: tx.nonce,
      gasLimit: tx.gasLimit.toString(),
      maxFeePerGas: tx.maxFeePerGas!.toString(),
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas!.toString(),
      data: tx.data,
      from: tx.from,
    }).toEqual({
      nonce: preview.transaction.nonce,
      gasLimit: preview.transaction.gasLimit,
      maxFeePerGas: preview.transaction.maxFeePerGas,
      maxPriorityFeePerGas: preview.transaction.maxPriorityFeePerGas,
      data,
      from: pkp.ethAddress,
    });
    const receipt = (await host.wallet.provider.getTransactionReceipt(sent.transactionHash))!;
    expect(sent).toMatchObject({
      status: 'success',
      blockNumber: receipt.blockNumber,
      blockHash: receipt.blockHash,
      gasUsed: receipt.gasUsed.toString(),
    });
    // The PKP minted a PKP of its own: the NFT went to the PKP's address.
    const [minted] = findEvents(receipt.logs, addresses, 'PKPNFT', 'PKPMinted');
    expect(await nft.ownerOf(minted!.tokenId)).toBe(pkp.ethAddress);
  });

  it('shows raw hex for data to an unknown address, and refuses what the PKP cannot pay', async () => {
    const pkp = await api.call('pkpMint', {});
    await api.call('faucet', { address: pkp.ethAddress, amountEth: '1' });
    const to = ethers.Wallet.createRandom().address;
    const preview = await api.call('pkpTransactionPreview', {
      publicKey: pkp.publicKey,
      to,
      valueEth: '0.1',
      data: '0xc0ffee',
    });
    expect(preview.decoded).toBeNull();
    expect(row(preview.rows, 'Data (raw hex)')).toBe('0xc0ffee');
    expect(row(preview.rows, 'Value')).toBe('0.1 ETH');

    await expect(api.call('pkpTransactionPreview', { publicKey: pkp.publicKey, to, valueEth: '2' })).rejects.toThrow(
      /value: the PKP holds 1.0 ETH; it cannot send 2 ETH/,
    );
    // A stale preview (the fee cap raised past the balance) is refused before signing, too.
    await expect(
      api.call('pkpSend', {
        publicKey: pkp.publicKey,
        to,
        valueEth: '0.5',
        prepared: { ...preview.transaction, gasLimit: '21000', maxFeePerGas: ethers.parseEther('0.0001').toString() },
      }),
    ).rejects.toThrow(/value: the PKP holds/);
    expect(await host.wallet.provider.getTransactionCount(pkp.ethAddress)).toBe(0);
  });

  it('exports a transaction for another chain exactly as previewed, without sending it', async () => {
    const pkp = await api.call('pkpMint', {});
    const to = ethers.Wallet.createRandom().address;
    const fields = { to, valueEth: '0.25', chainId: 10, nonce: 7, maxFeePerGasGwei: '12.5' };
    const preview = await api.call('pkpTransactionPreview', { publicKey: pkp.publicKey, ...fields });
    expect(preview.broadcast).toBe(false);
    expect(row(preview.rows, 'Network')).toBe('chain id 10: signed only, not broadcast');
    const exported = await api.call('pkpSignTransactionForChain', { publicKey: pkp.publicKey, ...fields });
    const parsed = Transaction.from(exported.rawTransaction);
    expect({
      chainId: Number(parsed.chainId),
      nonce: parsed.nonce,
      to: parsed.to,
      valueWei: parsed.value.toString(),
      data: parsed.data,
      gasLimit: parsed.gasLimit.toString(),
      maxFeePerGas: parsed.maxFeePerGas!.toString(),
      maxPriorityFeePerGas: parsed.maxPriorityFeePerGas!.toString(),
    }).toEqual(preview.transaction);
    expect(parsed.from).toBe(pkp.ethAddress);
    expect(parsed.hash).toBe(exported.hash);
    expect(await host.wallet.provider.getTransaction(exported.hash)).toBeNull();

    await expect(
      api.call('pkpSignTransactionForChain', { publicKey: pkp.publicKey, ...fields, data: '0x1234' }),
    ).rejects.toThrow(/gasLimit: a transaction with data needs a gas limit/);
  });

  it('reports which nodes made the last signature in the status', async () => {
    const pkp = await api.call('pkpMint', {});
    const signed = await api.call('pkpSign', { publicKey: pkp.publicKey, toSign: ethers.id('which nodes') });
    const status = await api.call('status', {});
    expect(status.lastSignature).toMatchObject({ kind: 'pkpSign', nodes: signed.nodes, publicKey: pkp.publicKey });
    expect(status.lastSignature!.nodes.length).toBeGreaterThanOrEqual(status.threshold);
  });
});
