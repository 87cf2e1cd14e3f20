import { useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { ApiOutput } from '../../../shared/api/contract.ts';
import { updateActions, useActionsState, type ActionsState } from './actions-store.ts';

/**
 * The Mint/Grant/Burn verifier: signature + PKP + action code → what the signature proves.
 * A run that signed fills the form (the PKP, the signature and the digest the nodes actually
 * signed); the form and its verdict stay when the person leaves the page.
 */
export function VerifyPage({ client }: { client: ApiClient }) {
  const { verify: form, verdict, verifyError: error } = useActionsState();
  const set = (change: Partial<ActionsState['verify']>) =>
    updateActions((s) => ({ verify: { ...s.verify, ...change }, verdict: undefined, verifyError: undefined }));

  const verify = async (event: React.FormEvent) => {
    event.preventDefault();
    updateActions({ verdict: undefined, verifyError: undefined });
    try {
      updateActions({ verdict: await client.call('verifyMintGrantBurn', form) });
    } catch (err) {
      updateActions({ verifyError: (err as Error).message });
    }
  };

  return (
    <section aria-labelledby="verify-heading">
      <h1 id="verify-heading">Verify a Mint/Grant/Burn proof</h1>
      <p className="muted">
        A PKP minted, granted one action and burned in one transaction can only ever sign what that action signs. Check
        a signature against it. A run that signed fills this form in.
      </p>
      <form className="card" onSubmit={(e) => void verify(e)}>
        <label>
          PKP public key
          <input className="mono" value={form.publicKey} onChange={(e) => set({ publicKey: e.target.value.trim() })} />
        </label>
        <label>
          Action code
          <textarea className="mono" rows={8} value={form.code} onChange={(e) => set({ code: e.target.value })} />
        </label>
        <label>
          Signature (0x r‖s‖v)
          <input className="mono" value={form.signature} onChange={(e) => set({ signature: e.target.value.trim() })} />
        </label>
        <label>
          Digest that was signed (32 bytes)
          <input className="mono" value={form.digest} onChange={(e) => set({ digest: e.target.value.trim() })} />
        </label>
        <button type="submit">Verify</button>
      </form>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {verdict ? <Verdict testId="verdict" verdict={verdict} valid="Valid proof" invalid="Not a valid proof" /> : null}
      <StreamVerifier client={client} />
    </section>
  );
}

/**
 * The same proof for a Ceramic stream: every commit was signed by one PKP whose permitted
 * actions are exactly the given CIDs and that can never gain another (`litbox verify --stream`).
 */
function StreamVerifier({ client }: { client: ApiClient }) {
  const [streamId, setStreamId] = useState('');
  const [actions, setActions] = useState('');
  const [verdict, setVerdict] = useState<ApiOutput<'verifyStream'>>();
  const [error, setError] = useState<string>();

  const verify = async (event: React.FormEvent) => {
    event.preventDefault();
    setVerdict(undefined);
    setError(undefined);
    try {
      const cids = actions
        .split(/[\s,]+/)
        .map((a) => a.trim())
        .filter(Boolean);
      setVerdict(await client.call('verifyStream', { streamId: streamId.trim(), actions: cids }));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <>
      <h2 id="verify-stream-heading">Verify who can write a Ceramic stream</h2>
      <p className="muted">
        Checks that every commit of the stream was signed by one PKP that permits exactly these Lit Actions and can
        never be granted another.
      </p>
      <form className="card" aria-labelledby="verify-stream-heading" onSubmit={(e) => void verify(e)}>
        <label>
          Stream ID
          <input className="mono" value={streamId} onChange={(e) => setStreamId(e.target.value)} />
        </label>
        <label>
          Action CIDs (comma or space separated)
          <textarea className="mono" rows={2} value={actions} onChange={(e) => setActions(e.target.value)} />
        </label>
        <button type="submit">Verify the stream</button>
      </form>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {verdict ? (
        <Verdict
          testId="stream-verdict"
          verdict={verdict}
          valid="Only these actions can write this stream"
          invalid="Not proven"
        />
      ) : null}
    </>
  );
}

/** A verifier's answer: its headline, then each check it made. */
function Verdict(props: {
  testId: string;
  verdict: { valid: boolean; checks: readonly { name: string; ok: boolean; detail: string }[] };
  valid: string;
  invalid: string;
}) {
  const { verdict } = props;
  return (
    <div className="card" data-testid={props.testId}>
      <h2 className={verdict.valid ? 'ok-text' : 'error'}>{verdict.valid ? props.valid : props.invalid}</h2>
      <ul className="verdict-checks">
        {verdict.checks.map((c) => (
          <li key={c.name}>
            {c.ok ? '✔' : '✘'} {c.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}
