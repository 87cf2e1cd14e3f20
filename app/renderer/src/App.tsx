import { useEffect, useMemo, useState } from 'react';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { hostClient, subscribeLive, takeToken } from './host-connection.ts';
import { NetworkDashboard } from './network/NetworkDashboard.tsx';

export function App() {
  const token = useMemo(takeToken, []);
  const [status, setStatus] = useState<NetworkStatus | undefined>();
  const [connected, setConnected] = useState(false);

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

  if (!token) {
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

  const client = hostClient(token);
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Litbox</span>
        <span className={connected ? 'pill ok' : 'pill bad'} aria-live="polite">
          {connected ? 'connected to host' : 'host unreachable, retrying'}
        </span>
      </header>
      <main className="page">
        {status ? <NetworkDashboard status={status} client={client} /> : <p>Connecting to the Litbox host…</p>}
      </main>
    </div>
  );
}
