import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { Account, Pkp, PkpSignature, SignAs } from '../../../shared/api/contract.ts';
import { authenticateWithPasskey, registerPasskey } from '../passkeys/index.ts';
import { AccountsPanel } from './AccountsPanel.tsx';
import { useNavigate } from '../navigation.ts';
import { useIdentity } from '../identity/identity.tsx';
import { pkpTitle } from '../identity/AccountSwitcher.tsx';
import { useHealth } from '../status/health-context.ts';
import { Address, ShortHex } from '../ui/Address.tsx';
import { Amount } from '../ui/Amount.tsx';
import { toast } from '../ui/toasts.tsx';
import { rememberPasskeyHere } from '../identity/auth-method-text.ts';
import { DigestText, isWireValue } from '../../../shared/wire-values.ts';

interface Props {
  client: ApiClient;
  /** False while the network is starting: minting and signing wait for it. */
  networkReady: boolean;
}

function randomDigest(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The wallet's PKPs: mint one, see them listed, sign a 32-byte digest with one. */
export function PkpsPage({ client, networkReady }: Props) {
  const navigate = useNavigate();
  const identity = useIdentity();
  const health = useHealth();
  const [pkps, setPkps] = useState<Pkp[]>([]);
  const [minting, setMinting] = useState(false);
  const [mintError, setMintError] = useState<string | undefined>();
  const [selected, setSelected] = useState<string>('');
  const [digest, setDigest] = useState<string>(randomDigest);
  const [signing, setSigning] = useState(false);
  const [signError, setSignError] = useState<string | undefined>();
  const [signature, setSignature] = useState<PkpSignature | undefined>();
  const [accounts, setAccounts] = useState<Account[]>([]);
  /** "wallet", "account:<sub>" or "passkey". */
  const [signAs, setSignAs] = useState('wallet');
  const [notice, setNotice] = useState<string | undefined>();

  const refresh = useCallback(async () => {
    const { pkps } = await client.call('pkpList', {});
    setPkps(pkps);
    setSelected((current) => current || pkps.find((p) => p.owner !== 'burned')?.publicKey || '');
  }, [client]);
  // A block or a rename elsewhere (the header reads them) shows here too.
  // A PKP this page just added (before the host's list had it) stays until the list has it.
  useEffect(() => {
    if (identity.pkps.length)
      setPkps((shown) => [
        ...identity.pkps,
        ...shown.filter((p) => !identity.pkps.some((q) => q.tokenId === p.tokenId)),
      ]);
  }, [identity.pkps]);
  const live = pkps.filter((p) => p.owner !== 'burned');
  const burned = pkps.filter((p) => p.owner === 'burned');

  useEffect(() => {
    if (networkReady) void refresh().catch((err: Error) => setMintError(err.message));
  }, [networkReady, refresh]);

  const mint = async () => {
    setMinting(true);
    setMintError(undefined);
    try {
      const pkp = await client.call('pkpMint', {});
      // On screen at once: the mint's answer says all the row needs; the lists read again behind it.
      setPkps((shown) => [
        ...shown.filter((p) => p.tokenId !== pkp.tokenId),
        {
          tokenId: pkp.tokenId,
          publicKey: pkp.publicKey,
          ethAddress: pkp.ethAddress,
          owner: 'wallet',
          balanceWei: '0',
        },
      ]);
      setSelected(pkp.publicKey);
      void refresh().catch(() => undefined);
      void identity.refresh().catch(() => undefined);
      toast(`Minted PKP ${pkp.ethAddress} in ${(pkp.mintMs / 1000).toFixed(2)} s.`);
    } catch (err) {
      setMintError((err as Error).message);
    } finally {
      setMinting(false);
    }
  };

  const sign = async (event: React.FormEvent) => {
    event.preventDefault();
    setSignature(undefined);
    if (!isWireValue(DigestText, digest)) {
      setSignError('The digest must be 32 bytes: 0x followed by 64 hex digits.');
      return;
    }
    setSigning(true);
    setSignError(undefined);
    try {
      let as: SignAs = { wallet: true };
      if (signAs.startsWith('account:')) as = { account: signAs.slice('account:'.length) };
      if (signAs === 'passkey') {
        const { challenge } = await client.call('passkeyChallenge', { purpose: 'login' });
        as = { passkey: JSON.stringify(await authenticateWithPasskey({ challenge })) };
      }
      setSignature(await client.call('pkpSign', { publicKey: selected, toSign: digest, as }));
      toast('Signed the digest: the signature is below.');
    } catch (err) {
      setSignError((err as Error).message);
    } finally {
      setSigning(false);
    }
  };

  const mintWithPasskey = async () => {
    setNotice(undefined);
    setMintError(undefined);
    setMinting(true);
    try {
      const { challenge } = await client.call('passkeyChallenge', { purpose: 'register' });
      const registration = await registerPasskey({ username: `Litbox PKP ${new Date().toISOString()}`, challenge });
      rememberPasskeyHere(registration.authMethodId);
      const pkp = await client.call('pkpMintWithPasskey', { registration: JSON.stringify(registration.response) });
      await refresh();
      setSelected(pkp.publicKey);
      void identity.refresh();
      setNotice(`Minted ${pkp.ethAddress}: it owns itself and its passkey controls it.`);
      toast(`Minted ${pkp.ethAddress}, controlled by your new passkey.`);
    } catch (err) {
      setMintError((err as Error).message);
    } finally {
      setMinting(false);
    }
  };

  const addPasskey = async (pkp: Pkp) => {
    setNotice(undefined);
    setMintError(undefined);
    // Checked before the OS asks for a passkey: a burned PKP can never take one.
    if (pkp.owner === 'burned') {
      setMintError(`${pkp.ethAddress} is burned: its permissions can never change.`);
      return;
    }
    const account = accounts[0];
    try {
      const { challenge } = await client.call('passkeyChallenge', { purpose: 'register' });
      const registration = await registerPasskey({ username: account?.email ?? pkp.ethAddress, challenge });
      rememberPasskeyHere(registration.authMethodId);
      const { transactionHash } = await client.call('passkeyAdd', {
        publicKey: pkp.publicKey,
        registration: JSON.stringify(registration.response),
        as: account && pkp.owner === 'self' ? { account: account.sub } : { wallet: true },
      });
      setNotice(`Passkey added to ${pkp.ethAddress} (transaction ${transactionHash}).`);
      toast(`Passkey added to ${pkp.ethAddress}.`);
    } catch (err) {
      setMintError((err as Error).message);
    }
  };

  return (
    <section aria-labelledby="pkps-heading">
      <h1 id="pkps-heading">PKPs</h1>
      <p className="muted">
        Programmable Key Pairs: keys the nodes made together by distributed key generation. No one holds a whole private
        key; any T nodes together can sign. Open a PKP to see its permissions and history, send ETH from it, or sign
        messages with it.
      </p>
      <div className="row">
        <button type="button" onClick={() => void mint()} disabled={!networkReady || minting} data-testid="mint-pkp">
          {minting ? (health.mintWait ? 'Minting… (waiting for a key)' : 'Minting…') : 'Mint a PKP'}
        </button>
        <button
          type="button"
          onClick={() => void mintWithPasskey()}
          disabled={!networkReady || minting}
          data-testid="mint-with-passkey"
        >
          Mint a PKP with a new passkey
        </button>
      </div>
      {health.mintWait ? (
        <p className="notice warn" data-testid="mint-wait">
          {health.mintWait}
        </p>
      ) : null}
      {mintError ? (
        <p role="alert" className="error">
          {mintError}
        </p>
      ) : null}

      {notice ? (
        <p className="ok-text" data-testid="pkp-notice">
          {notice}
        </p>
      ) : null}
      <AccountsPanel
        client={client}
        networkReady={networkReady}
        onMinted={() => void refresh()}
        onAccounts={setAccounts}
      />
      <table className="nodes list-on-narrow" data-testid="pkp-table">
        <caption>Your PKPs</caption>
        <thead>
          <tr>
            <th scope="col">PKP</th>
            <th scope="col">Balance</th>
            <th scope="col">Controlled by</th>
            <th scope="col">Token id</th>
            <th scope="col">
              <span className="visually-hidden">Open, add a passkey</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {live.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                No PKPs yet.
              </td>
            </tr>
          ) : (
            live.map((pkp) => (
              <tr key={pkp.tokenId} data-testid="pkp-row">
                <td data-label="PKP">
                  <span className="pkp-title">{pkpTitle(pkp)}</span>
                  <span data-testid="pkp-address" data-address={pkp.ethAddress}>
                    <Address address={pkp.ethAddress} noName />
                  </span>
                </td>
                <td data-label="Balance">
                  {pkp.balanceWei !== undefined ? <Amount wei={pkp.balanceWei} testId="pkp-list-balance" /> : '–'}
                </td>
                <td data-label="Controlled by" data-testid="pkp-owner">
                  {pkp.owner === 'self' ? 'itself' : pkp.owner === 'wallet' ? 'the wallet account' : (pkp.owner ?? '–')}
                </td>
                <td data-label="Token id">
                  <ShortHex value={pkp.tokenId} head={6} tail={4} />
                </td>
                <td>
                  <div className="row" style={{ margin: 0 }}>
                    <button
                      type="button"
                      className="primary"
                      onClick={() => navigate({ section: 'pkp', publicKey: pkp.publicKey, tab: 'overview' })}
                      aria-label={`Open ${pkp.ethAddress}`}
                      data-testid="open-pkp"
                    >
                      Open
                    </button>
                    <button
                      type="button"
                      onClick={() => void addPasskey(pkp)}
                      aria-label={`Add a passkey to ${pkp.ethAddress}`}
                    >
                      Add passkey
                    </button>
                  </div>
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {burned.length ? (
        <details className="card" data-testid="burned-pkps">
          <summary>
            Burned PKPs ({burned.length}): their permissions can never change; they sign only what their actions allow
          </summary>
          <ul className="plain-list">
            {burned.map((pkp) => (
              <li key={pkp.tokenId} data-testid="burned-pkp">
                <span className="pkp-title">{pkpTitle(pkp)}</span> <Address address={pkp.ethAddress} noName />{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => navigate({ section: 'pkp', publicKey: pkp.publicKey, tab: 'overview' })}
                  aria-label={`Open ${pkp.ethAddress}`}
                >
                  Open
                </button>
              </li>
            ))}
          </ul>
        </details>
      ) : null}

      <form className="card" onSubmit={(e) => void sign(e)} aria-labelledby="sign-heading">
        <h2 id="sign-heading">Sign a digest</h2>
        <label>
          PKP
          <select
            value={selected}
            onChange={(e) => setSelected(e.target.value)}
            disabled={live.length === 0}
            data-testid="sign-pkp"
          >
            {live.map((pkp) => (
              <option key={pkp.tokenId} value={pkp.publicKey}>
                {pkp.name ? `${pkp.name} (${pkp.ethAddress})` : pkp.ethAddress}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sign as
          <select value={signAs} onChange={(e) => setSignAs(e.target.value)} data-testid="sign-as">
            <option value="wallet">the wallet account</option>
            {accounts.map((a) => (
              <option key={a.sub} value={`account:${a.sub}`}>
                {a.email ?? a.sub}
              </option>
            ))}
            <option value="passkey">a passkey</option>
          </select>
        </label>
        <label>
          Digest (32 bytes, hex)
          <input
            className="mono"
            value={digest}
            onChange={(e) => setDigest(e.target.value.trim())}
            aria-invalid={signError !== undefined}
            aria-describedby="digest-error"
            data-testid="digest-input"
          />
        </label>
        {health.signWait ? (
          <p className="notice warn" data-testid="sign-wait">
            {health.signWait}
          </p>
        ) : null}
        {signError ? (
          <p id="digest-error" role="alert" className="error">
            {signError}
          </p>
        ) : null}
        <div className="row">
          <button type="submit" disabled={!selected || signing} data-testid="sign-digest">
            {signing ? (health.signWait ? 'Signing… (waiting for the nodes)' : 'Signing…') : 'Sign with the PKP'}
          </button>
          <button type="button" onClick={() => setDigest(randomDigest())}>
            Random digest
          </button>
        </div>
        {signature ? (
          <dl className="result" data-testid="signature-result">
            <dt>Signature</dt>
            <dd className="mono" data-testid="signature-value">
              {signature.signature}
            </dd>
            <dt>r</dt>
            <dd className="mono">{signature.r}</dd>
            <dt>s</dt>
            <dd className="mono">{signature.s}</dd>
            <dt>Recovery id</dt>
            <dd>{signature.recid}</dd>
            <dt>Shares from nodes</dt>
            <dd data-testid="signature-nodes">{signature.nodes.join(', ')}</dd>
          </dl>
        ) : null}
      </form>
    </section>
  );
}
