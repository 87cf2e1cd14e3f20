import path from 'node:path';
import { createApiClient } from '../../shared/api/client.ts';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { dataPaths, defaultDataDir, readRuntimeInfo } from '../data-dir.ts';
import { CliError } from './cli-error.ts';
import { hostFetch } from './host-fetch.ts';
import type { CommandHandler } from './run-cli.ts';

const POLL_MS = 100;

/**
 * `litbox wait [--timeout SECONDS] [--data-dir DIR]`: for scripts and CI after `litbox up &`.
 * Waits for a host to appear on the data directory and for every verb to work (the network
 * key, a routed key, presignatures), saying on stderr what it waits for; then prints one JSON
 * line on stdout and exits 0. On timeout it prints the same line with `"ready": false` and what
 * is still filling, and exits 1.
 */
export const waitCommand: CommandHandler = async (values) => {
  const timeoutText = (values.timeout as string | undefined) ?? '120';
  const timeoutSeconds = Number(timeoutText);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new CliError(`--timeout takes a number of seconds above 0 (got ${timeoutText})`, 2);
  const dataDir = path.resolve((values['data-dir'] as string | undefined) ?? defaultDataDir());
  const runtimeFile = dataPaths(dataDir).runtime;
  const started = performance.now();
  const deadline = started + timeoutSeconds * 1000;
  let said = '';
  const say = (text: string): void => {
    if (text !== said) console.error(`litbox: ${text}`);
    said = text;
  };
  let status: NetworkStatus | undefined;
  let url: string | undefined;
  while (performance.now() < deadline) {
    const info = readRuntimeInfo(runtimeFile);
    if (!info) {
      say(`waiting for a Litbox host to start on ${dataDir}`);
    } else {
      url = `http://127.0.0.1:${info.port}`;
      try {
        status = await createApiClient({ baseUrl: url, token: info.token, fetch: hostFetch }).call('status', {});
      } catch {
        status = undefined; // the host is starting or stopping: ask again
      }
      if (status?.usable) break;
      if (status) say(waitingFor(status));
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const ready = status?.usable === true;
  console.log(
    JSON.stringify({
      ready,
      waitedMs: Math.round(performance.now() - started),
      ...(url ? { url } : {}),
      ...(status
        ? {
            rpcUrl: status.chain.rpcUrl,
            chainId: status.chain.chainId,
            nodeCount: status.nodeCount,
            threshold: status.threshold,
            contracts: status.contracts,
            filling: status.filling ?? [],
          }
        : {}),
    }),
  );
  if (!ready) throw new CliError(`not ready after ${timeoutSeconds} s: ${said || 'no answer from the host'}`);
};

function waitingFor(status: NetworkStatus): string {
  if (!status.ready) {
    const up = status.nodes.filter((n) => n.up).length;
    return `waiting for the network to start (chain ${status.chain.up ? 'up' : 'starting'}, ${up} of ${status.nodeCount} nodes up)`;
  }
  const parts = (status.filling ?? []).filter((p) => p.have === 0 || p.part === 'network key');
  return `waiting for ${parts.map((p) => (p.part === 'network key' ? 'the network key' : `the ${p.part} (${p.have} of ${p.want})`)).join(', ') || 'the pools'}`;
}
