import fs from 'node:fs';
import path from 'node:path';
import solc from 'solc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractFactory, Transaction, Wallet, ethers, getBytes, hexlify, keccak256, randomBytes } from 'ethers';
import { combineSignature } from '../app/shared/threshold/ecdsa.ts';
import { InconsistentSharesError } from '../app/shared/threshold/shamir.ts';
import { blsShareFromLitJson, combineBlsShares, verifyBlsSignature } from '../app/shared/threshold/bls.ts';
import { ATTESTATION_PREFIX } from '../app/shared/node-api.ts';
import { KEY_TYPE } from '../app/shared/contracts/index.ts';
import type { ReleaseResponse } from '../app/shared/node-api.ts';
import { createApiClient } from '../app/shared/api/client.ts';
import { startHost, type RunningHost } from '../app/host/host.ts';
import { NotEnoughNodesError, SigningRefusedError } from '../app/host/lit-client/lit-client.ts';
import { callNode } from '../app/host/lit-client/node-request.ts';
import { WalletAccount } from '../app/host/wallet/wallet-account.ts';
import { chainProvider, waitFor, waitForPools } from '../testing/sandbox/network-probe.ts';
import { freshPresignatureIds } from '../testing/sandbox/fresh-presignatures.ts';
import { tempDataDir } from '../testing/sandbox/spawn-cli.ts';
import { auditPresignatureBindings } from '../testing/sandbox/presignature-audit.ts';
import { KeychainVault } from '../app/host/vault/keychain-vault.ts';
import { loadOrCreateMasterKey, nodeStorageKey } from '../app/host/vault/network-keys.ts';
import { NodeStore } from '../app/nodes/node-store.ts';

// This test reads the nodes' databases afterwards (what they stored, sealed): tests may
// look across process folders; the code under test may not.

const N = 7;
const T = 5;
let host: RunningHost;
let dataDir: string;
const digest = () => hexlify(randomBytes(32));

beforeAll(async () => {
  dataDir = tempDataDir('litbox-sign-');
  host = await startHost({ dataDir, nodeCount: N, port: 0, pools: { keys: 8, presignatures: 60 } });
  await waitForPools(host, 8, 30);
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

const sign = async (publicKey: string, toSign: string) =>
  host.wallet.lit.pkpSign({ publicKey, toSign, authSig: await host.wallet.account.authSig() });

describe('threshold ECDSA with PKPs', () => {
  it('signs a digest that ethers recovers to the PKP address and a contract accepts through ecrecover', async () => {
    const pkp = await host.wallet.pkps.mint();
    const toSign = digest();
    const sig = await sign(pkp.publicKey, toSign);
    expect(sig.nodes.length).toBeGreaterThanOrEqual(T);
    expect(ethers.recoverAddress(toSign, sig.signature)).toBe(pkp.ethAddress);

    const source = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
contract Recover { function signer(bytes32 h, uint8 v, bytes32 r, bytes32 s) external pure returns (address) { return ecrecover(h, v, r, s); } }`;
    const out = JSON.parse(
      solc.compile(
        JSON.stringify({
          language: 'Solidity',
          sources: { 'Recover.sol': { content: source } },
          settings: { evmVersion: 'cancun', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
        }),
      ),
    );
    const artifact = out.contracts['Recover.sol'].Recover;
    const provider = chainProvider(host);
    const deployer = new Wallet(Wallet.createRandom().privateKey, provider);
    await provider.send('anvil_setBalance', [deployer.address, '0xde0b6b3a7640000']);
    const factory = new ContractFactory(artifact.abi, artifact.evm.bytecode.object, deployer);
    const contract = await factory.deploy();
    await contract.waitForDeployment();
    const onChain = await contract.getFunction('signer')(toSign, 27 + sig.recid, `0x${sig.r}`, `0x${sig.s}`);
    expect(onChain).toBe(pkp.ethAddress);
  });

  it('signs a transaction from the PKP address that anvil mines', async () => {
    const pkp = await host.wallet.pkps.mint();
    const provider = chainProvider(host);
    await provider.send('anvil_setBalance', [pkp.ethAddress, '0xde0b6b3a7640000']);
    const to = Wallet.createRandom().address;
    const tx = Transaction.from({
      type: 2,
      chainId: 31337,
      nonce: 0,
      to,
      value: 12345n,
      gasLimit: 21000n,
      maxFeePerGas: 10_000_000_000n,
      maxPriorityFeePerGas: 1n,
    });
    const sig = await sign(pkp.publicKey, tx.unsignedHash);
    tx.signature = ethers.Signature.from(sig.signature);
    expect(tx.from).toBe(pkp.ethAddress);
    const hash = await provider.send('eth_sendRawTransaction', [tx.serialized]);
    const receipt = await provider.getTransactionReceipt(hash);
    expect(receipt?.status).toBe(1);
    expect(await provider.getBalance(to)).toBe(12345n);
  });

  it('refuses bad input with a clear error and consumes nothing', async () => {
    const pkp = await host.wallet.pkps.mint();
    const authSig = await host.wallet.account.authSig();
    const node = host.supervisor.status().nodes[0]!;
    const before = (await callNode<{ fresh: number }>({ index: 1, url: node.url }, '/presign/count', undefined, 2000))
      .fresh;
    await expect(host.wallet.lit.pkpSign({ publicKey: pkp.publicKey, toSign: '0x1234', authSig })).rejects.toThrow(
      /32-byte digest/,
    );
    const stranger = `0x04${Buffer.from(Wallet.createRandom().signingKey.publicKey.slice(4), 'hex').toString('hex')}`;
    await expect(host.wallet.lit.pkpSign({ publicKey: stranger, toSign: digest(), authSig })).rejects.toThrow(
      /no PKP with that public key/,
    );
    // Another account may not sign with the wallet's PKP.
    const other = new WalletAccount(new Wallet(Wallet.createRandom().privateKey), 31337);
    const refusal = host.wallet.lit.pkpSign({
      publicKey: pkp.publicKey,
      toSign: digest(),
      authSig: await other.authSig(),
    });
    await expect(refusal).rejects.toBeInstanceOf(SigningRefusedError);
    await expect(refusal).rejects.toThrow(/may not sign with this PKP/);
    // The node's pool did not shrink: nothing was bound for the refused requests.
    const after = (await callNode<{ fresh: number }>({ index: 1, url: node.url }, '/presign/count', undefined, 2000))
      .fresh;
    expect(after).toBeGreaterThanOrEqual(before);
  });

  it('refuses forged and replayed peer messages', async () => {
    const [a, b] = host.supervisor.status().nodes;
    const forged = { from: 2, kind: 'presign/deal', session: 'ps-x', body: '{}', sig: '00'.repeat(64) };
    const res = await fetch(`${a!.url}/peer/presign/deal`, { method: 'POST', body: JSON.stringify(forged) });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /signature of node 2 does not verify/,
    );
    const unregistered = await fetch(`${b!.url}/peer/dkg/deal`, {
      method: 'POST',
      body: JSON.stringify({ ...forged, from: 99, kind: 'dkg/deal' }),
    });
    expect(unregistered.status).toBe(403);
    const garbage = await fetch(`${b!.url}/pkp/sign/release`, { method: 'POST', body: '{"presignatureId":5}' });
    expect(garbage.status).toBe(400);
  });

  it('cannot make a signature from T-1 shares, and names a tampered share when more than T arrive', async () => {
    const pkp = await host.wallet.pkps.mint();
    const toSign = digest();
    const authSig = await host.wallet.account.authSig();
    const nodes = host.supervisor.status().nodes.map((n) => ({ index: n.index, url: n.url }));
    const presignatureId = (await freshPresignatureIds(host, nodes[0]!.index, 50)).at(-1)!;
    const bindings = await Promise.all(
      nodes.map((n) =>
        callNode<{ binding: unknown }>(
          n,
          '/pkp/sign/bind',
          { presignatureId, publicKey: pkp.publicKey, toSign, authSig },
          5000,
        ),
      ),
    );
    // A node releases nothing on fewer than T bindings, or on bindings whose tags are forged.
    const releaseWith = (list: unknown[]) =>
      callNode(
        nodes[0]!,
        '/pkp/sign/release',
        { presignatureId, publicKey: pkp.publicKey, toSign, bindings: list },
        5000,
      );
    const all = bindings.map((b) => b.binding as { node: number; tags: Record<string, string> });
    await expect(releaseWith(all.slice(0, T - 1))).rejects.toThrow(/needs 5 nodes' bindings/);
    const forged = all.map((b) => ({
      ...b,
      tags: Object.fromEntries(Object.keys(b.tags).map((k) => [k, 'ab'.repeat(16)])),
    }));
    await expect(releaseWith(forged)).rejects.toThrow(/got 0 valid/);
    const shares = await Promise.all(
      nodes.map((n) =>
        callNode<ReleaseResponse>(
          n,
          '/pkp/sign/release',
          { presignatureId, publicKey: pkp.publicKey, toSign, bindings: bindings.map((b) => b.binding) },
          5000,
        ),
      ),
    );
    const input = (list: ReleaseResponse[], degree: number) => ({
      shares: list.map((s) => ({ index: s.node, value: BigInt(s.share) })),
      bigR: getBytes(list[0]!.bigR),
      publicKey: getBytes(pkp.publicKey),
      digest: getBytes(toSign),
      degree,
    });
    // All seven give a valid signature; T-1 cannot, even pretending the degree is lower.
    expect(ethers.recoverAddress(toSign, combineSignature(input(shares, 4)).signature)).toBe(pkp.ethAddress);
    expect(() => combineSignature(input(shares.slice(0, T - 1), 4))).toThrow(/shares/);
    expect(() => combineSignature(input(shares.slice(0, T - 1), 3))).toThrow(/does not verify/);
    const tampered = shares.map((s, i) => (i === 2 ? { ...s, share: `0x${(BigInt(s.share) + 1n).toString(16)}` } : s));
    let caught: unknown;
    try {
      combineSignature(input(tampered, 4));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InconsistentSharesError);
    expect((caught as InconsistentSharesError).badIndices).toEqual([3]);
    // The presignature was bound to this message; it refuses any other.
    await expect(
      callNode(
        nodes[0]!,
        '/pkp/sign/bind',
        { presignatureId, publicKey: pkp.publicKey, toSign: digest(), authSig },
        5000,
      ),
    ).rejects.toThrow(/already bound to another message/);
  });

  it('made one BLS network key at genesis; T nodes sign with it, T-1 cannot', async () => {
    const key = await waitFor('the network key', () => host.supervisor.status().networkPublicKey ?? undefined);
    expect(key).toMatch(/^0x[0-9a-f]{96}$/);
    const message = 'litbox says hello';
    const { signature, nodes } = await host.wallet.lit.attest(message, key);
    const signed = new TextEncoder().encode(ATTESTATION_PREFIX + message);
    expect(nodes).toHaveLength(T);
    expect(verifyBlsSignature(signed, getBytes(signature), getBytes(key))).toBe(true);
    const raw = await Promise.all(
      host.supervisor
        .status()
        .nodes.map((n) =>
          callNode<{ share: string }>({ index: n.index, url: n.url }, '/bls/attest', { message }, 5000),
        ),
    );
    const shares = raw.map((r) => blsShareFromLitJson(r.share));
    expect(verifyBlsSignature(signed, combineBlsShares(shares.slice(2), T), getBytes(key))).toBe(true);
    expect(verifyBlsSignature(signed, combineBlsShares(shares.slice(0, T - 1), T - 1), getBytes(key))).toBe(false);
    expect(JSON.parse(raw[0]!.share)).toHaveProperty('ProofOfPossession.identifier');
  });

  it('keeps the key pool full: minting takes a key and the nodes route a new one', async () => {
    const provider = chainProvider(host);
    const nft = host.wallet.pkps;
    await nft.mint();
    await nft.mint();
    const { PKPNFT } = (await import('../app/shared/contracts/index.ts')).connectContracts(
      host.supervisor.contracts!,
      provider,
    );
    await waitFor(
      'the key pool to refill',
      async () => Number(await PKPNFT.getUnmintedRoutedTokenIdCount(KEY_TYPE.ECDSA)) >= 8,
    );
  });

  it('signs with N-T nodes down and fails clearly with N-T+1 down', async () => {
    const pkp = await host.wallet.pkps.mint();
    await host.supervisor.node(6).stop();
    await host.supervisor.node(7).stop();
    const toSign = digest();
    const sig = await sign(pkp.publicKey, toSign);
    expect(ethers.recoverAddress(toSign, sig.signature)).toBe(pkp.ethAddress);
    expect(sig.nodes).not.toContain(6);

    await host.supervisor.node(5).stop();
    const started = Date.now();
    const failed = sign(pkp.publicKey, digest());
    await expect(failed).rejects.toBeInstanceOf(NotEnoughNodesError);
    await expect(failed).rejects.toThrow(/needs 5/);
    expect(Date.now() - started).toBeLessThan(15_000);

    await Promise.all([5, 6, 7].map((i) => host.supervisor.node(i).start()));
    const again = digest();
    const back = await waitFor('signing to resume', () => sign(pkp.publicKey, again).catch(() => undefined), 30_000);
    expect(ethers.recoverAddress(again, back.signature)).toBe(pkp.ethAddress);
  });

  it('never binds a presignature to two messages, even with a node SIGKILLed mid-signing', async () => {
    const pkp = await host.wallet.pkps.mint();
    const victim = host.supervisor.node(3);
    const runs = Array.from({ length: 30 }, async (_, i) => {
      if (i === 10) process.kill(victim.pid!, 'SIGKILL');
      return sign(pkp.publicKey, digest()).then(
        (s) => s,
        () => undefined,
      );
    });
    const signed = (await Promise.all(runs)).filter(Boolean);
    expect(signed.length).toBeGreaterThan(20);
    await waitFor('node 3 back', () => host.supervisor.status().nodes[2]!.up);
    await auditBindings();
  });

  it('keeps every PKP usable across a restart of the whole sandbox, with no key material in the open', async () => {
    const pkp = await host.wallet.pkps.mint();
    const api = createApiClient({ baseUrl: host.url, token: host.token });
    const answered = JSON.stringify([await api.call('status', {}), await api.call('pkpList', {})]);
    await host.stop();
    host = await startHost({ dataDir, port: 0, pools: { keys: 8, presignatures: 60 } });
    await waitForPools(host, 8, 30);
    const toSign = digest();
    const sig = await sign(pkp.publicKey, toSign);
    expect(ethers.recoverAddress(toSign, sig.signature)).toBe(pkp.ethAddress);

    // Read the node's real share of this PKP, then look for it everywhere it must not be.
    await host.stop();
    const master = await loadOrCreateMasterKey(await KeychainVault.open(dataDir));
    const tokenId = BigInt(keccak256(pkp.publicKey)).toString();
    const secrets: string[] = [];
    for (let i = 1; i <= N; i++) {
      const store = new NodeStore(path.join(dataDir, 'nodes', `node-${i}`), nodeStorageKey(master, i));
      const { KeyShareStore } = await import('../app/nodes/keys/key-share-store.ts');
      const share = new KeyShareStore(store.db, store.box).get(tokenId)!.share;
      secrets.push(share.toString(16), share.toString());
      store.close();
    }
    const everything = [answered, ...filesUnder(dataDir).map((f) => fs.readFileSync(f).toString('latin1'))].join('\n');
    for (const secret of secrets) expect(everything.includes(secret)).toBe(false);
    host = await startHost({ dataDir, port: 0, pools: { keys: 8, presignatures: 60 } });
  });
});

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : [full];
  });
}

/** Every node's binding records: each presignature bound to one (key, digest) network-wide. */
async function auditBindings(): Promise<void> {
  const audit = await auditPresignatureBindings(dataDir, N);
  expect(audit.doubleBound).toEqual([]);
  expect(audit.bindings).toBeGreaterThan(0);
}
