import { useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import { SIGN_IF_PRIME_ACTION } from '../../../shared/actions/sign-if-prime.ts';

interface Verdict {
  valid: boolean;
  ipfsId: string;
  checks: { name: string; ok: boolean; detail: string }[];
}

/** The Mint/Grant/Burn verifier: signature + PKP + action code → what the signature proves. */
export function VerifyPage({ client }: { client: ApiClient }) {
  const [publicKey, setPublicKey] = useState('');
  const [code, setCode] = useState(SIGN_IF_PRIME_ACTION);
  const [signature, setSignature] = useState('');
  const [digest, setDigest] = useState('');
  const [verdict, setVerdict] = useState<Verdict | undefined>();
  const [error, setError] = useState<string | undefined>();

  const verify = async (event: React.FormEvent) => {
    event.preventDefault();
    setVerdict(undefined);
    setError(undefined);
    try {
      setVerdict(await client.call('verifyMintGrantBurn', { publicKey, code, signature, digest }));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section aria-labelledby="verify-heading">
      <h1 id="verify-heading">Verify a Mint/Grant/Burn proof</h1>
      <p className="muted">
        A PKP minted, granted one action and burned in one transaction can only ever sign what that action signs. Check
        a signature against it.
      </p>
      <form className="card" onSubmit={(e) => void verify(e)}>
        <label>
          PKP public key
          <input className="mono" value={publicKey} onChange={(e) => setPublicKey(e.target.value.trim())} />
        </label>
        <label>
          Action code
          <textarea className="mono" rows={8} value={code} onChange={(e) => setCode(e.target.value)} />
        </label>
        <label>
          Signature (0x r‖s‖v)
          <input className="mono" value={signature} onChange={(e) => setSignature(e.target.value.trim())} />
        </label>
        <label>
          Digest that was signed (32 bytes)
          <input className="mono" value={digest} onChange={(e) => setDigest(e.target.value.trim())} />
        </label>
        <button type="submit">Verify</button>
      </form>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {verdict ? (
        <div className="card" data-testid="verdict">
          <h2 className={verdict.valid ? 'ok-text' : 'error'}>{verdict.valid ? 'Valid proof' : 'Not a valid proof'}</h2>
          <ul>
            {verdict.checks.map((c) => (
              <li key={c.name}>
                {c.ok ? '✔' : '✘'} {c.detail}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
