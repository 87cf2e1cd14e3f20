import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeHealth } from '../../shared/node-ipc.ts';
import type { PeerInfo } from './peer-crypto.ts';
import { PeerDirectory } from './peer-directory.ts';

const servers: http.Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** A peer whose /health says what a node says at that moment. */
async function peerAnswering(index: number, networkReady: boolean): Promise<PeerInfo> {
  const health: NodeHealth = {
    ok: true,
    index,
    address: `0x${String(index).padStart(40, '0')}`,
    uptimeMs: 1,
    networkReady,
    keysReady: 0,
    networkPublicKey: null,
    presignaturesFresh: 0,
  };
  const server = http.createServer((_req, res) => res.end(JSON.stringify(health)));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return peer(index, `http://127.0.0.1:${port}`);
}

function peer(index: number, endpoint: string): PeerInfo {
  return { index, address: '', endpoint, signingKey: Buffer.alloc(32), encryptionKey: Buffer.alloc(32) };
}

describe('which peers are live', () => {
  it('counts a node only once it has joined the network, not as soon as it answers /health', async () => {
    const joined = await peerAnswering(1, true);
    const restarting = await peerAnswering(2, false);
    const down = peer(3, 'http://127.0.0.1:1');
    const directory = new PeerDirectory(async () => [joined, restarting, down]);
    await directory.refresh();

    expect((await directory.live()).map((p) => p.index)).toEqual([1]);
    // The one still joining is counted apart: the keeper waits for it before a batch.
    expect((await directory.liveAndJoining()).joining).toBe(1);
    // A node below that is still joining does not lead in its place; one that joined does.
    expect(await directory.anyLiveBelow(3)).toBe(true);
    const withoutOne = new PeerDirectory(async () => [restarting, down]);
    await withoutOne.refresh();
    expect(await withoutOne.anyLiveBelow(3)).toBe(false);
  });
});
