import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonRpcProvider } from 'ethers';
import WebSocket from 'ws';
import { createApiClient } from '../shared/api/client.ts';
import { LIVE_PATH, LIVE_PROTOCOL, type NetworkStatus } from '../shared/api/contract.ts';
import { isProcessAlive } from './data-dir.ts';
import { startHost, type RunningHost } from './host.ts';
import { tempDataDir } from '../../testing/sandbox/spawn-cli.ts';
import { chainProvider, waitFor } from '../../testing/sandbox/network-probe.ts';
import { connectContracts } from '../shared/contracts/index.ts';
import { NodeHealth } from '../shared/node-ipc.ts';

const running: RunningHost[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.stop()));
});

async function start(dataDir: string, nodeCount?: number): Promise<RunningHost> {
  const host = await startHost({ dataDir, nodeCount, port: 0 });
  running.push(host);
  return host;
}

function pidsOf(status: NetworkStatus, host: RunningHost): number[] {
  return [...status.nodes.map((n) => n.pid!), host.supervisor.chain!.pid!];
}

describe('the supervisor', () => {
  it('starts anvil and N nodes, and stops every one of them', async () => {
    const host = await start(tempDataDir(), 4);
    const status = host.supervisor.status();
    expect(status.ready).toBe(true);
    expect(status.nodes).toHaveLength(4);
    expect(status.threshold).toBe(3);
    expect(status.nodes.every((n) => n.up && n.pid !== null && n.address !== null)).toBe(true);
    for (const node of status.nodes) {
      const health = (await (await fetch(`${node.url}/health`)).json()) as { index: number; address: string };
      expect(health).toMatchObject({ index: node.index, address: node.address });
    }
    const pids = pidsOf(status, host);
    expect(pids.every(isProcessAlive)).toBe(true);

    // Each node held its Lit Action runner back while the network started, and started it when
    // the supervisor said the network was usable (not at the 30 s fallback), with no run asked.
    await waitFor(
      "every node's Lit Action runner",
      async () => {
        for (const node of status.nodes) {
          const runner = NodeHealth.parse(await (await fetch(`${node.url}/health`)).json()).actionRunner;
          if (!runner || runner.runnersIdle === 0) return false;
        }
        return true;
      },
      20_000,
    );
    for (const node of status.nodes) {
      const log = fs.readFileSync(path.join(host.dataDir, 'logs', `node-${node.index}.log`), 'utf8');
      expect(log).toContain(`node ${node.index}: starting the Lit Action runner (the network is usable)`);
    }

    await host.stop();
    await waitFor('every process to exit', () => pids.every((pid) => !isProcessAlive(pid)));
  });

  it('brings back a node killed with SIGKILL and counts the restart', async () => {
    const host = await start(tempDataDir(), 3);
    const before = host.supervisor.status().nodes[1]!;
    process.kill(before.pid!, 'SIGKILL');
    const after = await waitFor('node 2 to come back', () => {
      const node = host.supervisor.status().nodes[1]!;
      return node.up && node.pid !== before.pid ? node : undefined;
    });
    expect(after.restarts).toBe(1);
    // The identity key survived the crash.
    expect(after.address).toBe(before.address);
    // It restarted into a serving network: it joined only once its action runner was ready,
    // so no executeJs sent to it waits for a runner process to start.
    const health = NodeHealth.parse(await (await fetch(`${after.url}/health`)).json());
    expect(health.networkReady).toBe(true);
    expect(health.actionRunner!.runnersIdle + health.actionRunner!.running).toBeGreaterThan(0);
  });

  it('keeps the chain and the node identities across a host restart', async () => {
    const dataDir = tempDataDir();
    const first = await start(dataDir, 3);
    await first.supervisor.untilUsable();
    await first.supervisor.chain!.rpc('anvil_mine', ['0x7']);
    const addresses = first.supervisor.status().nodes.map((n) => n.address);
    const last = await first.supervisor.chain!.rpc<{ number: string; hash: string }>('eth_getBlockByNumber', [
      'latest',
      false,
    ]);
    await first.stop();

    const second = await start(dataDir);
    // Each node's ready message carried its pools, and the key pool was read while the nodes
    // started: the reopened network is usable the moment the start resolves, with no health
    // round after it (a timeout of 0 rejects unless it already is).
    expect(second.supervisor.status().nodes.every((n) => (n.presignaturesFresh ?? 0) > 0)).toBe(true);
    await expect(second.supervisor.untilUsable(() => undefined, 0)).resolves.toBeUndefined();
    const provider = new JsonRpcProvider(second.supervisor.chain!.rpcUrl, undefined, { staticNetwork: true });
    // The restarted chain goes on from the same block (the nodes may have added blocks since).
    expect(await provider.getBlockNumber()).toBeGreaterThanOrEqual(Number(last.number));
    expect((await provider.getBlock(Number(last.number)))?.hash).toBe(last.hash);
    expect(second.supervisor.status().nodes.map((n) => n.address)).toEqual(addresses);
    provider.destroy();
  });

  it('deploys the contracts once, reuses them, rebuilds a lost chain state from the journal, and says so clearly when both are lost', async () => {
    const dataDir = tempDataDir();
    const first = await start(dataDir, 3);
    const contracts = first.supervisor.status().contracts;
    expect(contracts).not.toBeNull();
    await first.stop();
    const second = await start(dataDir);
    expect(second.supervisor.status().contracts).toEqual(contracts);
    await second.stop();
    // Without anvil's state file, a journal that still reaches genesis rebuilds the chain.
    fs.rmSync(path.join(dataDir, 'chain', 'anvil-state.json'));
    const rebuilt = await start(dataDir);
    expect(rebuilt.supervisor.status().contracts).toEqual(contracts);
    await rebuilt.stop();
    // Without either, the chain is lost: said clearly, nothing redeployed over it.
    fs.rmSync(path.join(dataDir, 'chain', 'anvil-state.json'));
    for (const file of ['journal.sqlite', 'journal.sqlite-wal', 'journal.sqlite-shm'])
      fs.rmSync(path.join(dataDir, 'chain', file), { force: true });
    await expect(startHost({ dataDir, port: 0 })).rejects.toThrow(/lost the Litbox contracts/);
  });

  it('moves a node whose port was taken, and records the new endpoint on chain', async () => {
    const dataDir = tempDataDir();
    const first = await start(dataDir, 3);
    const oldUrl = first.supervisor.status().nodes[0]!.url;
    await first.stop();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(Number(new URL(oldUrl).port), '127.0.0.1', resolve));
    try {
      const second = await start(dataDir);
      const node = second.supervisor.status().nodes[0]!;
      expect(node.up).toBe(true);
      expect(node.url).not.toBe(oldUrl);
      const { Staking } = connectContracts(second.supervisor.contracts!, chainProvider(second));
      await waitFor('the new endpoint on chain', async () => (await Staking.getNodes())[0]!.endpoint === node.url);
      const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'network.json'), 'utf8')) as { nodePorts: number[] };
      expect(saved.nodePorts[0]).toBe(Number(new URL(node.url).port));
    } finally {
      squatter.close();
    }
  });

  it('refuses a second host on the same data directory', async () => {
    const dataDir = tempDataDir();
    await start(dataDir, 3);
    await expect(startHost({ dataDir, port: 0 })).rejects.toThrow(/another Litbox host \(pid \d+\) is already running/);
  });

  it('refuses to change the node count of an existing network', async () => {
    const dataDir = tempDataDir();
    const host = await start(dataDir, 3);
    await host.stop();
    await expect(startHost({ dataDir, nodeCount: 5, port: 0 })).rejects.toThrow(/holds a 3-node network/);
  });
});

describe('the host API', () => {
  it('answers with the token and refuses a missing token, a foreign Origin and a foreign Host', async () => {
    const host = await start(tempDataDir(), 3);
    const client = createApiClient({ baseUrl: host.url, token: host.token });
    const status = await client.call('status', {});
    expect(status.nodes.filter((n) => n.up)).toHaveLength(3);

    const post = (headers: Record<string, string>) =>
      fetch(`${host.url}/api/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    const noToken = await post({});
    expect(noToken.status).toBe(401);
    const wrongToken = await post({ authorization: 'Bearer nope' });
    expect(wrongToken.status).toBe(401);
    const foreign = await post({ authorization: `Bearer ${host.token}`, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toMatch(/other origins/);
    const otherPort = await post({ authorization: `Bearer ${host.token}`, origin: 'http://localhost:1' });
    expect(otherPort.status).toBe(403);

    // DNS rebinding: a request whose Host is not ours is refused, token or not.
    const rebound = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const port = Number(new URL(host.url).port);
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/status',
            method: 'POST',
            headers: { host: `evil.example:${port}`, authorization: `Bearer ${host.token}` },
          },
          (res) => resolve(res.statusCode ?? 0),
        );
        req.on('error', reject);
        req.end('{}');
      }, reject);
    });
    expect(rebound).toBe(403);
  });

  it('rejects bad input with a clear message and changes nothing', async () => {
    const host = await start(tempDataDir(), 3);
    const client = createApiClient({ baseUrl: host.url, token: host.token });
    await expect(client.call('stopNode', { index: 9 })).rejects.toThrow(/there is no node 9/);
    await expect(client.call('stopNode', { index: 'one' as unknown as number })).rejects.toThrow(
      /bad input for stopNode/,
    );
    expect((await client.call('status', {})).nodes.every((n) => n.up)).toBe(true);
  });

  it('pushes live status over the WebSocket only to token holders of our origin', async () => {
    const host = await start(tempDataDir(), 3);
    const wsUrl = host.url.replace('http', 'ws') + LIVE_PATH;
    const outcome = (protocols: string[], origin?: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(wsUrl, protocols, origin ? { origin } : {});
        ws.on('message', (data) => {
          resolve(String(data));
          ws.close();
        });
        ws.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
        ws.on('error', () => resolve('error'));
      });
    expect(await outcome([LIVE_PROTOCOL])).toBe('refused 401');
    expect(await outcome([LIVE_PROTOCOL, host.token], 'http://evil.example')).toBe('refused 403');
    const first = JSON.parse(await outcome([LIVE_PROTOCOL, host.token], host.url)) as {
      type: string;
      status: NetworkStatus;
    };
    expect(first.type).toBe('status');
    expect(first.status.nodes).toHaveLength(3);
  });
});
