import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethers } from 'ethers';
import { cidV0 } from '../app/shared/cid/index.ts';
import { primeDigest, SIGN_IF_PRIME_ACTION } from '../app/shared/actions/sign-if-prime.ts';
import { startHost, type RunningHost } from '../app/host/host.ts';
import { ActionFailedError } from '../app/host/lit-client/lit-client.ts';
import { RUN_SPARES } from '../app/host/lit-client/action-run-set.ts';
import { thresholdFor } from '../app/shared/network.ts';
import { freshPresignatureIds } from '../testing/sandbox/fresh-presignatures.ts';
import { waitFor, waitForPools } from '../testing/sandbox/network-probe.ts';
import { auditPresignatureBindings } from '../testing/sandbox/presignature-audit.ts';
import { tempDataDir } from '../testing/sandbox/spawn-cli.ts';

const N = 7;
/** The wallet runs each action at T nodes and a spare, not at all seven. */
const RUNNERS = thresholdFor(N) + RUN_SPARES;
let host: RunningHost;
let feed: http.Server;
let feedUrl: string;

beforeAll(async () => {
  // A local "price feed" on the allow-list.
  feed = http.createServer((_req, res) => res.end('{"price": 42}'));
  await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/`;
  host = await startHost({
    dataDir: tempDataDir('litbox-actions-'),
    nodeCount: N,
    port: 0,
    pools: { keys: 8, presignatures: 60 },
    fetchAllowList: [feedUrl],
  });
  await waitForPools(host, 8, 30);
}, 180_000);

afterAll(async () => {
  await host?.stop();
  feed?.close();
});

const run = async (code: string, jsParams: Record<string, unknown>, ipfsId?: string) =>
  host.wallet.lit.executeJs({ code, ipfsId, jsParams, authSig: await host.wallet.account.authSig() });

describe('Lit Actions on the network', () => {
  it('runs an action on T + 1 nodes and agrees on its response and logs', async () => {
    const result = await run(
      'console.log("hi from", typeof Lit.Actions.signEcdsa); Lit.Actions.setResponse({response: String(a + b)});',
      { a: 2, b: 3 },
    );
    expect(result.response).toBe('5');
    expect(result.logs).toContain('hi from function');
    // T agreed; the spare shows when it answered within a moment of them.
    expect(result.nodes.length).toBeGreaterThanOrEqual(thresholdFor(N));
    expect(result.nodes.length).toBeLessThanOrEqual(RUNNERS);
    expect(result.nodes.every((n) => n.response === '5')).toBe(true);
  });

  it('Mint/Grant/Burn: the prime action signs 7 and refuses 8 on every node, and the proof verifies', async () => {
    const ipfsId = host.wallet.actions.save(SIGN_IF_PRIME_ACTION);
    expect(ipfsId).toBe(cidV0(SIGN_IF_PRIME_ACTION));
    const pkp = await host.wallet.pkps.mintGrantAndBurn(ipfsId);

    const signed = await run(SIGN_IF_PRIME_ACTION, { number: 7, publicKey: pkp.publicKey }, ipfsId);
    const sig = signed.signatures.prime!;
    expect(ethers.recoverAddress(primeDigest(7), sig.signature)).toBe(pkp.ethAddress);
    expect(JSON.parse(signed.response!)).toEqual({ prime: 7 });

    const refused = run(SIGN_IF_PRIME_ACTION, { number: 8, publicKey: pkp.publicKey }, ipfsId);
    await expect(refused).rejects.toBeInstanceOf(ActionFailedError);
    const failure = (await refused.catch((e: ActionFailedError) => e)) as ActionFailedError;
    expect(failure.message).toMatch(/8 is not prime/);
    expect(failure.nodes).toHaveLength(RUNNERS);
    expect(failure.nodes.every((n) => n.error?.message.includes('8 is not prime') && n.signatures.length === 0)).toBe(
      true,
    );

    const verdict = await host.wallet.verifyMintGrantBurn({
      publicKey: pkp.publicKey,
      code: SIGN_IF_PRIME_ACTION,
      signature: sig.signature,
      digest: primeDigest(7),
    });
    expect(verdict).toMatchObject({ valid: true, ipfsId });
    // Other code, or another digest, does not pass.
    const otherCode = await host.wallet.verifyMintGrantBurn({
      publicKey: pkp.publicKey,
      code: `${SIGN_IF_PRIME_ACTION}\n// changed`,
      signature: sig.signature,
      digest: primeDigest(7),
    });
    expect(otherCode.valid).toBe(false);
    expect(otherCode.checks.find((c) => c.name === 'code')?.ok).toBe(false);
  });

  it('leaves the presignature a run used fresh at no node: the node that did not run it retires its copy', async () => {
    const code = 'await Lit.Actions.signEcdsa({ toSign, publicKey, sigName: "sig" });';
    const pkp = await host.wallet.pkps.mint();
    const toSign = ethers.hexlify(ethers.randomBytes(32));
    const result = await run(code, { toSign: Array.from(ethers.getBytes(toSign)), publicKey: pkp.publicKey });
    expect(ethers.recoverAddress(toSign, result.signatures.sig!.signature)).toBe(pkp.ethAddress);
    expect(result.nodes.length).toBeLessThanOrEqual(RUNNERS);
    const [used] = (await auditPresignatureBindings(host.dataDir, N)).byDigest[toSign.toLowerCase()]!;
    expect(used!.bound).toBeGreaterThanOrEqual(thresholdFor(N));
    // The retirement is sent after the run, without being waited for.
    const stillFresh = async () => {
      const lists = await Promise.all([...Array(N).keys()].map((i) => freshPresignatureIds(host, i + 1)));
      return lists.flatMap((ids, i) => (ids.includes(used!.presignatureId) ? [i + 1] : []));
    };
    await waitFor('the used presignature retired everywhere', async () => (await stillFresh()).length === 0, 5_000);
  });

  it('rejects a PKP that was minted normally and granted the action later', async () => {
    const ipfsId = host.wallet.actions.save(SIGN_IF_PRIME_ACTION);
    const pkp = await host.wallet.pkps.mint();
    await host.wallet.pkps.grantAction(pkp.publicKey, ipfsId, 1);
    const signed = await run(SIGN_IF_PRIME_ACTION, { number: 13, publicKey: pkp.publicKey }, ipfsId);
    const verdict = await host.wallet.verifyMintGrantBurn({
      publicKey: pkp.publicKey,
      code: SIGN_IF_PRIME_ACTION,
      signature: signed.signatures.prime!.signature,
      digest: primeDigest(13),
    });
    expect(verdict.valid).toBe(false);
    expect(verdict.checks.find((c) => c.name === 'signature')?.ok).toBe(true);
    expect(verdict.checks.find((c) => c.name === 'mintGrantBurn')?.ok).toBe(false);
  });

  it('an action permitted for PKP A cannot sign for PKP B', async () => {
    const code = 'await Lit.Actions.signEcdsa({ toSign: Array(32).fill(7), publicKey, sigName: "s" });';
    const ipfsId = host.wallet.actions.save(code);
    const a = await host.wallet.pkps.mintGrantAndBurn(ipfsId);
    const b = await host.wallet.pkps.mintGrantAndBurn(host.wallet.actions.save(`${code}\n// another action`));
    // Without the wallet's auth sig, only the action's own permission counts.
    const ok = await host.wallet.lit.executeJs({ code, ipfsId, jsParams: { publicKey: a.publicKey } });
    expect(ethers.recoverAddress(ethers.hexlify(new Uint8Array(32).fill(7)), ok.signatures.s!.signature)).toBe(
      a.ethAddress,
    );
    const refused = host.wallet.lit.executeJs({ code, ipfsId, jsParams: { publicKey: b.publicKey } });
    await expect(refused).rejects.toThrow(/not permitted to sign with this PKP/);
  });

  it('checks EVM access control conditions on the sandbox chain for the requester', async () => {
    const code = `const ok = await Lit.Actions.checkConditions({ conditions, chain: 'litbox' });
Lit.Actions.setResponse({ response: String(ok) });`;
    const condition = (value: string) => [
      {
        contractAddress: '',
        standardContractType: '',
        chain: 'litbox',
        method: 'eth_getBalance',
        parameters: [':userAddress', 'latest'],
        returnValueTest: { comparator: '>=', value },
      },
    ];
    // The wallet account is funded with 10000 ETH on the sandbox chain.
    expect((await run(code, { conditions: condition('1000000000000000000') })).response).toBe('true');
    expect((await run(code, { conditions: condition('10000000000000000000000000') })).response).toBe('false');
    await expect(run(code, { conditions: [{ ...condition('1')[0], chain: 'ethereum' }] })).rejects.toThrow(
      /sandbox chain/,
    );
  });

  it('gives the same CID and result by code and by ipfsId, and refuses code that does not match its CID', async () => {
    const code = 'Lit.Actions.setResponse({ response: "same" });';
    const byCode = await run(code, {});
    const byId = await run(code, {}, cidV0(code));
    expect(byCode.ipfsId).toBe(byId.ipfsId);
    expect(byId.response).toBe('same');
    await expect(run(code, {}, cidV0('something else'))).rejects.toThrow(/hashes to/);
  });

  it('keeps the node process away from actions: no process.env, no network outside the allow-list', async () => {
    const env = await run('Lit.Actions.setResponse({ response: typeof process + "/" + typeof require });', {});
    expect(env.response).toBe('undefined/undefined');
    const rpcUrl = host.supervisor.chain!.rpcUrl;
    await expect(run(`await fetch(${JSON.stringify(rpcUrl)});`, {})).rejects.toThrow(/allow/i);
    const price = await run(
      `const r = await fetch(${JSON.stringify(feedUrl)}); Lit.Actions.setResponse({ response: String((await r.json()).price) });`,
      {},
    );
    expect(price.response).toBe('42');
    // The nodes are healthy afterwards.
    expect((await run('Lit.Actions.setResponse({ response: "ok" });', {})).response).toBe('ok');
  });
});
