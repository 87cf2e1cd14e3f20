import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import {
  EvmBasicCondition,
  EvmContractCondition,
  Operator,
  type Condition,
  type ConditionList,
} from '../conditions/access-control-conditions.ts';
import { uncheckableConditionFields } from '../conditions/checkable-conditions.ts';

/**
 * Access control conditions as Lit's SDK sends them to a node (docs/LIT-SDK.md): one of three
 * lists, already put in Lit's canonical form by the SDK. A node reads them into Litbox's own
 * conditions (the ones app/nodes/conditions evaluates) and hashes them the way the SDK did when
 * it encrypted, so that the identity it signs is the one the ciphertext was made for. The
 * hash is computed here from exactly what is evaluated, never taken from the request.
 */

/** The chains a condition may name: Lit's SDK accepts only its own chain names, and Litbox reads these on the sandbox chain. */
export const LIT_SANDBOX_CHAIN_ALIASES = ['ethereum'] as const;

export type LitConditionKind = 'accessControlConditions' | 'evmContractConditions' | 'unifiedAccessControlConditions';

const MAX_CONDITIONS = 32;
const RawList = z.array(z.unknown()).min(1).max(MAX_CONDITIONS);

/** The condition fields of a decryption request (exactly one list is given). */
export const LitConditionFields = z.object({
  accessControlConditions: RawList.optional(),
  evmContractConditions: RawList.optional(),
  solRpcConditions: RawList.optional(),
  unifiedAccessControlConditions: RawList.optional(),
});
export type LitConditionFields = z.infer<typeof LitConditionFields>;

/** Why a request's conditions cannot be used; `fields` names what is wrong where it can. */
export class LitConditionsError extends Error {
  readonly unsupported: boolean;
  constructor(message: string, unsupported = false) {
    super(message);
    this.unsupported = unsupported;
  }
}

export interface LitConditions {
  kind: LitConditionKind;
  /** The conditions as Litbox evaluates them. */
  list: ConditionList;
  /** hex(sha256(JSON of Lit's canonical form)): the SDK's `hashOfConditions`. */
  hash: string;
}

/**
 * Reads the one condition list of a request. Throws LitConditionsError: malformed, more than
 * one list, Solana conditions, a chain other than the sandbox's aliases, or a condition the
 * nodes cannot check (unsupported = true for the last three).
 */
export function readLitConditions(fields: LitConditionFields): LitConditions {
  const given = (
    ['accessControlConditions', 'evmContractConditions', 'solRpcConditions', 'unifiedAccessControlConditions'] as const
  ).filter((k) => fields[k] !== undefined);
  if (given.length !== 1)
    throw new LitConditionsError(
      given.length === 0
        ? 'the request has no access control conditions'
        : `the request has more than one kind of conditions (${given.join(', ')})`,
    );
  const kind = given[0]!;
  if (kind === 'solRpcConditions')
    throw new LitConditionsError('Solana conditions cannot be checked on a Litbox network (EVM conditions only)', true);
  const list = readList(fields[kind]!, kind, kind);
  const fieldProblems = uncheckableConditionFields(list, kind);
  const problems = Object.entries(fieldProblems);
  if (problems.length > 0)
    throw new LitConditionsError(problems.map(([field, problem]) => `${field}: ${problem}`).join('; '), true);
  return { kind, list, hash: bytesToHex(sha256(utf8ToBytes(JSON.stringify(litCanonical(list))))) };
}

function readList(items: readonly unknown[], kind: LitConditionKind, at: string): ConditionList {
  if (items.length === 0 || items.length > MAX_CONDITIONS)
    throw new LitConditionsError(`${at}: a condition list holds 1 to ${MAX_CONDITIONS} items`);
  if (items.length % 2 === 0) throw new LitConditionsError(`${at}: the list ends with an operator`);
  return items.map((item, i) => {
    const here = `${at}.${i}`;
    if (i % 2 === 1) {
      const op = Operator.safeParse(item);
      if (!op.success) throw new LitConditionsError(`${here}: conditions and {operator: "and" | "or"} must alternate`);
      return op.data;
    }
    if (Array.isArray(item)) return readList(item, kind, here);
    return readCondition(item, kind, here);
  });
}

function readCondition(item: unknown, kind: LitConditionKind, at: string): Condition {
  if (typeof item !== 'object' || item === null) throw new LitConditionsError(`${at}: not a condition`);
  const record = item as Record<string, unknown>;
  if ('operator' in record) throw new LitConditionsError(`${at}: conditions and operators must alternate`);
  const isContract =
    kind === 'evmContractConditions' ||
    (kind === 'unifiedAccessControlConditions' &&
      (record.conditionType === 'evmContract' || (record.conditionType === undefined && 'functionAbi' in record)));
  if (kind === 'unifiedAccessControlConditions' && record.conditionType !== undefined) {
    if (record.conditionType !== 'evmBasic' && record.conditionType !== 'evmContract')
      throw new LitConditionsError(
        `${at}.conditionType: "${String(record.conditionType)}" conditions cannot be checked on a Litbox network (evmBasic and evmContract only)`,
        true,
      );
  }
  if (kind === 'unifiedAccessControlConditions' && !isContract && ('pdaInterface' in record || 'params' in record))
    throw new LitConditionsError(`${at}: Solana conditions cannot be checked on a Litbox network`, true);
  const basicTypes: readonly unknown[] = EvmBasicCondition.shape.standardContractType.options;
  if (
    !isContract &&
    typeof record.standardContractType === 'string' &&
    !basicTypes.includes(record.standardContractType)
  )
    throw new LitConditionsError(
      `${at}.standardContractType: "${record.standardContractType}" conditions cannot be checked on a Litbox network (${basicTypes.map((t) => `"${String(t)}"`).join(', ')} only)`,
      true,
    );
  const parsed = (isContract ? EvmContractCondition : EvmBasicCondition).safeParse(item);
  if (!parsed.success)
    throw new LitConditionsError(
      `${at}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'condition'}: ${i.message}`).join('; ')}`,
    );
  const condition = parsed.data as Condition;
  if (!(LIT_SANDBOX_CHAIN_ALIASES as readonly string[]).includes(condition.chain))
    throw new LitConditionsError(
      `${at}.chain: "${condition.chain}" is not read by a Litbox network; conditions for ${LIT_SANDBOX_CHAIN_ALIASES.map((c) => `"${c}"`).join(', ')} are read on its sandbox chain`,
      true,
    );
  return condition;
}

/**
 * Lit's canonical form of a condition list, the one its SDK hashes (the same for all three
 * lists: a unified list drops `conditionType`). EVM basic conditions keep exactly the fields
 * Litbox's own canonical form keeps; EVM contract conditions also carry the ABI's `constant`
 * (false when absent) and the return value test's `key` (left out when absent).
 */
export function litCanonical(list: ConditionList): unknown[] {
  return list.map((item): unknown => {
    if (Array.isArray(item)) return litCanonical(item);
    if ('operator' in item) return { operator: item.operator };
    if ('functionAbi' in item) {
      const abi = item.functionAbi as typeof item.functionAbi & { constant?: unknown };
      return {
        contractAddress: item.contractAddress,
        functionName: item.functionName,
        functionParams: item.functionParams,
        functionAbi: {
          name: abi.name,
          inputs: abi.inputs.map((p) => ({ name: p.name, type: p.type })),
          outputs: abi.outputs.map((p) => ({ name: p.name, type: p.type })),
          constant: abi.constant === undefined ? false : abi.constant,
          stateMutability: abi.stateMutability,
        },
        chain: item.chain,
        returnValueTest: {
          key: item.returnValueTest.key,
          comparator: item.returnValueTest.comparator,
          value: item.returnValueTest.value,
        },
      };
    }
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

/** The identity the network signs to release the key of data encrypted under these conditions. */
export function litEncryptionIdentity(conditionsHash: string, dataToEncryptHash: string): string {
  return `lit-accesscontrolcondition://${conditionsHash}/${dataToEncryptHash}`;
}
