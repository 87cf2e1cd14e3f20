import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { NodeChannel } from './node-channel.ts';

/** A node's channel endpoint on `port` (0: any), which the test can take down and bring back. */
async function channelServer(port = 0) {
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  let opened = 0;
  wss.on('connection', () => opened++);
  return {
    port: (server.address() as AddressInfo).port,
    opened: () => opened,
    /** As a SIGKILL does: every connection cut, the port closed. */
    kill: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const servers: { kill: () => Promise<void> }[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((s) => s.kill().catch(() => undefined)));
});

describe('a channel to a node that restarts', () => {
  it('is known down once its node is gone, and opens again on a look 150 ms later, before any call', async () => {
    const first = await channelServer();
    servers.push(first);
    const reopened = vi.fn();
    const channel = new NodeChannel({ index: 1, url: `http://127.0.0.1:${first.port}` }, reopened);
    await channel.connect(2_000);
    expect(channel.knownDown).toBe(false);

    await first.kill();
    servers.pop();
    await vi.waitFor(() => expect(channel.knownDown).toBe(true));
    const back = await channelServer(first.port);
    servers.push(back);

    // The clock, not the wall, decides when a look tries again: a second (as before) would not.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 200);
    expect(channel.knownDown).toBe(true); // this look starts the reopening
    vi.useRealTimers();
    await vi.waitFor(() => expect(reopened).toHaveBeenCalledOnce());
    expect(channel.knownDown).toBe(false);
    expect(back.opened()).toBe(1);
    channel.close();
  });

  it('does not try again on every look while its node stays down', async () => {
    const server = await channelServer();
    const channel = new NodeChannel({ index: 1, url: `http://127.0.0.1:${server.port}` });
    await channel.connect(2_000);
    await server.kill();
    await vi.waitFor(() => expect(channel.knownDown).toBe(true));
    const tries = vi.spyOn(channel as unknown as { open: (ms: number) => Promise<unknown> }, 'open');
    for (let i = 0; i < 1_000; i++) expect(channel.knownDown).toBe(true);
    expect(tries.mock.calls.length).toBeLessThanOrEqual(1);
  });
});
