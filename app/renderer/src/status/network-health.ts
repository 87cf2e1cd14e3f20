import type { NetworkStatus } from '../../../shared/api/contract.ts';

export interface NetworkHealth {
  level: 'ok' | 'warn' | 'bad';
  /** The header's words: what state the sandbox is in. */
  text: string;
  /** Why a mint or a signature would wait or fail now; undefined when it can go ahead. */
  mintWait: string | undefined;
  signWait: string | undefined;
}

/**
 * The sandbox's state in words, from the live status and the connection to the host: the host
 * unreachable, the network starting, fewer nodes up than the threshold, the key pool or the
 * presignatures still filling. Mint and sign show the same reason next to their buttons.
 */
export function networkHealth(status: NetworkStatus | undefined, connected: boolean): NetworkHealth {
  if (!connected)
    return {
      level: 'bad',
      text: 'Host unreachable, retrying: what you see may be out of date',
      mintWait: 'The Litbox host does not answer; minting waits until it is back.',
      signWait: 'The Litbox host does not answer; signing waits until it is back.',
    };
  if (!status)
    return { level: 'warn', text: 'Connecting to the host…', mintWait: 'Connecting…', signWait: 'Connecting…' };
  const up = status.nodes.filter((n) => n.up);
  const nodes = `${up.length}/${status.nodeCount} nodes up · threshold ${status.threshold}`;
  if (!status.ready)
    return {
      level: 'warn',
      text: `Sandbox starting · ${nodes}`,
      mintWait: 'The network is starting; minting opens when it is ready.',
      signWait: 'The network is starting; signing opens when it is ready.',
    };
  if (up.length < status.threshold) {
    const why = `Below threshold: ${up.length} of ${status.nodeCount} nodes up, signing needs ${status.threshold}. Start nodes on the Network page.`;
    return { level: 'bad', text: `Below threshold · ${nodes}`, mintWait: why, signWait: why };
  }
  const keys = minimum(up.map((n) => n.keysReady));
  const presignatures = minimum(up.map((n) => n.presignaturesFresh));
  if (keys === 0)
    return {
      level: 'warn',
      text: `Key pool filling · ${nodes}`,
      mintWait:
        'The nodes are still making the first keys together (DKG): a mint now waits until one is ready, usually a few seconds.',
      signWait: undefined,
    };
  if (presignatures === 0)
    return {
      level: 'warn',
      text: `Presignatures filling · ${nodes}`,
      mintWait: undefined,
      signWait:
        'The nodes are still preparing presignatures: a signature now takes a few seconds longer while they make one.',
    };
  return { level: 'ok', text: `Sandbox ready · ${nodes}`, mintWait: undefined, signWait: undefined };
}

function minimum(values: (number | null)[]): number | undefined {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.min(...known) : undefined;
}
