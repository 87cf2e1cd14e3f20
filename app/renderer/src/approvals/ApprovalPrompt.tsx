import { useEffect, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { Account, Pkp } from '../../../shared/api/contract.ts';
import type { PendingApproval } from '../../../shared/provider/provider-wire.ts';
import { useProviderState } from './provider-store.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { Rows } from '../ui/Rows.tsx';
import { SignerField, signAsFor } from '../pkps/SignerField.tsx';
import type { SignerChoice } from '../pkps/wallet-checks.ts';
import { flattenForRows } from '../pkps/detail/typed-data.ts';

const TITLES: Record<PendingApproval['kind'], string> = {
  connect: 'Connect to Litbox?',
  transaction: 'Send this transaction?',
  'sign-transaction': 'Sign this transaction (not sent)?',
  message: 'Sign this message?',
  'typed-data': 'Sign this typed data?',
};

/**
 * Requests from dapps and tools (the wallet provider, docs/PROVIDER.md) waiting for the person,
 * one at a time, oldest first, on the same confirmation dialog and rows as the PKP pages. Shown
 * over every page, as soon as the host pushes the queue. Also says when `--approve-all-from` is on.
 */
export function ApprovalPrompt({ client }: { client: ApiClient }) {
  const state = useProviderState();
  const request = state?.pending[0];
  return (
    <>
      {state?.approveAllFrom ? (
        <p className="notice bad" role="status" data-testid="approve-all-notice">
          Litbox signs every request from the local client “{state.approveAllFrom}” without asking (started with{' '}
          <code>--approve-all-from {state.approveAllFrom}</code>). Every other site and program still needs you.
        </p>
      ) : null}
      {request ? (
        <RequestDialog key={request.id} client={client} request={request} waiting={state.pending.length} />
      ) : null}
    </>
  );
}

function RequestDialog({ client, request, waiting }: { client: ApiClient; request: PendingApproval; waiting: number }) {
  const [pkps, setPkps] = useState<Pkp[] | undefined>();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [signer, setSigner] = useState<SignerChoice>({ kind: 'wallet' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1_000);
    return () => window.clearInterval(timer);
  }, []);
  useEffect(() => {
    if (request.kind === 'connect')
      client.call('pkpList', {}).then(
        (r) => setPkps(r.pkps.filter((p) => p.owner !== 'burned')),
        (err: Error) => setError(err.message),
      );
    else
      client.call('accounts', {}).then(
        (r) => setAccounts(r.accounts),
        () => undefined,
      );
  }, [client, request.kind]);

  const answer = async (approve: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      if (!approve) await client.call('providerDecide', { id: request.id, approve: false });
      else if (request.kind === 'connect') {
        if (!chosen.size) throw new Error('Choose at least one PKP this client may see.');
        await client.call('providerDecide', { id: request.id, approve: true, publicKeys: [...chosen] });
      } else
        await client.call('providerDecide', { id: request.id, approve: true, as: await signAsFor(client, signer) });
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  const secondsLeft = Math.max(0, Math.round((request.expiresAt - now) / 1000));
  return (
    <ConfirmDialog
      title={TITLES[request.kind]}
      confirmLabel={request.kind === 'connect' ? 'Connect' : request.kind === 'transaction' ? 'Send' : 'Sign'}
      cancelLabel="Reject"
      busy={busy}
      busyLabel="Answering…"
      error={error}
      onConfirm={() => void answer(true)}
      onCancel={() => void answer(false)}
    >
      <div data-testid="approval-dialog" data-kind={request.kind} data-client={request.client}>
        <p>
          <strong data-testid="approval-client">{request.clientLabel}</strong> asks.{' '}
          <span className="muted">
            {waiting > 1 ? `${waiting - 1} more waiting. ` : ''}Answer within {secondsLeft} s or it is refused.
          </span>
        </p>
        {request.kind === 'connect' ? (
          <fieldset>
            <legend>PKPs this client may see (each signature still asks you)</legend>
            {!pkps ? <p className="muted">Loading your PKPs…</p> : null}
            {pkps?.length === 0 ? <p className="muted">No PKPs yet: mint one on the PKPs page.</p> : null}
            {pkps?.map((p) => (
              <label key={p.publicKey} className="inline">
                <input
                  type="checkbox"
                  checked={chosen.has(p.publicKey)}
                  data-testid={`approval-pkp-${p.ethAddress}`}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(p.publicKey);
                    else next.delete(p.publicKey);
                    setChosen(next);
                  }}
                />
                <span className="mono">{p.ethAddress}</span>
              </label>
            ))}
          </fieldset>
        ) : (
          <>
            <Rows
              testId="preview-rows"
              rows={[
                ...request.rows,
                ...(request.message !== null ? [{ label: 'Message', value: request.message }] : []),
                ...(request.typedData
                  ? [
                      ...flattenForRows(request.typedData.domain, 'domain'),
                      ...flattenForRows(request.typedData.message, 'message'),
                    ]
                  : []),
              ]}
            />
            <SignerField value={signer} onChange={setSigner} accounts={accounts} error={undefined} />
          </>
        )}
      </div>
    </ConfirmDialog>
  );
}
