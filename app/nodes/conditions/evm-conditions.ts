import { Contract, isAddress, type Provider } from 'ethers';
import type { Condition, ConditionList } from '../../shared/conditions/access-control-conditions.ts';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

const ERC_ABI = [
  'function balanceOf(address) view returns (uint256)',
  'function balanceOf(address,uint256) view returns (uint256)',
  'function ownerOf(uint256) view returns (address)',
];

/**
 * Evaluates access control conditions against the sandbox chain for one requester, reading
 * the chain at the latest block. Every node evaluates them itself.
 */
export async function evaluateConditions(
  list: ConditionList,
  userAddress: string | undefined,
  provider: Provider,
): Promise<boolean> {
  let result = await evaluateItem(list[0]!, userAddress, provider);
  for (let i = 1; i < list.length; i += 2) {
    const { operator } = list[i] as { operator: 'and' | 'or' };
    // Short-circuit like the SDK's boolean expression: no chain read when the answer is known.
    if (operator === 'and' && !result) continue;
    if (operator === 'or' && result) continue;
    result = await evaluateItem(list[i + 1]!, userAddress, provider);
  }
  return result;
}

async function evaluateItem(
  item: ConditionList[number],
  user: string | undefined,
  provider: Provider,
): Promise<boolean> {
  if (Array.isArray(item)) return evaluateConditions(item, user, provider);
  return evaluateCondition(item as Condition, user, provider);
}

function substitute(value: string, user: string | undefined): string {
  if (value !== ':userAddress') return value;
  if (!user) throw new Error('the conditions test :userAddress, but the request proves no address (send an auth sig)');
  return user;
}

async function evaluateCondition(c: Condition, user: string | undefined, provider: Provider): Promise<boolean> {
  const expected = substitute(c.returnValueTest.value, user);
  if ('functionAbi' in c) {
    // Exactly the fields the encryption identity hashes (canonicalConditions), nothing else.
    const abi = c.functionAbi;
    const fragment = {
      type: 'function',
      name: abi.name,
      stateMutability: abi.stateMutability,
      inputs: abi.inputs.map((p) => ({ name: p.name, type: p.type })),
      outputs: abi.outputs.map((p) => ({ name: p.name, type: p.type })),
    };
    const contract = new Contract(c.contractAddress, [fragment], provider);
    const args = c.functionParams.map((p) => substitute(p, user));
    const out = await contract.getFunction(c.functionName).staticCallResult(...args);
    const key = c.returnValueTest.key ?? '';
    const value = key === '' ? out[0] : (out as unknown as Record<string, unknown>)[key];
    return compare(value, c.returnValueTest.comparator, expected);
  }
  const params = c.parameters.map((p) => substitute(p, user));
  switch (`${c.standardContractType}:${c.method}`) {
    case ':eth_getBalance':
      return compare(await provider.getBalance(params[0]!), c.returnValueTest.comparator, expected);
    case ':':
      // No method: the requester's own address, compared with the value.
      return compare(params[0] ?? user, c.returnValueTest.comparator, expected);
    case 'timestamp:eth_getBlockByNumber': {
      const block = await provider.getBlock('latest');
      return compare(BigInt(block?.timestamp ?? 0), c.returnValueTest.comparator, expected);
    }
    case 'ERC20:balanceOf':
    case 'ERC721:balanceOf':
    case 'ERC1155:balanceOf':
    case 'ERC721:ownerOf': {
      if (!isAddress(c.contractAddress)) throw new Error('this condition needs a contractAddress');
      const erc = new Contract(c.contractAddress, ERC_ABI, provider);
      const value =
        c.method === 'ownerOf'
          ? await erc.getFunction('ownerOf(uint256)').staticCall(params[0])
          : c.standardContractType === 'ERC1155'
            ? await erc.getFunction('balanceOf(address,uint256)').staticCall(params[0], params[1])
            : await erc.getFunction('balanceOf(address)').staticCall(params[0]);
      return compare(value, c.returnValueTest.comparator, expected);
    }
    default:
      throw new Error(`unsupported condition: ${c.standardContractType || 'plain'} ${c.method || '(no method)'}`);
  }
}

/** Numbers compare as integers; addresses and strings as text (addresses case-blind). */
export function compare(actual: unknown, comparator: string, expected: string): boolean {
  const asInt = (v: unknown): bigint | undefined => {
    try {
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      if (typeof v === 'string' && /^-?(0x[0-9a-fA-F]+|\d+)$/.test(v) && !ADDRESS.test(v)) return BigInt(v);
    } catch {
      // not a number
    }
    return undefined;
  };
  const a = asInt(actual);
  const b = asInt(expected);
  if (a !== undefined && b !== undefined) {
    switch (comparator) {
      case '=':
        return a === b;
      case '!=':
        return a !== b;
      case '>':
        return a > b;
      case '>=':
        return a >= b;
      case '<':
        return a < b;
      case '<=':
        return a <= b;
    }
  }
  const text = (v: unknown) => (typeof v === 'string' && ADDRESS.test(v) ? v.toLowerCase() : String(v));
  switch (comparator) {
    case '=':
      return text(actual) === text(expected);
    case '!=':
      return text(actual) !== text(expected);
    case 'contains':
      return Array.isArray(actual) ? actual.map(text).includes(text(expected)) : String(actual).includes(expected);
    default:
      throw new Error(`the comparator ${comparator} needs numbers`);
  }
}
