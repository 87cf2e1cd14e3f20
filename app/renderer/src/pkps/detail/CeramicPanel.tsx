import { useState } from 'react';
import type { ApiOutput } from '../../../../shared/api/contract.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Field } from '../../ui/Field.tsx';
import { Rows } from '../../ui/Rows.tsx';
import { SignerField, signAsFor } from '../SignerField.tsx';
import { defaultSigner, signerRefusal, type SignerChoice } from '../wallet-checks.ts';
import type { PkpContext } from './pkp-context.ts';

type Session = ApiOutput<'ceramicSession'>;

const DAY = 24 * 60 * 60;

/** Checks the CACAO as a Ceramic node would: the PKP's SIWE signature, with @didtools (loaded on demand). */
async function verifyCacao(cacao: Session['cacao']): Promise<string> {
  const [{ Cacao }, { getEIP191Verifier }] = await Promise.all([
    import('@didtools/cacao'),
    import('@didtools/pkh-ethereum'),
  ]);
  try {
    await Cacao.verify(cacao as never, { verifiers: getEIP191Verifier(), atTime: new Date() });
    return 'valid: @didtools/cacao verifies the PKP’s signature';
  } catch (err) {
    return `not valid: ${(err as Error).message}`;
  }
}

/**
 * Ceramic sign-in: a did:pkh session as did-session makes one. The PKP signs a SIWE message
 * (a CACAO) that delegates writing to a fresh session key; the session key signs from then on.
 */
export function CeramicPanel({ client, details, status, walletAddress, accounts }: PkpContext) {
  const [resources, setResources] = useState('ceramic://*');
  const [days, setDays] = useState('7');
  const [signer, setSigner] = useState<SignerChoice>(() => defaultSigner(details, walletAddress, accounts));
  const [errors, setErrors] = useState<{ resources?: string; days?: string; signer?: string }>({});
  const [reviewing, setReviewing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | undefined>();
  const [session, setSession] = useState<Session | undefined>();
  const [verdict, setVerdict] = useState<string | undefined>();
  const resourceList = resources
    .split(/\s+/)
    .map((r) => r.trim())
    .filter(Boolean);

  const onReview = (event: React.FormEvent) => {
    event.preventDefault();
    const n = Number(days);
    const next = {
      resources: resourceList.length ? undefined : 'Name at least one resource, like ceramic://*.',
      days: /^\d+$/.test(days) && n >= 1 && n <= 90 ? undefined : 'Give a whole number of days from 1 to 90.',
      signer: signerRefusal(details, signer, walletAddress, accounts),
    };
    setErrors(next);
    setReviewing(!next.resources && !next.days && !next.signer);
  };

  const confirm = async () => {
    setBusy(true);
    setDialogError(undefined);
    setVerdict(undefined);
    try {
      const made = await client.call('ceramicSession', {
        publicKey: details.publicKey,
        resources: resourceList,
        expiresInSecs: Number(days) * DAY,
        payload: { hello: 'Ceramic', from: details.ethAddress },
        as: await signAsFor(client, signer),
      });
      setSession(made);
      setReviewing(false);
      setVerdict(await verifyCacao(made.cacao).catch((err: Error) => `could not be checked here: ${err.message}`));
    } catch (err) {
      setDialogError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form className="card" onSubmit={onReview} noValidate aria-labelledby="ceramic-heading">
        <h2 id="ceramic-heading">Ceramic session</h2>
        <p className="muted">
          Sign in to Ceramic as this PKP (did:pkh), the way did-session does: the PKP signs one SIWE message that lets a
          fresh session key write the resources below until it expires.
        </p>
        <Field label="Resources (one per line)" error={errors.resources}>
          {(c) => (
            <textarea
              {...c}
              className="mono"
              rows={2}
              value={resources}
              onChange={(e) => setResources(e.target.value)}
              data-testid="ceramic-resources"
            />
          )}
        </Field>
        <Field label="Valid for (days)" error={errors.days}>
          {(c) => <input {...c} value={days} onChange={(e) => setDays(e.target.value)} inputMode="numeric" />}
        </Field>
        <SignerField value={signer} onChange={setSigner} accounts={accounts} error={errors.signer} />
        <div className="row">
          <button type="submit" className="primary" data-testid="review-ceramic">
            Review
          </button>
        </div>
      </form>
      {session ? (
        <div className="card" data-testid="ceramic-session">
          <h2 className="ok-text">Session created</h2>
          <Rows
            rows={[
              { label: 'Account (DID)', value: session.did },
              { label: 'Session key', value: session.sessionDid },
              { label: 'CACAO CID', value: session.cacaoCid },
              { label: 'Expires', value: session.expiresAt },
              { label: 'Resources', value: session.resources.join(' ') },
              { label: 'CACAO check', value: verdict ?? 'checking…' },
            ]}
          />
          <details>
            <summary>The CACAO (JSON, as @didtools/cacao reads it)</summary>
            <pre className="mono" data-testid="ceramic-cacao">
              {JSON.stringify(session.cacao, null, 2)}
            </pre>
          </details>
        </div>
      ) : null}
      {reviewing ? (
        <ConfirmDialog
          title="Sign in to Ceramic as this PKP?"
          confirmLabel="Sign"
          busyLabel="Signing the SIWE message with the PKP…"
          busy={busy}
          error={dialogError}
          onConfirm={() => void confirm()}
          onCancel={() => {
            setReviewing(false);
            setDialogError(undefined);
          }}
        >
          <Rows
            rows={[
              { label: 'Signer', value: details.ethAddress },
              { label: 'Standard', value: 'Sign-In with Ethereum (EIP-4361) as a CACAO, EIP-191 signature' },
              { label: 'Account', value: `did:pkh:eip155:${status.chain.chainId}:${details.ethAddress}` },
              { label: 'Resources', value: resourceList.join(' ') },
              { label: 'Valid for', value: `${days} days` },
            ]}
          />
          <p className="muted">
            A new session key is made for this; it signs Ceramic writes until the session expires.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
