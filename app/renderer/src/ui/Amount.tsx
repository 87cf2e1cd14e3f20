import { CopyButton } from './Copy.tsx';
import { formatEth, formatFull } from './format-amount.ts';

/** An ETH amount rounded for reading; every wei on hover and in the copy. */
export function Amount({ wei, digits = 4, testId }: { wei: bigint | string; digits?: number; testId?: string }) {
  const full = formatFull(wei);
  return (
    <span className="amount" title={`${full} ETH`} data-full={full}>
      <span data-testid={testId}>{formatEth(wei, digits)} ETH</span>
      <CopyButton value={full} label="Copy amount" />
    </span>
  );
}
