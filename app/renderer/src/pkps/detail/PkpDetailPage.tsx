import { useCallback, useEffect, useState } from 'react';
import { ethers } from 'ethers';
import type { ApiClient } from '../../../../shared/api/client.ts';
import type { Account, NetworkStatus } from '../../../../shared/api/contract.ts';
import { useNavigate, type PkpTab } from '../../navigation.ts';
import { OverviewPanel } from './OverviewPanel.tsx';
import { SendPanel } from './SendPanel.tsx';
import { ExportPanel } from './ExportPanel.tsx';
import { SignMessagePanel } from './SignMessagePanel.tsx';
import { SignTypedDataPanel } from './SignTypedDataPanel.tsx';
import { CeramicPanel } from './CeramicPanel.tsx';
import { HistoryList } from '../../identity/HistoryList.tsx';
import { useIdentity } from '../../identity/identity.tsx';
import { Address } from '../../ui/Address.tsx';
import { toast } from '../../ui/toasts.tsx';
import { useHealth } from '../../status/health-context.ts';
import type { PkpDetails } from './pkp-context.ts';

const TABS: { tab: PkpTab; label: string }[] = [
  { tab: 'overview', label: 'Overview' },
  { tab: 'history', label: 'History' },
  { tab: 'send', label: 'Send' },
  { tab: 'message', label: 'Sign message' },
  { tab: 'typed-data', label: 'Sign typed data' },
  { tab: 'export', label: 'Export transaction' },
  { tab: 'ceramic', label: 'Ceramic' },
];

/** One PKP as an account: what the chain knows about it, and what it can sign. */
export function PkpDetailPage({
  client,
  status,
  publicKey,
  tab,
}: {
  client: ApiClient;
  status: NetworkStatus;
  publicKey: string;
  tab: PkpTab;
}) {
  const navigate = useNavigate();
  const health = useHealth();
  const [details, setDetails] = useState<PkpDetails | undefined>();
  const [walletAddress, setWalletAddress] = useState<string | undefined>();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [error, setError] = useState<string | undefined>();

  const refresh = useCallback(async () => {
    try {
      const [d, w, a] = await Promise.all([
        client.call('pkpDetails', { publicKey }),
        client.call('wallet', {}),
        client.call('accounts', {}),
      ]);
      setDetails(d);
      setWalletAddress(w.address);
      setAccounts(a.accounts);
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [client, publicKey]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const address = ethers.computeAddress(publicKey);
  const context = details && walletAddress ? { client, details, status, walletAddress, accounts, refresh } : undefined;
  return (
    <section aria-labelledby="pkp-heading">
      <p className="breadcrumb">
        <button type="button" className="link" onClick={() => navigate({ section: 'pkps' })}>
          ← All PKPs
        </button>
      </p>
      <h1 id="pkp-heading">
        <PkpName client={client} publicKey={publicKey} address={address} />
      </h1>
      <p>
        <Address address={address} noName />
      </p>
      <nav className="subnav" aria-label="This PKP">
        {TABS.map((t) => (
          <button
            key={t.tab}
            type="button"
            aria-current={tab === t.tab ? 'page' : undefined}
            onClick={() => navigate({ section: 'pkp', publicKey, tab: t.tab })}
          >
            {t.label}
          </button>
        ))}
      </nav>
      {error ? (
        <p role="alert" className="notice bad">
          {error}
        </p>
      ) : null}
      {health.signWait && tab !== 'overview' && tab !== 'history' ? (
        <p className="notice warn" data-testid="sign-wait">
          {health.signWait}
        </p>
      ) : null}
      {!context ? (
        error ? null : (
          <p className="muted">Reading the PKP from the chain…</p>
        )
      ) : tab === 'overview' ? (
        <OverviewPanel {...context} />
      ) : tab === 'history' ? (
        <HistoryList client={client} address={address} refreshKey={details?.balanceWei} />
      ) : tab === 'send' ? (
        <SendPanel {...context} />
      ) : tab === 'message' ? (
        <SignMessagePanel {...context} />
      ) : tab === 'typed-data' ? (
        <SignTypedDataPanel {...context} />
      ) : tab === 'export' ? (
        <ExportPanel {...context} />
      ) : (
        <CeramicPanel {...context} />
      )}
    </section>
  );
}

/** The PKP's name (kept by the host), with an inline rename. */
function PkpName({ client, publicKey, address }: { client: ApiClient; publicKey: string; address: string }) {
  const { pkps, refresh } = useIdentity();
  const name = pkps.find((p) => p.ethAddress === address)?.name;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | undefined>();

  if (!editing)
    return (
      <>
        <span data-testid="pkp-name">{name ?? 'PKP'}</span>{' '}
        <button
          type="button"
          className="link rename"
          onClick={() => {
            setDraft(name ?? '');
            setEditing(true);
          }}
          data-testid="rename-pkp"
        >
          {name ? 'Rename' : 'Name it'}
        </button>
      </>
    );
  return (
    <form
      className="rename-form"
      onSubmit={(event) => {
        event.preventDefault();
        client.call('pkpRename', { publicKey, name: draft }).then(
          async (r) => {
            await refresh();
            setEditing(false);
            setError(undefined);
            toast(r.name ? `Named ${address} “${r.name}”.` : `Removed the name of ${address}.`);
          },
          (err: Error) => setError(err.message),
        );
      }}
    >
      <input
        aria-label="PKP name"
        value={draft}
        maxLength={40}
        onChange={(e) => setDraft(e.target.value)}
        autoFocus
        placeholder="e.g. Savings"
        data-testid="pkp-name-input"
      />
      <button type="submit" className="primary">
        Save
      </button>
      <button type="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
      {error ? (
        <span role="alert" className="field-error">
          {error}
        </span>
      ) : null}
    </form>
  );
}
