import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethers } from 'ethers';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../../../testing/sandbox/spawn-cli.ts';

// `ready` means every verb works: each command below runs right after `litbox up` printed it,
// with no waiting of its own (before, `encrypt` failed here: "the network key is not made yet").
let sandbox: RunningSandbox;
const dataDir = tempDataDir('litbox-cli-ready-');
const cli = (...args: string[]) => runCliProcess([...args, '--data-dir', dataDir]);

beforeAll(async () => {
  sandbox = await startSandbox(['--nodes', '3', '--port', '0', '--data-dir', dataDir], 180_000);
}, 200_000);

afterAll(async () => {
  expect(await sandbox?.stop()).toBe(0);
});

describe('litbox up prints ready once every verb works', () => {
  it('encrypts, mints and signs at once, and status and wait agree', async () => {
    const conditionsFile = path.join(dataDir, 'conditions.json');
    fs.writeFileSync(
      conditionsFile,
      JSON.stringify([
        {
          contractAddress: '',
          standardContractType: '',
          chain: 'litbox',
          method: 'eth_getBalance',
          parameters: [':userAddress', 'latest'],
          returnValueTest: { comparator: '>=', value: '0' },
        },
      ]),
    );
    const [encrypted, minted, status, waited] = await Promise.all([
      cli('encrypt', '--conditions', conditionsFile, '--text', 'ready means ready', '--json'),
      cli('pkp', 'mint', '--json'),
      cli('status', '--json'),
      cli('wait', '--timeout', '5'),
    ]);
    expect(encrypted.stderr).toBe('');
    expect(encrypted.code).toBe(0);
    expect(JSON.parse(encrypted.stdout)).toHaveProperty('dataToEncryptHash');

    expect(minted.code).toBe(0);
    const pkp = JSON.parse(minted.stdout) as { pubkey: string; ethAddress: string };
    const digest = ethers.hexlify(ethers.randomBytes(32));
    const signed = await cli('pkp', 'sign', '--pubkey', pkp.pubkey, '--digest', digest, '--json');
    expect(signed.code).toBe(0);
    const sig = JSON.parse(signed.stdout) as { signature: string };
    expect(ethers.recoverAddress(digest, sig.signature)).toBe(pkp.ethAddress);

    const network = JSON.parse(status.stdout) as NetworkStatus;
    expect(network.usable).toBe(true);
    expect(network.networkPublicKey).toMatch(/^(0x)?[0-9a-f]{96}$/);
    for (const part of network.filling ?? []) expect(part.have).toBeLessThan(part.want);

    expect(waited.code).toBe(0);
    const line = JSON.parse(waited.stdout.trim()) as { ready: boolean; rpcUrl: string; nodeCount: number };
    expect(line).toMatchObject({ ready: true, rpcUrl: network.chain.rpcUrl, nodeCount: 3 });
  }, 120_000);
});
