import { useState } from 'react';
import { ethers } from 'ethers';
import type { ApiOutput } from '../../../../shared/api/contract.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Field } from '../../ui/Field.tsx';
import { Rows } from '../../ui/Rows.tsx';
import { SignerField, signAsFor } from '../SignerField.tsx';
import {
  checkAddress,
  checkAmount,
  checkChainId,
  checkGwei,
  checkHexData,
  checkWholeNumber,
  defaultSigner,
  signerRefusal,
  type SignerChoice,
} from '../wallet-checks.ts';
import type { PkpContext } from './pkp-context.ts';
import { useReview } from './useReview.ts';

type Exported = ApiOutput<'pkpSignTransactionForChain'>;

/**
 * A transaction for any chain id, signed by the PKP and handed over raw (for
 * eth_sendRawTransaction elsewhere); nothing is broadcast. Nonce, gas and fee come from the
 * person, since the wallet cannot read another chain.
 */
export function ExportPanel({ client, details, walletAddress, accounts }: PkpContext) {
  const [chainId, setChainId] = useState('1');
  const [nonce, setNonce] = useState('0');
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [gasLimit, setGasLimit] = useState('21000');
  const [maxFee, setMaxFee] = useState('30');
  const [data, setData] = useState('');
  const [signer, setSigner] = useState<SignerChoice>(() => defaultSigner(details, walletAddress, accounts));
  const [signing, setSigning] = useState(false);
  const [signError, setSignError] = useState<string | undefined>();
  const [exported, setExported] = useState<Exported | undefined>();
  const { errors, error, preview, reviewing, review, close } = useReview({
    chainId: 'chainId',
    nonce: 'nonce',
    to: 'to',
    value: 'amount',
    valueEth: 'amount',
    gasLimit: 'gasLimit',
    maxFeePerGasGwei: 'maxFee',
    data: 'data',
  });
  const hexData = data.trim() === '' ? undefined : data.trim();
  const request = () => ({
    publicKey: details.publicKey,
    chainId: Number(chainId),
    nonce: Number(nonce),
    to,
    valueEth: amount,
    gasLimit: Number(gasLimit),
    maxFeePerGasGwei: maxFee,
    data: hexData,
  });

  const onReview = (event: React.FormEvent) => {
    event.preventDefault();
    setExported(undefined);
    setSignError(undefined);
    void review(
      {
        chainId: checkChainId(chainId),
        nonce: checkWholeNumber(nonce, 'nonce'),
        to: checkAddress(to),
        amount: checkAmount(amount, { allowZero: true }),
        gasLimit: checkWholeNumber(gasLimit, 'gas limit', 21_000),
        maxFee: checkGwei(maxFee),
        data: checkHexData(data.trim()),
        signer: signerRefusal(details, signer, walletAddress, accounts),
      },
      () => client.call('pkpTransactionPreview', request()),
    );
  };

  const confirm = async () => {
    setSigning(true);
    setSignError(undefined);
    try {
      const result = await client.call('pkpSignTransactionForChain', {
        ...request(),
        as: await signAsFor(client, signer),
      });
      close();
      setExported(result);
    } catch (err) {
      setSignError((err as Error).message);
    } finally {
      setSigning(false);
    }
  };

  const recovered = exported ? ethers.Transaction.from(exported.rawTransaction) : undefined;
  return (
    <>
      <form className="card" onSubmit={onReview} noValidate aria-labelledby="export-heading">
        <h2 id="export-heading">Export a signed transaction for another chain</h2>
        <p className="muted">
          The PKP signs an EIP-1559 transaction for the chain id you give; Litbox does not send it. Broadcast the raw
          transaction on that chain yourself (eth_sendRawTransaction).
        </p>
        <div className="grid-2">
          <Field label="Chain id" error={errors.chainId} hint="1 Ethereum, 10 OP Mainnet, 8453 Base, 11155111 Sepolia…">
            {(c) => (
              <input
                {...c}
                value={chainId}
                onChange={(e) => setChainId(e.target.value)}
                inputMode="numeric"
                data-testid="export-chain-id"
              />
            )}
          </Field>
          <Field label="Nonce" error={errors.nonce} hint="The PKP address's transaction count on that chain.">
            {(c) => (
              <input
                {...c}
                value={nonce}
                onChange={(e) => setNonce(e.target.value)}
                inputMode="numeric"
                data-testid="export-nonce"
              />
            )}
          </Field>
          <Field label="To" error={errors.to}>
            {(c) => (
              <input
                {...c}
                className="mono"
                value={to}
                onChange={(e) => setTo(e.target.value.trim())}
                placeholder="0x…"
                spellCheck={false}
                data-testid="export-to"
              />
            )}
          </Field>
          <Field label="Amount (ETH)" error={errors.amount}>
            {(c) => (
              <input
                {...c}
                value={amount}
                onChange={(e) => setAmount(e.target.value.trim())}
                inputMode="decimal"
                data-testid="export-amount"
              />
            )}
          </Field>
          <Field label="Gas limit" error={errors.gasLimit}>
            {(c) => (
              <input
                {...c}
                value={gasLimit}
                onChange={(e) => setGasLimit(e.target.value)}
                inputMode="numeric"
                data-testid="export-gas-limit"
              />
            )}
          </Field>
          <Field label="Max fee per gas (gwei)" error={errors.maxFee}>
            {(c) => (
              <input
                {...c}
                value={maxFee}
                onChange={(e) => setMaxFee(e.target.value.trim())}
                inputMode="decimal"
                data-testid="export-max-fee"
              />
            )}
          </Field>
        </div>
        <Field label="Data (hex, optional)" error={errors.data}>
          {(c) => (
            <textarea
              {...c}
              className="mono"
              rows={2}
              value={data}
              onChange={(e) => setData(e.target.value)}
              spellCheck={false}
              data-testid="export-data"
            />
          )}
        </Field>
        <SignerField value={signer} onChange={setSigner} accounts={accounts} error={errors.signer} />
        {error ? (
          <p role="alert" className="notice bad">
            {error}
          </p>
        ) : null}
        <div className="row">
          <button type="submit" className="primary" disabled={reviewing} data-testid="review-export">
            {reviewing ? 'Preparing…' : 'Review'}
          </button>
        </div>
      </form>

      {exported && recovered ? (
        <div className="card" data-testid="exported">
          <h2 className="ok-text">Signed for chain id {String(recovered.chainId)}, not sent</h2>
          <Field label="Raw transaction">
            {(c) => (
              <textarea
                {...c}
                className="mono"
                rows={4}
                readOnly
                value={exported.rawTransaction}
                data-testid="exported-raw"
              />
            )}
          </Field>
          <Rows
            rows={[
              { label: 'Transaction hash', value: exported.hash },
              {
                label: 'Signer (recovered)',
                value: `${recovered.from ?? '?'}${recovered.from === details.ethAddress ? ' (this PKP)' : ''}`,
              },
            ]}
          />
          <div className="row">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(exported.rawTransaction)}>
              Copy the raw transaction
            </button>
          </div>
        </div>
      ) : null}

      {preview ? (
        <ConfirmDialog
          title="Sign this transaction (it will not be sent)"
          confirmLabel="Sign"
          busyLabel="Signing with the PKP…"
          busy={signing}
          error={signError}
          onConfirm={() => void confirm()}
          onCancel={close}
        >
          <Rows rows={preview.rows} testId="preview-rows" />
        </ConfirmDialog>
      ) : null}
    </>
  );
}
