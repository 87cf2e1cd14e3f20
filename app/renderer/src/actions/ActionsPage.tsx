import { useEffect, useMemo, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { ActionRunResult, Pkp } from '../../../shared/api/contract.ts';
import { cidV0 } from '../../../shared/cid/index.ts';
import { useNavigate } from '../navigation.ts';
import { EXAMPLES, updateActions, useActionsState, verifyFromRun } from './actions-store.ts';
import { CodeEditor } from './CodeEditor.tsx';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { Rows } from '../ui/Rows.tsx';
import { toast } from '../ui/toasts.tsx';
import { authMethodScopeName } from '../../../shared/contracts/ids.ts';

const scopeName = (scope: number) => authMethodScopeName(scope);

interface Props {
  client: ApiClient;
  networkReady: boolean;
}

/** Seconds since `since`, ticking once a second while `since` is set. */
function useElapsed(since: number | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === undefined) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1_000);
    return () => window.clearInterval(timer);
  }, [since]);
  return since === undefined ? undefined : Math.max(0, Math.floor((now - since) / 1_000));
}

/**
 * Lit Actions: write code (its CID updates as you type), run it on every node with jsParams,
 * see the signatures, response and each node's answer; grant it to a PKP, or mint a PKP bound
 * to it forever (Mint/Grant/Burn). The work lives in the actions store, so it outlasts the page.
 */
export function ActionsPage({ client, networkReady }: Props) {
  const { example, code, params, result, error, notice, busy, busySince } = useActionsState();
  const [pkps, setPkps] = useState<Pkp[]>([]);
  const [grantTo, setGrantTo] = useState('');
  const [grantScope, setGrantScope] = useState<1 | 2>(1);
  const [granting, setGranting] = useState<{ address: string; already: number[] } | undefined>();
  const [paramsError, setParamsError] = useState<string | undefined>();
  const cid = useMemo(() => (code ? cidV0(code) : ''), [code]);
  const elapsed = useElapsed(busySince);
  const edited = EXAMPLES[example]?.code !== code;

  useEffect(() => {
    if (!networkReady) return;
    void client.call('pkpList', {}).then(({ pkps }) => {
      const live = pkps.filter((p) => p.owner !== 'burned');
      setPkps(live);
      setGrantTo((current) => current || live[0]?.publicKey || '');
    });
  }, [client, networkReady]);

  const parseParams = (): Record<string, unknown> | undefined => {
    try {
      const value: unknown = JSON.parse(params || '{}');
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        setParamsError(undefined);
        return value as Record<string, unknown>;
      }
    } catch {
      // reported below
    }
    setParamsError('jsParams must be a JSON object, like {"number": 7}.');
    // The previous result no longer matches what is on screen.
    updateActions({ result: undefined, error: undefined });
    return undefined;
  };

  /** Runs one request; its outcome goes to the store, so it lands even if the page was left. */
  const act = async (label: string, work: () => Promise<void>) => {
    updateActions({ busy: label, busySince: Date.now(), error: undefined, notice: undefined });
    try {
      await work();
    } catch (err) {
      updateActions({ error: (err as Error).message, result: undefined });
    } finally {
      updateActions({ busy: undefined, busySince: undefined });
    }
  };

  const run = async () => {
    const jsParams = parseParams();
    if (!jsParams) return;
    const ranCode = code;
    await act('run', async () => {
      updateActions({ result: undefined });
      const ran = await client.call('actionRun', { code: ranCode, jsParams });
      const verify = verifyFromRun(ran, ranCode);
      updateActions(verify ? { result: ran, verify, verdict: undefined, verifyError: undefined } : { result: ran });
    });
  };

  /** Opens the confirmation; a grant that is already on chain says so and sends nothing. */
  const askGrant = () =>
    act('check', async () => {
      const details = await client.call('pkpDetails', { publicKey: grantTo });
      const granted = details.actions.find((a) => a.ipfsId === cid);
      if (granted && granted.scopes.includes(grantScope)) {
        updateActions({
          notice: `${cid} is already granted ${scopeName(grantScope)} on ${details.ethAddress}: nothing to send.`,
        });
        return;
      }
      setGranting({ address: details.ethAddress, already: granted?.scopes ?? [] });
    });

  const grant = () => {
    setGranting(undefined);
    return act('grant', async () => {
      await client.call('actionSave', { code });
      const { transactionHash } = await client.call('actionGrant', {
        publicKey: grantTo,
        ipfsId: cid,
        scope: grantScope,
      });
      updateActions({
        notice: `Granted ${cid} ${scopeName(grantScope)} on the PKP (transaction ${transactionHash}).`,
      });
      toast(`Granted the action ${scopeName(grantScope)}.`);
    });
  };

  const mintGrantBurn = () =>
    act('mgb', async () => {
      await client.call('actionSave', { code });
      const pkp = await client.call('pkpMintGrantBurn', { ipfsId: cid });
      updateActions((s) => {
        let nextParams = s.params;
        try {
          const current = JSON.parse(s.params) as Record<string, unknown>;
          if ('publicKey' in current) nextParams = JSON.stringify({ ...current, publicKey: pkp.publicKey }, null, 2);
        } catch {
          // leave the params as they are
        }
        return {
          params: nextParams,
          notice: `Minted PKP ${pkp.ethAddress}, granted it ${cid} and burned it, in transaction ${pkp.transactionHash}.`,
        };
      });
    });

  return (
    <section aria-labelledby="actions-heading">
      <h1 id="actions-heading">Lit Actions</h1>
      <div className="row">
        <label>
          Example{' '}
          <select
            value={edited ? '' : example}
            onChange={(e) => {
              const chosen = EXAMPLES[e.target.value];
              if (chosen) updateActions({ example: e.target.value, code: chosen.code, params: chosen.params });
            }}
          >
            {edited ? <option value="">(your code)</option> : null}
            {Object.keys(EXAMPLES).map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <span className="muted">
          CID{' '}
          <span className="mono" data-testid="action-cid">
            {cid}
          </span>
        </span>
      </div>
      <CodeEditor value={code} onChange={(next) => updateActions({ code: next })} label="Lit Action code" />
      <div className="card">
        <label>
          jsParams (JSON, top-level keys become globals)
          <textarea
            className="mono"
            rows={5}
            value={params}
            onChange={(e) => updateActions({ params: e.target.value })}
            aria-invalid={paramsError !== undefined}
            data-testid="action-params"
          />
        </label>
        {paramsError ? (
          <p role="alert" className="error">
            {paramsError}
          </p>
        ) : null}
        <div className="row">
          <button
            type="button"
            onClick={() => void run()}
            disabled={!networkReady || busy !== undefined}
            data-testid="run-action"
          >
            {busy === 'run' ? `Running on every node… ${elapsed ?? 0} s` : 'Run on the network'}
          </button>
          <button
            type="button"
            onClick={() => void mintGrantBurn()}
            disabled={!networkReady || busy !== undefined}
            data-testid="mint-grant-burn"
          >
            {busy === 'mgb' ? `Minting… ${elapsed ?? 0} s` : 'Mint/Grant/Burn a PKP for this code'}
          </button>
        </div>
        <div className="row">
          <label>
            Grant to PKP{' '}
            <select value={grantTo} onChange={(e) => setGrantTo(e.target.value)} disabled={pkps.length === 0}>
              {pkps.map((p) => (
                <option key={p.tokenId} value={p.publicKey}>
                  {p.name ? `${p.name} (${p.ethAddress})` : p.ethAddress}
                </option>
              ))}
            </select>
          </label>
          <label>
            Scope{' '}
            <select
              value={grantScope}
              onChange={(e) => setGrantScope(e.target.value === '2' ? 2 : 1)}
              data-testid="grant-scope"
            >
              <option value={1}>SignAnything: any digest</option>
              <option value={2}>PersonalSign: EIP-191 messages only</option>
            </select>
          </label>
          <button
            type="button"
            onClick={() => void askGrant()}
            disabled={!grantTo || busy !== undefined}
            data-testid="grant-action"
          >
            Grant…
          </button>
        </div>
      </div>
      {notice ? (
        <p className="ok-text" data-testid="actions-notice">
          {notice}
        </p>
      ) : null}
      {granting ? (
        <ConfirmDialog
          title="Grant this action to the PKP?"
          confirmLabel="Grant"
          onConfirm={() => void grant()}
          onCancel={() => setGranting(undefined)}
        >
          <Rows
            rows={[
              { label: 'PKP', value: granting.address },
              { label: 'Action (CID)', value: cid },
              { label: 'Scope', value: scopeName(grantScope) },
              ...(granting.already.length
                ? [{ label: 'Already granted', value: granting.already.map(scopeName).join(', ') }]
                : []),
              { label: 'Contract', value: 'PKPPermissions.addPermittedAction' },
            ]}
          />
          <p className="muted">
            After this, the code with this CID can have the nodes sign with this PKP, for anyone who runs it.
          </p>
        </ConfirmDialog>
      ) : null}
      {error ? (
        <pre role="alert" className="error" data-testid="action-error">
          {error}
        </pre>
      ) : null}
      {result ? <ActionResultView result={result} /> : null}
    </section>
  );
}

function ActionResultView({ result }: { result: ActionRunResult }) {
  const navigate = useNavigate();
  const signed = Object.keys(result.signatures).length > 0;
  return (
    <div className="card" data-testid="action-result">
      <h2>Result</h2>
      {signed ? (
        <p>
          <button
            type="button"
            className="link"
            onClick={() => navigate({ section: 'actions', tab: 'verify' })}
            data-testid="verify-last-run"
          >
            Verify this signature (the Verify form is filled from this run)
          </button>
        </p>
      ) : null}
      <dl className="result">
        <dt>Response</dt>
        <dd className="mono" data-testid="action-response">
          {result.response ?? '(none)'}
        </dd>
        {Object.entries(result.signatures).map(([name, sig]) => (
          <div key={name}>
            <dt>
              Signature “{name}” (nodes {sig.nodes.join(', ')})
            </dt>
            <dd className="mono" data-testid={`action-signature-${name}`}>
              {sig.signature}
            </dd>
            <dt>Digest signed (“{name}”)</dt>
            <dd className="mono" data-testid={`action-digest-${name}`}>
              {sig.dataSigned.startsWith('0x') ? sig.dataSigned : `0x${sig.dataSigned}`}
            </dd>
            <dt>By the PKP</dt>
            <dd className="mono">{sig.publicKey.startsWith('0x') ? sig.publicKey : `0x${sig.publicKey}`}</dd>
          </div>
        ))}
        <dt>Logs</dt>
        <dd>
          <pre className="mono">{result.logs || '(none)'}</pre>
        </dd>
      </dl>
      <table className="nodes list-on-narrow">
        <caption>Each node's answer</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Response</th>
            <th scope="col">Signatures bound</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {result.nodes.map((n) => (
            <tr key={n.node}>
              <td data-label="Node">{n.node}</td>
              <td data-label="Response" className="mono">
                {n.response ?? '–'}
              </td>
              <td data-label="Signatures bound">{n.signatures.join(', ') || '–'}</td>
              <td data-label="Error">{n.error ? `${n.error.kind}: ${n.error.message}` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
