import { useState } from 'react';
import type { ApiInput } from '../../../../shared/api/contract.ts';
import { authMethodScopeName } from '../../../../shared/contracts/ids.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Rows } from '../../ui/Rows.tsx';
import { FaucetButton } from '../FaucetButton.tsx';
import { Address, ShortHex } from '../../ui/Address.tsx';
import { Amount } from '../../ui/Amount.tsx';
import { toast } from '../../ui/toasts.tsx';
import { useNavigate } from '../../navigation.ts';
import { authMethodText } from '../../identity/auth-method-text.ts';
import { SignerField, signAsFor } from '../SignerField.tsx';
import { defaultSigner, signerRefusal, type SignerChoice } from '../wallet-checks.ts';
import type { PkpContext, PkpDetails } from './pkp-context.ts';

type Change = ApiInput<'pkpPermissionChange'>['change'];

function scopeText(scopes: number[]): string {
  return scopes.length ? scopes.map(authMethodScopeName).join(', ') : 'no scopes';
}

export function ownerText(details: PkpDetails): string {
  if (details.owner === 'wallet') return `the wallet account (${details.ownerAddress})`;
  if (details.owner === 'self') return 'itself: only a transaction the PKP signs can change it';
  if (details.owner === 'burned') return 'nobody: burned, its permissions can never change';
  return details.ownerAddress;
}

/** Who may change permissions, or why nobody here can. */
function changeRefusal(details: PkpDetails): string | undefined {
  if (details.owner === 'burned') return 'A burned PKP’s permissions can never change.';
  if (details.owner !== 'wallet' && details.owner !== 'self')
    return `Only its owner ${details.ownerAddress} can change this PKP’s permissions.`;
  return undefined;
}

/** The PKP's facts, who may sign with it (with removal), and its history from chain events. */
export function OverviewPanel({ client, details, walletAddress, accounts, refresh }: PkpContext) {
  const [removing, setRemoving] = useState<{ what: string; change: Change } | undefined>();
  const [signer, setSigner] = useState<SignerChoice>(() => defaultSigner(details, walletAddress, accounts));
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const navigate = useNavigate();
  const refusal = changeRefusal(details);
  const selfOwned = details.owner === 'self';
  const signerError = selfOwned ? signerRefusal(details, signer, walletAddress, accounts) : undefined;

  const confirmRemoval = async () => {
    if (!removing || signerError) return;
    setBusy(true);
    setDialogError(undefined);
    try {
      const as = selfOwned ? await signAsFor(client, signer) : { wallet: true as const };
      const { transactionHash } = await client.call('pkpPermissionChange', {
        publicKey: details.publicKey,
        change: removing.change,
        as,
      });
      await refresh();
      setNotice(`Removed ${removing.what} (transaction ${transactionHash}).`);
      toast(`Removed ${removing.what}.`);
      setRemoving(undefined);
    } catch (err) {
      setDialogError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const removeButton = (what: string, change: Change) => (
    <button
      type="button"
      className="danger"
      disabled={refusal !== undefined}
      title={refusal}
      aria-label={`Remove ${what}`}
      onClick={() => {
        setNotice(undefined);
        setDialogError(undefined);
        setRemoving({ what, change });
      }}
    >
      Remove
    </button>
  );

  return (
    <>
      <dl className="facts" data-testid="pkp-facts">
        <div>
          <dt>Balance</dt>
          <dd>
            <Amount wei={details.balanceWei} testId="pkp-balance" />
          </dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd data-testid="pkp-owner-detail">{ownerText(details)}</dd>
        </div>
        <div>
          <dt>Token id</dt>
          <dd title={details.tokenId}>
            <ShortHex value={details.tokenId} head={8} tail={6} />
            <span hidden data-testid="pkp-token-id">
              {details.tokenId}
            </span>
          </dd>
        </div>
      </dl>
      <dl className="rows">
        <dt>Public key</dt>
        <dd>
          <ShortHex value={details.publicKey} head={12} tail={8} />
        </dd>
      </dl>
      <div className="row">
        <FaucetButton client={client} address={details.ethAddress} onFunded={() => void refresh()} />
      </div>
      {notice ? (
        <p className="notice ok" data-testid="permission-notice">
          {notice}
        </p>
      ) : null}
      {refusal ? <p className="muted">{refusal}</p> : null}

      <table className="nodes list-on-narrow" data-testid="auth-methods">
        <caption>Auth methods</caption>
        <thead>
          <tr>
            <th scope="col">Who</th>
            <th scope="col">Kind</th>
            <th scope="col">Scopes</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {details.authMethods.length === 0 ? (
            <tr>
              <td colSpan={4} className="muted">
                None.
              </td>
            </tr>
          ) : (
            details.authMethods.map((m) => (
              <tr key={`${m.authMethodType}:${m.id}`} data-testid="auth-method-row">
                <td data-testid="auth-method-who">{authMethodText(m, accounts).what}</td>
                <td title={m.id}>
                  {m.typeName} <span className="muted">· {authMethodText(m, accounts).detail}</span>
                </td>
                <td>{scopeText(m.scopes)}</td>
                <td>
                  {removeButton(`the ${m.typeName} auth method ${m.id.slice(0, 10)}…`, {
                    kind: 'removeAuthMethod',
                    authMethodType: m.authMethodType,
                    id: m.id,
                  })}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>

      <table className="nodes list-on-narrow" data-testid="permitted-actions" style={{ marginTop: '1.25rem' }}>
        <caption>Permitted Lit Actions</caption>
        <thead>
          <tr>
            <th scope="col">CID</th>
            <th scope="col">Scopes</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {details.actions.length === 0 ? (
            <tr>
              <td colSpan={3} className="muted">
                None.
              </td>
            </tr>
          ) : (
            details.actions.map((a) => (
              <tr key={a.id} data-testid="action-row">
                <td className="mono">{a.ipfsId}</td>
                <td>{scopeText(a.scopes)}</td>
                <td>{removeButton(`the action ${a.ipfsId}`, { kind: 'removeAction', ipfsId: a.ipfsId })}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>

      <table className="nodes list-on-narrow" data-testid="permitted-addresses" style={{ marginTop: '1.25rem' }}>
        <caption>Permitted addresses</caption>
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">Scopes</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {details.addresses.length === 0 ? (
            <tr>
              <td colSpan={3} className="muted">
                None.
              </td>
            </tr>
          ) : (
            details.addresses.map((a) => (
              <tr key={a.address} data-testid="address-row">
                <td>
                  <Address address={a.address} /> {a.isOwner ? <span className="pill neutral">owner</span> : null}
                  {a.address === details.ethAddress ? <span className="pill neutral">the PKP itself</span> : null}
                </td>
                <td>{a.isOwner && !a.permitted ? 'everything (as the owner)' : scopeText(a.scopes)}</td>
                <td>
                  {a.permitted
                    ? removeButton(`the address ${a.address}`, { kind: 'removeAddress', address: a.address })
                    : null}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>

      <table className="nodes list-on-narrow" data-testid="pkp-history" style={{ marginTop: '1.25rem' }}>
        <caption>Permission and ownership events (its transfers are under History)</caption>
        <thead>
          <tr>
            <th scope="col">Block</th>
            <th scope="col">Time</th>
            <th scope="col">What happened</th>
            <th scope="col">Transaction</th>
          </tr>
        </thead>
        <tbody>
          {details.history.map((h, i) => (
            <tr key={`${h.transactionHash}-${i}`} data-testid="history-row">
              <td>{h.blockNumber}</td>
              <td>{new Date(h.at).toLocaleString()}</td>
              <td>{h.description}</td>
              <td>
                <button
                  type="button"
                  className="link mono"
                  title={h.transactionHash}
                  onClick={() => navigate({ section: 'tx', hash: h.transactionHash })}
                >
                  {h.transactionHash.slice(0, 10)}…{h.transactionHash.slice(-6)}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {removing ? (
        <ConfirmDialog
          title="Remove a permission"
          confirmLabel="Remove"
          busyLabel="Sending the transaction…"
          busy={busy}
          error={dialogError}
          onConfirm={() => void confirmRemoval()}
          onCancel={() => setRemoving(undefined)}
        >
          <Rows
            rows={[
              { label: 'PKP', value: details.ethAddress },
              { label: 'Change', value: `remove ${removing.what}` },
              {
                label: 'Transaction from',
                value: selfOwned ? `${details.ethAddress} (the PKP itself)` : `${walletAddress} (the wallet account)`,
              },
              { label: 'Contract', value: 'PKPPermissions' },
            ]}
          />
          <p className="muted">After this, {removing.what} can no longer sign with this PKP.</p>
          {selfOwned ? (
            <SignerField value={signer} onChange={setSigner} accounts={accounts} error={signerError} />
          ) : null}
        </ConfirmDialog>
      ) : null}
    </>
  );
}
