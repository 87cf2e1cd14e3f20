import { useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { NetworkStatus } from '../../../shared/api/contract.ts';

interface Props {
  status: NetworkStatus;
  client: ApiClient;
}

/** The network at a glance: the chain, the threshold, and every node, updated live. */
export function NetworkDashboard({ status, client }: Props) {
  const [busyNode, setBusyNode] = useState<number | undefined>();
  const [error, setError] = useState<string | undefined>();
  const upCount = status.nodes.filter((n) => n.up).length;

  const toggle = async (index: number, up: boolean) => {
    setBusyNode(index);
    setError(undefined);
    try {
      await client.call(up ? 'stopNode' : 'startNode', { index });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusyNode(undefined);
    }
  };

  return (
    <section aria-labelledby="network-heading">
      <h1 id="network-heading">Network</h1>
      <dl className="facts">
        <div>
          <dt>State</dt>
          <dd data-testid="network-state">{status.ready ? 'ready' : 'starting…'}</dd>
        </div>
        <div>
          <dt>Chain</dt>
          <dd>
            {status.chain.up ? 'up' : 'down'}, chain id <span data-testid="chain-id">{status.chain.chainId}</span>
          </dd>
        </div>
        <div>
          <dt>Block</dt>
          <dd data-testid="block-number">{status.chain.blockNumber ?? '–'}</dd>
        </div>
        <div>
          <dt>Threshold</dt>
          <dd data-testid="threshold">
            {status.threshold} of {status.nodeCount}
          </dd>
        </div>
        <div>
          <dt>Nodes up</dt>
          <dd data-testid="nodes-up">
            {upCount} / {status.nodeCount}
            {upCount < status.threshold ? ' (below threshold: signing is unavailable)' : ''}
          </dd>
        </div>
      </dl>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <table className="nodes">
        <caption>Threshold nodes</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">State</th>
            <th scope="col">Restarts</th>
            <th scope="col">Address</th>
            <th scope="col">Endpoint</th>
            <th scope="col">
              <span className="visually-hidden">Control</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {status.nodes.map((node) => (
            <tr key={node.index} data-testid={`node-${node.index}`}>
              <td>{node.index}</td>
              <td>
                <span className={node.up ? 'pill ok' : 'pill bad'} data-testid="node-state">
                  {node.up ? 'up' : 'down'}
                </span>
              </td>
              <td data-testid="node-restarts">{node.restarts}</td>
              <td className="mono">{node.address ?? '–'}</td>
              <td className="mono">{node.url}</td>
              <td>
                <button
                  type="button"
                  disabled={busyNode === node.index}
                  onClick={() => void toggle(node.index, node.up)}
                  aria-label={`${node.up ? 'Stop' : 'Start'} node ${node.index}`}
                >
                  {node.up ? 'Stop' : 'Start'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
