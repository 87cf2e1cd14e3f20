import { randomBytes } from 'node:crypto';
import { ethers, hexlify, parseEther, Wallet } from 'ethers';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../app/shared/api/client.ts';
import { connectContracts } from '../app/shared/contracts/index.ts';
import type { AuthSig } from '../app/shared/node-api.ts';
import { startHost, type RunningHost } from '../app/host/host.ts';
import { callNode, clientHeaders, type NodeEndpoint } from '../app/host/lit-client/node-request.ts';
import { pickPresignature } from '../app/host/lit-client/presignature-queue.ts';
import { thresholdFor } from '../app/shared/network.ts';
import { freshPresignatureIds } from '../testing/sandbox/fresh-presignatures.ts';
import { chainProvider, waitForPools } from '../testing/sandbox/network-probe.ts';
import { auditPresignatureBindings } from '../testing/sandbox/presignature-audit.ts';
import { tempDataDir } from '../testing/sandbox/spawn-cli.ts';
import { PkpService } from '../app/host/wallet/pkp-service.ts';
import { SandboxTransactor } from '../app/host/wallet/sandbox-transactor.ts';
import { WalletAccount } from '../app/host/wallet/wallet-account.ts';

// Issue 13, item 4: presignatures cannot be aimed at. An outsider (another program on the
// machine, without the host's token) with a PKP of its own tries to learn which presignatures
// are fresh and to bind them to messages of its own, so that the wallet's signatures fail.

const N = 4;
let host: RunningHost;
let api: ApiClient;
let nodes: NodeEndpoint[];
let walletPkp: { publicKey: string; ethAddress: string };
let attacker: { pkp: { publicKey: string }; authSig: AuthSig };

beforeAll(async () => {
  host = await startHost({
    dataDir: tempDataDir('litbox-presign-attacks-'),
    nodeCount: N,
    port: 0,
    pools: { keys: 4, presignatures: 60 },
  });
  await waitForPools(host, 2, 30);
  api = createApiClient({ baseUrl: host.url, token: host.token });
  // The outsiders' view of the nodes: addresses only, no host client key.
  nodes = host.supervisor.status().nodes.map((n) => ({ index: n.index, url: n.url }));
  walletPkp = await api.call('pkpMint', {});

  // The attacker: its own account and its own PKP, minted the way anyone may. Its gas comes
  // from the sandbox faucet, the sanctioned way to fund an address here (swap this one line
  // if funding changes).
  const provider = chainProvider(host);
  const account = new Wallet(hexlify(randomBytes(32)), provider);
  await host.wallet.faucet(account.address, parseEther('5'));
  const contracts = host.supervisor.contracts!;
  const pkps = new PkpService(
    connectContracts(contracts, provider),
    contracts,
    new SandboxTransactor(account, provider, 31337),
  );
  attacker = { pkp: await pkps.mint(), authSig: await new WalletAccount(account, 31337).authSig() };
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

const digest = () => hexlify(randomBytes(32));

async function walletSigns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const toSign = digest();
    const { signature } = await api.call('pkpSign', { publicKey: walletPkp.publicKey, toSign });
    expect(ethers.recoverAddress(toSign, signature)).toBe(walletPkp.ethAddress);
  }
}

/** The attacker binds `presignatureId` at `node` to a digest of its own, with its own PKP. */
function attackerBinds(node: NodeEndpoint, presignatureId: string) {
  return callNode(
    node,
    '/pkp/sign/bind',
    { presignatureId, publicKey: attacker.pkp.publicKey, toSign: digest(), authSig: attacker.authSig },
    10_000,
  ).then(
    () => ({ status: 200, code: 'bound' }),
    (err: { status: number; code: string }) => ({ status: err.status, code: err.code }),
  );
}

describe('presignatures cannot be aimed at', () => {
  it('no node tells an outsider which presignatures are fresh', async () => {
    // The host's own client learns them: the refusals below are about who asks.
    expect((await freshPresignatureIds(host, 1)).length).toBeGreaterThan(0);
    for (const node of nodes) {
      const anonymous = await fetch(`${node.url}/presign/available?limit=1000`);
      expect(anonymous.status, `node ${node.index}`).toBe(401);
      expect(JSON.stringify(await anonymous.json())).not.toMatch(/ps-/);
      const forged = await fetch(`${node.url}/presign/available`, {
        headers: { authorization: `Bearer ${'0'.repeat(64)}` },
      });
      expect(forged.status).toBe(401);
      // Nor the peers' route, without a node's signature.
      const peerRoute = await fetch(`${node.url}/peer/presign/available`, { method: 'POST', body: '{"limit":10}' });
      expect(peerRoute.status).toBe(400);
      expect(JSON.stringify(await peerRoute.json())).not.toMatch(/ps-/);
    }
    // The /rpc channel of an outsider has no such route either (it serves POST routes only).
    const answer = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`${nodes[0]!.url.replace(/^http/, 'ws')}/rpc`);
      ws.once('open', () => ws.send(JSON.stringify({ id: 1, path: '/presign/available', body: '' })));
      ws.once('message', (data) => {
        resolve(String(data));
        ws.close();
      });
      ws.once('error', reject);
    });
    expect(answer).toMatch(/"status":404/);
  });

  it('rate-limits an outsider binding presignatures, even ones it somehow learned', async () => {
    // The worst case: the ids leaked. 40 binds at one node at once: only a burst goes through.
    const leaked = (await freshPresignatureIds(host, 1)).slice(-40);
    const answers = await Promise.all(leaked.map((id) => attackerBinds(nodes[0]!, id)));
    const bound = answers.filter((a) => a.status === 200).length;
    const limited = answers.filter((a) => a.status === 429 && a.code === 'rate_limited').length;
    expect(bound).toBeGreaterThan(0); // its own PKP: a genuine bind, so the limit is what refuses
    expect(bound).toBeLessThanOrEqual(12);
    expect(limited).toBe(leaked.length - bound);
    await walletSigns(3);
  });

  it("a flood of binds on the wallet's next presignatures fails none of its signatures, during or after", async () => {
    let flooding = true;
    let attempts = 0;
    let spoiled = 0;
    const flood = (async () => {
      while (flooding) {
        // Aimed as well as anyone could: the very presignatures the wallet's client takes next,
        // bound at N − T + 1 nodes, which is enough to spoil each for good.
        const next = (await host.wallet.lit.freshPresignatures()).slice(0, 8);
        const answers = await Promise.all(
          next.flatMap((c) => nodes.slice(0, N - 2).map((node) => attackerBinds(node, c.id))),
        );
        attempts += answers.length;
        spoiled += answers.filter((a) => a.status === 200).length;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      await walletSigns(20);
    } finally {
      flooding = false;
      await flood;
    }
    expect(attempts).toBeGreaterThan(50);
    expect(spoiled).toBeGreaterThan(0);
    // After the flood: the network still signs, and no presignature ever served two messages.
    await walletSigns(5);
    // The attacker's bindings sit beside the wallet's on presignatures it spoiled (so doubleBound
    // is not empty), but no presignature gave shares for two messages, nor gathered T bindings twice.
    const audit = await auditPresignatureBindings(host.dataDir, N);
    expect(audit.doubleBound.length).toBeGreaterThan(0);
    expect(audit.releasedForTwo).toEqual([]);
    expect(audit.quorumForTwo).toEqual([]);
  }, 120_000);

  it('an outsider cannot have a presignature bound to what a run of the wallet asked to sign (rebind)', async () => {
    for (const node of nodes) {
      const res = await fetch(`${node.url}/web/execute/rebind`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          requestId: 'AAAAAAAAAAAAAAAA',
          sigName: 'sig',
          presignatureId: 'ps-1-x:0',
          publicKey: walletPkp.publicKey,
          toSign: digest(),
        }),
      });
      expect(res.status, `node ${node.index}`).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('host_only');
    }
    // Nor a web page, even one that somehow had the host client key: nodes answer no Origin here.
    for (const node of host.wallet.lit.nodeEndpoints()) {
      const res = await fetch(`${node.url}/web/execute/rebind`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://evil.example', ...clientHeaders(node) },
        body: '{}',
      });
      expect(res.status, `node ${node.index}`).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
  });

  it('an outsider cannot retire presignatures (drain the pool), not even ids it somehow learned', async () => {
    const ids = (await freshPresignatureIds(host, 1)).slice(0, 8);
    expect(ids.length).toBeGreaterThan(0);
    const body = JSON.stringify({ presignatureIds: ids });
    for (const node of nodes) {
      const anonymous = await fetch(`${node.url}/presign/retire`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(anonymous.status, `node ${node.index}`).toBe(401);
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('host_only');
      const forged = await fetch(`${node.url}/presign/retire`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${'0'.repeat(64)}` },
        body,
      });
      expect(forged.status, `node ${node.index}`).toBe(401);
    }
    // A web page, even one that had the host client key, is refused before the route.
    for (const node of host.wallet.lit.nodeEndpoints()) {
      const res = await fetch(`${node.url}/presign/retire`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://evil.example', ...clientHeaders(node) },
        body,
      });
      expect(res.status, `node ${node.index}`).toBe(403);
    }
    // Every one of them is still fresh where it was.
    const after = new Set(await freshPresignatureIds(host, 1));
    expect(ids.filter((id) => !after.has(id))).toEqual([]);
  });

  it('an action whose presignature an outsider spoiled signs with another, without running again (it used runOnce, so it could not be)', async () => {
    const code = `const once = await Lit.Actions.runOnce({ waitForResponse: true, name: 'once' }, async () => 'ran once');
await Lit.Actions.signEcdsa({ toSign, publicKey, sigName: 'sig' });
Lit.Actions.setResponse({ response: once });`;
    const toSign = digest();
    // The presignature the run will be offered first (the client's pick: with every node up, the
    // one most nodes hold), spoiled at all but T − 1 of its holders. The flood above spoiled some
    // at nodes 1 and 2 already: such a node answers that it is bound to another message, as good.
    const T = thresholdFor(N);
    const head = pickPresignature(
      await host.wallet.lit.freshPresignatures(),
      () => true,
      (c) => c.holders.length,
    ).choice;
    const first = head!.id;
    for (const index of head!.holders.slice(0, head!.holders.length - (T - 1))) {
      const node = nodes.find((n) => n.index === index)!;
      let answer = await attackerBinds(node, first);
      for (let i = 0; answer.status === 429 && i < 20; i++) {
        await new Promise((r) => setTimeout(r, 500)); // the flood above spent the attacker's budget
        answer = await attackerBinds(node, first);
      }
      expect([200, 409], `node ${index}: ${answer.code}`).toContain(answer.status);
    }
    const result = await host.wallet.lit.executeJs({
      code,
      jsParams: { toSign: Array.from(ethers.getBytes(toSign)), publicKey: walletPkp.publicKey },
      authSig: await host.wallet.account.authSig(),
    });
    expect(result.response).toBe('ran once');
    expect(ethers.recoverAddress(toSign, result.signatures.sig!.signature)).toBe(walletPkp.ethAddress);
    // The run bound the spoiled presignature at the T − 1 nodes that still had it fresh; another
    // was bound to the same digest after the run, and only that one gave shares.
    await new Promise((r) => setTimeout(r, 300)); // a node marks a share released (wipes its secrets) 50 ms later
    const signedWith = (await auditPresignatureBindings(host.dataDir, N)).byDigest[toSign.toLowerCase()]!;
    expect(signedWith.find((p) => p.presignatureId === first)).toEqual({
      presignatureId: first,
      bound: T - 1,
      released: 0,
    });
    const released = signedWith.filter((p) => p.released > 0);
    expect(released).toHaveLength(1);
    expect(released[0]!.presignatureId).not.toBe(first);
    expect(released[0]!.bound).toBeGreaterThanOrEqual(T);
  });
});
