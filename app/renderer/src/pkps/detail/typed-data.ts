import { TypedDataEncoder, type TypedDataDomain, type TypedDataField } from 'ethers';

export interface TypedData {
  domain: TypedDataDomain;
  types: Record<string, TypedDataField[]>;
  primaryType?: string;
  message: Record<string, unknown>;
}

/** An EIP-712 request as wallets receive it (eth_signTypedData_v4), for the example. */
export const EXAMPLE_TYPED_DATA: TypedData = {
  domain: {
    name: 'Litbox Mail',
    version: '1',
    chainId: 31337,
    verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC',
  },
  primaryType: 'Mail',
  types: {
    Person: [
      { name: 'name', type: 'string' },
      { name: 'wallet', type: 'address' },
    ],
    Mail: [
      { name: 'from', type: 'Person' },
      { name: 'to', type: 'Person' },
      { name: 'contents', type: 'string' },
    ],
  },
  message: {
    from: { name: 'Alice', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
    to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' },
    contents: 'Hello, Bob!',
  },
};

/** The JSON a person pasted, checked as EIP-712: the data, its primary type and its digest, or what is wrong. */
export function parseTypedData(
  text: string,
):
  | { ok: true; data: TypedData; primaryType: string; digest: string; primaryTypeInferred: boolean }
  | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `This is not JSON: ${(err as Error).message}` };
  }
  const v = value as Partial<TypedData> | null;
  if (!v || typeof v !== 'object' || !isObject(v.domain) || !isObject(v.types) || !isObject(v.message))
    return { ok: false, error: 'Typed data needs "domain", "types" and "message" objects (eth_signTypedData_v4).' };
  const types = { ...v.types };
  delete types.EIP712Domain; // ethers derives the domain type itself
  try {
    const encoder = TypedDataEncoder.from(types);
    if (v.primaryType !== undefined && v.primaryType !== encoder.primaryType)
      return { ok: false, error: `primaryType is "${v.primaryType}", but the types say "${encoder.primaryType}".` };
    const data = { domain: v.domain, types, primaryType: encoder.primaryType, message: v.message };
    return {
      ok: true,
      data,
      primaryType: encoder.primaryType,
      primaryTypeInferred: v.primaryType === undefined,
      digest: TypedDataEncoder.hash(v.domain, types, v.message),
    };
  } catch (err) {
    return { ok: false, error: `Not valid EIP-712: ${plainEthersError((err as Error).message)}` };
  }
}

/** Nested values as label/value rows: "from.name" → "Alice". */
export function flattenForRows(value: unknown, prefix: string): { label: string; value: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => flattenForRows(item, `${prefix}[${i}]`));
  if (isObject(value))
    return Object.entries(value).flatMap(([key, item]) => flattenForRows(item, prefix ? `${prefix}.${key}` : key));
  return [{ label: prefix, value: String(value) }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A warning when the typed data names another chain than the sandbox's: a signature for chain
 * id 1 is valid there, not here (MetaMask refuses, Rabby warns). Undefined when it matches or
 * names no chain.
 */
export function chainWarning(domain: TypedDataDomain, sandboxChainId: number): string | undefined {
  if (domain.chainId === undefined || domain.chainId === null) return undefined;
  let chainId: bigint;
  try {
    chainId = BigInt(domain.chainId);
  } catch {
    return `domain.chainId "${String(domain.chainId)}" is not a number.`;
  }
  if (chainId === BigInt(sandboxChainId)) return undefined;
  const known: Record<string, string> = { '1': 'Ethereum mainnet', '11155111': 'Sepolia', '137': 'Polygon' };
  const name = known[chainId.toString()];
  return `This asks for a signature on chain id ${chainId}${name ? ` (${name})` : ''}, not the sandbox’s ${sandboxChainId}. Whatever it authorises would count there: sign only if you mean that chain.`;
}

/** ethers' error text without its trailing "(code=…, version=…)" details. */
export function plainEthersError(message: string): string {
  return message.replace(/\s*\((?:argument|value|code|info)=[\s\S]*\)\s*$/, '').trim();
}
