import { useEffect, useMemo, useState } from 'react';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { hostClient, subscribeLive, takeToken } from './host-connection.ts';
import { NetworkDashboard } from './network/NetworkDashboard.tsx';
import { PkpsPage } from './pkps/PkpsPage.tsx';
import { ActionsPage } from './actions/ActionsPage.tsx';
import { VerifyPage } from './actions/VerifyPage.tsx';
import { ActivityPage } from './activity/ActivityPage.tsx';

const PAGES = ['Network', 'PKPs', 'Actions', 'Verify', 'Activity'] as const;
type Page = (typeof PAGES)[number];

export function App() {
  const token = useMemo(takeToken, []);
  const [status, setStatus] = useState<NetworkStatus | undefined>();
  const [connected, setConnected] = useState(false);
  const [page, setPage] = useState<Page>('Network');
  const client = useMemo(() => (token ? hostClient(token) : undefined), [token]);

  useEffect(() => {
    if (!token) return;
    return subscribeLive(
      token,
      (message) => {
        if (message.type === 'status') setStatus(message.status);
      },
      setConnected,
    );
  }, [token]);

  if (!token || !client) {
    return (
      <main className="page">
        <h1>Litbox</h1>
        <p role="alert">
          This page needs the address the Litbox host printed at start-up (it ends in <code>#token=…</code>). Open that
          address, or run <code>npm run sandbox</code> to start a host.
        </p>
      </main>
    );
  }

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Litbox</span>
        <span className={connected ? 'pill ok' : 'pill bad'} aria-live="polite">
          {connected ? 'connected to host' : 'host unreachable, retrying'}
        </span>
      </header>
      <nav className="tabs" aria-label="Sections">
        {PAGES.map((name) => (
          <button
            key={name}
            type="button"
            className="tab"
            aria-current={page === name ? 'page' : undefined}
            onClick={() => setPage(name)}
          >
            {name}
          </button>
        ))}
      </nav>
      <main className="page">
        {!status ? (
          <p>Connecting to the Litbox host…</p>
        ) : page === 'Network' ? (
          <NetworkDashboard status={status} client={client} />
        ) : page === 'PKPs' ? (
          <PkpsPage client={client} networkReady={status.ready} />
        ) : page === 'Actions' ? (
          <ActionsPage client={client} networkReady={status.ready} />
        ) : page === 'Verify' ? (
          <VerifyPage client={client} />
        ) : (
          <ActivityPage client={client} />
        )}
      </main>
    </div>
  );
}
