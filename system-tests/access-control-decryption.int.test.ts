import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64, ethers } from 'ethers';
import { createApiClient, type ApiClient } from '../app/shared/api/client.ts';
import { thresholdFor } from '../app/shared/network.ts';
import { describeEncrypted, type EncryptedData } from '../app/shared/encryption/access-control-encryption.ts';
import { openWithShares } from '../app/shared/encryption/open-with-shares.ts';
import { blsShareFromLitJson } from '../app/shared/threshold/bls.ts';
import { startHost, type RunningHost } from '../app/host/host.ts';
import { RUN_SPARES } from '../app/host/lit-client/action-run-set.ts';
import { waitFor, waitForPools } from '../testing/sandbox/network-probe.ts';
import { runCliProcess, tempDataDir } from '../testing/sandbox/spawn-cli.ts';

const N = 7;
const T = thresholdFor(N);
let host: RunningHost;
let api: ApiClient;

beforeAll(async () => {
  host = await startHost({
    dataDir: tempDataDir('litbox-decryption-'),
    nodeCount: N,
    port: 0,
    // Decryption needs no presignatures; two routed keys for the PKPs minted here.
    pools: { keys: 2, presignatures: 10 },
  });
  api = createApiClient({ baseUrl: host.url, token: host.token });
  await waitForPools(host, 2, 0, 150_000);
  await waitFor('the network key', () => host.supervisor.status().networkPublicKey ?? undefined, 30_000);
}, 240_000);

afterAll(async () => {
  await host?.stop();
});

const balanceAtLeast = (wei: bigint) => ({
  contractAddress: '',
  standardContractType: '',
  chain: 'litbox',
  method: 'eth_getBalance',
  parameters: [':userAddress', 'latest'],
  returnValueTest: { comparator: '>=', value: wei.toString() },
});

/** Asks one node directly for its share, as the wallet account. */
async function askNode(index: number, encrypted: EncryptedData, extra: Record<string, unknown> = {}) {
  const node = host.supervisor.status().nodes.find((n) => n.index === index)!;
  const res = await fetch(`${node.url}/decrypt/share`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ encrypted, authSig: await host.wallet.account.authSig(), ...extra }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { share?: string; error?: { code: string; message: string } },
  };
}

describe('access-controlled encryption and threshold decryption (N = 7)', () => {
  it('round trip: encrypts a text, and T nodes that each checked the conditions decrypt it', async () => {
    const encrypted = await api.call('encrypt', {
      conditions: [balanceAtLeast(ethers.parseEther('1'))],
      text: 'hello, T nodes',
    });
    expect(encrypted.networkPublicKey).toBe(host.supervisor.status().networkPublicKey!.replace(/^0x/, ''));
    const opened = await api.call('decrypt', { encrypted });
    expect(opened.text).toBe('hello, T nodes');
    expect(opened.nodes).toHaveLength(T);
    expect(opened.userAddress).toBe(host.wallet.account.address);
    const log = await api.call('activity', { query: encrypted.dataToEncryptHash });
    expect(log.entries.map((e) => `${e.kind}:${e.result}`).sort()).toEqual(['decryption:ok', 'encryption:ok']);
  });

  it("T shares decrypt and T-1 cannot; every share is in Lit's JSON form", async () => {
    const encrypted = await api.call('encrypt', { conditions: [balanceAtLeast(1n)], text: 'threshold' });
    const { identity } = describeEncrypted(encrypted);
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => askNode(i + 1, encrypted)));
    const shares = answers.map((a) => {
      expect(a.status).toBe(200);
      expect(JSON.parse(a.body.share!)).toEqual({
        ProofOfPossession: {
          identifier: expect.stringMatching(/^[0-9a-f]{64}$/),
          value: expect.stringMatching(/^[0-9a-f]{192}$/),
        },
      });
      return blsShareFromLitJson(a.body.share!);
    });
    const opened = await openWithShares(encrypted, identity, shares.slice(2, 2 + T), T);
    expect(new TextDecoder().decode(opened.plaintext)).toBe('threshold');
    await expect(openWithShares(encrypted, identity, shares.slice(0, T - 1), T)).rejects.toThrow(/needed/);
    // T-1 shares combined as if they were enough give a key that opens nothing.
    await expect(openWithShares(encrypted, identity, shares.slice(0, T - 1), T - 1)).rejects.toThrow();
  });

  it('conditions not met: every node refuses and no share is released', async () => {
    const encrypted = await api.call('encrypt', { conditions: [balanceAtLeast(10n ** 30n)], text: 'for whales only' });
    for (let i = 1; i <= N; i++) {
      const answer = await askNode(i, encrypted);
      expect(answer.status).toBe(403);
      expect(answer.body.error?.code).toBe('conditions_not_met');
      expect(answer.body.share).toBeUndefined();
    }
    await expect(api.call('decrypt', { encrypted })).rejects.toThrow(
      /access control conditions are not met for 0x[0-9a-fA-F]{40}: 0 of 7 nodes gave a decryption share, 5 are needed/,
    );
  });

  it('a condition that becomes true later (the faucet raises a PKP balance) then decrypts, as that PKP', async () => {
    const pkp = await api.call('pkpMint', {});
    const encrypted = await api.call('encrypt', {
      conditions: [balanceAtLeast(ethers.parseEther('5'))],
      text: 'rich PKP',
    });
    await expect(api.call('decrypt', { encrypted, pkpPublicKey: pkp.publicKey })).rejects.toThrow(
      new RegExp(`not met for ${pkp.ethAddress}`),
    );
    await api.call('faucet', { address: pkp.ethAddress, amountEth: '5' });
    const opened = await api.call('decrypt', { encrypted, pkpPublicKey: pkp.publicKey });
    expect(opened.text).toBe('rich PKP');
    expect(opened.userAddress).toBe(pkp.ethAddress);
  });

  it('ERC-721 ownerOf, a contract view call, and and/or between them', async () => {
    const pkp = await api.call('pkpMint', {});
    const pkpNft = host.supervisor.status().contracts!.PKPNFT;
    const ownsIt = {
      contractAddress: pkpNft,
      standardContractType: 'ERC721',
      chain: 'litbox',
      method: 'ownerOf',
      parameters: [pkp.tokenId],
      returnValueTest: { comparator: '=', value: ':userAddress' },
    };
    const holdsSome = {
      contractAddress: pkpNft,
      functionName: 'balanceOf',
      functionParams: [':userAddress'],
      functionAbi: {
        name: 'balanceOf',
        type: 'function',
        stateMutability: 'view',
        inputs: [{ name: 'owner', type: 'address' }],
        outputs: [{ name: '', type: 'uint256' }],
      },
      chain: 'litbox',
      returnValueTest: { key: '', comparator: '>', value: '0' },
    };
    const both = await api.call('encrypt', { conditions: [ownsIt, { operator: 'and' }, holdsSome], text: 'owner' });
    expect((await api.call('decrypt', { encrypted: both })).text).toBe('owner');
    const either = await api.call('encrypt', {
      conditions: [balanceAtLeast(10n ** 30n), { operator: 'or' }, [ownsIt, { operator: 'and' }, holdsSome]],
      text: 'either',
    });
    expect((await api.call('decrypt', { encrypted: either })).text).toBe('either');
    const neither = await api.call('encrypt', {
      conditions: [balanceAtLeast(10n ** 30n), { operator: 'and' }, ownsIt],
      text: 'neither',
    });
    await expect(api.call('decrypt', { encrypted: neither })).rejects.toThrow(/not met/);
  });

  it('a tampered ciphertext fails authentication; changed conditions, another network key and malformed input are refused', async () => {
    const encrypted = await api.call('encrypt', { conditions: [balanceAtLeast(1n)], text: 'integrity' });
    const bytes = decodeBase64(encrypted.ciphertext);
    bytes[bytes.length - 5]! ^= 0x80;
    await expect(api.call('decrypt', { encrypted: { ...encrypted, ciphertext: encodeBase64(bytes) } })).rejects.toThrow(
      /failed authentication/,
    );
    // Easier conditions make another identity: the nodes sign it, but its key opens nothing.
    await expect(
      api.call('decrypt', { encrypted: { ...encrypted, accessControlConditions: [balanceAtLeast(0n)] } }),
    ).rejects.toThrow(/failed authentication/);
    const foreign = { ...encrypted, networkPublicKey: `97${'f1'.repeat(47)}` };
    const answer = await askNode(1, foreign);
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('wrong_network_key');
    await expect(api.call('decrypt', { encrypted: foreign })).rejects.toThrow(/another network's key/);
    await expect(
      api.call('encrypt', { conditions: [{ ...balanceAtLeast(1n), chain: 'ethereum' }], text: 'x' }),
    ).rejects.toThrow(/unsupported chain "ethereum"/);
    await expect(api.call('encrypt', { conditions: [{ operator: 'or' }], text: 'x' })).rejects.toThrow(/conditions/);
    await expect(api.call('decrypt', { encrypted: { ...encrypted, dataToEncryptHash: 'zz' } })).rejects.toThrow(
      /dataToEncryptHash/,
    );
  });

  it('Lit.Actions.decryptAndCombine decrypts inside an action when the conditions hold', async () => {
    const encrypted = await api.call('encrypt', { conditions: [balanceAtLeast(1n)], text: 'inside the action' });
    const code = `(async () => {
      try {
        const text = await Lit.Actions.decryptAndCombine({ accessControlConditions, ciphertext, dataToEncryptHash, authSig: null, chain: 'litbox' });
        Lit.Actions.setResponse({ response: text.toUpperCase() });
      } catch (e) {
        Lit.Actions.setResponse({ response: 'refused: ' + e.message });
      }
    })();`;
    const run = await api.call('actionRun', {
      code,
      jsParams: {
        accessControlConditions: encrypted.accessControlConditions,
        ciphertext: encrypted.ciphertext,
        dataToEncryptHash: encrypted.dataToEncryptHash,
      },
    });
    expect(run.response).toBe('INSIDE THE ACTION');
    const locked = await api.call('encrypt', { conditions: [balanceAtLeast(10n ** 30n)], text: 'no' });
    const refused = await api.call('actionRun', {
      code,
      jsParams: {
        accessControlConditions: locked.accessControlConditions,
        ciphertext: locked.ciphertext,
        dataToEncryptHash: locked.dataToEncryptHash,
      },
    });
    // The wallet runs an action at T nodes and a spare (action-run-set.ts).
    expect(refused.response).toMatch(
      new RegExp(
        `^refused: decryptAndCombine: 0 of ${T + RUN_SPARES} nodes gave a decryption share, ${T} are needed.*not met`,
      ),
    );
  });

  it('works from the CLI: litbox encrypt and litbox decrypt, text and file', async () => {
    const dir = tempDataDir('litbox-decryption-cli-');
    const conditions = path.join(dir, 'conditions.json');
    fs.writeFileSync(conditions, JSON.stringify([balanceAtLeast(1n)]));
    const sealed = path.join(dir, 'note.litbox.json');
    const enc = await runCliProcess([
      'encrypt',
      '--conditions',
      conditions,
      '--text',
      'from the CLI',
      '--out',
      sealed,
      '--json',
      '--data-dir',
      host.dataDir,
    ]);
    expect(enc.code, enc.stderr).toBe(0);
    const dec = await runCliProcess(['decrypt', '--in', sealed, '--json', '--data-dir', host.dataDir]);
    expect(dec.code, dec.stderr).toBe(0);
    expect(JSON.parse(dec.stdout)).toMatchObject({ text: 'from the CLI', userAddress: host.wallet.account.address });

    const binary = path.join(dir, 'blob.bin');
    fs.writeFileSync(binary, Buffer.from([0, 255, 1, 254, 2, 253]));
    const sealedFile = path.join(dir, 'blob.litbox.json');
    expect(
      (
        await runCliProcess([
          'encrypt',
          '--conditions',
          conditions,
          '--file',
          binary,
          '--out',
          sealedFile,
          '--data-dir',
          host.dataDir,
        ])
      ).code,
    ).toBe(0);
    const restored = path.join(dir, 'blob.out');
    const out = await runCliProcess(['decrypt', '--in', sealedFile, '--out', restored, '--data-dir', host.dataDir]);
    expect(out.code, out.stderr).toBe(0);
    expect(fs.readFileSync(restored)).toEqual(fs.readFileSync(binary));

    const bad = await runCliProcess(['encrypt', '--conditions', binary, '--text', 'x', '--data-dir', host.dataDir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not JSON/);
  });
});
