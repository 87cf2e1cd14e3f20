import { Interface, isError, type ErrorDescription } from 'ethers';
import { artifacts } from './generated/artifacts.ts';

/**
 * A failed contract call or transaction, explained. `message` is meant for people;
 * `reason` is the contract's own revert string or custom error name, for code.
 */
export class ContractCallError extends Error {
  /** The contract's revert string, or the custom error's name; undefined if none came back. */
  readonly reason: string | undefined;
  /** Arguments of a custom error (ERC721NonexistentToken(tokenId) → [tokenId]). */
  readonly errorArgs: readonly unknown[];
  /** The ethers error code (CALL_EXCEPTION, INSUFFICIENT_FUNDS, ...) or 'UNKNOWN_ERROR'. */
  readonly code: string;

  constructor(
    message: string,
    options: { reason?: string; errorArgs?: readonly unknown[]; code: string; cause: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'ContractCallError';
    this.reason = options.reason;
    this.errorArgs = options.errorArgs ?? [];
    this.code = options.code;
  }
}

// The two interfaces below are made at their first use, not at load: each process (N nodes at
// every start) would otherwise parse every contract's ABI before it does anything.
let errors: Interface | undefined;
let functions: Interface | undefined;

/** Every custom error any Litbox contract can revert with (OpenZeppelin's included). */
const errorInterface = (): Interface => (errors ??= buildErrorInterface());

function buildErrorInterface(): Interface {
  const seen = new Map<string, unknown>();
  for (const artifact of Object.values(artifacts)) {
    for (const item of artifact.abi) {
      if (item.type !== 'error') continue;
      const key = `${item.name}(${item.inputs.map((i) => i.type).join(',')})`;
      seen.set(key, item);
    }
  }
  return new Interface([...seen.values()] as never[]);
}

/** Hints added to our contracts' revert strings: what to do next. */
const HINTS: Record<string, string> = {
  'There are no unminted routed token ids to mint':
    'the nodes have no pre-generated key ready; wait a moment for them to refill the pool, and check that the nodes are running',
  'You must pay exactly mint cost': 'send exactly PKPNFT.mintCost() wei as the value',
  'PKPPermissions: only the PKP NFT owner can change its permissions':
    'sign the transaction with the account that owns the PKP NFT (for a PKP that owns itself, a transaction signed by the PKP)',
};

const PANICS: Record<string, string> = {
  '1': 'assertion failed',
  '17': 'arithmetic overflow or underflow',
  '18': 'division by zero',
  '33': 'invalid enum value',
  '34': 'bad storage byte array',
  '49': 'pop from an empty array',
  '50': 'array index out of bounds',
  '65': 'out of memory',
  '81': 'call to an uninitialised function',
};

/** Human text for the custom errors of OpenZeppelin 5 that our contracts can raise. */
function describeCustomError(e: ErrorDescription): string {
  const a = e.args;
  switch (e.name) {
    case 'ERC721NonexistentToken':
      return `PKP ${String(a[0])} does not exist (it was never minted, or it was burned)`;
    case 'ERC721IncorrectOwner':
      return `${String(a[0])} does not own PKP ${String(a[1])}; its owner is ${String(a[2])}`;
    case 'ERC721InsufficientApproval':
      return `${String(a[0])} may not transfer PKP ${String(a[1])}: it is neither the owner nor approved`;
    case 'ERC721InvalidReceiver':
      return `${String(a[0])} cannot receive PKP NFTs (a contract without onERC721Received, or the zero address)`;
    case 'ERC721InvalidSender':
      return `invalid sender ${String(a[0])} for a PKP transfer`;
    case 'ERC721InvalidOwner':
      return `${String(a[0])} is not a valid PKP owner`;
    case 'ERC721InvalidApprover':
      return `${String(a[0])} may not approve others for this PKP`;
    case 'ERC721InvalidOperator':
      return `${String(a[0])} cannot be an operator`;
    case 'OwnableUnauthorizedAccount':
      return `${String(a[0])} is not the contract's admin (only the genesis account may do this)`;
    case 'OwnableInvalidOwner':
      return `${String(a[0])} cannot become the contract's admin`;
    default:
      return `${e.name}(${a.map((x) => String(x)).join(', ')})`;
  }
}

/** The first hex revert payload found anywhere in an ethers/JSON-RPC error chain. */
function findRevertData(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const stack: unknown[] = [err];
  while (stack.length > 0) {
    const e = stack.pop();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const o = e as Record<string, unknown>;
    const data = o['data'];
    if (typeof data === 'string' && /^0x[0-9a-fA-F]{8,}$/.test(data)) return data;
    if (data && typeof data === 'object') stack.push(data);
    for (const k of ['error', 'info', 'cause']) stack.push(o[k]);
  }
  return undefined;
}

interface DecodedRevert {
  reason: string;
  args: readonly unknown[];
  text: string;
}

/** Decodes revert data: Error(string), Panic(uint256) or one of our custom errors. */
export function decodeRevertData(data: string): DecodedRevert | undefined {
  if (data.length < 10) return undefined;
  let e: ErrorDescription | null = null;
  try {
    e = errorInterface().parseError(data);
  } catch {
    e = null;
  }
  if (!e) {
    return {
      reason: data.slice(0, 10),
      args: [],
      text: `the contract reverted with an unknown error (selector ${data.slice(0, 10)})`,
    };
  }
  if (e.name === 'Error') {
    const reason = String(e.args[0]);
    const hint = HINTS[reason];
    return { reason, args: [reason], text: hint ? `${reason} (${hint})` : reason };
  }
  if (e.name === 'Panic') {
    const code = String(e.args[0]);
    return {
      reason: 'Panic',
      args: [e.args[0]],
      text: `the contract hit an internal error (panic ${code}: ${PANICS[code] ?? 'unknown'})`,
    };
  }
  return { reason: e.name, args: [...e.args], text: describeCustomError(e) };
}

/** Every function of every Litbox contract, to name the call a failure came from. */
const functionInterface = (): Interface => (functions ??= buildFunctionInterface());

function buildFunctionInterface(): Interface {
  const seen = new Map<string, unknown>();
  for (const artifact of Object.values(artifacts)) {
    for (const item of artifact.abi) {
      if (item.type !== 'function') continue;
      seen.set(`${item.name}(${item.inputs.map((i) => i.type).join(',')})`, item);
    }
  }
  return new Interface([...seen.values()] as never[]);
}

/** The contract function an ethers error was about: from its invocation or its calldata. */
function calledFunction(err: unknown): string | undefined {
  const e = err as { invocation?: { method?: string } | null; transaction?: { data?: string } | null } | undefined;
  if (e?.invocation?.method) return e.invocation.method;
  const data = e?.transaction?.data;
  if (typeof data !== 'string' || data.length < 10) return undefined;
  try {
    return functionInterface().getFunction(data.slice(0, 10))?.name ?? undefined;
  } catch {
    return undefined;
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const short = (err as { shortMessage?: unknown }).shortMessage;
    return typeof short === 'string' ? short : err.message;
  }
  return String(err);
}

function isConnectionFailure(err: unknown): boolean {
  const text = `${errorText(err)} ${String((err as { cause?: unknown })?.cause ?? '')}`;
  return /ECONNREFUSED|ECONNRESET|fetch failed|socket hang up|connect ENOENT/i.test(text);
}

/**
 * Maps an error from an ethers v6 contract call or transaction to a ContractCallError with
 * a clear message: the contract's revert reason (custom errors decoded across all Litbox
 * contracts, even when they come from a contract the call went through), and plain words for
 * the usual non-revert failures. `context` names what was being done ("mint a PKP").
 */
export function explainContractError(err: unknown, context?: string): ContractCallError {
  if (err instanceof ContractCallError) return err;
  const what = context ?? calledFunction(err);
  const prefix = what ? `${what} failed: ` : '';
  const make = (text: string, code: string, reason?: string, errorArgs?: readonly unknown[]) =>
    new ContractCallError(`${prefix}${text}`, {
      code,
      cause: err,
      ...(reason === undefined ? {} : { reason }),
      ...(errorArgs === undefined ? {} : { errorArgs }),
    });

  const data = findRevertData(err);
  const decoded = data ? decodeRevertData(data) : undefined;
  if (decoded) return make(decoded.text, 'CALL_EXCEPTION', decoded.reason, decoded.args);

  if (isError(err, 'CALL_EXCEPTION')) {
    if (err.reason) return make(err.reason, err.code, err.reason);
    if (err.receipt) {
      return make(
        `transaction ${err.receipt.hash} reverted on chain without a reason (replay it with eth_call to see why)`,
        err.code,
      );
    }
    const to = err.transaction?.to;
    return make(`the call reverted without a reason${to ? ` (is there a Litbox contract at ${to}?)` : ''}`, err.code);
  }
  if (isError(err, 'BAD_DATA') && err.value === '0x') {
    return make(
      'no contract answered at this address (empty result): the chain may have lost the Litbox contracts, or the address is wrong',
      err.code,
    );
  }
  if (isError(err, 'INSUFFICIENT_FUNDS')) {
    return make(
      'the sending account has too little ETH to pay for this transaction (value plus gas); fund it first',
      err.code,
    );
  }
  if (isError(err, 'NONCE_EXPIRED') || isError(err, 'REPLACEMENT_UNDERPRICED')) {
    return make(
      'a transaction with this nonce was already sent from this account (two senders share one account, or a nonce was reused); send it again',
      err.code,
    );
  }
  if (isConnectionFailure(err) || isError(err, 'NETWORK_ERROR') || isError(err, 'TIMEOUT')) {
    return make('the chain does not answer; is the embedded chain (anvil) running?', 'NETWORK_ERROR');
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  return make(errorText(err), typeof code === 'string' ? code : 'UNKNOWN_ERROR');
}

/** Runs a contract call or transaction and rethrows any failure explained. */
export async function explained<T>(context: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw explainContractError(err, context);
  }
}
