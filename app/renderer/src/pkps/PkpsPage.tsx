import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { Pkp, PkpSignature } from '../../../shared/api/contract.ts';

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
  const [pkps, setPkps] = useState<Pkp[]>([]);
  const [minting, setMinting] = useState(false);
  const [mintError, setMintError] = useState<string | undefined>();
  const [selected, setSelected] = useState<string>('');
  const [digest, setDigest] = useState<string>(randomDigest);
  const [signing, setSigning] = useState(false);
  const [signError, setSignError] = useState<string | undefined>();
  const [signature, setSignature] = useState<PkpSignature | undefined>();

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
      setSignature(await client.call('pkpSign', { publicKey: selected, toSign: digest }));
    } catch (err) {
      setSignError((err as Error).message);
    } finally {
      setSigning(false);
    }
  };

  return (
    <section aria-labelledby="pkps-heading">
      <h1 id="pkps-heading">PKPs</h1>
      <p className="muted">
        Programmable Key Pairs: keys the nodes made together by distributed key generation. No one holds a whole private
        key; any {networkReady ? 'T' : ''} nodes together can sign.
      </p>
      <div className="row">
        <button type="button" onClick={() => void mint()} disabled={!networkReady || minting} data-testid="mint-pkp">
          {minting ? 'Minting…' : 'Mint a PKP'}
        </button>
        {!networkReady ? <span className="muted">The network is starting…</span> : null}
      </div>
      {mintError ? (
        <p role="alert" className="error">
          {mintError}
        </p>
      ) : null}

      <table className="nodes" data-testid="pkp-table">
        <caption>Your PKPs</caption>
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">Token id</th>
            <th scope="col">Public key</th>
          </tr>
        </thead>
        <tbody>
          {pkps.length === 0 ? (
            <tr>
              <td colSpan={3} className="muted">
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
              </tr>
            ))
          )}
        </tbody>
      </table>

      <form className="card" onSubmit={(e) => void sign(e)} aria-labelledby="sign-heading">
        <h2 id="sign-heading">Sign a digest</h2>
        <label>
          PKP
          <select value={selected} onChange={(e) => setSelected(e.target.value)} disabled={pkps.length === 0}>
            {pkps.map((pkp) => (
              <option key={pkp.tokenId} value={pkp.publicKey}>
                {pkp.ethAddress}
              </option>
            ))}
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
