import { NodeLaunchConfig, type NodeToHostMessage } from '../shared/node-ipc.ts';
import { NodeStore } from './node-store.ts';
import { createNodeServer, listen } from './http-server.ts';

/**
 * Entry of one threshold node process. The supervisor sends the launch config over IPC;
 * when that channel closes (the host went away, even by SIGKILL) the node exits, so a
 * crashed host never leaves orphan nodes behind.
 */

function send(message: NodeToHostMessage): void {
  process.send?.(message);
}

async function run(config: NodeLaunchConfig): Promise<void> {
  const store = new NodeStore(config.dir, Buffer.from(config.storageKey, 'base64'));
  const identity = store.identity();
  const server = createNodeServer({
    index: config.index,
    address: identity.chainKey.address,
    startedAt: Date.now(),
  });
  const port = await listen(server, config.port);

  const shutdown = (): void => {
    server.close();
    store.close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('disconnect', shutdown);

  send({
    type: 'ready',
    port,
    address: identity.chainKey.address,
    signingKey: identity.signingPublicKey.toString('hex'),
    encryptionKey: identity.encryptionPublicKey.toString('hex'),
  });
}

if (!process.send) {
  console.error('a Litbox node is started by the Litbox host, not by hand (no IPC channel)');
  process.exit(2);
}

process.once('message', (raw: unknown) => {
  const parsed = NodeLaunchConfig.safeParse(raw);
  if (!parsed.success) {
    send({ type: 'fatal', message: `bad launch config: ${parsed.error.message}` });
    process.exit(2);
  }
  run(parsed.data).catch((err: unknown) => {
    send({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  });
});
