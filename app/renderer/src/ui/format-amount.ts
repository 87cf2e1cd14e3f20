import { ethers } from 'ethers';

/**
 * ETH for display: at most `digits` decimals, rounded half up, trailing zeros dropped; a
 * non-zero amount too small to show says so ("< 0.0001"). The full value is formatFull's.
 */
export function formatEth(wei: bigint | string, digits = 4): string {
  const value = BigInt(wei);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const unit = 10n ** BigInt(18 - digits);
  const rounded = (abs + unit / 2n) / unit;
  if (rounded === 0n && abs > 0n) return `${negative ? '> -' : '< '}0.${'0'.repeat(digits - 1)}1`;
  const whole = rounded / 10n ** BigInt(digits);
  const fraction = (rounded % 10n ** BigInt(digits)).toString().padStart(digits, '0').replace(/0+$/, '');
  const wholeText = whole.toLocaleString('en-US');
  return `${negative ? '-' : ''}${wholeText}${fraction ? `.${fraction}` : ''}`;
}

/** Every wei, as ethers writes it ("8.499978998156305"). */
export function formatFull(wei: bigint | string): string {
  return ethers.formatEther(BigInt(wei));
}

/**
 * The most a PKP can send so that the value plus the worst-case fee fits in its balance.
 * `feeWei` is gasLimit × maxFeePerGas of a plain transfer. Empty when the fee alone is more.
 */
export function maxSendable(balanceWei: bigint, feeWei: bigint): string {
  const rest = balanceWei - feeWei;
  return rest > 0n ? ethers.formatEther(rest) : '0';
}
