import { ethers } from 'ethers';
import { checkAddress } from '../pkps/wallet-checks.ts';

/**
 * The encryption form's conditions, one row per condition, turned into Lit's
 * accessControlConditions JSON (the sandbox chain is "litbox"). Each builder checks what was
 * typed and says what is wrong, field by field, before anything is sent.
 */

export type ConditionKind = 'balance' | 'address' | 'erc721-owner' | 'erc721-balance' | 'contract-call';

export interface ConditionRow {
  kind: ConditionKind;
  /** balance: ETH; address: the address; erc721-balance: a count; contract-call: the value compared. */
  value: string;
  /** erc721-*, contract-call: the contract. */
  contract: string;
  /** erc721-owner: the token id. */
  tokenId: string;
  /** contract-call: a human-readable ABI fragment, e.g. "function balanceOf(address) view returns (uint256)". */
  signature: string;
  /** contract-call: comma-separated arguments; :userAddress is the requester. */
  args: string;
  comparator: '=' | '!=' | '>' | '>=' | '<' | '<=';
}

export const CONDITION_KINDS: { kind: ConditionKind; label: string }[] = [
  { kind: 'balance', label: 'The requester holds at least … ETH' },
  { kind: 'address', label: 'The requester is the address …' },
  { kind: 'erc721-owner', label: 'The requester owns the ERC-721 token …' },
  { kind: 'erc721-balance', label: 'The requester holds at least … tokens of an ERC-721 contract' },
  { kind: 'contract-call', label: 'A contract view call returns …' },
];

export function emptyRow(kind: ConditionKind = 'balance'): ConditionRow {
  return { kind, value: '', contract: '', tokenId: '', signature: '', args: ':userAddress', comparator: '>=' };
}

export type RowErrors = Partial<Record<'value' | 'contract' | 'tokenId' | 'signature' | 'args', string>>;

const CHAIN = 'litbox';

/** The wallet's address check, with a message for a condition's field. */
function checkAddressText(text: string): string | undefined {
  return text.trim() === '' ? 'Enter an address.' : checkAddress(text.trim());
}

/** One row as a Lit condition, or the errors to show next to its fields. */
export function buildCondition(row: ConditionRow): { condition?: object; errors: RowErrors } {
  const errors: RowErrors = {};
  const basic = (fields: object) => ({ conditionType: 'evmBasic', ...fields, chain: CHAIN });
  switch (row.kind) {
    case 'balance': {
      let wei: bigint | undefined;
      try {
        if (!/^\d+(\.\d+)?$/.test(row.value.trim())) throw new Error();
        wei = ethers.parseEther(row.value.trim());
      } catch {
        errors.value = 'Enter an amount of ETH, like 1 or 0.5.';
      }
      if (wei === undefined) return { errors };
      return {
        errors,
        condition: basic({
          contractAddress: '',
          standardContractType: '',
          method: 'eth_getBalance',
          parameters: [':userAddress', 'latest'],
          returnValueTest: { comparator: '>=', value: wei.toString() },
        }),
      };
    }
    case 'address': {
      const bad = checkAddressText(row.value);
      if (bad) return { errors: { value: bad } };
      return {
        errors,
        condition: basic({
          contractAddress: '',
          standardContractType: '',
          method: '',
          parameters: [':userAddress'],
          returnValueTest: { comparator: '=', value: ethers.getAddress(row.value.trim()) },
        }),
      };
    }
    case 'erc721-owner':
    case 'erc721-balance': {
      const badContract = checkAddressText(row.contract);
      if (badContract) errors.contract = badContract;
      if (row.kind === 'erc721-owner' && !/^\d+$/.test(row.tokenId.trim()))
        errors.tokenId = 'The token id is a whole number (the PKP page shows PKP token ids).';
      if (row.kind === 'erc721-balance' && !/^\d+$/.test(row.value.trim()))
        errors.value = 'Enter a whole number of tokens, like 1.';
      if (Object.keys(errors).length) return { errors };
      return {
        errors,
        condition: basic({
          contractAddress: ethers.getAddress(row.contract.trim()),
          standardContractType: 'ERC721',
          method: row.kind === 'erc721-owner' ? 'ownerOf' : 'balanceOf',
          parameters: row.kind === 'erc721-owner' ? [row.tokenId.trim()] : [':userAddress'],
          returnValueTest:
            row.kind === 'erc721-owner'
              ? { comparator: '=', value: ':userAddress' }
              : { comparator: '>=', value: row.value.trim() },
        }),
      };
    }
    case 'contract-call': {
      const badContract = checkAddressText(row.contract);
      if (badContract) errors.contract = badContract;
      let fragment: ethers.FunctionFragment | undefined;
      try {
        const text = row.signature.trim();
        fragment = ethers.FunctionFragment.from(text.startsWith('function ') ? text : `function ${text}`);
        if (fragment.stateMutability !== 'view' && fragment.stateMutability !== 'pure')
          errors.signature = 'Only view or pure functions can be conditions (add "view").';
        else if (fragment.outputs.length === 0)
          errors.signature = 'The function must return a value (add "returns (…)").';
      } catch {
        errors.signature = 'Write the function like: function balanceOf(address) view returns (uint256)';
      }
      const args = row.args.trim() === '' ? [] : row.args.split(',').map((a) => a.trim());
      if (fragment && !errors.signature && args.length !== fragment.inputs.length)
        errors.args = `The function takes ${fragment.inputs.length} argument(s); ${args.length} given.`;
      if (row.value.trim() === '') errors.value = 'Enter the value to compare the result with.';
      if (Object.keys(errors).length || !fragment) return { errors };
      return {
        errors,
        condition: {
          conditionType: 'evmContract',
          contractAddress: ethers.getAddress(row.contract.trim()),
          functionName: fragment.name,
          functionParams: args,
          functionAbi: {
            name: fragment.name,
            type: 'function',
            stateMutability: fragment.stateMutability,
            inputs: fragment.inputs.map((p, i) => ({ name: p.name || `arg${i}`, type: p.type })),
            outputs: fragment.outputs.map((p) => ({ name: p.name, type: p.type })),
          },
          chain: CHAIN,
          returnValueTest: { key: '', comparator: row.comparator, value: row.value.trim() },
        },
      };
    }
  }
}

/** All rows joined by their operators: the conditions, or every row's errors. */
export function buildConditions(
  rows: readonly ConditionRow[],
  joins: readonly ('and' | 'or')[],
): { conditions?: object[]; errors: RowErrors[] } {
  const built = rows.map(buildCondition);
  const errors = built.map((b) => b.errors);
  if (built.some((b) => !b.condition)) return { errors };
  const conditions: object[] = [];
  built.forEach((b, i) => {
    if (i > 0) conditions.push({ operator: joins[i - 1] ?? 'and' });
    conditions.push(b.condition!);
  });
  return { conditions, errors };
}
