import { useEffect, useRef, useState } from 'react';
import { ethers } from 'ethers';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { ApiOutput, NetworkStatus } from '../../../shared/api/contract.ts';
import { startupSteps } from './startup-steps.ts';

interface Props {
  status: NetworkStatus | undefined;
  client: ApiClient;
  /** The person opened the wallet before (this browser remembers it): skip the welcome once it answers. */
  welcomed: boolean;
  /** Show the welcome even to a used wallet (Settings asked for it). */
  force?: boolean;
  onDone: () => void;
}

const MARKS = { done: '✓', active: '…', waiting: '○' } as const;

/**
 * The first screen: the network starting, step by step, from the live status; then the
 * wallet account the host created. A wallet that has been used before goes straight on.
 */
export function Onboarding({ status, client, welcomed, force = false, onDone }: Props) {
  const [wallet, setWallet] = useState<ApiOutput<'wallet'> | undefined>();
  const [newWallet, setNewWallet] = useState<boolean | undefined>();
  const openRef = useRef<HTMLButtonElement>(null);
  const ready = status?.ready === true;

  // The wallet services start right after the network: ask until they answer.
  useEffect(() => {
    if (!ready || wallet) return;
    let stopped = false;
    const ask = async () => {
      while (!stopped) {
        try {
          const [account, activity] = await Promise.all([client.call('wallet', {}), client.call('activity', {})]);
          if (stopped) return;
          setWallet(account);
          setNewWallet(activity.entries.length === 0);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 400));
        }
      }
    };
    void ask();
    return () => {
      stopped = true;
    };
  }, [client, ready, wallet]);

  useEffect(() => {
    if (wallet && !force && (welcomed || newWallet === false)) onDone();
  }, [wallet, welcomed, force, newWallet, onDone]);

  const welcome = wallet !== undefined && (force || newWallet === true);
  useEffect(() => {
    if (welcome) openRef.current?.focus();
  }, [welcome]);

  const steps = status ? startupSteps(status) : [];
  return (
    <main className="onboarding" aria-labelledby="onboarding-heading">
      <h1 id="onboarding-heading">
        <span className="brand-mark" aria-hidden="true" />
        Welcome to Litbox
      </h1>
      <p className="muted">
        A wallet with a whole threshold network inside it. Your sandbox is starting on this machine: a chain with the
        PKP contracts, and {status?.nodeCount ?? 'N'} nodes that hold key shares and sign together.
      </p>
      {!status ? <p>Connecting to the Litbox host…</p> : null}
      {/* The list waits for the first status: every step is read from it, so none shows alone. */}
      {status ? (
        <ol className="steps" aria-label="Start-up" data-testid="startup-steps">
          {steps.map((step) => (
            <li key={step.id} className="step" data-state={step.state} data-testid={`step-${step.id}`}>
              <span className="step-mark" aria-hidden="true">
                {MARKS[step.state]}
              </span>
              <span>
                <strong>{step.title}</strong>{' '}
                <span className="visually-hidden">
                  ({step.state === 'done' ? 'done' : step.state === 'active' ? 'in progress' : 'waiting'})
                </span>
                <span className="muted"> — {step.detail}</span>
              </span>
              {step.id === 'nodes' && status ? (
                <span className="node-dots" aria-hidden="true">
                  {status.nodes.map((n) => (
                    <span key={n.index} className={n.up ? 'pill ok' : 'pill neutral'}>
                      node {n.index}
                    </span>
                  ))}
                </span>
              ) : null}
              {step.progress ? (
                <progress
                  value={step.progress.value}
                  max={step.progress.max}
                  aria-label={`${step.title}: ${step.progress.value} of ${step.progress.max}`}
                />
              ) : step.state === 'active' ? (
                <progress aria-label={`${step.title}: in progress`} />
              ) : null}
            </li>
          ))}
          <li
            className="step"
            data-state={wallet ? 'done' : ready ? 'active' : 'waiting'}
            data-testid="step-wallet"
            aria-live="polite"
          >
            <span className="step-mark" aria-hidden="true">
              {wallet ? MARKS.done : ready ? MARKS.active : MARKS.waiting}
            </span>
            <span>
              <strong>Wallet account</strong>
              <span className="muted">
                {' '}
                —{' '}
                {wallet
                  ? newWallet
                    ? 'created for this data directory; its key stays in your OS keychain'
                    : 'ready'
                  : 'opening the wallet account'}
              </span>
            </span>
          </li>
        </ol>
      ) : null}
      {wallet && welcome ? (
        <div className="card" data-testid="wallet-created">
          <h2>Your wallet account</h2>
          <dl className="rows">
            <dt>Address</dt>
            <dd className="mono" data-testid="wallet-address">
              {wallet.address}
            </dd>
            <dt>Balance</dt>
            <dd>{ethers.formatEther(wallet.balanceWei)} ETH on the sandbox chain</dd>
          </dl>
          <p className="muted">
            It pays for minting PKPs and signs in to the nodes for them. Next: mint a PKP, send ETH from it, sign with
            it.
          </p>
          <button ref={openRef} type="button" className="primary" onClick={onDone} data-testid="open-wallet">
            Open the wallet
          </button>
        </div>
      ) : null}
    </main>
  );
}
