import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethers } from 'ethers';
import { primeDigest, SIGN_IF_PRIME_ACTION } from '../../shared/actions/sign-if-prime.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../../../testing/sandbox/spawn-cli.ts';

let sandbox: RunningSandbox;
const dataDir = tempDataDir('litbox-cli-actions-');
const actionFile = path.join(dataDir, 'sign-if-prime.js');
const cli = (...args: string[]) => runCliProcess([...args, '--data-dir', dataDir]);

beforeAll(async () => {
  sandbox = await startSandbox(['--nodes', '7', '--port', '0', '--data-dir', dataDir]);
  fs.writeFileSync(actionFile, SIGN_IF_PRIME_ACTION);
});

afterAll(async () => {
  expect(await sandbox?.stop()).toBe(0);
});

describe('litbox action commands', () => {
  it('proves a prime with Mint/Grant/Burn from the command line', async () => {
    const cid = await runCliProcess(['action', 'cid', actionFile, '--json']);
    const { ipfsId } = JSON.parse(cid.stdout) as { ipfsId: string };
    expect(ipfsId).toMatch(/^Qm/);

    const minted = await cli('pkp', 'mint-grant-burn', '--ipfs', ipfsId, '--json');
    expect(minted.stderr).toBe('');
    const pkp = JSON.parse(minted.stdout) as { pubkey: string; ethAddress: string };

    // Run it once by code so the host's store has it, then by CID.
    const byCode = await cli(
      'action',
      'run',
      actionFile,
      '--params',
      JSON.stringify({ number: 11, publicKey: pkp.pubkey }),
      '--json',
    );
    expect(byCode.code).toBe(0);
    const run = await cli(
      'action',
      'run',
      '--ipfs',
      ipfsId,
      '--params',
      JSON.stringify({ number: 7, publicKey: pkp.pubkey }),
      '--json',
    );
    const result = JSON.parse(run.stdout) as { signatures: { prime: { signature: string } }; response: string };
    const signature = result.signatures.prime.signature;
    expect(ethers.recoverAddress(primeDigest(7), signature)).toBe(pkp.ethAddress);

    const verified = await cli(
      'verify',
      '--pubkey',
      pkp.pubkey,
      '--code',
      actionFile,
      '--signature',
      signature,
      '--digest',
      primeDigest(7),
    );
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^VALID/);

    const wrongDigest = await cli(
      'verify',
      '--pubkey',
      pkp.pubkey,
      '--code',
      actionFile,
      '--signature',
      signature,
      '--digest',
      primeDigest(9),
    );
    expect(wrongDigest.code).toBe(1);
    expect(wrongDigest.stdout).toMatch(/^NOT VALID/);

    const eight = await cli(
      'action',
      'run',
      actionFile,
      '--params',
      JSON.stringify({ number: 8, publicKey: pkp.pubkey }),
    );
    expect(eight.code).toBe(1);
    expect(eight.stderr).toMatch(/8 is not prime/);
  });

  it('permits an address on a PKP the wallet owns, and removes it again', async () => {
    const pkp = JSON.parse((await cli('pkp', 'mint', '--json')).stdout) as { pubkey: string };
    const friend = ethers.Wallet.createRandom().address;
    const added = await cli('pkp', 'permit', '--pubkey', pkp.pubkey, '--address', friend, '--scope', '2', '--json');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toHaveProperty('transactionHash');
    const removed = await cli('pkp', 'permit', '--pubkey', pkp.pubkey, '--address', friend, '--remove');
    expect(removed.stdout).toMatch(/^removed 0x/);
    const both = await cli('pkp', 'permit', '--pubkey', pkp.pubkey, '--address', friend, '--ipfs', 'QmX');
    expect(both.code).toBe(2);
  });

  it('refuses bad input with one clear line', async () => {
    const badParams = await cli('action', 'run', actionFile, '--params', '[1,2]');
    expect(badParams.code).toBe(2);
    expect(badParams.stderr).toMatch(/--params must be a JSON object/);
    const badCid = await cli('action', 'run', '--ipfs', 'QmNotACid');
    expect(badCid.code).toBe(1);
    expect(badCid.stderr).toMatch(/CIDv0/);
    const missing = await runCliProcess(['action', 'cid', path.join(dataDir, 'nope.js')]);
    expect(missing.stderr).toMatch(/cannot read .*nope\.js: ENOENT/);
  });
});
