import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiCallError, type ApiClient } from '../../../shared/api/client.ts';
import type { Account } from '../../../shared/api/contract.ts';

interface Props {
  client: ApiClient;
  networkReady: boolean;
  /** Called after a PKP was minted, so the list refreshes. */
  onMinted: () => void;
  onAccounts: (accounts: Account[]) => void;
}

/**
 * Opens a URL where the person signs in: the system browser in the desktop app, a new window
 * here. Returns a check for "the window was closed" where one is possible (not for the system
 * browser: there the Cancel button is the way out).
 */
function openSignInPage(url: string): (() => boolean) | undefined {
  const shell = (window as { litboxShell?: { openExternal(url: string): Promise<void> } }).litboxShell;
  if (shell) {
    void shell.openExternal(url);
    return undefined;
  }
  // Opened blank first and cut from this window before it navigates (what noopener does), so
  // that the sign-in page cannot reach back here, while this window can still see it close.
  const popup = window.open('', '_blank', 'popup,width=480,height=640');
  if (!popup) {
    window.open(url, '_blank', 'noopener');
    return undefined;
  }
  popup.opener = null;
  popup.location.href = url;
  return () => popup.closed;
}

/** How often the UI looks whether the sign-in window was closed. */
const WINDOW_CHECK_MS = 500;

/**
 * Google-style accounts: sign in through the issuer's own page (authorization code + PKCE,
 * loopback redirect to the host), then mint a PKP that this account controls and that owns
 * itself.
 */
export function AccountsPanel({ client, networkReady, onMinted, onAccounts }: Props) {
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  /** The sign-in in progress, so that Cancel (or closing its window) can end it at the host. */
  const signingIn = useRef<string | undefined>(undefined);

  const refresh = useCallback(async () => {
    const { accounts } = await client.call('accounts', {});
    setAccounts(accounts);
    onAccounts(accounts);
  }, [client, onAccounts]);

  useEffect(() => {
    if (networkReady) void refresh();
  }, [networkReady, refresh]);

  const cancelSignIn = useCallback(() => {
    const id = signingIn.current;
    if (id) void client.call('signInCancel', { id }).catch(() => undefined);
  }, [client]);

  // Leaving the page ends a sign-in still waiting: nobody could finish it from here.
  useEffect(() => cancelSignIn, [cancelSignIn]);

  const signIn = async () => {
    setBusy('signin');
    setError(undefined);
    setNotice(undefined);
    let watch: ReturnType<typeof setInterval> | undefined;
    try {
      const { id, url } = await client.call('signInStart', { provider: 'local' });
      signingIn.current = id;
      const windowClosed = openSignInPage(url);
      if (windowClosed)
        watch = setInterval(() => {
          if (windowClosed()) {
            clearInterval(watch);
            // A window closed after the account was chosen changes nothing: the host keeps that sign-in.
            cancelSignIn();
          }
        }, WINDOW_CHECK_MS);
      // The host answers "not yet" after a while; ask again until the sign-in ends one way or another.
      for (;;) {
        try {
          await client.call('signInFinish', { id });
          break;
        } catch (err) {
          if (!(err instanceof ApiCallError && err.code === 'conflict')) throw err;
        }
      }
      await refresh();
    } catch (err) {
      const message = (err as Error).message;
      if (/cancelled/.test(message)) setNotice('The sign-in was cancelled.');
      else setError(message);
    } finally {
      clearInterval(watch);
      signingIn.current = undefined;
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
      {busy === 'signin' ? (
        <button type="button" onClick={cancelSignIn} data-testid="sign-in-cancel">
          Cancel
        </button>
      ) : null}
      {notice ? (
        <p className="muted" data-testid="sign-in-notice">
          {notice}
        </p>
      ) : null}
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
