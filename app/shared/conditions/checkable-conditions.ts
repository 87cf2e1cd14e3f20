import type { Condition, ConditionList } from './access-control-conditions.ts';
import { ADDRESS_PATTERN } from '../wire-values.ts';

/**
 * Which conditions the nodes can check (app/nodes/conditions/evm-conditions.ts). Data
 * encrypted under a condition the nodes cannot evaluate can never be opened, so encryption
 * refuses it up front, naming the field: "conditions.0.method" → what is wrong with it.
 *
 * What the nodes evaluate, and how its result compares:
 * - standardContractType "" with method "" (the requester's address: = or !=) or
 *   "eth_getBalance" (a number);
 * - "timestamp" with "eth_getBlockByNumber" (the latest block's time, a number);
 * - ERC20/ERC721/ERC1155 "balanceOf" (a number), ERC721 "ownerOf" (an address);
 * - an EVM contract condition whose functionName is its ABI's name.
 */
export function uncheckableConditionFields(list: ConditionList, path = 'conditions'): Record<string, string> {
  const fields: Record<string, string> = {};
  list.forEach((item, i) => {
    const at = `${path}.${i}`;
    if (Array.isArray(item)) Object.assign(fields, uncheckableConditionFields(item, at));
    else if (!('operator' in item)) Object.assign(fields, conditionProblems(item, at));
  });
  return fields;
}

const INTEGER = /^-?(0x[0-9a-fA-F]+|\d+)$/;
const ORDERING = new Set(['>', '>=', '<', '<=']);
const CHECKED =
  "no method (the requester's address), eth_getBalance, timestamp eth_getBlockByNumber, ERC20/ERC721/ERC1155 balanceOf, ERC721 ownerOf";

/** What each basic method reads: how many parameters, and whether the result is a number or an address. */
const BASIC_METHODS: Record<string, { params: number; result: 'number' | 'address'; needsContract: boolean }> = {
  ':': { params: 0, result: 'address', needsContract: false },
  ':eth_getBalance': { params: 1, result: 'number', needsContract: false },
  'timestamp:eth_getBlockByNumber': { params: 0, result: 'number', needsContract: false },
  'ERC20:balanceOf': { params: 1, result: 'number', needsContract: true },
  'ERC721:balanceOf': { params: 1, result: 'number', needsContract: true },
  'ERC1155:balanceOf': { params: 2, result: 'number', needsContract: true },
  'ERC721:ownerOf': { params: 1, result: 'address', needsContract: true },
};

function conditionProblems(c: Condition, at: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const { comparator, value } = c.returnValueTest;
  if ('functionAbi' in c) {
    if (c.functionName !== c.functionAbi.name)
      fields[`${at}.functionName`] = `must be the ABI's function name "${c.functionAbi.name}"`;
    if (c.functionParams.length !== c.functionAbi.inputs.length)
      fields[`${at}.functionParams`] =
        `the function takes ${c.functionAbi.inputs.length} argument(s), ${c.functionParams.length} given`;
    const key = c.returnValueTest.key ?? '';
    if (key !== '' && !c.functionAbi.outputs.some((o) => o.name === key))
      fields[`${at}.returnValueTest.key`] = `no output named "${key}" in the ABI`;
    if (ORDERING.has(comparator) && !INTEGER.test(value))
      fields[`${at}.returnValueTest.value`] = `"${comparator}" compares numbers: the value must be an integer`;
    return fields;
  }
  const method = BASIC_METHODS[`${c.standardContractType}:${c.method}`];
  if (!method) {
    fields[`${at}.method`] =
      `the nodes cannot check method "${c.method}" with standardContractType "${c.standardContractType}"; they check: ${CHECKED}`;
    return fields;
  }
  if (method.needsContract && !ADDRESS_PATTERN.test(c.contractAddress))
    fields[`${at}.contractAddress`] = 'must be a contract address (0x and 40 hex digits)';
  if (c.parameters.length < method.params)
    fields[`${at}.parameters`] = `${c.method} needs ${method.params} parameter(s), ${c.parameters.length} given`;
  else if (c.method === 'eth_getBalance' || c.method === 'balanceOf') {
    const owner = c.parameters[0]!;
    if (owner !== ':userAddress' && !ADDRESS_PATTERN.test(owner))
      fields[`${at}.parameters`] = `the first parameter must be an address or :userAddress, not "${owner}"`;
  }
  if (method.result === 'number') {
    if (comparator === 'contains')
      fields[`${at}.returnValueTest.comparator`] = `${c.method} gives a number: "contains" cannot test it`;
    else if (!INTEGER.test(value))
      fields[`${at}.returnValueTest.value`] =
        `${c.method || 'this method'} gives a number: the value must be an integer (wei for a balance)`;
  } else {
    if (comparator !== '=' && comparator !== '!=')
      fields[`${at}.returnValueTest.comparator`] = `an address compares only with = or !=, not "${comparator}"`;
    if (value !== ':userAddress' && !ADDRESS_PATTERN.test(value))
      fields[`${at}.returnValueTest.value`] = `must be an address or :userAddress, not "${value}"`;
  }
  return fields;
}
