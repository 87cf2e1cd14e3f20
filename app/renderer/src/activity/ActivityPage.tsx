import { useEffect, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { ApiOutput } from '../../../shared/api/contract.ts';
import { useNavigate } from '../navigation.ts';
import { Address, ShortHex } from '../ui/Address.tsx';

type Entry = ApiOutput<'activity'>['entries'][number];

/** Everything the wallet did, newest first, searchable; kept in the host's SQLite file. */
export function ActivityPage({ client, initialQuery = '' }: { client: ApiClient; initialQuery?: string }) {
  const navigate = useNavigate();
  const [query, setQuery] = useState(initialQuery);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    const timer = setTimeout(() => {
      client.call('activity', query ? { query } : {}).then(
        (r) => {
          setEntries(r.entries);
          setError(undefined);
        },
        (err: Error) => setError(err.message),
      );
    }, 150);
    return () => clearTimeout(timer);
  }, [client, query]);

  return (
    <section aria-labelledby="activity-heading">
      <h1 id="activity-heading">Activity</h1>
      <label className="row">
        Search{' '}
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="kind, PKP, hash…"
          data-testid="activity-search"
        />
      </label>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <table className="nodes list-on-narrow" data-testid="activity-table">
        <caption>{entries.length} entries</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col">Account</th>
            <th scope="col">Result</th>
            <th scope="col">Detail</th>
            <th scope="col">Transaction / digest</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr
              key={e.id}
              data-testid="activity-row"
              data-hash={e.transactionHash ?? e.digest ?? undefined}
              data-pkp={e.pkp ?? undefined}
            >
              <td data-label="Time" className="nowrap">
                {new Date(e.at).toLocaleString()}
              </td>
              <td data-label="Kind">{e.kind}</td>
              <td data-label="Account">{e.pkp ? <Address address={e.pkp} /> : '–'}</td>
              <td data-label="Result">
                <span className={e.result === 'ok' ? 'pill ok' : 'pill bad'}>{e.result}</span>
              </td>
              <td data-label="Detail" className="detail-cell">
                {e.detail}
              </td>
              <td data-label="Transaction / digest">
                {e.transactionHash ? (
                  <button
                    type="button"
                    className="link mono"
                    title={e.transactionHash}
                    onClick={() => navigate({ section: 'tx', hash: e.transactionHash! })}
                    data-testid="activity-tx"
                  >
                    {e.transactionHash.slice(0, 10)}…{e.transactionHash.slice(-6)}
                  </button>
                ) : e.digest ? (
                  <ShortHex value={e.digest} />
                ) : (
                  '–'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
