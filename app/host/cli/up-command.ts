import { parseNodeCount } from '../../shared/network.ts';
import { defaultDataDir } from '../data-dir.ts';
import { LOCAL_NAME } from '../provider/wallet-provider.ts';
import { startHost } from '../host.ts';
import { CliError } from './cli-error.ts';
import type { CommandHandler } from './run-cli.ts';

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be a whole number from 0 to 65535 (got ${value})`, 2);
  return port;
}

/**
 * `litbox up`: runs the sandbox until interrupted. Prints the UI address, then `ready`.
 * With --report-to-parent (the Electron shell), the address and token go over IPC instead
 * of stdout.
 */
export const upCommand: CommandHandler = async (values) => {
  let nodeCount: number | undefined;
  try {
    nodeCount = values.nodes === undefined ? undefined : parseNodeCount(String(values.nodes));
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
  const port = parsePort(values.port as string | undefined);
  const allowFetch = (values['allow-fetch'] as unknown as string[] | undefined) ?? [];
  for (const prefix of allowFetch) {
    let protocol = '';
    try {
      protocol = new URL(prefix).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'http:' && protocol !== 'https:')
      throw new CliError(`--allow-fetch takes an http(s) URL prefix, like https://api.example.com/ (got ${prefix})`, 2);
  }
  const toParent = values['report-to-parent'] === true && typeof process.send === 'function';
  const providerPortText = values['provider-port'] as string | undefined;
  const providerPort = providerPortText === undefined ? undefined : Number(providerPortText);
  if (providerPort !== undefined && (!Number.isInteger(providerPort) || providerPort < 1 || providerPort > 65535))
    throw new CliError(
      `--provider-port needs a port from 1 to 65535 (dapps and the extension keep it); got ${providerPortText}`,
      2,
    );
  const approveAllFrom = values['approve-all-from'] as string | undefined;
  if (approveAllFrom !== undefined && (!LOCAL_NAME.test(approveAllFrom) || approveAllFrom === 'unknown'))
    throw new CliError(
      `--approve-all-from takes the name a local client gives in http://127.0.0.1:PORT/?name=NAME (letters, digits, . _ -; not "unknown"), got ${approveAllFrom}`,
      2,
    );

  const host = await startHost({
    dataDir: (values['data-dir'] as string | undefined) ?? defaultDataDir(),
    nodeCount,
    port,
    fetchAllowList: allowFetch,
    googleClientId: values['google-client-id'] as string | undefined,
    providerPort,
    approveAllFrom,
    onProgress: (step) => console.error(`litbox: ${step}`),
    onListening: (url, token) => {
      if (toParent) process.send?.({ type: 'listening', url, token });
      else console.log(`Litbox UI: ${url}/#token=${token}`);
    },
  });
  if (!toParent) {
    console.log(`Litbox wallet provider: ${host.provider.url}`);
    if (approveAllFrom)
      console.log(
        `approving every request from the local client "${approveAllFrom}" without asking (--approve-all-from)`,
      );
  }
  if (toParent) process.send?.({ type: 'ready' });
  else console.log('ready');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) {
        process.exit(130);
      }
      stopping = true;
      console.error('litbox: stopping');
      host.stop().then(resolve, (err: unknown) => {
        console.error(`litbox: ${(err as Error).message}`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (toParent) process.on('disconnect', stop);
  });
};
