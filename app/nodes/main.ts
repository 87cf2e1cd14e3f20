import { HostToNodeMessage, NodeLaunchConfig, type NodeToHostMessage } from '../shared/node-ipc.ts';
import { listen } from './http-server.ts';
import { NodeRuntime } from './node-runtime.ts';
import { NodeStore } from './node-store.ts';

/**
 * Entry of one threshold node process. The supervisor sends the launch config over IPC;
 * when that channel closes (the host went away, even by SIGKILL) the node exits, so a
 * crashed host never leaves orphan nodes behind.
 */

function send(message: NodeToHostMessage): void {
  process.send?.(message);
}

/** Set once the node was told to stop: what fails after that is the stop, not a fault. */
let stopping = false;

function fatal(err: unknown): never {
  send({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}

/**
 * A fault, unless the node was told to stop meanwhile: stopped while still joining (its runner
 * processes ended under the join), the stop finishes and exits 0, where a fatal report would
 * make a clean quit look like a crash.
 */
function fail(err: unknown): void {
  if (!stopping) fatal(err);
}

async function run(config: NodeLaunchConfig): Promise<void> {
  const store = new NodeStore(config.dir, Buffer.from(config.storageKey, 'base64'));
  const runtime = new NodeRuntime(config, store);
  // The recorded port can be taken between the host's check and this bind (another program,
  // or another sandbox): then take any free one; the host records it and the node updates
  // its endpoint in Staking when it joins.
  const port = await listen(runtime.server, config.port).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    return listen(runtime.server, 0);
  });

  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    void runtime.close().finally(() => {
      store.close();
      process.exit(0);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('disconnect', shutdown);
  process.on('message', (raw: unknown) => {
    const parsed = HostToNodeMessage.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'network') runtime.joinNetwork(message.contracts, port).catch(fail);
    else if (message.type === 'peersChanged') runtime.peersChanged();
    else void runtime.startRunner('the network is usable');
  });

  if (config.contracts) await runtime.joinNetwork(config.contracts, port);
  send({ type: 'ready', port, address: runtime.address, ...runtime.publicKeys, health: runtime.health() });
}

if (!process.send) {
  console.error('a Litbox node is started by the Litbox host, not by hand (no IPC channel)');
  process.exit(2);
}

process.once('message', (raw: unknown) => {
  const parsed = NodeLaunchConfig.safeParse(raw);
  if (!parsed.success) fatal(new Error(`bad launch config: ${parsed.error.message}`));
  run(parsed.data).catch(fail);
});
