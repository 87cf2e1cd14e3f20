import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { ProviderState } from '../../../shared/provider/provider-wire.ts';
import { useProviderState } from './provider-store.ts';

/**
 * Settings: the wallet provider's address, how to add the browser companion, and the sites and
 * local programs the person connected, each with the PKPs it sees and a Disconnect button.
 */
export function ConnectedSites({ client }: { client: ApiClient }) {
  const [fetched, setState] = useState<ProviderState | undefined>();
  const live = useProviderState();
  // The live push when there is one (it follows every change); the fetched state until then.
  const state = live ?? fetched;
  const [error, setError] = useState<string | undefined>();
  const refresh = useCallback(
    () =>
      client.call('providerState', {}).then(
        (s) => setState(s),
        (err: Error) => setError(err.message),
      ),
    [client],
  );
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const disconnect = async (id: string) => {
    try {
      setState(await client.call('providerDisconnect', { client: id }));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div className="card" aria-labelledby="connected-sites-heading" data-testid="connected-sites">
      <h2 id="connected-sites-heading">Dapps and tools</h2>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <p>
        Wallet provider (EIP-1193 JSON-RPC, HTTP and WebSocket):{' '}
        <code data-testid="provider-url">{state?.url ?? 'starting…'}</code>. Programs name themselves in the address,
        like <code>{state?.url ?? 'http://127.0.0.1:PORT'}/?name=my-script</code>.
      </p>
      <p className="muted">
        For dapps in Chrome or Chromium: open <code>chrome://extensions</code>, turn on Developer mode, choose “Load
        unpacked” and pick the <code>extension</code> folder of the Litbox repository. Dapps then find “Litbox” in their
        wallet list (EIP-6963).
      </p>
      {state?.approveAllFrom ? (
        <p className="notice bad" data-testid="approve-all-settings">
          Everything from the local client “{state.approveAllFrom}” is approved without asking (
          <code>--approve-all-from</code>).
        </p>
      ) : null}
      <h3>Connected</h3>
      {state && state.connected.length === 0 ? <p className="muted">No site or program is connected.</p> : null}
      <ul className="plain">
        {state?.connected.map((c) => (
          <li key={c.client} data-testid="connected-site">
            <strong>{c.clientLabel}</strong>{' '}
            <span className="muted">since {new Date(c.connectedAt).toLocaleString()}; sees </span>
            <span className="mono">{c.accounts.map((a) => a.address).join(', ')}</span>{' '}
            <button type="button" onClick={() => void disconnect(c.client)} data-testid="disconnect">
              Disconnect
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
