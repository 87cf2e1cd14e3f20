import { useState } from 'react';
import { ethers } from 'ethers';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Field } from '../../ui/Field.tsx';
import { Rows } from '../../ui/Rows.tsx';
import { SignerField, signAsFor } from '../SignerField.tsx';
import { defaultSigner, signerRefusal, type SignerChoice } from '../wallet-checks.ts';
import type { PkpContext } from './pkp-context.ts';
import { SignResult } from './SignResult.tsx';
import { EXAMPLE_TYPED_DATA, chainWarning, parseTypedData, type TypedData } from './typed-data.ts';
import { TypedDataTree } from './TypedDataTree.tsx';

type Parsed = { data: TypedData; primaryType: string; digest: string; primaryTypeInferred: boolean };

/** EIP-712 typed data (eth_signTypedData_v4): review domain, message and digest, sign, verify. */
export function SignTypedDataPanel({ client, details, status, walletAddress, accounts }: PkpContext) {
  const [text, setText] = useState(() => JSON.stringify(EXAMPLE_TYPED_DATA, null, 2));
  const [signer, setSigner] = useState<SignerChoice>(() => defaultSigner(details, walletAddress, accounts));
  const [errors, setErrors] = useState<{ typedData?: string; signer?: string }>({});
  const [reviewing, setReviewing] = useState<Parsed | undefined>();
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | undefined>();
  const [result, setResult] = useState<{ parsed: Parsed; signature: string } | undefined>();

  const onReview = (event: React.FormEvent) => {
    event.preventDefault();
    setResult(undefined);
    const parsed = parseTypedData(text);
    const next = {
      typedData: parsed.ok ? undefined : parsed.error,
      signer: signerRefusal(details, signer, walletAddress, accounts),
    };
    setErrors(next);
    if (parsed.ok && !next.signer) setReviewing(parsed);
  };

  const confirm = async () => {
    if (!reviewing) return;
    setBusy(true);
    setDialogError(undefined);
    try {
      const signed = await client.call('pkpSignTypedData', {
        publicKey: details.publicKey,
        typedData: reviewing.data as never,
        as: await signAsFor(client, signer),
      });
      if (signed.digest !== reviewing.digest)
        throw new Error(`the host signed digest ${signed.digest}, not the ${reviewing.digest} shown`);
      setResult({ parsed: reviewing, signature: signed.signature });
      setReviewing(undefined);
    } catch (err) {
      setDialogError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form className="card" onSubmit={onReview} noValidate aria-labelledby="typed-heading">
        <h2 id="typed-heading">Sign typed data (EIP-712)</h2>
        <p className="muted">Paste an eth_signTypedData_v4 request: domain, types, primaryType and message.</p>
        <Field label="Typed data (JSON)" error={errors.typedData}>
          {(c) => (
            <textarea
              {...c}
              className="mono"
              rows={14}
              value={text}
              onChange={(e) => setText(e.target.value)}
              spellCheck={false}
              data-testid="typed-data-input"
            />
          )}
        </Field>
        <SignerField value={signer} onChange={setSigner} accounts={accounts} error={errors.signer} />
        <div className="row">
          <button type="submit" className="primary" data-testid="review-typed-data">
            Review
          </button>
        </div>
      </form>
      {result ? (
        <SignResult
          signature={result.signature}
          recovered={ethers.verifyTypedData(
            result.parsed.data.domain,
            result.parsed.data.types,
            result.parsed.data.message,
            result.signature,
          )}
          expected={details.ethAddress}
          extra={[{ label: 'Digest', value: result.parsed.digest }]}
        />
      ) : null}
      {reviewing ? (
        <ConfirmDialog
          title="Sign this typed data?"
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
          {chainWarning(reviewing.data.domain, status.chain.chainId) ? (
            <p className="notice bad" role="alert" data-testid="typed-data-chain-warning">
              {chainWarning(reviewing.data.domain, status.chain.chainId)}
            </p>
          ) : null}
          <Rows
            testId="preview-rows"
            rows={[
              { label: 'Signer', value: details.ethAddress },
              { label: 'Standard', value: 'EIP-712 typed data' },
              {
                label: 'Primary type',
                value: reviewing.primaryTypeInferred
                  ? `${reviewing.primaryType} (not given: the only type no other type uses)`
                  : reviewing.primaryType,
              },
            ]}
          />
          <h3 className="tree-heading">Domain</h3>
          <TypedDataTree value={reviewing.data.domain} path="domain" />
          <h3 className="tree-heading">Message ({reviewing.primaryType})</h3>
          <TypedDataTree value={reviewing.data.message} path="message" />
          <Rows rows={[{ label: 'Digest signed', value: reviewing.digest }]} />
        </ConfirmDialog>
      ) : null}
    </>
  );
}
