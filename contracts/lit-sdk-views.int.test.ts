import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wallet, parseEther } from 'ethers';
import { contractAt, explainContractError } from '../app/shared/contracts/index.ts';
import { thresholdFor } from '../app/shared/network.ts';
import { deployNetwork } from '../app/host/chain/genesis.ts';
import { fundedWallet, mined, startChain, testCommunicationKeys, type TestChain } from './test-support.ts';

// What Lit's SDKs read from the chain to find a Litbox network: the validators (ip as uint32,
// port) from each node's endpoint, the signing threshold as minNodeCount, zero prices, and a
// ledger that keeps deposits. The SDK itself reads them in app/host/lit-sdk/lit-sdk-connect.int.test.ts.
let chain: TestChain;

beforeAll(async () => {
  chain = await startChain();
});

afterAll(async () => {
  await chain?.anvil.stop();
});

async function network(endpoints: string[]) {
  const admin = await fundedWallet(chain);
  const nodes = await Promise.all(endpoints.map(() => fundedWallet(chain)));
  const addresses = await deployNetwork({
    signer: admin,
    nodes: nodes.map((n, i) => ({ address: n.address, endpoint: endpoints[i]!, ...testCommunicationKeys() })),
  });
  return { admin, nodes, addresses };
}

describe("Staking's views for Lit's SDKs", () => {
  it('lists every node at the ip and port of its endpoint, with the signing threshold', async () => {
    const endpoints = [
      'http://127.0.0.1:7470',
      'http://10.1.2.3:65535/',
      'http://localhost:7472', // a name, not an address: ip and port 0
      'http://127.0.0.1',
      'http://256.0.0.1:80',
      'http://127.0.0.1:65536',
      'http://1.2.3:80',
    ];
    const { nodes, addresses } = await network(endpoints);
    const staking = contractAt('Staking', addresses.Staking, chain.provider);
    const [epoch, minNodeCount, validators] = await staking['getActiveUnkickedValidatorStructsAndCounts(uint256)'](1n);
    expect(epoch.number).toBe(1n);
    expect(epoch.endTime - epoch.startTime).toBe(epoch.epochLength);
    expect(minNodeCount).toBe(BigInt(thresholdFor(endpoints.length)));
    expect(validators.map((v) => [v.ip, v.port])).toEqual([
      [0x7f000001n, 7470n],
      [(10n << 24n) | (1n << 16n) | (2n << 8n) | 3n, 65535n],
      [0n, 0n],
      [0n, 0n],
      [0n, 0n],
      [0n, 0n],
      [0n, 0n],
    ]);
    expect(validators.map((v) => v.nodeAddress)).toEqual(nodes.map((n) => n.address));
    const [datilEpoch, datilMin, datil] = await staking['getActiveUnkickedValidatorStructsAndCounts()']();
    expect(datilEpoch.number).toBe(1n);
    expect(datilMin).toBe(minNodeCount);
    expect(datil.map((v) => [v.ip, v.port, v.nodeAddress])).toEqual(
      validators.map((v) => [v.ip, v.port, v.nodeAddress]),
    );
    expect(await staking.state()).toBe(0n);
  });

  it('matches the threshold cryptography for every allowed network size', async () => {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 9, 10]) {
      const { addresses } = await network(Array.from({ length: n }, (_, i) => `http://127.0.0.1:${8000 + i}`));
      const staking = contractAt('Staking', addresses.Staking, chain.provider);
      expect(await staking.signingThreshold(), `N = ${n}`).toBe(BigInt(thresholdFor(n)));
    }
  });

  it('tells SDK clients when a node moves (StateChanged Active), and the new port', async () => {
    const { nodes, addresses } = await network(['http://127.0.0.1:7000', 'http://127.0.0.1:7001']);
    const staking = contractAt('Staking', addresses.Staking, nodes[1]!);
    const receipt = await mined(staking.setEndpoint('http://127.0.0.1:7101'));
    const changed = receipt.logs.map((l) => staking.interface.parseLog(l)).filter((l) => l?.name === 'StateChanged');
    expect(changed.map((l) => l!.args[0])).toEqual([0n]);
    const [, , validators] = await staking['getActiveUnkickedValidatorStructsAndCounts(uint256)'](1n);
    expect(validators[1]!.port).toBe(7101n);
  });
});

describe('PriceFeed, Ledger and PaymentDelegation', () => {
  it('prices every product of every node at 0, covering the ids asked for', async () => {
    const { addresses } = await network(['http://127.0.0.1:7000', 'http://127.0.0.1:7001', 'http://127.0.0.1:7002']);
    const feed = contractAt('PriceFeed', addresses.PriceFeed!, chain.provider);
    const [epochId, minNodeCount, nodes] = await feed.getNodesForRequest(1n, [0n, 1n, 2n, 3n]);
    expect(epochId).toBe(1n);
    expect(minNodeCount).toBe(3n);
    expect(nodes.map((n) => n.validator.port)).toEqual([7000n, 7001n, 7002n]);
    for (const node of nodes) expect(node.prices).toEqual([0n, 0n, 0n, 0n]);
    const [, , wider] = await feed.getNodesForRequest(1n, [9n]);
    expect(wider[0]!.prices).toHaveLength(10);
    await expect(feed.getNodesForRequest(1n, [256n])).rejects.toSatisfy((err: unknown) =>
      explainContractError(err).message.includes('unknown product id'),
    );
  });

  it('keeps deposits and gives them back; records who pays for whom', async () => {
    const { addresses } = await network(['http://127.0.0.1:7000']);
    const user = await fundedWallet(chain);
    const ledger = contractAt('Ledger', addresses.Ledger!, user);
    await mined(ledger.deposit({ value: parseEther('1') }));
    await mined(ledger.depositForUser(user.address, { value: parseEther('0.5') }));
    expect(await ledger.balance(user.address)).toBe(parseEther('1.5'));
    await expect(ledger.withdraw(parseEther('1'))).rejects.toSatisfy((err: unknown) =>
      explainContractError(err).message.includes('request a withdrawal'),
    );
    await mined(ledger.requestWithdraw(parseEther('1')));
    expect((await ledger.latestWithdrawRequest(user.address)).amount).toBe(parseEther('1'));
    const before = await chain.provider.getBalance(addresses.Ledger!);
    await mined(ledger.withdraw(parseEther('1')));
    expect(await ledger.balance(user.address)).toBe(parseEther('0.5'));
    expect(await chain.provider.getBalance(addresses.Ledger!)).toBe(before - parseEther('1'));

    const delegation = contractAt('PaymentDelegation', addresses.PaymentDelegation!, user);
    const other = Wallet.createRandom().address;
    await mined(delegation.delegatePayments(other));
    await mined(delegation.setRestriction({ totalMaxPrice: 5n, requestsPerPeriod: 2n, periodSeconds: 60n }));
    expect(await delegation.getUsers(user.address)).toEqual([other]);
    const [payers, restrictions] = await delegation.getPayersAndRestrictions([other]);
    expect(payers).toEqual([[user.address]]);
    expect(restrictions[0]![0]!.requestsPerPeriod).toBe(2n);
    await mined(delegation.undelegatePayments(other));
    expect(await delegation.getPayers(other)).toEqual([]);
  });
});
