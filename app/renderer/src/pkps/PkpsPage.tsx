import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { Account, Pkp, PkpSignature, SignAs } from '../../../shared/api/contract.ts';
import { authenticateWithPasskey, registerPasskey } from '../passkeys/index.ts';
import { AccountsPanel } from './AccountsPanel.tsx';
import { useNavigate } from '../navigation.ts';

interface Props {
  client: ApiClient;
  /** False while the network is starting: minting and signing wait for it. */
  networkReady: boolean;
}

const DIGEST = /^0x[0-9a-fA-F]{64}$/;

function randomDigest(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The wallet's PKPs: mint one, see them listed, sign a 32-byte digest with one. */
export function PkpsPage({ client, networkReady }: Props) {
  const navigate = useNavigate();
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
    setSelected((current) => current || pkps[0]?.publicKey || '');
  }, [client]);

  useEffect(() => {
    if (networkReady) void refresh().catch((err: Error) => setMintError(err.message));
  }, [networkReady, refresh]);

  const mint = async () => {
    setMinting(true);
    setMintError(undefined);
    try {
      const pkp = await client.call('pkpMint', {});
      await refresh();
      setSelected(pkp.publicKey);
    } catch (err) {
      setMintError((err as Error).message);
    } finally {
      setMinting(false);
    }
  };

  const sign = async (event: React.FormEvent) => {
    event.preventDefault();
    setSignature(undefined);
    if (!DIGEST.test(digest)) {
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
      const pkp = await client.call('pkpMintWithPasskey', { registration: JSON.stringify(registration.response) });
      await refresh();
      setSelected(pkp.publicKey);
      setNotice(`Minted ${pkp.ethAddress}: it owns itself and its passkey controls it.`);
    } catch (err) {
      setMintError((err as Error).message);
    } finally {
      setMinting(false);
    }
  };

  const addPasskey = async (pkp: Pkp) => {
    setNotice(undefined);
    setMintError(undefined);
    const account = accounts[0];
    try {
      const { challenge } = await client.call('passkeyChallenge', { purpose: 'register' });
      const registration = await registerPasskey({ username: account?.email ?? pkp.ethAddress, challenge });
      const { transactionHash } = await client.call('passkeyAdd', {
        publicKey: pkp.publicKey,
        registration: JSON.stringify(registration.response),
        as: account && pkp.owner === 'self' ? { account: account.sub } : { wallet: true },
      });
      setNotice(`Passkey added to ${pkp.ethAddress} (transaction ${transactionHash}).`);
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
          {minting ? 'Minting…' : 'Mint a PKP'}
        </button>
        <button
          type="button"
          onClick={() => void mintWithPasskey()}
          disabled={!networkReady || minting}
          data-testid="mint-with-passkey"
        >
          Mint a PKP with a new passkey
        </button>
        {!networkReady ? <span className="muted">The network is starting…</span> : null}
      </div>
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
      <table className="nodes" data-testid="pkp-table">
        <caption>Your PKPs</caption>
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">Token id</th>
            <th scope="col">Public key</th>
            <th scope="col">Owner</th>
            <th scope="col">
              <span className="visually-hidden">Open, add a passkey</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {pkps.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                No PKPs yet.
              </td>
            </tr>
          ) : (
            pkps.map((pkp) => (
              <tr key={pkp.tokenId} data-testid="pkp-row">
                <td className="mono" data-testid="pkp-address">
                  {pkp.ethAddress}
                </td>
                <td className="mono">{pkp.tokenId}</td>
                <td className="mono">{pkp.publicKey}</td>
                <td data-testid="pkp-owner">{pkp.owner === 'self' ? 'itself' : (pkp.owner ?? '–')}</td>
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

      <form className="card" onSubmit={(e) => void sign(e)} aria-labelledby="sign-heading">
        <h2 id="sign-heading">Sign a digest</h2>
        <label>
          PKP
          <select
            value={selected}
            onChange={(e) => setSelected(e.target.value)}
            disabled={pkps.length === 0}
            data-testid="sign-pkp"
          >
            {pkps.map((pkp) => (
              <option key={pkp.tokenId} value={pkp.publicKey}>
                {pkp.ethAddress}
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
        {signError ? (
          <p id="digest-error" role="alert" className="error">
            {signError}
          </p>
        ) : null}
        <div className="row">
          <button type="submit" disabled={!selected || signing} data-testid="sign-digest">
            {signing ? 'Signing…' : 'Sign with the PKP'}
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
