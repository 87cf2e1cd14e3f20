import { useState } from 'react';
import { ethers } from 'ethers';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Field } from '../../ui/Field.tsx';
import { Rows } from '../../ui/Rows.tsx';
import { SignerField, signAsFor } from '../SignerField.tsx';
import { defaultSigner, signerRefusal, type SignerChoice } from '../wallet-checks.ts';
import type { PkpContext } from './pkp-context.ts';
import { SignResult } from './SignResult.tsx';

/** A personal message (EIP-191, personal_sign): review the text and its hash, sign, verify. */
export function SignMessagePanel({ client, details, walletAddress, accounts }: PkpContext) {
  const [message, setMessage] = useState('Hello from my PKP');
  const [signer, setSigner] = useState<SignerChoice>(() => defaultSigner(details, walletAddress, accounts));
  const [errors, setErrors] = useState<{ message?: string; signer?: string }>({});
  const [reviewing, setReviewing] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | undefined>();
  const [result, setResult] = useState<{ message: string; signature: string } | undefined>();

  const onReview = (event: React.FormEvent) => {
    event.preventDefault();
    setResult(undefined);
    const next = {
      message: message === '' ? 'Enter a message to sign.' : undefined,
      signer: signerRefusal(details, signer, walletAddress, accounts),
    };
    setErrors(next);
    if (!next.message && !next.signer) setReviewing(message);
  };

  const confirm = async () => {
    if (reviewing === undefined) return;
    setBusy(true);
    setDialogError(undefined);
    try {
      const { signature } = await client.call('pkpSignMessage', {
        publicKey: details.publicKey,
        message: reviewing,
        as: await signAsFor(client, signer),
      });
      setResult({ message: reviewing, signature });
      setReviewing(undefined);
    } catch (err) {
      setDialogError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form className="card" onSubmit={onReview} noValidate aria-labelledby="message-heading">
        <h2 id="message-heading">Sign a message (EIP-191)</h2>
        <p className="muted">
          What dapps ask with personal_sign: the nodes sign the hash of “\x19Ethereum Signed Message:\n” + length +
          message.
        </p>
        <Field label="Message" error={errors.message}>
          {(c) => (
            <textarea
              {...c}
              rows={4}
              value={message}
              onChange={(e) => setMessage(e.target.value)}
              data-testid="message-input"
            />
          )}
        </Field>
        <SignerField value={signer} onChange={setSigner} accounts={accounts} error={errors.signer} />
        <div className="row">
          <button type="submit" className="primary" data-testid="review-message">
            Review
          </button>
        </div>
      </form>
      {result ? (
        <SignResult
          signature={result.signature}
          recovered={ethers.verifyMessage(result.message, result.signature)}
          expected={details.ethAddress}
          extra={[{ label: 'Message hash', value: ethers.hashMessage(result.message) }]}
        />
      ) : null}
      {reviewing !== undefined ? (
        <ConfirmDialog
          title="Sign this message?"
          confirmLabel="Sign"
          busyLabel="Signing with the PKP…"
          busy={busy}
          error={dialogError}
          onConfirm={() => void confirm()}
          onCancel={() => {
            setReviewing(undefined);
            setDialogError(undefined);
          }}
        >
          <Rows
            testId="preview-rows"
            rows={[
              { label: 'Signer', value: details.ethAddress },
              { label: 'Standard', value: 'EIP-191 personal message' },
              { label: 'Message', value: reviewing },
              { label: 'Length', value: `${ethers.toUtf8Bytes(reviewing).length} bytes` },
              { label: 'Hash signed', value: ethers.hashMessage(reviewing) },
            ]}
          />
        </ConfirmDialog>
      ) : null}
    </>
  );
}
