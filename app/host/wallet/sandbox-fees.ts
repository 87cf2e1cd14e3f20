import { ethers, type Provider } from 'ethers';
import type { TransactionFields } from './transaction-preview.ts';

/** The tip every sandbox transaction offers. */
export const SANDBOX_PRIORITY_FEE = ethers.parseUnits('1', 'gwei');

/** What a transaction does, before the sandbox's nonce, gas and fees are filled in. */
export interface SandboxCall {
  from: string;
  to: string;
  value: bigint;
  data: string;
}

/**
 * The fee cap and tip of a sandbox transaction: twice the latest base fee plus the tip, as
 * ethers does, so a transaction stays valid through a few blocks of rising base fee.
 */
export async function sandboxFees(provider: Provider): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
  const block = await provider.getBlock('latest');
  const base = block?.baseFeePerGas ?? 1_000_000_000n;
  return { maxFeePerGas: base * 2n + SANDBOX_PRIORITY_FEE, maxPriorityFeePerGas: SANDBOX_PRIORITY_FEE };
}

/**
 * The gas a call gets: exactly 21000 for a plain transfer, 20% over the estimate otherwise.
 * Estimating runs the call, so a revert is thrown here, with its reason, before anything is signed.
 */
export async function sandboxGasLimit(provider: Provider, call: SandboxCall): Promise<bigint> {
  const estimate = await provider.estimateGas(call);
  return estimate === 21_000n ? estimate : (estimate * 12n) / 10n;
}

/**
 * Every field of a sandbox transaction (EIP-1559): the nonce of the pending block (unless the
 * sender keeps its own), the fees and the gas. `beforeEstimate` sees the fee cap before the
 * call is run, so a sender can refuse what it cannot afford in its own words.
 */
export async function fillSandboxTransaction(
  provider: Provider,
  chainId: number,
  call: SandboxCall,
  options: { nonce?: number; beforeEstimate?: (maxFeePerGas: bigint) => void | Promise<void> } = {},
): Promise<TransactionFields> {
  const { beforeEstimate } = options;
  // Without a check between the fees and the estimate, the chain answers all three at once
  // (one round trip instead of two on every transaction the wallet sends).
  const [nonce, fees, gasLimit] = await Promise.all([
    options.nonce ?? provider.getTransactionCount(call.from, 'pending'),
    sandboxFees(provider),
    beforeEstimate ? undefined : sandboxGasLimit(provider, call),
  ]);
  await beforeEstimate?.(fees.maxFeePerGas);
  return {
    chainId,
    nonce,
    to: call.to,
    value: call.value,
    data: call.data,
    gasLimit: gasLimit ?? (await sandboxGasLimit(provider, call)),
    ...fees,
  };
}
