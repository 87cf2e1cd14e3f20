import { useState } from 'react';
import { ethers } from 'ethers';
import { Address } from '../ui/Address.tsx';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { NetworkStatus, NodeStatus } from '../../../shared/api/contract.ts';

const REPLACED_BECAUSE: Record<string, string> = {
  timeout: 'a run past its time limit',
  memory: 'a run over its memory limit',
  crashed: 'its runner process died',
  protocol: 'its runner process misbehaved',
};

/** Runs now / slots, and the runner processes the node killed and replaced (and why, last). */
function ActionRunnerCell({ runner }: { runner: NodeStatus['actionRunner'] }) {
  if (!runner) return <>–</>;
  const why = runner.lastReplacedReason
    ? (REPLACED_BECAUSE[runner.lastReplacedReason] ?? runner.lastReplacedReason)
    : null;
  return (
    <>
      {runner.stuck ? (
        <span className="pill bad" title="A run is past its kill deadline, or no runner process can start">
          stuck
        </span>
      ) : null}{' '}
      {runner.running} / {runner.capacity} running{runner.queued ? `, ${runner.queued} waiting` : ''}
      {runner.runnersReplaced ? (
        <span className="muted" title={why ? `last replaced after ${why}` : undefined}>
          {' '}
          · {runner.runnersReplaced} replaced{why ? ` (last: ${why})` : ''}
        </span>
      ) : null}
      {runner.busyRefusals ? <span className="muted"> · {runner.busyRefusals} refused busy</span> : null}
    </>
  );
}

interface Props {
  status: NetworkStatus;
  client: ApiClient;
}

const KIND_NAMES: Record<string, string> = {
  pkpSign: 'PKP signature',
  executeJs: 'Lit Action signature',
  decrypt: 'decryption',
};

/**
 * The network at a glance: the chain, the threshold, every node (updated live) with which of
 * them gave a share to the last signature. Stop nodes to see the threshold at work: with fewer
 * than T up, signing fails; any T of them sign.
 */
export function NetworkDashboard({ status, client }: Props) {
  const [busyNode, setBusyNode] = useState<number | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [trying, setTrying] = useState(false);
  const [trial, setTrial] = useState<{ ok: boolean; text: string } | undefined>();
  const upCount = status.nodes.filter((n) => n.up).length;
  const last = status.lastSignature;
  const contributed = new Set(last?.nodes ?? []);

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

  /** Signs a fresh random digest with the first PKP, so the table shows whose shares made it. */
  const trySignature = async () => {
    setTrying(true);
    setTrial(undefined);
    try {
      const { pkps } = await client.call('pkpList', {});
      const pkp = pkps.find((p) => p.owner === 'wallet');
      if (!pkp) {
        setTrial({ ok: false, text: 'Mint a PKP on the PKPs page first: the test signs with one the wallet owns.' });
        return;
      }
      const digest = ethers.hexlify(ethers.randomBytes(32));
      const sig = await client.call('pkpSign', { publicKey: pkp.publicKey, toSign: digest, as: { wallet: true } });
      const recovered = ethers.recoverAddress(digest, sig.signature);
      setTrial({
        ok: recovered === pkp.ethAddress,
        text: `Nodes ${sig.nodes.join(', ')} signed a random digest with ${pkp.ethAddress}; the signature recovers to ${recovered}.`,
      });
    } catch (err) {
      setTrial({ ok: false, text: (err as Error).message });
    } finally {
      setTrying(false);
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

      <div className="card" aria-labelledby="last-signature-heading">
        <h2 id="last-signature-heading">Last signature</h2>
        {last ? (
          <p data-testid="last-signature">
            {KIND_NAMES[last.kind] ?? last.kind}
            {last.publicKey ? (
              <>
                {' '}
                with <span className="mono">{ethers.computeAddress(last.publicKey)}</span>
              </>
            ) : null}{' '}
            at {new Date(last.at).toLocaleTimeString()}: shares from nodes{' '}
            <strong data-testid="last-signature-nodes">{last.nodes.join(', ')}</strong> ({last.nodes.length} of{' '}
            {status.nodeCount}; any {status.threshold} suffice).
          </p>
        ) : (
          <p className="muted" data-testid="last-signature">
            No signature since the host started.
          </p>
        )}
        <div className="row">
          <button type="button" onClick={() => void trySignature()} disabled={trying} data-testid="try-signature">
            {trying ? 'Signing…' : 'Sign a test digest'}
          </button>
          <span className="muted">Stop a few nodes first to see which ones still sign, and when it stops working.</span>
        </div>
        {trial ? (
          <p role="status" className={trial.ok ? 'notice ok' : 'notice bad'} data-testid="try-signature-result">
            {trial.text}
          </p>
        ) : null}
      </div>

      {error ? (
        <p role="alert" className="notice bad">
          {error}
        </p>
      ) : null}
      <table className="nodes list-on-narrow" style={{ marginTop: '1.25rem' }}>
        <caption>Threshold nodes</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">State</th>
            <th scope="col">Last signature</th>
            <th scope="col">Keys / presignatures</th>
            <th scope="col">Lit Actions</th>
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
            <tr
              key={node.index}
              data-testid={`node-${node.index}`}
              className={contributed.has(node.index) ? 'contributed' : undefined}
            >
              <td data-label="Node">{node.index}</td>
              <td data-label="State">
                <span className={node.up ? 'pill ok' : 'pill bad'} data-testid="node-state">
                  {node.up ? 'up' : 'down'}
                </span>
              </td>
              <td data-label="Last signature" data-testid="node-contributed">
                {contributed.has(node.index) ? 'gave a share' : '–'}
              </td>
              <td data-label="Keys / presignatures">
                {node.keysReady ?? '–'} / {node.presignaturesFresh ?? '–'}
              </td>
              <td data-label="Lit Actions" data-testid="node-actions">
                <ActionRunnerCell runner={node.actionRunner} />
              </td>
              <td data-label="Restarts" data-testid="node-restarts">
                {node.restarts}
              </td>
              <td data-label="Address">{node.address ? <Address address={node.address} /> : '–'}</td>
              <td data-label="Endpoint" className="mono">
                {node.url}
              </td>
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
