import { useEffect, useMemo, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { ActionRunResult, Pkp } from '../../../shared/api/contract.ts';
import { SIGN_IF_PRIME_ACTION } from '../../../shared/actions/sign-if-prime.ts';
import { cidV0 } from '../../../shared/cid/index.ts';
import { CodeEditor } from './CodeEditor.tsx';

interface Props {
  client: ApiClient;
  networkReady: boolean;
}

const EXAMPLES: Record<string, { code: string; params: string }> = {
  'Sign a number if it is prime': { code: SIGN_IF_PRIME_ACTION, params: '{\n  "number": 7,\n  "publicKey": ""\n}' },
  'Hello, nodes': {
    code: 'const n = Lit.Auth.actionIpfsIdStack.length;\nconsole.log("running", Lit.Auth.actionIpfsIdStack[0]);\nLit.Actions.setResponse({ response: "hello " + name });\n',
    params: '{\n  "name": "Litbox"\n}',
  },
};

/**
 * Lit Actions: write code (its CID updates as you type), run it on every node with jsParams,
 * see the signatures, response and each node's answer; grant it to a PKP, or mint a PKP bound
 * to it forever (Mint/Grant/Burn).
 */
export function ActionsPage({ client, networkReady }: Props) {
  const first = Object.values(EXAMPLES)[0]!;
  const [code, setCode] = useState(first.code);
  const [params, setParams] = useState(first.params);
  const [pkps, setPkps] = useState<Pkp[]>([]);
  const [grantTo, setGrantTo] = useState('');
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [paramsError, setParamsError] = useState<string | undefined>();
  const [result, setResult] = useState<ActionRunResult | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const cid = useMemo(() => (code ? cidV0(code) : ''), [code]);

  useEffect(() => {
    if (!networkReady) return;
    void client.call('pkpList', {}).then(({ pkps }) => {
      setPkps(pkps);
      setGrantTo((current) => current || pkps[0]?.publicKey || '');
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
    return undefined;
  };

  const act = async (label: string, work: () => Promise<void>) => {
    setBusy(label);
    setError(undefined);
    setNotice(undefined);
    try {
      await work();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  const run = () =>
    act('run', async () => {
      const jsParams = parseParams();
      if (!jsParams) return;
      setResult(undefined);
      setResult(await client.call('actionRun', { code, jsParams }));
    });

  const grant = () =>
    act('grant', async () => {
      await client.call('actionSave', { code });
      const { transactionHash } = await client.call('actionGrant', { publicKey: grantTo, ipfsId: cid, scope: 1 });
      setNotice(`Granted ${cid} to sign with the PKP (transaction ${transactionHash}).`);
    });

  const mintGrantBurn = () =>
    act('mgb', async () => {
      await client.call('actionSave', { code });
      const pkp = await client.call('pkpMintGrantBurn', { ipfsId: cid });
      setNotice(
        `Minted PKP ${pkp.ethAddress}, granted it ${cid} and burned it, in transaction ${pkp.transactionHash}.`,
      );
      try {
        const current = JSON.parse(params) as Record<string, unknown>;
        if ('publicKey' in current) setParams(JSON.stringify({ ...current, publicKey: pkp.publicKey }, null, 2));
      } catch {
        // leave the params as they are
      }
    });

  return (
    <section aria-labelledby="actions-heading">
      <h1 id="actions-heading">Lit Actions</h1>
      <div className="row">
        <label>
          Example{' '}
          <select
            onChange={(e) => {
              const example = EXAMPLES[e.target.value];
              if (example) {
                setCode(example.code);
                setParams(example.params);
              }
            }}
          >
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
      <CodeEditor value={code} onChange={setCode} label="Lit Action code" />
      <div className="card">
        <label>
          jsParams (JSON, top-level keys become globals)
          <textarea
            className="mono"
            rows={5}
            value={params}
            onChange={(e) => setParams(e.target.value)}
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
            {busy === 'run' ? 'Running on every node…' : 'Run on the network'}
          </button>
          <button
            type="button"
            onClick={() => void mintGrantBurn()}
            disabled={!networkReady || busy !== undefined}
            data-testid="mint-grant-burn"
          >
            {busy === 'mgb' ? 'Minting…' : 'Mint/Grant/Burn a PKP for this code'}
          </button>
        </div>
        <div className="row">
          <label>
            Grant to PKP{' '}
            <select value={grantTo} onChange={(e) => setGrantTo(e.target.value)} disabled={pkps.length === 0}>
              {pkps.map((p) => (
                <option key={p.tokenId} value={p.publicKey}>
                  {p.ethAddress}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => void grant()} disabled={!grantTo || busy !== undefined}>
            Grant (SignAnything)
          </button>
        </div>
      </div>
      {notice ? <p className="ok-text">{notice}</p> : null}
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
  return (
    <div className="card" data-testid="action-result">
      <h2>Result</h2>
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
          </div>
        ))}
        <dt>Logs</dt>
        <dd>
          <pre className="mono">{result.logs || '(none)'}</pre>
        </dd>
      </dl>
      <table className="nodes">
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
              <td>{n.node}</td>
              <td className="mono">{n.response ?? '–'}</td>
              <td>{n.signatures.join(', ') || '–'}</td>
              <td>{n.error ? `${n.error.kind}: ${n.error.message}` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
