import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethers, hexlify } from 'ethers';
import { NodeHealth } from '../app/shared/node-ipc.ts';
import { startHost, type RunningHost } from '../app/host/host.ts';
import { waitForPools } from '../testing/sandbox/network-probe.ts';
import { tempDataDir } from '../testing/sandbox/spawn-cli.ts';

// Issue 13, item 3, from outside: another program on the machine sends Lit Actions to a node
// with no auth. A run isolated-vm cannot interrupt is ended at the time limit, a flood is
// answered "busy", /health says what happened, and afterwards the node still runs actions and
// the network still signs (ethers is the judge).

const N = 4;
let host: RunningHost;

beforeAll(async () => {
  host = await startHost({
    dataDir: tempDataDir('litbox-runner-attacks-'),
    nodeCount: N,
    port: 0,
    pools: { keys: 2, presignatures: 20 },
  });
  await waitForPools(host, 2, 10, 150_000);
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

/** POST /web/execute on node 1 without any auth, as any local program can. */
async function attack(code: string): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${host.supervisor.node(1).url}/web/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      requestId: randomBytes(12).toString('base64url'),
      code,
      participants: [1],
      presignatureIds: [],
    }),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: await res.text(), ms: performance.now() - started };
}

async function health(): Promise<NodeHealth> {
  return NodeHealth.parse(await (await fetch(`${host.supervisor.node(1).url}/health`)).json());
}

/**
 * A PKP that an action may sign with, and the run that checks node 1 signs in it (ethers is the
 * judge), timed. An action runs at T + 1 nodes and a successful result needs only T of them, so
 * node 1, slow under attack, may rightly be left out; node 4 is stopped during the run so that
 * the three left, node 1 among them, must all answer.
 */
async function actionThatSigns(): Promise<() => Promise<{ ms: number }>> {
  const code = 'await Lit.Actions.signEcdsa({ toSign, publicKey, sigName: "sig" });';
  const ipfsId = host.wallet.actions.save(code);
  const pkp = await host.wallet.pkps.mintGrantAndBurn(ipfsId);
  return async () => {
    const toSign = randomBytes(32);
    await host.supervisor.node(4).stop();
    try {
      const started = performance.now();
      const result = await host.wallet.lit.executeJs({
        code,
        ipfsId,
        jsParams: { toSign: Array.from(toSign), publicKey: pkp.publicKey },
      });
      expect(result.nodes.map((n) => n.node)).toContain(1);
      expect(ethers.recoverAddress(hexlify(toSign), result.signatures.sig!.signature)).toBe(pkp.ethAddress);
      return { ms: performance.now() - started };
    } finally {
      await host.supervisor.node(4).start();
    }
  };
}

async function expectNetworkSigns(): Promise<void> {
  await (
    await actionThatSigns()
  )();
}

/** Resident memory of a process (Linux), MB; 0 elsewhere. */
function rssMb(pid: number | null): number {
  if (pid === null || process.platform !== 'linux') return 0;
  const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb ? Number(kb) / 1024 : 0;
}

describe('Lit Actions that try to take a node down', () => {
  it("`new Array(1e9).fill(0)` without auth ends at the 30 s limit; the node's memory stays put; /health counts the replaced runner", async () => {
    const pid = host.supervisor.node(1).pid;
    const rssBefore = rssMb(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(pid))), 100);
    const { status, body, ms } = await attack('new Array(1e9).fill(0);').finally(() => clearInterval(sampler));
    expect(status).toBe(200);
    const answer = JSON.parse(body) as { error?: { kind: string; message: string } };
    expect(answer.error?.kind).toMatch(/timeout|memory/);
    expect(answer.error?.message).toMatch(/was terminated/);
    expect(ms).toBeLessThan(33_000);
    // The run's memory was the runner process's, not the node's (before: the node held ~1 GB).
    expect(rssPeak - rssBefore).toBeLessThan(150);
    const runner = (await health()).actionRunner!;
    expect(runner.runnersReplaced).toBeGreaterThanOrEqual(1);
    expect(runner).toMatchObject({ running: 0, stuck: false });
    expect(host.supervisor.node(1).pid).toBe(pid); // the node itself was never in danger
    await expectNetworkSigns();
  }, 120_000);

  it('a flood of idle actions is answered "busy" at once, and the wallet signs during it', async () => {
    const walletRun = await actionThatSigns();
    const flooding = Promise.all(
      Array.from({ length: 30 }, () => attack('await new Promise((r) => setTimeout(r, 8000));')),
    );
    await new Promise((r) => setTimeout(r, 500));
    // The wallet's run goes through the host's own lane while the flood holds the outsiders' slots.
    const { ms } = await walletRun();
    expect(ms).toBeLessThan(7_000);
    const flood = await flooding;
    const busy = flood.filter((f) => f.status === 429);
    expect(busy.length).toBeGreaterThanOrEqual(20);
    expect(JSON.parse(busy[0]!.body).error).toMatchObject({ code: 'busy', message: expect.stringMatching(/busy/) });
    expect(Math.min(...busy.map((b) => b.ms))).toBeLessThan(1_000);
    expect((await health()).actionRunner!.busyRefusals).toBeGreaterThanOrEqual(busy.length);
    await expectNetworkSigns();
    // The supervisor passes the runner's state on to the Network page.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(host.supervisor.status().nodes[0]!.actionRunner).toMatchObject({ capacity: 5, stuck: false });
  }, 120_000);
});
