import { createApiClient } from '../../shared/api/client.ts';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { dataPaths, defaultDataDir, readRuntimeInfo } from '../data-dir.ts';
import { CliError } from './cli-error.ts';
import { hostFetch } from './host-fetch.ts';
import type { CommandHandler } from './run-cli.ts';
import path from 'node:path';

/** Finds the host running on a data directory and gives a typed client for it. */
export function connectToHost(dataDirOption: string | undefined) {
  const dataDir = path.resolve(dataDirOption ?? defaultDataDir());
  const info = readRuntimeInfo(dataPaths(dataDir).runtime);
  if (!info)
    throw new CliError(
      `no Litbox host is running on ${dataDir}; start one with \`npm run sandbox\` (or \`litbox up --data-dir ${dataDir}\`)`,
    );
  return createApiClient({ baseUrl: `http://127.0.0.1:${info.port}`, token: info.token, fetch: hostFetch });
}

export const statusCommand: CommandHandler = async (values) => {
  const client = connectToHost(values['data-dir'] as string | undefined);
  const status = await client.call('status', {});
  if (values.json) console.log(JSON.stringify(status));
  else console.log(formatStatus(status));
};

function formatStatus(status: NetworkStatus): string {
  const state = status.usable ? 'ready' : status.ready ? 'up, filling its pools' : 'starting';
  const lines = [
    `network: ${state}, threshold ${status.threshold} of ${status.nodeCount}`,
    `chain:   ${status.chain.up ? 'up' : 'down'}, chain id ${status.chain.chainId}, block ${status.chain.blockNumber ?? '-'}, ${status.chain.rpcUrl}`,
  ];
  if (status.provider)
    lines.push(
      `wallet provider: ${status.provider.url}${status.provider.approveAllFrom ? ` (approving all from "${status.provider.approveAllFrom}")` : ''}`,
    );
  if (status.ceramic)
    lines.push(
      `ceramic: ${status.ceramic.up ? 'up' : 'down'}, pid ${status.ceramic.pid ?? '-'}, restarts ${status.ceramic.restarts}, ${status.ceramic.url}`,
    );
  if (status.litSdk)
    lines.push(
      `lit sdk: v8 context ${status.litSdk.nagaNetworkContextPath} (${status.litSdk.nagaNetworkName}), v7 context ${status.litSdk.datilContractContextPath}`,
    );
  for (const node of status.nodes)
    lines.push(
      `node ${String(node.index).padStart(2)}: ${node.up ? 'up  ' : 'down'} pid ${node.pid ?? '-'} restarts ${node.restarts} ${node.url}`,
    );
  if (status.filling?.length)
    lines.push(
      `filling: ${status.filling.map((p) => `${p.part} ${p.have}/${p.want}`).join(', ')}${status.usable ? ' (every verb works meanwhile)' : ''}`,
    );
  return lines.join('\n');
}
