import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { Account } from '../../../shared/api/contract.ts';

interface Props {
  client: ApiClient;
  networkReady: boolean;
  /** Called after a PKP was minted, so the list refreshes. */
  onMinted: () => void;
  onAccounts: (accounts: Account[]) => void;
}

/** Opens a URL where the person signs in: the system browser in the desktop app, a new tab here. */
function openSignInPage(url: string): void {
  const shell = (window as { litboxShell?: { openExternal(url: string): Promise<void> } }).litboxShell;
  if (shell) void shell.openExternal(url);
  else window.open(url, '_blank', 'noopener');
}

/**
 * Google-style accounts: sign in through the issuer's own page (authorization code + PKCE,
 * loopback redirect to the host), then mint a PKP that this account controls and that owns
 * itself.
 */
export function AccountsPanel({ client, networkReady, onMinted, onAccounts }: Props) {
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();

  const refresh = useCallback(async () => {
    const { accounts } = await client.call('accounts', {});
    setAccounts(accounts);
    onAccounts(accounts);
  }, [client, onAccounts]);

  useEffect(() => {
    if (networkReady) void refresh();
  }, [networkReady, refresh]);

  const signIn = async () => {
    setBusy('signin');
    setError(undefined);
    try {
      const { id, url } = await client.call('signInStart', { provider: 'local' });
      openSignInPage(url);
      await client.call('signInFinish', { id });
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  const mint = async (account: Account) => {
    setBusy(account.sub);
    setError(undefined);
    try {
      await client.call('pkpMintForAccount', { account: account.sub, sendPkpToItself: true });
      onMinted();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className="card" aria-labelledby="accounts-heading">
      <h2 id="accounts-heading">Accounts</h2>
      <p className="muted">
        Sign in with a Google-style account (offline: Litbox's own OpenID issuer) to control a PKP without a wallet.
      </p>
      <button
        type="button"
        onClick={() => void signIn()}
        disabled={!networkReady || busy !== undefined}
        data-testid="sign-in"
      >
        {busy === 'signin' ? 'Waiting for the sign-in page…' : 'Sign in with a Google-style account'}
      </button>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <ul className="accounts">
        {accounts.map((a) => (
          <li key={a.sub} data-testid="account">
            <span data-testid="account-email">{a.email ?? a.sub}</span>{' '}
            <button
              type="button"
              onClick={() => void mint(a)}
              disabled={busy !== undefined}
              data-testid="mint-for-account"
            >
              {busy === a.sub ? 'Minting…' : 'Mint a PKP that owns itself'}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
