import { useEffect, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { ApiOutput } from '../../../shared/api/contract.ts';

type Entry = ApiOutput<'activity'>['entries'][number];

/** Everything the wallet did, newest first, searchable; kept in the host's SQLite file. */
export function ActivityPage({ client, initialQuery = '' }: { client: ApiClient; initialQuery?: string }) {
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
      <table className="nodes" data-testid="activity-table">
        <caption>{entries.length} entries</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col">PKP</th>
            <th scope="col">Result</th>
            <th scope="col">Detail</th>
            <th scope="col">Transaction / digest</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="activity-row">
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.kind}</td>
              <td className="mono">{e.pkp ?? '–'}</td>
              <td>
                <span className={e.result === 'ok' ? 'pill ok' : 'pill bad'}>{e.result}</span>
              </td>
              <td>{e.detail}</td>
              <td className="mono">{e.transactionHash ?? e.digest ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
