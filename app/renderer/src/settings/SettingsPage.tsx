import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { ApiOutput, NetworkStatus } from '../../../shared/api/contract.ts';
import { FaucetButton } from '../pkps/FaucetButton.tsx';
import type { ThemeChoice } from '../ui/theme.ts';
import { Rows } from '../ui/Rows.tsx';
import { ConnectedSites } from '../approvals/ConnectedSites.tsx';
import { formatEth } from '../ui/format-amount.ts';

interface Props {
  client: ApiClient;
  status: NetworkStatus;
  theme: ThemeChoice;
  onTheme: (choice: ThemeChoice) => void;
  onShowWelcome: () => void;
}

const THEMES: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'Same as the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Appearance, the wallet account (with the sandbox faucet), and where this sandbox lives. */
export function SettingsPage({ client, status, theme, onTheme, onShowWelcome }: Props) {
  const [wallet, setWallet] = useState<ApiOutput<'wallet'> | undefined>();
  const [error, setError] = useState<string | undefined>();

  const refresh = useCallback(
    () =>
      client.call('wallet', {}).then(
        (w) => setWallet(w),
        (err: Error) => setError(err.message),
      ),
    [client],
  );
  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <section aria-labelledby="settings-heading">
      <h1 id="settings-heading">Settings</h1>
      <div className="card">
        <fieldset>
          <legend>Theme</legend>
          {THEMES.map((t) => (
            <label key={t.value}>
              <input
                type="radio"
                name="theme"
                value={t.value}
                checked={theme === t.value}
                onChange={() => onTheme(t.value)}
              />
              {t.label}
            </label>
          ))}
        </fieldset>
        <p className="muted">Kept in this browser. “Same as the system” follows your light or dark preference.</p>
      </div>

      <div className="card" aria-labelledby="wallet-account-heading">
        <h2 id="wallet-account-heading">Wallet account</h2>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        {wallet ? (
          <>
            <Rows
              rows={[
                { label: 'Address', value: wallet.address },
                { label: 'Balance', value: `${formatEth(wallet.balanceWei)} ETH` },
              ]}
              testId="wallet-rows"
            />
            <div className="row">
              <FaucetButton client={client} address={wallet.address} onFunded={() => void refresh()} />
            </div>
          </>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>

      <ConnectedSites client={client} />

      <div className="card" aria-labelledby="sandbox-heading">
        <h2 id="sandbox-heading">This sandbox</h2>
        <Rows
          rows={[
            { label: 'Data directory', value: status.dataDir },
            { label: 'Nodes', value: `${status.nodeCount}, threshold ${status.threshold}` },
            { label: 'Chain id', value: String(status.chain.chainId) },
            { label: 'Chain RPC', value: status.chain.rpcUrl },
            ...Object.entries(status.contracts ?? {}).map(([name, address]) => ({ label: name, value: address })),
          ]}
        />
        <ChainCheatsSwitch client={client} enabled={status.chain.cheats} />
        <div className="row">
          <button type="button" onClick={onShowWelcome}>
            Show the welcome screen again
          </button>
        </div>
      </div>
    </section>
  );
}

/**
 * Cheat methods (anvil_*, evm_*, eth_sendTransaction…) on the chain RPC URL above, for dapp
 * tools that need them (a test suite that sets balances or mines). Off by default: with them
 * on, anything holding that URL can rewrite the sandbox chain, PKP ownership included.
 */
function ChainCheatsSwitch({ client, enabled }: { client: ApiClient; enabled: boolean }) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const toggle = (next: boolean) => {
    setBusy(true);
    setError(undefined);
    client.call('setChainCheats', { enabled: next }).then(
      () => setBusy(false),
      (err: Error) => {
        setBusy(false);
        setError(err.message);
      },
    );
  };
  return (
    <>
      <label>
        <input
          type="checkbox"
          checked={enabled}
          disabled={busy}
          onChange={(e) => toggle(e.target.checked)}
          data-testid="chain-cheats"
        />
        Chain cheat methods for dapp tools (anvil_*, evm_*, eth_sendTransaction)
      </label>
      <p className="muted">
        Off, the chain RPC takes reads and signed transactions only. On, any program holding its URL can also set
        balances, storage and owners on this sandbox chain.
      </p>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </>
  );
}
