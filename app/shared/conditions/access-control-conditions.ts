import { z } from 'zod';
import { AddressText } from '../wire-values.ts';

/**
 * Lit's access control conditions, in its JSON shape, for the sandbox chain (named "litbox").
 * Two kinds of condition: EVM basic (balance, ERC-20/721/1155 balanceOf and ownerOf, the
 * requester's address, the block timestamp) and EVM contract (any view function, with its
 * ABI). Conditions combine with {operator: "and" | "or"} between them; a nested array groups.
 */

export const SANDBOX_CHAIN_NAME = 'litbox';

export const Comparator = z.enum(['=', '!=', '>', '>=', '<', '<=', 'contains']);

export const ReturnValueTest = z.object({
  comparator: Comparator,
  value: z.string().max(256),
  /** EVM contract conditions: which output to test (name, or "" for the only one). */
  key: z.string().max(64).optional(),
});

export const EvmBasicCondition = z
  .object({
    conditionType: z.literal('evmBasic').optional(),
    contractAddress: z.string().max(42),
    standardContractType: z.enum(['', 'ERC20', 'ERC721', 'ERC1155', 'timestamp']),
    chain: z.string().max(32),
    method: z.string().max(64),
    parameters: z.array(z.string().max(256)).max(8),
    returnValueTest: ReturnValueTest,
  })
  .strict();

/**
 * A view function's parameter: only elementary types. The encryption identity hashes {name,
 * type} of each; a tuple's `components` would change the call without changing the hash.
 */
const AbiParam = z
  .object({
    name: z.string().max(64),
    type: z
      .string()
      .regex(/^(u?int\d{0,3}|address|bool|string|bytes\d{0,2})(\[\d*\])*$/, 'only elementary ABI types (no tuples)'),
  })
  .passthrough();

export const EvmContractCondition = z
  .object({
    conditionType: z.literal('evmContract').optional(),
    contractAddress: AddressText,
    functionName: z.string().max(64),
    functionParams: z.array(z.string().max(256)).max(8),
    functionAbi: z
      .object({
        name: z.string(),
        type: z.literal('function').optional(),
        stateMutability: z.enum(['view', 'pure']),
        inputs: z.array(AbiParam).max(8),
        outputs: z.array(AbiParam).min(1).max(8),
      })
      .passthrough(),
    chain: z.string().max(32),
    returnValueTest: ReturnValueTest,
  })
  .strict();

export const Operator = z.object({ operator: z.enum(['and', 'or']) }).strict();

export type Condition = z.infer<typeof EvmBasicCondition> | z.infer<typeof EvmContractCondition>;
export type ConditionList = (Condition | z.infer<typeof Operator> | ConditionList)[];

export const ConditionListSchema: z.ZodType<ConditionList> = z.lazy(() =>
  z
    .array(z.union([EvmContractCondition, EvmBasicCondition, Operator, ConditionListSchema]))
    .min(1)
    .max(32),
);

/**
 * Checks a condition list: the schema, conditions and operators alternating, and only the
 * sandbox chain. Returns the list or throws an Error that says what is wrong.
 */
export function parseConditions(input: unknown): ConditionList {
  const parsed = ConditionListSchema.safeParse(input);
  if (!parsed.success)
    throw new Error(
      `malformed access control conditions: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'conditions'}: ${i.message}`).join('; ')}`,
    );
  checkShape(parsed.data);
  return parsed.data;
}

function checkShape(list: ConditionList): void {
  list.forEach((item, i) => {
    const isOperator = !Array.isArray(item) && 'operator' in item;
    if (isOperator !== (i % 2 === 1))
      throw new Error('malformed access control conditions: conditions and {operator} must alternate');
    if (Array.isArray(item)) checkShape(item);
    else if (!isOperator && (item as Condition).chain !== SANDBOX_CHAIN_NAME)
      throw new Error(`unsupported chain "${(item as Condition).chain}": the sandbox chain is "${SANDBOX_CHAIN_NAME}"`);
  });
  if (list.length % 2 === 0) throw new Error('malformed access control conditions: the list ends with an operator');
}

/**
 * The conditions in canonical form: fixed key order, optional fields dropped, so that the
 * same conditions always hash the same, whoever wrote the JSON and in whatever key order.
 * The encryption identity is built from the SHA-256 of JSON.stringify of this.
 */
export function canonicalConditions(list: ConditionList): unknown[] {
  return list.map((item): unknown => {
    if (Array.isArray(item)) return canonicalConditions(item);
    if ('operator' in item) return { operator: item.operator };
    if ('functionAbi' in item)
      return {
        contractAddress: item.contractAddress,
        functionName: item.functionName,
        functionParams: item.functionParams,
        functionAbi: {
          name: item.functionAbi.name,
          inputs: item.functionAbi.inputs.map((p) => ({ name: p.name, type: p.type })),
          outputs: item.functionAbi.outputs.map((p) => ({ name: p.name, type: p.type })),
          stateMutability: item.functionAbi.stateMutability,
        },
        chain: item.chain,
        returnValueTest: {
          key: item.returnValueTest.key ?? '',
          comparator: item.returnValueTest.comparator,
          value: item.returnValueTest.value,
        },
      };
    return {
      contractAddress: item.contractAddress,
      chain: item.chain,
      standardContractType: item.standardContractType,
      method: item.method,
      parameters: item.parameters,
      returnValueTest: { comparator: item.returnValueTest.comparator, value: item.returnValueTest.value },
    };
  });
}
