import { ethers, Transaction, type Result } from 'ethers';
import type { DecodedCall, PreparedTransaction } from '../../shared/api/contract.ts';
import { CONTRACT_NAMES, contractInterface, type ContractAddresses } from '../../shared/contracts/index.ts';

/** Every field of an EIP-1559 transaction: what a PKP is asked to sign. */
export interface TransactionFields {
  chainId: number;
  nonce: number;
  to: string;
  value: bigint;
  data: string;
  gasLimit: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

export interface PreviewRow {
  label: string;
  value: string;
}

/** The unsigned ethers transaction; its `unsignedHash` is the digest the PKP signs. */
export function unsignedTransaction(f: TransactionFields): Transaction {
  return Transaction.from({
    type: 2,
    chainId: f.chainId,
    nonce: f.nonce,
    to: f.to,
    value: f.value,
    data: f.data,
    gasLimit: f.gasLimit,
    maxFeePerGas: f.maxFeePerGas,
    maxPriorityFeePerGas: f.maxPriorityFeePerGas,
  });
}

/** The wire form of the fields (decimal strings for amounts). */
export function toPrepared(f: TransactionFields): PreparedTransaction {
  return {
    chainId: f.chainId,
    nonce: f.nonce,
    to: f.to,
    valueWei: f.value.toString(),
    data: f.data,
    gasLimit: f.gasLimit.toString(),
    maxFeePerGas: f.maxFeePerGas.toString(),
    maxPriorityFeePerGas: f.maxPriorityFeePerGas.toString(),
  };
}

/** Which known contract lives at `to`, if any. */
export function knownContractAt(
  to: string,
  addresses: ContractAddresses | null,
): (typeof CONTRACT_NAMES)[number] | undefined {
  if (!addresses) return undefined;
  return CONTRACT_NAMES.find((name) => addresses[name].toLowerCase() === to.toLowerCase());
}

/** Calldata to one of the PKP contracts, decoded with its ABI; undefined when it is not one of their calls. */
export function decodeCall(
  to: string,
  data: string,
  value: bigint,
  addresses: ContractAddresses | null,
): DecodedCall | undefined {
  const contract = knownContractAt(to, addresses);
  if (!contract || ethers.dataLength(data) < 4) return undefined;
  let parsed: ethers.TransactionDescription | null;
  try {
    parsed = contractInterface(contract).parseTransaction({ data, value });
  } catch {
    return undefined;
  }
  if (!parsed) return undefined;
  return {
    contract,
    functionName: parsed.name,
    signature: parsed.signature,
    args: parsed.fragment.inputs.map((input, i) => ({
      name: input.name || `arg${i}`,
      type: input.type,
      value: formatValue(parsed.args[i]),
    })),
  };
}

/** An ABI value as text: numbers in decimal, bytes in hex, tuples and arrays in brackets. */
function formatValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value) || isResult(value)) return `[${Array.from(value as unknown[], formatValue).join(', ')}]`;
  return String(value);
}

function isResult(value: unknown): value is Result {
  return value instanceof ethers.Result;
}

/**
 * The confirmation rows a person reads before the PKP signs, in the order wallets show them:
 * network, from, to, value, nonce, gas and fees (with the most it can cost), then the data,
 * decoded when the target is a known contract, raw hex otherwise.
 */
export function describeTransaction(options: {
  from: string;
  fields: TransactionFields;
  /** False for an export: signed, never sent. */
  broadcast: boolean;
  sandboxChainId: number;
  addresses: ContractAddresses | null;
  decoded: DecodedCall | undefined;
}): PreviewRow[] {
  const { from, fields: f, decoded } = options;
  const known = knownContractAt(f.to, options.addresses);
  const maxFee = f.gasLimit * f.maxFeePerGas;
  const rows: PreviewRow[] = [
    {
      label: 'Network',
      value:
        (f.chainId === options.sandboxChainId ? `Litbox sandbox (chain id ${f.chainId})` : `chain id ${f.chainId}`) +
        (options.broadcast ? '' : ': signed only, not broadcast'),
    },
    { label: 'From', value: from },
    { label: 'To', value: known ? `${f.to} (${known})` : f.to },
    { label: 'Value', value: `${ethers.formatEther(f.value)} ETH` },
    { label: 'Nonce', value: String(f.nonce) },
    { label: 'Gas limit', value: f.gasLimit.toString() },
    { label: 'Max fee per gas', value: `${ethers.formatUnits(f.maxFeePerGas, 'gwei')} gwei` },
    { label: 'Max priority fee per gas', value: `${ethers.formatUnits(f.maxPriorityFeePerGas, 'gwei')} gwei` },
    { label: 'Max fee', value: `${ethers.formatEther(maxFee)} ETH` },
    { label: 'Total at most', value: `${ethers.formatEther(f.value + maxFee)} ETH` },
  ];
  if (decoded) {
    rows.push({
      label: 'Data',
      value: `${decoded.contract}.${decoded.functionName}(${decoded.args.map((a) => a.name).join(', ')})`,
    });
    for (const arg of decoded.args) rows.push({ label: `  ${arg.name} (${arg.type})`, value: arg.value });
  } else if (f.data === '0x') {
    rows.push({ label: 'Data', value: 'none' });
  } else {
    rows.push({
      label: known ? `Data (not a known ${known} call, raw hex)` : 'Data (raw hex)',
      value: f.data,
    });
  }
  return rows;
}
