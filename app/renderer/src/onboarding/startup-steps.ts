import type { NetworkStatus } from '../../../shared/api/contract.ts';

export type StepState = 'waiting' | 'active' | 'done';

export interface StartupStep {
  id: 'chain' | 'nodes' | 'contracts' | 'keys' | 'presignatures';
  title: string;
  state: StepState;
  /** What is happening, in words ("5 of 7 nodes up"). */
  detail: string;
  /** For a progress bar: done out of total (undefined while nothing can be counted). */
  progress?: { value: number; max: number };
}

/**
 * The start-up of a Litbox network, step by step, read from the live status: the chain, each
 * node, the contracts (genesis), then the key pool and the presignatures the nodes make in the
 * background. A step is done once the wallet can rely on it (one key and presignatures on the
 * live nodes is enough to mint and sign; the pools keep filling afterwards).
 */
export function startupSteps(status: NetworkStatus): StartupStep[] {
  const chainDone = status.chain.up && status.chain.blockNumber !== null;
  const up = status.nodes.filter((n) => n.up);
  const nodesDone = up.length === status.nodeCount;
  const contractsDone = status.contracts !== null;
  const keys = minimum(up.map((n) => n.keysReady));
  const presignatures = minimum(up.map((n) => n.presignaturesFresh));
  const keysDone = status.ready && up.length >= status.threshold && (keys ?? 0) > 0;
  const presignaturesDone = status.ready && up.length >= status.threshold && (presignatures ?? 0) > 0;

  const steps: (Omit<StartupStep, 'state'> & { done: boolean })[] = [];
  const add = (step: Omit<StartupStep, 'state'>, done: boolean) => steps.push({ ...step, done });
  add(
    {
      id: 'chain',
      title: 'Chain',
      detail: chainDone
        ? `anvil is up, chain id ${status.chain.chainId}, block ${status.chain.blockNumber}`
        : 'starting anvil, the embedded chain',
    },
    chainDone,
  );
  add(
    {
      id: 'nodes',
      title: 'Threshold nodes',
      detail: `${up.length} of ${status.nodeCount} nodes up (any ${status.threshold} can sign)`,
      progress: { value: up.length, max: status.nodeCount },
    },
    nodesDone,
  );
  add(
    {
      id: 'contracts',
      title: 'PKP contracts',
      detail: contractsDone ? 'deployed, nodes registered in Staking' : 'genesis: deploying and registering the nodes',
    },
    contractsDone,
  );
  add(
    {
      id: 'keys',
      title: 'Key pool',
      detail:
        keys === undefined
          ? 'the nodes make keys together by DKG, ahead of minting'
          : `${keys} key${keys === 1 ? '' : 's'} ready on every live node (the pool keeps filling)`,
    },
    keysDone,
  );
  add(
    {
      id: 'presignatures',
      title: 'Presignatures',
      detail:
        presignatures === undefined
          ? 'the nodes prepare presignatures, so each signature takes one round'
          : `${presignatures} fresh on every live node`,
    },
    presignaturesDone,
  );

  let activeGiven = false;
  return steps.map(({ done, ...step }) => {
    if (done) return { ...step, state: 'done' as const };
    const state: StepState = activeGiven ? 'waiting' : 'active';
    activeGiven = true;
    return { ...step, state };
  });
}

function minimum(values: (number | null)[]): number | undefined {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.min(...known) : undefined;
}
