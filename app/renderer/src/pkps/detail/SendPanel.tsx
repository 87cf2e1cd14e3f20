import { useState } from 'react';
import { ethers } from 'ethers';
import type { ApiOutput } from '../../../../shared/api/contract.ts';
import { useNavigate } from '../../navigation.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Field } from '../../ui/Field.tsx';
import { Rows } from '../../ui/Rows.tsx';
import { SignerField, signAsFor } from '../SignerField.tsx';
import {
  checkAddress,
  checkAmount,
  checkHexData,
  defaultSigner,
  signerRefusal,
  type SignerChoice,
} from '../wallet-checks.ts';
import type { PkpContext } from './pkp-context.ts';
import { useReview } from './useReview.ts';
import { Amount } from '../../ui/Amount.tsx';
import { Address } from '../../ui/Address.tsx';
import { maxSendable } from '../../ui/format-amount.ts';
import { toast } from '../../ui/toasts.tsx';

type Receipt = ApiOutput<'pkpSend'>;

/**
 * Send ETH (and, optionally, call data) from the PKP on the sandbox chain: review the filled-in
 * EIP-1559 transaction as label/value rows, confirm, and see the mined receipt.
 */
export function SendPanel({ client, details, walletAddress, accounts, refresh }: PkpContext) {
  const navigate = useNavigate();
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [data, setData] = useState('');
  const [showData, setShowData] = useState(false);
  const [signer, setSigner] = useState<SignerChoice>(() => defaultSigner(details, walletAddress, accounts));
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string | undefined>();
  const [receipt, setReceipt] = useState<Receipt | undefined>();
  const [maxing, setMaxing] = useState(false);
  const [maxError, setMaxError] = useState<string | undefined>();
  const { errors, error, preview, reviewing, review, close } = useReview({
    to: 'to',
    value: 'amount',
    valueEth: 'amount',
    data: 'data',
  });
  const hexData = data.trim() === '' ? undefined : data.trim();

  const onReview = (event: React.FormEvent) => {
    event.preventDefault();
    setReceipt(undefined);
    setSendError(undefined);
    void review(
      {
        to: checkAddress(to),
        amount: checkAmount(amount, { balanceWei: BigInt(details.balanceWei), allowZero: hexData !== undefined }),
        data: checkHexData(data.trim()),
        signer: signerRefusal(details, signer, walletAddress, accounts),
      },
      () => client.call('pkpTransactionPreview', { publicKey: details.publicKey, to, valueEth: amount, data: hexData }),
    );
  };

  const confirm = async () => {
    if (!preview) return;
    setSending(true);
    setSendError(undefined);
    try {
      const t = preview.transaction;
      const sent = await client.call('pkpSend', {
        publicKey: details.publicKey,
        to,
        valueEth: amount,
        data: hexData,
        prepared: {
          nonce: t.nonce,
          gasLimit: t.gasLimit,
          maxFeePerGas: t.maxFeePerGas,
          maxPriorityFeePerGas: t.maxPriorityFeePerGas,
        },
        as: await signAsFor(client, signer),
      });
      close();
      setReceipt(sent);
      // A cleared form: the same Enter pressed again cannot send the same amount twice.
      setTo('');
      setAmount('');
      setData('');
      toast(`Sent ${ethers.formatEther(sent.valueWei)} ETH: mined in block ${sent.blockNumber}.`);
      await refresh();
    } catch (err) {
      setSendError((err as Error).message);
    } finally {
      setSending(false);
    }
  };

  /** Max: the balance less the most this transaction's fee can be (the host fills gas and fees in). */
  const fillMax = async () => {
    setMaxing(true);
    setMaxError(undefined);
    try {
      const probe = await client.call('pkpTransactionPreview', {
        publicKey: details.publicKey,
        to: /^0x[0-9a-fA-F]{40}$/.test(to) ? to : details.ethAddress,
        // 1 wei: the same gas as any plain transfer, and a value every check accepts.
        valueEth: '0.000000000000000001',
        data: hexData,
      });
      const t = probe.transaction;
      setAmount(maxSendable(BigInt(details.balanceWei), BigInt(t.gasLimit) * BigInt(t.maxFeePerGas)));
    } catch (err) {
      setMaxError((err as Error).message);
    } finally {
      setMaxing(false);
    }
  };

  return (
    <>
      <form className="card" onSubmit={onReview} noValidate aria-labelledby="send-heading">
        <h2 id="send-heading">Send ETH</h2>
        <p className="muted">
          From <Address address={details.ethAddress} />, which holds <Amount wei={details.balanceWei} /> on the sandbox
          chain. The nonce, gas and EIP-1559 fees are filled in for you; you review them before the PKP signs.
        </p>
        <div className="grid-2">
          <Field label="To" error={errors.to}>
            {(c) => (
              <input
                {...c}
                className="mono"
                value={to}
                onChange={(e) => setTo(e.target.value.trim())}
                placeholder="0x…"
                autoComplete="off"
                spellCheck={false}
                data-testid="send-to"
              />
            )}
          </Field>
          <Field label="Amount (ETH)" error={errors.amount ?? maxError}>
            {(c) => (
              <span className="input-with-button">
                <input
                  {...c}
                  value={amount}
                  onChange={(e) => setAmount(e.target.value.trim())}
                  inputMode="decimal"
                  placeholder="0.1"
                  autoComplete="off"
                  data-testid="send-amount"
                />
                <button
                  type="button"
                  onClick={() => void fillMax()}
                  disabled={maxing}
                  title="The whole balance less the most the fee can be"
                  data-testid="send-max"
                >
                  {maxing ? '…' : 'Max'}
                </button>
              </span>
            )}
          </Field>
        </div>
        <details open={showData || errors.data !== undefined} onToggle={(e) => setShowData(e.currentTarget.open)}>
          <summary>Data (optional: call a contract)</summary>
          <Field label="Data (hex)" error={errors.data} hint="Calls to the PKP contracts are decoded with their ABI.">
            {(c) => (
              <textarea
                {...c}
                className="mono"
                rows={3}
                value={data}
                onChange={(e) => setData(e.target.value)}
                spellCheck={false}
                data-testid="send-data"
              />
            )}
          </Field>
        </details>
        <SignerField value={signer} onChange={setSigner} accounts={accounts} error={errors.signer} />
        {error ? (
          <p role="alert" className="notice bad" data-testid="send-error">
            {error}
          </p>
        ) : null}
        <div className="row">
          <button type="submit" className="primary" disabled={reviewing} data-testid="review-send">
            {reviewing ? 'Preparing…' : 'Review'}
          </button>
        </div>
      </form>

      {receipt ? (
        <div className="card" data-testid="receipt">
          <h2 className="ok-text">Sent: mined in block {receipt.blockNumber}</h2>
          <Rows
            testId="receipt-rows"
            rows={[
              { label: 'Status', value: receipt.status },
              { label: 'Transaction hash', value: receipt.transactionHash },
              { label: 'Block', value: String(receipt.blockNumber) },
              { label: 'Block hash', value: receipt.blockHash },
              { label: 'From', value: receipt.from },
              { label: 'To', value: receipt.to },
              { label: 'Value', value: `${ethers.formatEther(receipt.valueWei)} ETH` },
              { label: 'Nonce', value: String(receipt.nonce) },
              { label: 'Gas used', value: receipt.gasUsed },
              { label: 'Gas price paid', value: `${ethers.formatUnits(receipt.effectiveGasPriceWei, 'gwei')} gwei` },
              {
                label: 'Fee paid',
                value: `${ethers.formatEther(BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPriceWei))} ETH`,
              },
            ]}
          />
          <p className="row">
            <button
              type="button"
              className="link"
              onClick={() => navigate({ section: 'tx', hash: receipt.transactionHash })}
              data-testid="receipt-detail"
            >
              Open the transaction
            </button>
            <button
              type="button"
              className="link"
              onClick={() => navigate({ section: 'activity', query: receipt.transactionHash })}
              data-testid="receipt-activity"
            >
              See this transaction in Activity
            </button>
          </p>
        </div>
      ) : null}

      {preview ? (
        <ConfirmDialog
          title="Confirm the transaction"
          confirmLabel="Sign and send"
          busyLabel="Signing with the PKP, sending, waiting for the block…"
          busy={sending}
          error={sendError}
          onConfirm={() => void confirm()}
          onCancel={close}
        >
          <Rows rows={preview.rows} testId="preview-rows" />
        </ConfirmDialog>
      ) : null}
    </>
  );
}
