import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethers, hexlify, parseEther, randomBytes, toQuantity, Wallet } from 'ethers';
import { createApiClient, type ApiClient } from '../app/shared/api/client.ts';
import { connectContracts, localChainProvider, type ContractAddresses } from '../app/shared/contracts/index.ts';
import { chainIsolationSupport } from '../app/host/chain/anvil-process.ts';
import { startHost, type RunningHost } from '../app/host/host.ts';
import { readNetworkConfig } from '../app/host/network-config.ts';
import { waitForPools } from '../testing/sandbox/network-probe.ts';
import { tempDataDir } from '../testing/sandbox/spawn-cli.ts';

// The attacks on the chain from issue 13, made as another program on the machine would make
// them (over TCP, without the host's token) and as a web page would (foreign Origin, text/plain,
// a rebinding Host). Each is refused, the chain is unchanged, and the network still signs.

const N = 3;
let host: RunningHost;
let api: ApiClient;
let rpcUrl: string;
let contracts: ContractAddresses;
const victim = ethers.getAddress(hexlify(randomBytes(20)));

beforeAll(async () => {
  host = await startHost({
    dataDir: tempDataDir('litbox-chain-door-'),
    nodeCount: N,
    port: 0,
    pools: { keys: 4, presignatures: 20 },
  });
  await waitForPools(host, 4, 10);
  api = createApiClient({ baseUrl: host.url, token: host.token });
  const status = await api.call('status', {});
  rpcUrl = status.chain.rpcUrl;
  contracts = status.contracts!;
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One raw HTTP request, headers exactly as given (Host included), as any local program can send. */
function post(url: string, body: unknown, headers: Record<string, string> = {}, method = 'POST'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, headers: { 'content-type': 'application/json', ...headers }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
}

const call = (method: string, params: unknown[] = []) => ({ jsonrpc: '2.0', id: 1, method, params });

/** The JSON-RPC error message of an answer (undefined when it succeeded). */
function rpcErrorOf(answer: Answer): string | undefined {
  const parsed = JSON.parse(answer.body) as { error?: { message: string } };
  return parsed.error?.message;
}

const balanceOf = async (address: string) =>
  BigInt(await host.supervisor.chain!.rpc<string>('eth_getBalance', [address, 'latest']));
const blockNumber = async () => Number(BigInt(await host.supervisor.chain!.rpc<string>('eth_blockNumber')));

/** The TCP ports anvil listens on, in the network namespace of the process that reads /proc/<reader>/net/tcp. */
function anvilListeningPorts(anvilPid: number, reader: 'self' | number): number[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${anvilPid}/fd`)) {
    const link = (() => {
      try {
        return fs.readlinkSync(`/proc/${anvilPid}/fd/${fd}`);
      } catch {
        return '';
      }
    })();
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const file = `/proc/${reader}/net/${table}`;
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && inodes.has(cols[9]!)) ports.push(parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

describe("the chain's one door, attacked from outside", () => {
  it.runIf(process.platform === 'linux')(
    'anvil cannot be reached: its port exists only in its own network namespace, its socket only for this user',
    async () => {
      const chain = host.supervisor.chain!;
      const anvilPid = chain.pid!;
      // This machine allows it: the fallback must not hide here.
      expect((await chainIsolationSupport()).networkNamespace).toBe(true);
      expect(chain.isolation).toBe('network-namespace');
      expect(fs.readlinkSync(`/proc/${anvilPid}/ns/net`)).not.toBe(fs.readlinkSync('/proc/self/ns/net'));
      // anvil does listen, in its namespace…
      const inside = anvilListeningPorts(anvilPid, anvilPid);
      expect(inside.length).toBeGreaterThan(0);
      // …and in ours it has no listening socket at all.
      expect(anvilListeningPorts(anvilPid, 'self')).toEqual([]);
      for (const port of inside) {
        const answer = await post(`http://127.0.0.1:${port}`, call('eth_chainId')).catch(
          (err: NodeJS.ErrnoException) => err,
        );
        // Refused, or some other program's port: never anvil answering.
        if (!(answer instanceof Error)) expect(answer.body).not.toContain('"result":"0x7a69"');
      }
      // The IPC socket sits in a folder only this OS user can open.
      const ipcDir = path.dirname(chain.ipcPath);
      expect(fs.statSync(ipcDir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(ipcDir).uid).toBe(process.getuid!());
      if (process.getuid!() === 0 && spawnSync('setpriv', ['--version']).status === 0) {
        // Another user (nobody) trying the socket is turned away by the folder's permissions.
        const attempt = spawnSync(
          'setpriv',
          [
            '--reuid=65534',
            '--regid=65534',
            '--clear-groups',
            process.execPath,
            '-e',
            `require('net').connect(${JSON.stringify(chain.ipcPath)}).on('error', (e) => { console.log(e.code); process.exit(0); }).on('connect', () => { console.log('connected'); process.exit(0); })`,
          ],
          { encoding: 'utf8', timeout: 10_000 },
        );
        expect(attempt.stdout.trim()).toBe('EACCES');
      }
      // And we ourselves reach it there.
      const own = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(chain.ipcPath, () => socket.write(JSON.stringify(call('eth_chainId'))));
        socket.setEncoding('utf8');
        socket.on('data', (d: string) => {
          resolve(d);
          socket.destroy();
        });
        socket.on('error', reject);
      });
      expect(own).toContain('"result":"0x7a69"');
    },
  );

  it('the gateway without its secret refuses everything, reads included', async () => {
    const { origin } = new URL(rpcUrl);
    for (const url of [origin, `${origin}/`, `${origin}/rpc/`, `${origin}/rpc/${'x'.repeat(43)}`, `${rpcUrl}x`]) {
      for (const method of ['eth_chainId', 'anvil_setBalance']) {
        const answer = await post(url, call(method, method === 'eth_chainId' ? [] : [victim, '0x1']));
        expect(answer.status, `${url} ${method}`).toBe(403);
        expect(rpcErrorOf(answer)).toMatch(/secret/);
      }
    }
    expect(await balanceOf(victim)).toBe(0n);
  });

  it('with the secret, cheat methods and unsigned writes are refused by default, and change nothing', async () => {
    const before = await blockNumber();
    const owner = host.wallet.account.address;
    const attacks: [string, unknown[]][] = [
      ['anvil_impersonateAccount', [owner]],
      ['anvil_setBalance', [victim, toQuantity(parseEther('1000'))]],
      ['hardhat_setBalance', [victim, toQuantity(parseEther('1000'))]],
      ['anvil_setStorageAt', [contracts.PKPNFT, '0x0', `0x${'00'.repeat(31)}01`]],
      ['anvil_setCode', [victim, '0x6000']],
      ['evm_snapshot', []],
      ['evm_revert', ['0x0']],
      ['evm_mine', []],
      ['anvil_mine', ['0x10']],
      ['eth_sendTransaction', [{ from: owner, to: victim, value: '0x1' }]],
      ['eth_sendUnsignedTransaction', [{ from: owner, to: victim, value: '0x1' }]],
      ['personal_sign', ['0x00', owner]],
      ['eth_sign', [owner, '0x00']],
      ['debug_setHead', ['0x1']],
    ];
    for (const [method, params] of attacks) {
      const answer = await post(rpcUrl, call(method, params));
      expect(answer.status).toBe(200);
      expect(rpcErrorOf(answer), method).toMatch(/refused/);
    }
    // A batch hiding a cheat among reads runs none of it.
    const batch = await post(rpcUrl, [call('eth_chainId'), { ...call('anvil_setBalance', [victim, '0x1']), id: 2 }]);
    expect((JSON.parse(batch.body) as { error?: unknown }[]).every((a) => a.error !== undefined)).toBe(true);
    // There are no unlocked accounts to send from.
    expect(JSON.parse((await post(rpcUrl, call('eth_accounts'))).body)).toMatchObject({ result: [] });
    expect(await balanceOf(victim)).toBe(0n);
    expect(await blockNumber()).toBe(before);
    // The owner of every PKP is still the wallet's: nothing was impersonated.
    const { PKPNFT } = connectContracts(contracts, host.supervisor.chain!.provider(31337));
    const pkp = await host.wallet.pkps.mint();
    expect(await PKPNFT.ownerOf(pkp.tokenId)).toBe(owner);
  });

  it('web pages are turned away: foreign Origin (text/plain or JSON), a rebinding Host, and no CORS is granted', async () => {
    const { host: hostPort } = new URL(rpcUrl);
    const port = new URL(rpcUrl).port;
    const refusals: [string, Record<string, string>][] = [
      ['foreign Origin, text/plain', { origin: 'http://evil.example', 'content-type': 'text/plain' }],
      ['foreign Origin, JSON', { origin: 'https://evil.example' }],
      ['a localhost page on another port', { origin: 'http://localhost:3000' }],
      ['opaque origin', { origin: 'null' }],
      ['rebinding Host', { host: `evil.example:${port}` }],
      ['rebinding Host, no port', { host: 'localhost' }],
      ['text/plain, no Origin', { 'content-type': 'text/plain' }],
    ];
    for (const [what, headers] of refusals) {
      const answer = await post(rpcUrl, call('anvil_setBalance', [victim, '0x1']), headers);
      expect(answer.status, what).toBeGreaterThanOrEqual(400);
      expect(answer.headers['access-control-allow-origin'], what).toBeUndefined();
    }
    const preflight = await post(
      rpcUrl,
      '',
      { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
      'OPTIONS',
    );
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    // The genuine request from a tool (its Host is what it dialled) passes, without CORS either.
    const genuine = await post(rpcUrl, call('eth_chainId'), { host: hostPort });
    expect(JSON.parse(genuine.body)).toMatchObject({ result: '0x7a69' });
    expect(genuine.headers['access-control-allow-origin']).toBeUndefined();
    expect(await balanceOf(victim)).toBe(0n);
  });

  it('writes by raw signed transaction pass (as a dapp tool sends them), and the network still signs afterwards', async () => {
    // A dapp's own key, funded with the faucet (the host API, with its token), sends through the URL as is.
    const dapp = Wallet.createRandom();
    await api.call('faucet', { address: dapp.address, amountEth: '1' });
    const provider = localChainProvider(rpcUrl, 31337);
    try {
      const sent = await dapp.connect(provider).sendTransaction({ to: victim, value: 5n });
      expect((await sent.wait())?.status).toBe(1);
      expect(await provider.getBalance(victim)).toBe(5n);
    } finally {
      provider.destroy();
    }
    const pkp = await host.wallet.pkps.mint();
    const digest = hexlify(randomBytes(32));
    const sig = await host.wallet.lit.pkpSign({
      publicKey: pkp.publicKey,
      toSign: digest,
      authSig: await host.wallet.account.authSig(),
    });
    expect(ethers.recoverAddress(digest, sig.signature)).toBe(pkp.ethAddress);
  });

  it('cheat methods open to the RPC URL only once the person turns them on in Settings, and close again', async () => {
    const setBalance = () => post(rpcUrl, call('anvil_setBalance', [victim, toQuantity(parseEther('7'))]));
    expect(rpcErrorOf(await setBalance())).toMatch(/cheat methods are off/);
    expect(await api.call('setChainCheats', { enabled: true })).toEqual({ cheats: true });
    expect((await api.call('status', {})).chain.cheats).toBe(true);
    expect(readNetworkConfig(host.paths.network)?.chainCheats).toBe(true); // kept for the next start
    expect(rpcErrorOf(await setBalance())).toBeUndefined();
    expect(await balanceOf(victim)).toBe(parseEther('7'));
    expect(rpcErrorOf(await post(rpcUrl, call('evm_snapshot')))).toBeUndefined();
    // Even with cheats on, web pages and callers without the secret stay out.
    expect((await post(rpcUrl, call('eth_chainId'), { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(new URL(rpcUrl).origin, call('anvil_setBalance', [victim, '0x0']))).status).toBe(403);

    expect(await api.call('setChainCheats', { enabled: false })).toEqual({ cheats: false });
    expect(rpcErrorOf(await setBalance())).toMatch(/cheat methods are off/);
    expect(readNetworkConfig(host.paths.network)?.chainCheats).toBe(false);
  });
});
