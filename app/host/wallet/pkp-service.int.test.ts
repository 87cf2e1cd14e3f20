import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectContracts, KEY_TYPE } from '../../shared/contracts/index.ts';
import { startHost, type RunningHost } from '../host.ts';
import { waitFor, waitForPools } from '../../../testing/sandbox/network-probe.ts';
import { tempDataDir } from '../../../testing/sandbox/spawn-cli.ts';

// A mint is sent at once, without asking the chain first whether the key pool holds a key;
// when the pool is empty the send is refused before anything is signed, and the mint waits
// for the nodes' next key instead of failing.

let host: RunningHost;

beforeAll(async () => {
  host = await startHost({
    dataDir: tempDataDir('litbox-pkp-service-'),
    nodeCount: 3,
    port: 0,
    // One key in the pool at a time: every mint after the first finds it empty.
    pools: { keys: 1, presignatures: 10 },
  });
  await waitForPools(host, 1, 5);
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

describe('minting', () => {
  it('mints three PKPs at once from a pool of one key: the later mints wait for the nodes to make keys', async () => {
    const chain = connectContracts(host.supervisor.contracts!, host.wallet.provider);
    const unminted = () => chain.PKPNFT.getUnmintedRoutedTokenIdCount(KEY_TYPE.ECDSA);
    await waitFor('the routed key on chain', async () => (await unminted()) === 1n, 60_000);
    const minted = await Promise.all([host.wallet.pkps.mint(), host.wallet.pkps.mint(), host.wallet.pkps.mint()]);

    expect(new Set(minted.map((p) => p.tokenId)).size).toBe(3);
    for (const pkp of minted) {
      expect(pkp.receipt.status).toBe(1);
      expect(await chain.PKPNFT.ownerOf(pkp.tokenId)).toBe(host.wallet.account.address);
      expect(await chain.PKPNFT.getPubkey(pkp.tokenId)).toBe(pkp.publicKey);
    }
    // One transaction each: the refused attempts signed and sent nothing.
    const nonces = await Promise.all(
      minted.map(async (p) => (await host.wallet.provider.getTransaction(p.transactionHash))!.nonce),
    );
    expect(nonces.sort((a, b) => a - b)).toEqual([nonces[0], nonces[0]! + 1, nonces[0]! + 2]);
  }, 120_000);
});
