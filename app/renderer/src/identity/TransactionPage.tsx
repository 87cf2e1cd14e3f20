import { useEffect, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { TransactionDetail } from '../../../shared/api/contract.ts';
import { useNavigate } from '../navigation.ts';
import { Address, ShortHex } from '../ui/Address.tsx';
import { Amount } from '../ui/Amount.tsx';

/** One transaction on the sandbox chain, like an explorer's page: status, parties, value, fee, decoded call. */
export function TransactionPage({ client, hash }: { client: ApiClient; hash: string }) {
  const navigate = useNavigate();
  const [tx, setTx] = useState<TransactionDetail | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    client.call('transaction', { hash }).then(setTx, (err: Error) => setError(err.message));
  }, [client, hash]);

  const fee = tx?.gasUsed && tx.effectiveGasPriceWei ? BigInt(tx.gasUsed) * BigInt(tx.effectiveGasPriceWei) : undefined;
  return (
    <section aria-labelledby="tx-heading">
      <p className="breadcrumb">
        <button type="button" className="link" onClick={() => history.back()}>
          ← Back
        </button>
      </p>
      <h1 id="tx-heading">Transaction</h1>
      <p>
        <ShortHex value={hash} head={18} tail={8} />
      </p>
      {error ? (
        <p role="alert" className="notice bad">
          {error}
        </p>
      ) : null}
      {!tx ? (
        error ? null : (
          <p className="muted">Reading the transaction…</p>
        )
      ) : (
        <dl className="rows card" data-testid="tx-detail">
          <dt>Status</dt>
          <dd data-testid="tx-status">
            <span className={tx.status === 'success' ? 'pill ok' : 'pill bad'}>{tx.status}</span>
          </dd>
          <dt>Block</dt>
          <dd>
            {tx.blockNumber ?? 'pending'}
            {tx.at ? ` · ${new Date(tx.at).toLocaleString()}` : ''}
          </dd>
          <dt>From</dt>
          <dd>
            <Address address={tx.from} />
          </dd>
          <dt>To</dt>
          <dd>{tx.to ? <Address address={tx.to} /> : 'a new contract'}</dd>
          <dt>Value</dt>
          <dd data-testid="tx-value">
            <Amount wei={tx.valueWei} digits={6} />
          </dd>
          <dt>Fee paid</dt>
          <dd>{fee !== undefined ? <Amount wei={fee} digits={8} /> : '–'}</dd>
          <dt>Nonce</dt>
          <dd>{tx.nonce}</dd>
          <dt>Gas used / limit</dt>
          <dd>
            {tx.gasUsed ?? '–'} / {tx.gasLimit}
          </dd>
          <dt>Chain id</dt>
          <dd>{tx.chainId}</dd>
          <dt>Events</dt>
          <dd>{tx.logCount}</dd>
          {tx.decoded ? (
            <>
              <dt>Call</dt>
              <dd data-testid="tx-call">
                {tx.decoded.contract}.{tx.decoded.signature}
                <ul>
                  {tx.decoded.args.map((a) => (
                    <li key={a.name} className="mono">
                      {a.name} ({a.type}): {a.value}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          ) : tx.data !== '0x' ? (
            <>
              <dt>Data</dt>
              <dd className="mono">{tx.data}</dd>
            </>
          ) : null}
        </dl>
      )}
      <p>
        <button type="button" className="link" onClick={() => navigate({ section: 'activity', query: hash })}>
          Find it in Activity
        </button>
      </p>
    </section>
  );
}
