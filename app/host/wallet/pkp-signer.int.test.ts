import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethers } from 'ethers';
import { createApiClient, type ApiClient } from '../../shared/api/client.ts';
import { startHost, type RunningHost } from '../host.ts';
import { waitForPools } from '../../../testing/sandbox/network-probe.ts';
import { tempDataDir } from '../../../testing/sandbox/spawn-cli.ts';
import type { PkpSigner } from './pkp-signer.ts';

// The PKP signer is an ethers Signer: ethers' own code drives it (sendTransaction, a Contract)
// and ethers judges what it signed.

let host: RunningHost;
let api: ApiClient;
let pkp: { publicKey: string; ethAddress: string };
let signer: PkpSigner;

beforeAll(async () => {
  host = await startHost({
    dataDir: tempDataDir('litbox-pkp-signer-'),
    nodeCount: 3,
    port: 0,
    pools: { keys: 2, presignatures: 20 },
  });
  api = createApiClient({ baseUrl: host.url, token: host.token });
  await waitForPools(host, 1, 10);
  pkp = await api.call('pkpMint', {});
  await api.call('faucet', { address: pkp.ethAddress, amountEth: '2' });
  signer = host.wallet.pkpSigner(pkp.publicKey, { authSig: await host.wallet.account.authSig() });
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

describe('the PKP signer', () => {
  it('sends through ethers: sendTransaction fills nonce, gas and fees, and anvil mines it from the PKP', async () => {
    const to = ethers.Wallet.createRandom().address;
    const response = await signer.sendTransaction({ to, value: ethers.parseEther('0.25') });
    const receipt = await response.wait();
    expect(receipt?.status).toBe(1);
    expect(receipt?.from).toBe(pkp.ethAddress);
    expect(receipt?.gasUsed).toBe(21_000n); // a plain transfer gets exactly what it needs
    expect(await host.wallet.provider.getBalance(to)).toBe(ethers.parseEther('0.25'));
    const mined = await host.wallet.provider.getTransaction(receipt!.hash);
    expect(mined?.maxPriorityFeePerGas).toBe(ethers.parseUnits('1', 'gwei'));
  });

  it('signs messages, typed data and transactions for other chains that ethers recovers to the PKP', async () => {
    expect(ethers.verifyMessage('hello from a PKP', await signer.signMessage('hello from a PKP'))).toBe(pkp.ethAddress);

    const domain = { name: 'Mail', version: '1', chainId: 1, verifyingContract: ethers.ZeroAddress };
    const types = { Mail: [{ name: 'contents', type: 'string' }] };
    const typed = await signer.signTypedData(domain, types, { contents: 'hi' });
    expect(ethers.verifyTypedData(domain, types, { contents: 'hi' }, typed)).toBe(pkp.ethAddress);

    const raw = await signer.signTransaction({
      type: 2,
      chainId: 1,
      nonce: 7,
      to: ethers.ZeroAddress,
      value: 1n,
      gasLimit: 21_000n,
      maxFeePerGas: ethers.parseUnits('30', 'gwei'),
      maxPriorityFeePerGas: ethers.parseUnits('1', 'gwei'),
    });
    const parsed = ethers.Transaction.from(raw);
    expect([parsed.from, parsed.chainId, parsed.nonce]).toEqual([pkp.ethAddress, 1n, 7]);
  });

  it('refuses a transaction from another address, and a revert is explained before anything is signed', async () => {
    await expect(
      signer.signTransaction({ from: ethers.Wallet.createRandom().address, to: ethers.ZeroAddress, chainId: 1 }),
    ).rejects.toThrow(/not this PKP's address/);
    const nonceBefore = await host.wallet.provider.getTransactionCount(pkp.ethAddress);
    // Burning a token the PKP does not own reverts in the estimate.
    const pkpnft = new ethers.Interface(['function burn(uint256 tokenId)']);
    await expect(
      signer.sendAndWait('burn', {
        to: host.supervisor.contracts!.PKPNFT,
        data: pkpnft.encodeFunctionData('burn', [1n]),
      }),
    ).rejects.toThrow(/burn/);
    expect(await host.wallet.provider.getTransactionCount(pkp.ethAddress)).toBe(nonceBefore);
  });
});
