import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethers } from 'ethers';
import WebSocket from 'ws';
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  erc721Abi,
  http,
  verifyMessage,
  verifyTypedData,
  webSocket,
} from 'viem';
import { Cacao } from '@didtools/cacao';
import { EthereumWebAuth, getAccountId, getEIP191Verifier } from '@didtools/pkh-ethereum';
import { DIDSession } from 'did-session';
import { createApiClient, type ApiClient } from '../../shared/api/client.ts';
import { LIVE_PATH, LIVE_PROTOCOL, LiveMessage } from '../../shared/api/contract.ts';
import type { PendingApproval, ProviderState } from '../../shared/provider/provider-wire.ts';
import { startHost, type RunningHost } from '../host.ts';
import { waitForPools } from '../../../testing/sandbox/network-probe.ts';
import { REPO_ROOT, tempDataDir } from '../../../testing/sandbox/spawn-cli.ts';
import { findFreePort } from '../ports.ts';
import { COMPANION_EXTENSION_ORIGIN } from './provider-server.ts';

const run = promisify(execFile);
const CAST = `${REPO_ROOT}node_modules/.bin/cast`;
const DAPP = 'https://dapp.example';
const TYPED = {
  domain: {
    name: 'Litbox test',
    version: '1',
    chainId: 31337,
    verifyingContract: '0x0000000000000000000000000000000000000001',
  },
  types: {
    Mail: [
      { name: 'to', type: 'address' },
      { name: 'contents', type: 'string' },
    ],
  },
  primaryType: 'Mail' as const,
  message: { to: '0x0000000000000000000000000000000000000002', contents: 'hello' },
};

/** viem's description of the sandbox chain, served at `url`. */
const sandbox = (url: string) =>
  defineChain({
    id: 31337,
    name: 'Litbox sandbox',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });

let host: RunningHost;
let api: ApiClient;
let endpoint: string;
/** Live pushes the UI would get, as they arrive, with their arrival time. */
const pushes: { at: number; state: ProviderState }[] = [];
let live: WebSocket;
let ciPkp: { publicKey: string; ethAddress: string };
let otherPkp: { publicKey: string; ethAddress: string };

type RpcReply = { result?: unknown; error?: { code: number; message: string } };

async function rpc(
  method: string,
  params: unknown[] = [],
  options: { path?: string; headers?: Record<string, string> } = {},
): Promise<RpcReply> {
  const res = await fetch(`${endpoint}${options.path ?? '/'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return (await res.json()) as RpcReply;
}
const asDapp = { headers: { origin: DAPP } };

/** The next request of this client that waits for the person, as the UI sees it. */
async function nextPending(client: string, kind?: PendingApproval['kind']): Promise<PendingApproval> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const found = pushes
      .at(-1)
      ?.state.pending.find((p) => p.client === client && (kind === undefined || p.kind === kind));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no ${kind ?? ''} request from ${client} showed up`);
}

beforeAll(async () => {
  host = await startHost({
    dataDir: tempDataDir('litbox-provider-'),
    nodeCount: 3,
    port: 0,
    providerPort: await findFreePort(),
    pools: { keys: 6, presignatures: 60 },
    approveAllFrom: 'ci',
    approvalTimeoutMs: 6_000,
  });
  api = createApiClient({ baseUrl: host.url, token: host.token });
  endpoint = host.provider.url;
  live = new WebSocket(`${host.url.replace('http', 'ws')}${LIVE_PATH}`, [LIVE_PROTOCOL, host.token]);
  live.on('message', (data) => {
    const parsed = LiveMessage.safeParse(JSON.parse(String(data)));
    if (parsed.success && parsed.data.type === 'provider')
      pushes.push({ at: performance.now(), state: parsed.data.state });
  });
  await new Promise((resolve) => live.once('open', resolve));
  await waitForPools(host, 6, 30);
  ciPkp = await api.call('pkpMint', {});
  otherPkp = await api.call('pkpMint', {});
  await api.call('faucet', { address: ciPkp.ethAddress, amountEth: '10' });
  await api.call('faucet', { address: otherPkp.ethAddress, amountEth: '10' });
}, 240_000);

afterAll(async () => {
  live?.close();
  await host?.stop();
});

describe('the wallet provider with clients nobody here wrote', () => {
  it('is printed in status, answers eth_chainId, and refuses eth_sign and unknown methods with 4200', async () => {
    const status = await api.call('status', {});
    expect(status.provider).toEqual({ url: endpoint, approveAllFrom: 'ci' });
    expect(await rpc('eth_chainId')).toMatchObject({ result: '0x7a69' });
    expect((await rpc('eth_sign', [ciPkp.ethAddress, '0x' + '11'.repeat(32)], { path: '/?name=ci' })).error?.code).toBe(
      4200,
    );
    expect((await rpc('anvil_setBalance', [ciPkp.ethAddress, '0x1'], { path: '/?name=ci' })).error?.code).toBe(4200);
    expect((await rpc('eth_madeUp', [], { path: '/?name=ci' })).error?.code).toBe(4200);
  });

  it("Foundry's cast sends a transaction from a PKP through the endpoint (approved by --approve-all-from ci) and it is mined", async () => {
    const to = ethers.Wallet.createRandom().address;
    const { stdout } = await run(
      CAST,
      [
        'send',
        '--rpc-url',
        `${endpoint}/?name=ci`,
        '--unlocked',
        '--from',
        ciPkp.ethAddress,
        to,
        '--value',
        '0.01ether',
        '--json',
      ],
      { timeout: 60_000 },
    );
    const receipt = JSON.parse(stdout) as { status: string; transactionHash: string; from: string };
    expect(receipt.status).toBe('0x1');
    expect(receipt.from.toLowerCase()).toBe(ciPkp.ethAddress.toLowerCase());
    expect(await host.wallet.provider.getBalance(to)).toBe(ethers.parseEther('0.01'));
    const entries = (await api.call('activity', { query: 'local client "ci"' })).entries;
    expect(entries.some((e) => e.kind === 'transaction' && e.transactionHash === receipt.transactionHash)).toBe(true);
  });

  it("viem's wallet client sends a transaction and signs a message and EIP-712 data that verify", async () => {
    const chain = defineChain({
      id: 31337,
      name: 'Litbox sandbox',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [`${endpoint}/?name=ci`] } },
    });
    const transport = http(`${endpoint}/?name=ci`);
    const wallet = createWalletClient({ chain, transport });
    const reader = createPublicClient({ chain, transport });
    const [address] = await wallet.requestAddresses();
    expect(address).toBeDefined();
    const account = ciPkp.ethAddress as `0x${string}`;
    expect(await wallet.getAddresses()).toContain(account);
    const to = ethers.Wallet.createRandom().address as `0x${string}`;
    const hash = await wallet.sendTransaction({ account, to, value: 12345n, chain });
    const receipt = await reader.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    expect(await reader.getBalance({ address: to })).toBe(12345n);

    const signature = await wallet.signMessage({ account, message: 'hello from viem' });
    expect(await verifyMessage({ address: account, message: 'hello from viem', signature })).toBe(true);
    const typed = await wallet.signTypedData({
      account,
      ...TYPED,
      domain: { ...TYPED.domain, verifyingContract: TYPED.domain.verifyingContract as `0x${string}` },
    });
    expect(
      await verifyTypedData({
        address: account,
        ...TYPED,
        domain: { ...TYPED.domain, verifyingContract: TYPED.domain.verifyingContract as `0x${string}` },
        signature: typed,
      }),
    ).toBe(true);
  });

  it("ethers' JsonRpcSigner, as a named client the person approves, sends, signs a message and typed data (prompt and receipt times printed)", async () => {
    const client = 'local:ethers-script';
    const provider = new ethers.JsonRpcProvider(`${endpoint}/?name=ethers-script`, 31337, { staticNetwork: true });
    // Before the person connects it, the client sees no account.
    expect(await provider.send('eth_accounts', [])).toEqual([]);
    const connecting = provider.send('eth_requestAccounts', []);
    const connect = await nextPending(client, 'connect');
    await api.call('providerDecide', { id: connect.id, approve: true, publicKeys: [otherPkp.publicKey] });
    expect(await connecting).toEqual([otherPkp.ethAddress]);
    const signer = await provider.getSigner(otherPkp.ethAddress);

    // The signer's own path: it estimates gas through the endpoint, then eth_sendTransaction.
    const to = ethers.Wallet.createRandom().address;
    const viaSigner = signer.sendTransaction({ to, value: 1000n });
    const first = await nextPending(client, 'transaction');
    expect(first.rows.find((r) => r.label === 'To')?.value).toBe(to);
    expect(first.account?.address).toBe(otherPkp.ethAddress);
    await api.call('providerDecide', { id: first.id, approve: true });
    expect((await (await viaSigner).wait())?.status).toBe(1);

    // Timed: from the eth_sendTransaction request to the prompt in the UI's live channel, and
    // from the approval to the mined receipt (the endpoint answers once the receipt is there).
    const promptMs: number[] = [];
    const minedMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const seen = pushes.length;
      const asked = performance.now();
      const sending = provider.send('eth_sendTransaction', [
        { from: otherPkp.ethAddress, to, value: '0x3e8' },
      ]) as Promise<string>;
      const prompt = await nextPending(client, 'transaction');
      promptMs.push(pushes.slice(seen).find((p) => p.state.pending.some((r) => r.id === prompt.id))!.at - asked);
      const approved = performance.now();
      await api.call('providerDecide', { id: prompt.id, approve: true });
      const hash = await sending;
      minedMs.push(performance.now() - approved);
      expect((await host.wallet.provider.getTransactionReceipt(hash))?.status).toBe(1);
    }
    expect(await host.wallet.provider.getBalance(to)).toBe(6000n);
    // The same work without the provider, in the same run: the UI's own preview and send.
    const previewMs: number[] = [];
    const sendMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      let t = performance.now();
      await api.call('pkpTransactionPreview', { publicKey: otherPkp.publicKey, to, valueEth: '0.000000000000001' });
      previewMs.push(performance.now() - t);
      t = performance.now();
      await api.call('pkpSend', { publicKey: otherPkp.publicKey, to, valueEth: '0.000000000000001' });
      sendMs.push(performance.now() - t);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(0);
    const list = (xs: number[]) => `${xs.map((m) => m.toFixed(0)).join(', ')} ms (median ${median(xs)})`;
    console.log(
      [
        `provider timings (load ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}):`,
        `  eth_sendTransaction → prompt pushed to the UI: ${list(promptMs)}`,
        `  approve → mined receipt answered: ${list(minedMs)}`,
        `  same run, without the provider: pkpTransactionPreview ${list(previewMs)}; pkpSend ${list(sendMs)}`,
      ].join('\n'),
    );

    const signing = signer.signMessage('hello from ethers');
    const msg = await nextPending(client, 'message');
    expect(msg.message).toBe('hello from ethers');
    await api.call('providerDecide', { id: msg.id, approve: true });
    expect(ethers.verifyMessage('hello from ethers', await signing)).toBe(otherPkp.ethAddress);

    const { primaryType: _p, ...typedForEthers } = TYPED;
    const typing = signer.signTypedData(typedForEthers.domain, typedForEthers.types, typedForEthers.message);
    const typedPrompt = await nextPending(client, 'typed-data');
    expect(typedPrompt.typedData?.message).toEqual(TYPED.message);
    await api.call('providerDecide', { id: typedPrompt.id, approve: true });
    expect(ethers.verifyTypedData(TYPED.domain, TYPED.types, TYPED.message, await typing)).toBe(otherPkp.ethAddress);
    provider.destroy();
  });

  it("did-session's EthereumWebAuth with the provider makes a Ceramic session whose CACAO verifies", async () => {
    const eip1193 = {
      request: async ({ method, params }: { method: string; params?: unknown[] }) => {
        const reply = await rpc(method, params ?? [], { path: '/?name=ci' });
        if (reply.error) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
        return reply.result;
      },
    };
    // EthereumWebAuth reads the SIWE domain from the page it runs in.
    const g = globalThis as { window?: unknown };
    g.window = { location: { hostname: 'dapp.example' } };
    try {
      const accountId = await getAccountId(eip1193, ciPkp.ethAddress);
      const authMethod = await EthereumWebAuth.getAuthMethod(eip1193, accountId);
      const session = await DIDSession.authorize(authMethod, { resources: ['ceramic://*'] });
      expect(session.id).toBe(`did:pkh:eip155:31337:${ciPkp.ethAddress.toLowerCase()}`);
      expect(session.cacao.p.domain).toBe('dapp.example');
      await expect(Cacao.verify(session.cacao, { verifiers: getEIP191Verifier() })).resolves.toBeUndefined();
    } finally {
      delete g.window;
    }
  });
});

describe('the wallet provider against a web page and bad input', () => {
  it('a page acts only as its own origin: never connected is 4100, rejection is 4001, approval connects only the chosen PKP', async () => {
    expect(await rpc('eth_accounts', [], asDapp)).toMatchObject({ result: [] });
    expect((await rpc('eth_blockNumber', [], asDapp)).error?.code).toBe(4100);
    expect(
      (await rpc('eth_sendTransaction', [{ from: otherPkp.ethAddress, to: otherPkp.ethAddress, value: '0x1' }], asDapp))
        .error?.code,
    ).toBe(4100);
    // A page cannot pass itself off as another through the extension's header.
    const other = rpc('eth_requestAccounts', [], {
      headers: { origin: 'https://evil.example', 'x-litbox-page-origin': DAPP },
    });
    const evil = await nextPending('https://evil.example', 'connect');
    await api.call('providerDecide', { id: evil.id, approve: false });
    expect((await other).error?.code).toBe(4001);

    const first = rpc('eth_requestAccounts', [], asDapp);
    const ask = await nextPending(DAPP, 'connect');
    await api.call('providerDecide', { id: ask.id, approve: false });
    expect((await first).error?.code).toBe(4001);

    const second = rpc('eth_requestAccounts', [], asDapp);
    const ask2 = await nextPending(DAPP, 'connect');
    await api.call('providerDecide', { id: ask2.id, approve: true, publicKeys: [ciPkp.publicKey] });
    expect(await second).toMatchObject({ result: [ciPkp.ethAddress] });
    expect(typeof (await rpc('eth_blockNumber', [], asDapp)).result).toBe('string');
    expect((await api.call('providerState', {})).connected.map((c) => c.client)).toContain(DAPP);
  });

  it('refuses bad input with the right code and signs nothing', async () => {
    const nonceBefore = await host.wallet.provider.getTransactionCount(otherPkp.ethAddress);
    const cases: [string, unknown[], number][] = [
      // A PKP the origin was not given.
      ['eth_sendTransaction', [{ from: otherPkp.ethAddress, to: otherPkp.ethAddress, value: '0x1' }], 4100],
      ['personal_sign', ['0x68656c6c6f', otherPkp.ethAddress], 4100],
      // Malformed params.
      ['eth_sendTransaction', [{ from: ciPkp.ethAddress, to: '0x1234', value: '0x1' }], -32602],
      ['eth_sendTransaction', [{ from: ciPkp.ethAddress, to: otherPkp.ethAddress, value: 'lots' }], -32602],
      ['eth_sendTransaction', ['not an object'], -32602],
      ['eth_signTypedData_v4', [ciPkp.ethAddress, '{not json'], -32602],
      ['eth_signTypedData_v4', [ciPkp.ethAddress, { ...TYPED, domain: { ...TYPED.domain, chainId: 1 } }], -32602],
      ['personal_sign', [42, ciPkp.ethAddress], -32602],
      // Another chain.
      [
        'eth_sendTransaction',
        [{ from: ciPkp.ethAddress, to: otherPkp.ethAddress, value: '0x1', chainId: '0x1' }],
        -32602,
      ],
      ['wallet_switchEthereumChain', [{ chainId: '0x1' }], 4902],
      ['eth_sign', [ciPkp.ethAddress, '0x' + '11'.repeat(32)], 4200],
      ['eth_unknownMethod', [], 4200],
    ];
    for (const [method, params, code] of cases)
      expect({ method, code: (await rpc(method, params, asDapp)).error?.code }).toEqual({ method, code });
    expect(await rpc('wallet_switchEthereumChain', [{ chainId: '0x7a69' }], asDapp)).toMatchObject({ result: null });
    // Transport-level: not JSON, not JSON-RPC, wrong Host (DNS rebinding), an opaque origin.
    const notJson = await fetch(endpoint, { method: 'POST', body: '{', headers: { origin: DAPP } });
    expect(((await notJson.json()) as RpcReply).error?.code).toBe(-32700);
    expect((await (await fetch(endpoint, { method: 'POST', body: '{"a":1}' })).json()) as RpcReply).toMatchObject({
      error: { code: -32600 },
    });
    const rebound = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpRequest(
        endpoint,
        { method: 'POST', headers: { host: 'attacker.example:80', 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }));
    });
    expect(rebound).toBe(403);
    expect((await rpc('eth_chainId', [], { headers: { origin: 'null' } })).error?.code).toBe(4100);
    // No CORS: a page cannot read an answer.
    const res = await fetch(endpoint, { method: 'OPTIONS', headers: { origin: DAPP } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await host.wallet.provider.getTransactionCount(otherPkp.ethAddress)).toBe(nonceBefore);
  });

  it('the companion extension relays the page origin; another extension or a missing page origin is refused', async () => {
    const relayed = await rpc('eth_accounts', [], {
      headers: { origin: COMPANION_EXTENSION_ORIGIN, 'x-litbox-page-origin': `${DAPP}/some/page?x=1` },
    });
    expect(relayed).toMatchObject({ result: [ciPkp.ethAddress] });
    expect((await rpc('eth_accounts', [], { headers: { origin: COMPANION_EXTENSION_ORIGIN } })).error?.code).toBe(4100);
    expect(
      (
        await rpc('eth_accounts', [], {
          headers: { origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop', 'x-litbox-page-origin': DAPP },
        })
      ).error?.code,
    ).toBe(4100);
  });

  it('a request nobody answers times out with 4001; a flood is rate-limited and the queue stays usable', async () => {
    const t0 = Date.now();
    const waiting = await rpc('personal_sign', ['0x68656c6c6f', ciPkp.ethAddress], asDapp);
    expect(waiting.error?.code).toBe(4001);
    expect(waiting.error?.message).toMatch(/in time/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(5_500);

    // Four batches of 32 at once: more than the burst one client may make.
    const batch = JSON.stringify(
      Array.from({ length: 32 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_chainId' })),
    );
    const flood = (
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          const res = await fetch(endpoint, {
            method: 'POST',
            body: batch,
            headers: { origin: 'https://flood.example' },
          });
          return (await res.json()) as RpcReply[];
        }),
      )
    ).flat();
    expect(flood.filter((r) => r.error?.code === -32005).length).toBeGreaterThan(0);
    expect(flood.filter((r) => r.result === '0x7a69').length).toBeGreaterThan(0);
    // Five prompts at most wait per client; the sixth is refused at once.
    const pending = Array.from({ length: 6 }, () =>
      rpc('personal_sign', ['0x01', ciPkp.ethAddress], asDapp).then((r) => r.error?.code),
    );
    const refused = await Promise.race(pending);
    expect(refused).toBe(-32005);
    const state = await api.call('providerState', {});
    expect(state.pending.filter((p) => p.client === DAPP).length).toBe(5);
    // Another client is still served while the dapp's queue is full.
    expect(await rpc('eth_chainId', [], { path: '/?name=ci' })).toMatchObject({ result: '0x7a69' });
    for (const p of state.pending) await api.call('providerDecide', { id: p.id, approve: false });
    expect((await Promise.all(pending)).sort()).toEqual([-32005, 4001, 4001, 4001, 4001, 4001]);
  });

  it('disconnecting in Settings takes the accounts away (4100 again) and is in the activity log with the origin', async () => {
    await api.call('providerDisconnect', { client: DAPP });
    expect(await rpc('eth_accounts', [], asDapp)).toMatchObject({ result: [] });
    expect((await rpc('eth_blockNumber', [], asDapp)).error?.code).toBe(4100);
    const entries = (await api.call('activity', { query: DAPP })).entries;
    expect(entries.some((e) => e.kind === 'connection' && /disconnected/.test(e.detail))).toBe(true);
    expect(entries.some((e) => e.kind === 'connection' && /connected 0x/.test(e.detail))).toBe(true);
  });

  it('pushes accountsChanged over the WebSocket when the person disconnects a client, and ends its subscriptions', async () => {
    const ws = new WebSocket(`${endpoint.replace('http', 'ws')}/`, { headers: { origin: 'https://ws.example' } });
    const events: { event: string; data: unknown }[] = [];
    const heads: unknown[] = [];
    const replies = new Map<number, RpcReply>();
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as {
        id?: number;
        method?: string;
        params?: { event: string; data: unknown; result?: unknown };
      } & RpcReply;
      if (m.method === 'wallet_event' && m.params) events.push(m.params);
      else if (m.method === 'eth_subscription') heads.push(m.params?.result);
      else if (typeof m.id === 'number') replies.set(m.id, m);
    });
    const reply = async (id: number) => {
      while (!replies.has(id)) await new Promise((r) => setTimeout(r, 10));
      return replies.get(id)!;
    };
    const newBlock = () =>
      rpc('eth_sendTransaction', [{ from: ciPkp.ethAddress, to: otherPkp.ethAddress, value: '0x1' }], {
        path: '/?name=ci',
      });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'eth_subscribe', params: ['newHeads'] }));
    expect((await reply(6)).error?.code).toBe(4100); // not connected yet
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'eth_requestAccounts' }));
    const ask = await nextPending('https://ws.example', 'connect');
    await api.call('providerDecide', { id: ask.id, approve: true, publicKeys: [otherPkp.publicKey] });
    await reply(7);
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'eth_subscribe', params: ['newHeads'] }));
    expect((await reply(8)).result).toMatch(/^0x/);
    await newBlock();
    const deadline = Date.now() + 5_000;
    while (heads.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(heads.length).toBeGreaterThan(0);

    await api.call('providerDisconnect', { client: 'https://ws.example' });
    const headsBefore = heads.length;
    await newBlock();
    await new Promise((r) => setTimeout(r, 800)); // three polls of the subscriptions
    expect(heads.length).toBe(headsBefore);
    expect(events[0]).toEqual({ event: 'connect', data: { chainId: '0x7a69' } });
    expect(events.filter((e) => e.event === 'accountsChanged').map((e) => e.data)).toEqual([
      [],
      [otherPkp.ethAddress],
      [],
    ]);
    ws.close();
  });
});

describe('chain reads through the endpoint', () => {
  const reader = () => {
    const transport = http(`${endpoint}/?name=reader`);
    return createPublicClient({ chain: sandbox(`${endpoint}/?name=reader`), transport });
  };
  /** A transaction from the ci PKP (approved by --approve-all-from ci): one new block. */
  async function sendFromCi(): Promise<`0x${string}`> {
    const reply = await rpc(
      'eth_sendTransaction',
      [{ from: ciPkp.ethAddress, to: otherPkp.ethAddress, value: '0x1' }],
      { path: '/?name=ci' },
    );
    if (reply.error) throw new Error(reply.error.message);
    return reply.result as `0x${string}`;
  }

  it("viem's block and event filters: changes, logs, uninstall; another client cannot use them", async () => {
    const client = reader();
    const blocks = await client.createBlockFilter();
    const events = await client.createEventFilter();
    const hash = await sendFromCi();
    const minted = await api.call('pkpMint', {}); // PKPNFT's Transfer and PKPMinted logs
    const receipt = await client.getTransactionReceipt({ hash });
    expect(await client.getFilterChanges({ filter: blocks })).toContain(receipt.blockHash);
    const logs = await client.getFilterChanges({ filter: events });
    const tokenId = BigInt(ethers.keccak256(minted.publicKey));
    expect(logs.some((l) => l.topics[3] !== undefined && BigInt(l.topics[3]) === tokenId)).toBe(true);
    // The whole log set of the filter, as the chain has it for those blocks.
    const all = await client.getFilterLogs({ filter: events });
    const direct = await client.getLogs({ fromBlock: all[0]!.blockNumber, toBlock: all.at(-1)!.blockNumber });
    expect(all.map((l) => `${l.transactionHash}:${l.logIndex}`)).toEqual(
      direct.map((l) => `${l.transactionHash}:${l.logIndex}`),
    );
    // Another client does not see or remove this client's filter.
    const stranger = await rpc('eth_getFilterChanges', [blocks.id], { path: '/?name=stranger' });
    expect(stranger.error).toMatchObject({ code: -32000, message: 'filter not found' });
    expect(await rpc('eth_uninstallFilter', [blocks.id], { path: '/?name=stranger' })).toMatchObject({ result: false });
    expect(await client.uninstallFilter({ filter: blocks })).toBe(true);
    expect(await client.uninstallFilter({ filter: events })).toBe(true);
    await expect(client.getFilterChanges({ filter: blocks })).rejects.toThrow(/filter not found/);
  });

  it("viem's watchEvent over HTTP (filters) hears a mint's logs", async () => {
    const client = reader();
    const heard: `0x${string}`[] = [];
    const unwatch = client.watchEvent({
      pollingInterval: 100,
      onLogs: (logs) => heard.push(...logs.map((l) => l.transactionHash!)),
    });
    await new Promise((r) => setTimeout(r, 300)); // its filter is in place
    await api.call('pkpMint', {});
    const deadline = Date.now() + 10_000;
    while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    unwatch();
    expect(heard.length).toBeGreaterThan(0);
    expect((await host.wallet.provider.getTransactionReceipt(heard[0]!))?.status).toBe(1);
  });

  it('createAccessList, feeHistory, maxPriorityFeePerGas, getProof and eth_getBlockReceipts pass through', async () => {
    const client = reader();
    const { contracts } = await api.call('status', {});
    const pkpNft = contracts!.PKPNFT as `0x${string}`;
    const owner = host.wallet.account.address as `0x${string}`;
    const access = await client.createAccessList({
      to: pkpNft,
      data: encodeFunctionData({ abi: erc721Abi, functionName: 'balanceOf', args: [owner] }),
    });
    expect(
      access.accessList.find((a) => a.address.toLowerCase() === pkpNft.toLowerCase())?.storageKeys.length,
    ).toBeGreaterThan(0);
    const fees = await client.getFeeHistory({ blockCount: 4, rewardPercentiles: [25, 75] });
    expect(fees.baseFeePerGas.length).toBe(5);
    expect(fees.reward?.[0]?.length).toBe(2);
    expect(typeof (await client.estimateMaxPriorityFeePerGas())).toBe('bigint');
    const proof = await client.getProof({ address: ciPkp.ethAddress as `0x${string}`, storageKeys: [] });
    expect(proof.balance).toBe(await client.getBalance({ address: ciPkp.ethAddress as `0x${string}` }));
    const receipts = (await rpc('eth_getBlockReceipts', ['latest'], { path: '/?name=reader' })).result as unknown[];
    expect(receipts.length).toBeGreaterThan(0);
  });

  it('cheat, debug, node-admin and unsigned-send methods stay refused (4200), even for the trusted client', async () => {
    for (const method of [
      'anvil_setBalance',
      'anvil_mine',
      'anvil_impersonateAccount',
      'evm_mine',
      'evm_snapshot',
      'evm_increaseTime',
      'hardhat_setBalance',
      'debug_traceTransaction',
      'debug_setHead',
      'trace_block',
      'txpool_content',
      'ots_getApiLevel',
      'personal_unlockAccount',
      'personal_sendTransaction',
      'admin_peers',
      'eth_sendUnsignedTransaction',
      'eth_sign',
    ])
      expect({ method, code: (await rpc(method, [], { path: '/?name=ci' })).error?.code }).toEqual({
        method,
        code: 4200,
      });
    // eth_subscribe needs the WebSocket; over HTTP it is unsupported, not a silent nothing.
    expect((await rpc('eth_subscribe', ['newHeads'], { path: '/?name=reader' })).error?.code).toBe(4200);
  });

  it("viem's WebSocket client: eth_subscribe newHeads and logs push the chain's blocks and logs; eth_unsubscribe ends them", async () => {
    const wsUrl = `${endpoint.replace('http', 'ws')}/?name=ws-reader`;
    const client = createPublicClient({ chain: sandbox(endpoint), transport: webSocket(wsUrl) });
    const blocks: { hash: `0x${string}` | null; number: bigint | null }[] = [];
    const logs: {
      transactionHash: `0x${string}` | null;
      logIndex: number | null;
      blockNumber: bigint | null;
      topics: readonly `0x${string}`[];
    }[] = [];
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const stopLogs = client.watchEvent({ onLogs: (l) => logs.push(...l) });
    const stopBlocks = client.watchBlocks({ onBlock: (b) => blocks.push(b) });
    // viem subscribes once its socket is open; until a block is heard, blocks may go unheard.
    const warmUp = Date.now() + 20_000;
    while (blocks.length === 0 && Date.now() < warmUp) {
      await sendFromCi();
      await sleep(300);
    }
    expect(blocks.length).toBeGreaterThan(0);

    const hash = await sendFromCi();
    const receipt = await host.wallet.provider.getTransactionReceipt(hash);
    const minted = await api.call('pkpMint', {});
    const tokenId = BigInt(ethers.keccak256(minted.publicKey));
    const mintLog = () => logs.find((l) => l.topics[3] !== undefined && BigInt(l.topics[3]) === tokenId);
    const deadline = Date.now() + 10_000;
    while ((!blocks.some((b) => b.hash === receipt!.blockHash) || !mintLog()) && Date.now() < deadline) await sleep(50);
    await sleep(300); // the rest of that block's logs, pushed in the same poll, are on their way
    stopBlocks();
    stopLogs();
    expect(blocks.map((b) => b.hash)).toContain(receipt!.blockHash);
    for (const b of blocks) expect((await host.wallet.provider.getBlock(Number(b.number)))?.hash).toBe(b.hash);
    const mintBlock = mintLog()!.blockNumber!;
    const direct = await host.wallet.provider.getLogs({ fromBlock: Number(mintBlock), toBlock: Number(mintBlock) });
    expect(logs.filter((l) => l.blockNumber === mintBlock).map((l) => `${l.transactionHash}:${l.logIndex}`)).toEqual(
      direct.map((l) => `${l.transactionHash}:${l.index}`),
    );
    await (await client.transport.getRpcClient()).close();

    // Raw: an unknown kind is -32602, a subscription id is the socket's own.
    const ws = new WebSocket(wsUrl);
    const replies = new Map<number, RpcReply>();
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as RpcReply & { id?: number };
      if (typeof m.id === 'number') replies.set(m.id, m);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const call = async (id: number, method: string, params: unknown[]) => {
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      while (!replies.has(id)) await new Promise((r) => setTimeout(r, 10));
      return replies.get(id)!;
    };
    expect((await call(1, 'eth_subscribe', ['newPendingThings'])).error?.code).toBe(-32602);
    expect((await call(2, 'eth_subscribe', ['logs', { address: '0x12' }])).error?.code).toBe(-32602);
    const sub = (await call(3, 'eth_subscribe', ['newHeads'])).result as string;
    expect(sub).toMatch(/^0x[0-9a-f]{32}$/);
    expect((await call(4, 'eth_unsubscribe', [sub])).result).toBe(true);
    expect((await call(5, 'eth_unsubscribe', [sub])).result).toBe(false);
    ws.close();
  });
});

describe('when Litbox stops', () => {
  it('every WebSocket hears disconnect (4900) before the endpoint closes it', async () => {
    const ws = new WebSocket(`${endpoint.replace('http', 'ws')}/?name=listener`);
    const messages: { method?: string; params?: { event: string; data: unknown } }[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as (typeof messages)[number]));
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await host.stop();
    expect(await closed).toBe(1001);
    const last = messages.at(-1);
    expect(last).toEqual({
      jsonrpc: '2.0',
      method: 'wallet_event',
      params: { event: 'disconnect', data: { code: 4900, message: 'Litbox is stopping' } },
    });
    expect(messages[0]?.params?.event).toBe('connect');
  });
});
