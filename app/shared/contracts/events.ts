import type { Log } from 'ethers';
import type { ContractName } from './generated/artifacts.ts';
import type { ContractEvents } from './generated/types.ts';
import type { ContractAddresses } from './addresses.ts';
import { contractInterface } from './handles.ts';

/** One decoded event of a Litbox contract. */
export type LitboxEvent = {
  [C in ContractName]: {
    [E in keyof ContractEvents[C]]: {
      contract: C;
      name: E;
      args: ContractEvents[C][E];
      address: string;
      logIndex: number;
      transactionHash: string;
    };
  }[keyof ContractEvents[C]];
}[ContractName];

/** Decodes the logs of our contracts, in log order; logs of other contracts are skipped. */
export function decodeEvents(logs: readonly Log[], addresses: ContractAddresses): LitboxEvent[] {
  const byAddress = new Map<string, ContractName>();
  for (const [name, address] of Object.entries(addresses) as [ContractName, string][]) {
    byAddress.set(address.toLowerCase(), name);
  }
  const events: LitboxEvent[] = [];
  for (const log of logs) {
    const contract = byAddress.get(log.address.toLowerCase());
    if (!contract) continue;
    const parsed = contractInterface(contract).parseLog({ topics: [...log.topics], data: log.data });
    if (!parsed) continue;
    const args: Record<string, unknown> = {};
    parsed.fragment.inputs.forEach((input, i) => {
      args[input.name || `arg${i}`] = parsed.args[i];
    });
    events.push({
      contract,
      name: parsed.name,
      args,
      address: log.address,
      logIndex: log.index,
      transactionHash: log.transactionHash,
    } as LitboxEvent);
  }
  return events;
}

/** The arguments of every `contract.event` in the logs, in log order. */
export function findEvents<C extends ContractName, E extends keyof ContractEvents[C] & string>(
  logs: readonly Log[],
  addresses: ContractAddresses,
  contract: C,
  event: E,
): ContractEvents[C][E][] {
  return decodeEvents(logs, addresses)
    .filter((e) => e.contract === contract && e.name === event)
    .map((e) => e.args as ContractEvents[C][E]);
}
