import { parseNodeCount } from '../../shared/network.ts';
import { HostToShell, ShellToHost } from '../../shared/shell-ipc.ts';
import { defaultDataDir } from '../data-dir.ts';
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
 * `litbox up`: runs the sandbox until interrupted. Prints the UI address, then `ready` once every
 * verb works (network key agreed, a routed key for a mint, presignatures on T nodes).
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
  // Loaded only when the flag is given: `up --nodes 2` answers without the host's modules.
  const localName =
    approveAllFrom === undefined ? undefined : (await import('../provider/wallet-provider.ts')).LOCAL_NAME;
  if (approveAllFrom !== undefined && (!localName!.test(approveAllFrom) || approveAllFrom === 'unknown'))
    throw new CliError(
      `--approve-all-from takes the name a local client gives in http://127.0.0.1:PORT/?name=NAME (letters, digits, . _ -; not "unknown"), got ${approveAllFrom}`,
      2,
    );

  // Said before anything starts: the Ceramic workspace is an optional, separate install.
  if (values.ceramic === true) {
    const { findCeramicWorkspace } = await import('../ceramic/ceramic-workspace.ts');
    try {
      findCeramicWorkspace();
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }

  const newVault = values['new-vault'] as string | undefined;
  if (newVault !== undefined && newVault !== 'keychain' && newVault !== 'passphrase-file')
    throw new CliError(`--new-vault is keychain or passphrase-file (got ${newVault})`, 2);

  // Listened for from the very start: a stop asked for while the network starts (the desktop
  // app quit right after launch) stops it as soon as the start is done, instead of the default
  // signal action killing the host and leaving anvil behind. A second Ctrl+C exits at once.
  const startAborted = new AbortController();
  let stopRequested!: () => void;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  const requestStop = (): void => {
    startAborted.abort();
    stopRequested();
  };
  let stopSignals = 0;
  const onStop = (): void => {
    if (++stopSignals > 1) process.exit(130);
    requestStop();
  };
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  // A 'disconnect' listener keeps the IPC channel (and so the process) alive: removed when done.
  if (toParent) process.on('disconnect', requestStop);
  try {
    await runUntilStopped();
  } finally {
    process.off('disconnect', requestStop);
  }

  async function runUntilStopped(): Promise<void> {
    let host;
    try {
      // The host's modules load only once the arguments are known to be good: a mistyped flag
      // answers at once, even on a busy machine.
      const { startHost } = await import('../host.ts');
      host = await startHost({
        dataDir: (values['data-dir'] as string | undefined) ?? defaultDataDir(),
        nodeCount,
        port,
        fetchAllowList: allowFetch,
        googleClientId: values['google-client-id'] as string | undefined,
        providerPort,
        approveAllFrom,
        ceramic: values.ceramic === true,
        litLocal: values['lit-local'] === true,
        onProgress: (step) => console.error(`litbox: ${step}`),
        onListening: (url, token) => {
          if (toParent) sendToParent({ type: 'listening', url, token });
          else console.log(`Litbox UI: ${url}/#token=${token}`);
        },
        preferKeychain: newVault !== 'passphrase-file',
        ...(toParent ? { askPassphrase: askPassphraseFromParent } : {}),
        signal: startAborted.signal,
      });
    } catch (err) {
      if (startAborted.signal.aborted) {
        console.error('litbox: stopped during start-up');
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      if (toParent)
        sendToParent({
          type: 'start-failed',
          reason: /wrong passphrase/.test(message) ? 'wrong-passphrase' : 'other',
          message,
        });
      throw err;
    }
    if (!toParent) {
      console.log(`Litbox wallet provider: ${host.provider.url}`);
      if (host.ceramic) console.log(`Ceramic node: ${host.ceramic.url}`);
      const litSdk = host.supervisor.litSdk;
      if (litSdk)
        console.log(
          `Lit SDK v8 network context (${litSdk.nagaNetworkName}): ${litSdk.nagaNetworkContextPath}; v7 contract context: ${litSdk.datilContractContextPath} (docs/LIT-SDK.md)`,
        );
      if (host.supervisor.litLocal)
        console.log(
          `Lit SDK v8 with no context file: createLitClient({ network: nagaLocal }) (chain ${host.supervisor.status().chain.rpcUrl}; --lit-local)`,
        );
      if (approveAllFrom)
        console.log(
          `approving every request from the local client "${approveAllFrom}" without asking (--approve-all-from)`,
        );
    }
    // The desktop shell shows its window once the network is up (the UI shows the pools filling);
    // a script gets `ready` only when every verb works: the network key, a key, presignatures.
    if (toParent) sendToParent({ type: 'ready' });
    const network = host.supervisor;
    await Promise.race([
      stopped,
      network
        .untilUsable((waiting) => console.error(`litbox: ${waiting}`), Infinity)
        .then(() => {
          if (toParent) sendToParent({ type: 'usable' });
          else console.log('ready');
        }),
    ]);

    await stopped;
    console.error('litbox: stopping');
    try {
      await host.stop();
    } catch (err) {
      console.error(`litbox: ${(err as Error).message}`);
    }
  }
};

function sendToParent(message: HostToShell): void {
  process.send?.(HostToShell.parse(message));
}

/** The desktop shell asks the person (or its OS secret store) and answers over IPC: never argv or env. */
function askPassphraseFromParent(creating: boolean): Promise<string | undefined> {
  return new Promise((resolve) => {
    const onMessage = (raw: unknown): void => {
      const parsed = ShellToHost.safeParse(raw);
      if (!parsed.success || parsed.data.type !== 'passphrase') return;
      done(parsed.data.passphrase || undefined);
    };
    const onDisconnect = (): void => done(undefined);
    const done = (answer: string | undefined): void => {
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      resolve(answer);
    };
    process.on('message', onMessage);
    process.once('disconnect', onDisconnect);
    sendToParent({ type: 'passphrase-needed', creating });
  });
}
