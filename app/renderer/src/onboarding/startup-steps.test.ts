import { describe, expect, it } from 'vitest';
import type { NetworkStatus } from '../../../shared/api/contract.ts';
import { startupSteps } from './startup-steps.ts';

const node = (index: number, up: boolean, keys: number | null, presignatures: number | null) => ({
  index,
  url: `http://127.0.0.1:${7000 + index}`,
  pid: up ? 100 + index : null,
  up,
  restarts: 0,
  address: null,
  keysReady: keys,
  presignaturesFresh: presignatures,
});

const base: NetworkStatus = {
  ready: false,
  chain: { rpcUrl: 'http://127.0.0.1:8545', cheats: false, chainId: 31337, blockNumber: null, up: false },
  nodes: [node(1, false, null, null), node(2, false, null, null), node(3, false, null, null)],
  nodeCount: 3,
  threshold: 3,
  dataDir: '/tmp/x',
  contracts: null,
  networkPublicKey: null,
  lastSignature: null,
};
const contracts = {
  PKPNFT: `0x${'1'.repeat(40)}`,
  PKPPermissions: `0x${'2'.repeat(40)}`,
  PKPHelper: `0x${'3'.repeat(40)}`,
  PubkeyRouter: `0x${'4'.repeat(40)}`,
  Staking: `0x${'5'.repeat(40)}`,
};

const states = (status: NetworkStatus) => startupSteps(status).map((s) => `${s.id}:${s.state}`);

describe('start-up steps from the live status', () => {
  it('starts with the chain active and everything else waiting', () => {
    expect(states(base)).toEqual([
      'chain:active',
      'nodes:waiting',
      'contracts:waiting',
      'keys:waiting',
      'presignatures:waiting',
    ]);
  });

  it('counts nodes as they come up', () => {
    const status = {
      ...base,
      chain: { ...base.chain, up: true, blockNumber: 0 },
      nodes: [node(1, true, null, null), node(2, true, null, null), node(3, false, null, null)],
    };
    const nodes = startupSteps(status)[1]!;
    expect(nodes).toMatchObject({
      state: 'active',
      progress: { value: 2, max: 3 },
      detail: '2 of 3 nodes up (any 3 can sign)',
    });
  });

  it('waits for a key and presignatures on every live node before the pools count as ready', () => {
    const status = {
      ...base,
      ready: true,
      contracts,
      chain: { ...base.chain, up: true, blockNumber: 12 },
      nodes: [node(1, true, 2, 0), node(2, true, 1, 40), node(3, true, 3, 50)],
    };
    expect(states(status)).toEqual(['chain:done', 'nodes:done', 'contracts:done', 'keys:done', 'presignatures:active']);
    expect(startupSteps(status)[3]!.detail).toBe('1 key ready on every live node (the pool keeps filling)');
    const filled = { ...status, nodes: status.nodes.map((n) => ({ ...n, presignaturesFresh: 10 })) };
    expect(states(filled).every((s) => s.endsWith(':done'))).toBe(true);
  });
});
