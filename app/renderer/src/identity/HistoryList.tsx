import { useEffect, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { AccountHistoryEntry } from '../../../shared/api/contract.ts';
import { useNavigate } from '../navigation.ts';
import { Address } from '../ui/Address.tsx';
import { Amount } from '../ui/Amount.tsx';
import { shortAddress } from '../ui/identicon.ts';

/**
 * One account's history as a list (it reads on a phone as well as on a desktop): sends,
 * receipts and incoming ETH from the chain, faucet top-ups, signatures and permission changes
 * from the wallet's record. Each hash opens the transaction's detail view.
 */
export function HistoryList({
  client,
  address,
  refreshKey,
}: {
  client: ApiClient;
  address: string;
  refreshKey?: unknown;
}) {
  const navigate = useNavigate();
  const [entries, setEntries] = useState<AccountHistoryEntry[] | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    client.call('accountHistory', { address }).then(
      (r) => {
        setEntries(r.entries);
        setError(undefined);
      },
      (err: Error) => setError(err.message),
    );
  }, [client, address, refreshKey]);

  if (error)
    return (
      <p role="alert" className="notice bad">
        {error}
      </p>
    );
  if (!entries) return <p className="muted">Reading the history…</p>;
  if (entries.length === 0) return <p className="muted">Nothing yet.</p>;
  return (
    <ul className="history" data-testid="account-history">
      {entries.map((e, i) => (
        <li key={`${e.transactionHash ?? e.digest ?? ''}-${e.at}-${i}`} data-testid="history-entry" data-kind={e.kind}>
          <span className={`history-mark ${e.direction}`} aria-hidden="true">
            {e.direction === 'in' ? '↓' : e.direction === 'out' ? '↑' : '•'}
          </span>
          <span className="history-main">
            <span className="history-title">
              <strong>{e.kind}</strong>
              {e.result === 'failed' ? <span className="pill bad">failed</span> : null}
              {e.counterparty ? (
                <>
                  {' '}
                  <span className="muted">{e.direction === 'in' ? 'from' : 'to'}</span>{' '}
                  <Address address={e.counterparty} />
                </>
              ) : null}
            </span>
            <span className="muted history-detail">{e.detail}</span>
            <span className="muted history-time">
              {new Date(e.at).toLocaleString()}
              {e.blockNumber !== null ? ` · block ${e.blockNumber}` : ''}
            </span>
          </span>
          <span className="history-side">
            {e.valueWei !== null && BigInt(e.valueWei) > 0n ? (
              <span className={e.direction === 'in' ? 'ok-text' : undefined}>
                {e.direction === 'in' ? '+' : '−'}
                <Amount wei={e.valueWei} />
              </span>
            ) : null}
            {e.transactionHash ? (
              <button
                type="button"
                className="link mono"
                title={e.transactionHash}
                onClick={() => navigate({ section: 'tx', hash: e.transactionHash! })}
                data-testid="history-tx"
              >
                {shortAddress(e.transactionHash, 10, 6)}
              </button>
            ) : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
