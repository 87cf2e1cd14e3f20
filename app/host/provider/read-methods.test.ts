import { describe, expect, it } from 'vitest';
import { ClientFilters } from './client-filters.ts';
import { READ_METHODS } from './wallet-provider.ts';

describe('the reads the provider passes to the chain', () => {
  it('are the standard eth_/net_/web3_ reads and eth_sendRawTransaction, with nothing that changes the chain unsigned', () => {
    for (const method of READ_METHODS) expect(method).toMatch(/^(eth|net|web3)_/);
    expect([...READ_METHODS].filter((m) => /send|sign|impersonate|_set|mine|snapshot|revert|unlock/i.test(m))).toEqual([
      'eth_sendRawTransaction',
    ]);
    for (const method of [
      'eth_call',
      'eth_estimateGas',
      'eth_createAccessList',
      'eth_feeHistory',
      'eth_maxPriorityFeePerGas',
      'eth_getProof',
      'eth_getBlockReceipts',
      'eth_getLogs',
      'eth_blobBaseFee',
      'eth_simulateV1',
      'net_listening',
      'web3_clientVersion',
      'web3_sha3',
    ])
      expect(READ_METHODS.has(method), method).toBe(true);
    // Answered by the provider itself: anvil's accounts are not the client's, filters are per client.
    for (const method of ['eth_accounts', 'eth_coinbase', 'eth_chainId', 'eth_newFilter', 'eth_getFilterChanges'])
      expect(READ_METHODS.has(method), method).toBe(false);
    for (const method of ['debug_traceTransaction', 'trace_block', 'txpool_content', 'ots_getApiLevel', 'anvil_mine'])
      expect(READ_METHODS.has(method), method).toBe(false);
  });
});

describe('ClientFilters', () => {
  it('lets a client use and remove only its own filters, a bounded number, forgetting idle ones', () => {
    const filters = new ClientFilters(2, 1_000);
    filters.add('a', '0xAB', 0);
    expect(filters.owns('a', '0xab', 10)).toBe(true);
    expect(filters.owns('b', '0xab', 10)).toBe(false);
    expect(filters.owns('a', 42, 10)).toBe(false);
    expect(filters.hasRoom('a', 10)).toBe(true);
    filters.add('a', '0xcd', 10);
    expect(filters.hasRoom('a', 20)).toBe(false);
    expect(filters.hasRoom('b', 20)).toBe(true);
    // Unused for longer than anvil keeps them: gone, room again.
    expect(filters.owns('a', '0xcd', 900)).toBe(true);
    expect(filters.hasRoom('a', 1_500)).toBe(true);
    expect(filters.owns('a', '0xab', 1_500)).toBe(false);
    filters.remove('a', '0xCD');
    expect(filters.owns('a', '0xcd', 1_500)).toBe(false);
  });
});
